"""Author rules read from the page's text and its edges (author_opening, author_signed,
author_text): one behaviour per test, on small hand-written pages."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from newsarchive.extract import extract

NOW = datetime(2024, 3, 12, 12, 0, tzinfo=UTC)
URL = "https://www.dailyherald.example/local/2024/03/12/bridge-reopens"
PARA = "<p>" + "The bridge over the river reopens after two years of repairs. " * 6 + "</p>"


def ld(obj: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


def authors(html: str, url: str = URL) -> list[str]:
    return extract(html, url, fetched_at=NOW).authors


def article(head: str, opening: str, meta_line: str = "") -> str:
    return (f"<html><head>{head}</head><body><article><h1>Bridge reopens</h1>{meta_line}"
            f"<p><strong>The town celebrates.</strong></p>{opening}{PARA * 3}</article>"
            "</body></html>")


def test_opening_byline_wins_over_the_account_that_published_the_post() -> None:
    # Yoast writes the WordPress account into JSON-LD; the text names the interviewer
    head = ld({"@type": "Article", "author": {"@type": "Person", "name": "Paul Webmaster"}})
    opening = ('<p><em>Ein Interview von <strong>Eugen Ziegler</strong> mit '
               '<strong>Sonja Berg</strong>.</em></p>')
    assert authors(article(head, opening)) == ["Eugen Ziegler"]
    # a Drupal "submitted by" user name yields to "Blog Beitrag von ..."
    meta_line = ('<p class="submitted">Gespeichert von <span class="username">human</span> '
                 "am 7. Juli 2019</p>")
    assert authors(article("", "<p>Blog Beitrag von Margarita Korn</p>", meta_line)) == [
        "Margarita Korn"]
    # "Von ..." with a soft hyphen inside the name
    assert authors(article(head, "<p><span><strong>Von Mat\u00adthi\u00adas Lauer</strong>"
                                 "</span></p>")) == ["Matthias Lauer"]


def test_opening_byline_keeps_structured_names_it_agrees_with() -> None:
    head = ld({"@type": "Article", "author": {"@type": "Person", "name": "Perry Bacon Jr."}})
    assert authors(article(head, "<p>By Perry Bacon Jr.</p>")) == ["Perry Bacon Jr."]
    # a byline naming the structured author and one more completes the list
    head = ld({"@type": "Article", "author": {"@type": "Person", "name": "Ada Stone"}})
    assert authors(article(head, "<p>By Ada Stone and Ben Roe</p>")) == ["Ada Stone", "Ben Roe"]


def test_opening_paragraph_that_is_no_byline_changes_nothing() -> None:
    head = ld({"@type": "Article", "author": {"@type": "Person", "name": "Ada Stone"}})
    # prose, a book's title line and a company are not the article's writers
    for opening in ("<p>By the end of the week the bridge will carry traffic again.</p>",
                    "<p>By Jane Doe, Penguin, 2020</p>",
                    "<p>Von Herald Media GmbH</p>"):
        assert authors(article(head, opening)) == ["Ada Stone"]


def test_hidden_author_link_yields_to_the_visible_posted_by_line() -> None:
    # Blogger: the post's "Posted by" list, and the template's hidden rel=author link to the
    # blog owner's profile
    body = ('<div class="post-content"><span class="byline-author">Posted by Nia Park, Varun '
            'Khanna, Eric Mill and Kiran C Nair - Chrome Safe Browsing team</span>'
            f"{PARA * 3}</div><div class='post-footer'><a href='https://profiles.example/1' "
            "rel='author' style='display:none;'>Google</a></div>")
    html = f"<html><body><h1>Enhanced protection</h1>{body}</body></html>"
    assert authors(html) == ["Nia Park", "Varun Khanna", "Eric Mill", "Kiran C Nair"]
    # alone, the hidden link still names someone
    html = ("<html><body><h1>Enhanced protection</h1><a href='/p/1' rel='author' "
            f"style='display: none'>Nia Park</a>{PARA * 3}</body></html>")
    assert authors(html) == ["Nia Park"]


def test_long_byline_is_read_only_when_it_lists_names() -> None:
    # a byline box that runs on into the date and the share buttons is no list of names
    body = ('<div class="byline">By Evan Hale Staff Writer Feb. 19, 2020 4 AM Facebook Twitter '
            "Show more sharing options Share Close extra sharing options Facebook Twitter "
            "LinkedIn Email Copy Link URL Copied! Print</div>"
            '<div class="author-name">Evan Hale</div>')
    html = f"<html><body><h1>Debate night</h1>{body}{PARA * 3}</body></html>"
    assert authors(html) == ["Evan Hale"]


def test_name_signed_flush_right_in_a_font_tag_above_the_footnotes() -> None:
    text = "<p>" + "Le marché du travail reste tendu malgré la reprise. " * 6 + "</p>"
    body = (f"<div>{text * 3}"
            '<p align="right"><em><font size="2" face="Arial">Denis Clair</font></em></p>'
            "<p><font size='2'>(1) Ces chiffres sont collectés par l'OCDE et Eurostat.</font>"
            "</p></div>")
    html = f"<html><body><h1>Les 35 heures</h1>{body}</body></html>"
    assert authors(html, "https://revue.example/site/35heures.html") == ["Denis Clair"]
    # not flush right, a bold line followed by more text is a subheading
    body = (f"<div>{text * 3}<p><b><font size='2'>Denis Clair</font></b></p>{text}</div>")
    html = f"<html><body><h1>Les 35 heures</h1>{body}</body></html>"
    assert authors(html, "https://revue.example/site/35heures.html") == []


def test_editor_is_not_the_author() -> None:
    # a dictionary entry's source line: the book's editor, marked up as its author
    body = ('<p class="src"><em><span itemprop="source">The Deleuze dictionary</span>. '
            '<span itemprop="author">Revised Edition Edited by Adrian Pratt </span>.</em></p>')
    html = f"<html><body><h1>micropolitics</h1>{PARA * 3}{body}</body></html>"
    assert authors(html) == []
    # a wire byline credits the reporter before the editors
    body = '<p class="byline">Reporting by Jill Serra; Editing by Marga Choy</p>'
    html = f"<html><body><h1>Awards</h1>{body}{PARA * 3}</body></html>"
    assert authors(html) == ["Jill Serra"]


def test_classic_wordpress_meta_line_names_the_author_before_the_time() -> None:
    body = ('<div class="post"><h3 class="storytitle">Ins neue Jahr</h3><div class="meta">'
            'Filed under: <a href="/category/a/" rel="category tag">Alltag</a>,<a href="/c/b/" '
            'rel="category tag">Bücher</a> &#8212; jancak @ 00:11 <br />Tags: <a href="/t/" '
            f'rel="tag">Neujahr</a></div><div class="storycontent">{PARA * 3}</div></div>')
    html = f"<html><body><h1>Literaturgeflüster</h1>{body}</body></html>"
    assert authors(html, "https://lit.example/2019/01/01/ins-neue-jahr/") == ["jancak"]
    # outside a post's meta line, a lower-case word before a time is no name
    body = f"<div class='entry'><p>Kaffee &#8212; pause @ 10:30</p>{PARA * 3}</div>"
    html = f"<html><body><h1>Programm</h1>{body}</body></html>"
    assert authors(html, "https://lit.example/programm/") == []


def test_author_labels_of_more_languages() -> None:
    text = "<p>" + "Köprü iki yıllık onarımın ardından yeniden trafiğe açılıyor. " * 6 + "</p>"

    def page(body: str) -> str:
        return f"<html><body><h1>Köprü açıldı</h1>{body}{text * 3}</body></html>"

    url = "https://haber.example/2024/03/12/kopru"
    assert authors(page('<div><span>Yazar:</span> <a href="/x">Ayşe Yılmaz</a></div>'), url) == [
        "Ayşe Yılmaz"]
    assert authors(page('<div class="meta">Szerző: Kovács Anna</div>'), url) == ["Kovács Anna"]
    assert authors(page("<p>Kirjoittaja: Matti Virtanen</p>"), url) == ["Matti Virtanen"]
    # Korean and Japanese bylines name the role after the name
    assert authors(page('<span class="byline">홍길동 기자, 김철수 기자</span>'), url) == [
        "홍길동", "김철수"]
    assert authors(page('<div class="author">山田太郎記者</div>'), url) == ["山田太郎"]


def test_club_acronym_with_the_domains_words_names_the_site() -> None:
    url = "http://bayrische-bembel.example/modules/news/article.php?storyid=504"
    head = '<meta name="author" content="EFC Bayrische Bembel">'
    body = f"<div><span>Geschrieben von </span><a href='/u/7'>Cooper</a></div>{PARA * 3}"
    html = f"<html><head>{head}</head><body><h1>Auswärtsfahrt</h1>{body}</body></html>"
    assert authors(html, url) == ["Cooper"]
    # a person whose site is named after them stays the author
    head = '<meta name="author" content="Dr. Jane Doe">'
    body = '<p class="byline">Posted by admin</p>'
    html = f"<html><head>{head}</head><body><h1>Notes</h1>{body}{PARA * 3}</body></html>"
    assert authors(html, "https://janedoe.example/notes") == ["Dr. Jane Doe"]


def test_what_the_piece_is_is_no_part_of_the_name() -> None:
    body = ('<div class="author">Pressemitteilung von Katja Kipp</div>'
            f"<div>{PARA * 3}</div>")
    html = f"<html><body><h1>Abzocke</h1>{body}</body></html>"
    assert authors(html) == ["Katja Kipp"]


def test_signature_byline_after_a_dash_rule_names_the_author() -> None:
    # an encyclopedia entry signed under its title: "<em>---- by Jane Doe</em>"
    html = ("<html><body><h1>Micropolitics</h1><div><span><strong><em>---- by Kenneth Surin"
            f"</em></strong></span></div>{PARA * 3}</body></html>")
    assert authors(html) == ["Kenneth Surin"]


def test_a_dash_before_a_non_byline_word_stays_prose() -> None:
    html = (f"<html><body><h1>Bridge reopens</h1><p>— bypass roads stay open</p>{PARA * 3}"
            "</body></html>")
    assert authors(html) == []


def test_closing_name_and_role_lines_sign_a_statement() -> None:
    html = ("<html><body><h1>Grußbotschaft zum Fest</h1>" + PARA * 3 +
            "<p>Möge diese Nacht für alle gesegnet sein und Frieden bringen.</p>"
            "<p>Kazım TÜRKMEN<br> Bundesvorsitzender</p></body></html>")
    assert authors(html) == ["Kazım Türkmen"]


def test_an_address_block_is_no_signature() -> None:
    html = ("<html><body><h1>Kontakt</h1>" + PARA * 3 +
            "<p>Schreiben Sie uns, wir antworten gern auf Ihre Fragen.</p>"
            "<p>Stadtwerke Musterstadt<br> Hauptstraße 5</p></body></html>")
    assert authors(html) == []
