"""Author rules on small hand-written pages (metadata_authors): one behaviour per test."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from newsarchive.extract import extract

NOW = datetime(2024, 3, 12, 12, 0, tzinfo=UTC)
URL = "https://www.dailyherald.example/local/2024/03/12/bridge-reopens"
PARA = "<p>" + "The bridge over the river reopens after two years of repairs. " * 6 + "</p>"


def page(head: str = "", body: str = "", after: str = "") -> str:
    return (f"<html><head>{head}</head><body><h1>Bridge reopens</h1>{body}"
            f"<article>{PARA * 3}</article>{after}</body></html>")


def ld(obj: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


def authors(html: str, url: str = URL) -> list[str]:
    return extract(html, url, fetched_at=NOW).authors


def test_publisher_in_author_meta_lets_a_later_author_meta_name_the_person() -> None:
    head = ('<meta name="author" content="Daily Herald">'
            '<meta property="og:site_name" content="Daily Herald">'
            '<meta name="parsely-author" content="Mara Quist">')
    assert authors(page(head)) == ["Mara Quist"]


def test_site_name_found_under_its_article_or_domain_spelling() -> None:
    # "The Daily Herald" on dailyherald.example is the site, not a person: the byline wins
    head = '<meta name="author" content="The Daily Herald">'
    assert authors(page(head, '<p class="byline">By Olle Brandt</p>')) == ["Olle Brandt"]
    obj = {"@type": "NewsArticle", "author": {"@type": "Person", "name": "Daily Herald"},
           "publisher": {"@type": "Organization", "name": "DailyHerald.com"}}
    assert authors(page(ld(obj), '<p class="byline">By Olle Brandt</p>')) == ["Olle Brandt"]
    # alone, the site's name is still better than nothing
    assert authors(page(head)) == ["The Daily Herald"]


def test_person_named_like_the_domain_is_not_a_publisher() -> None:
    url = "https://olle-brandt.example/2024/03/notes"
    head = ld({"@type": "BlogPosting", "author": {"@type": "Person", "name": "Olle Brandt"}})
    body = '<p class="byline">Guest Speaker</p>'
    assert authors(page(head, body), url) == ["Olle Brandt"]


def test_site_name_byline_yields_to_a_written_by_line() -> None:
    head = '<meta property="og:site_name" content="Daily Herald">'
    body = ('<div class="td-post-author-name">By <a href="/author/dh">Daily Herald</a></div>'
            '<p><em>Written by <a href="https://other.example/x">Ines Varga</a></em></p>')
    assert authors(page(head, body)) == ["Ines Varga"]


def test_byline_inside_a_layout_named_for_its_sidebar_is_read() -> None:
    body = ('<div class="main has-double-sidebar"><div class="entry"><h5><em>Von Lene Hart'
            '</em></h5></div></div><div class="sidebar"><p>Von Kai Sommer</p></div>')
    assert authors(page(body=body)) == ["Lene Hart"]

    # a layout class naming its sidebar inside one word: the wrapper, not a sidebar
    body = ('<div class="layoutTwoColumnsRightSidebar"><p><em>Text von Lene Hart</em></p>'
            '</div>')
    assert authors(page(body=body)) == ["Lene Hart"]
    body = ('<div class="two-column-sidebar-layout"><p><em>Von Lene Hart</em></p></div>'
            '<div class="sidebar"><p>Von Kai Sommer</p></div>')
    assert authors(page(body=body)) == ["Lene Hart"]


def test_line_break_after_a_lone_label_ends_the_names() -> None:
    # "Von <b>A</b> und <b>B</b><br>Place / Country": the place is on the next line
    body = ('<p>Von <strong><a href="https://a.example">Lene Hart</a></strong> und '
            '<strong>Kai Sommer</strong><br><span></span><br>Kakuma / Kenia</p>')
    assert authors(page(body=body)) == ["Lene Hart", "Kai Sommer"]
    # the name on the line after the label is still read
    assert authors(page(body="<p>Von<br><strong>Lene Hart</strong></p>")) == ["Lene Hart"]


def test_handle_or_email_after_a_name_ends_it() -> None:
    # the handle sits between two names: both are read, not "Lene Hart Kai Sommer"
    body = '<p class="byline">By Lene Hart @lenehart Kai Sommer</p>'
    assert authors(page(body=body)) == ["Lene Hart", "Kai Sommer"]
    body = '<p class="byline">Lene Hart (@lenehart)</p>'
    assert authors(page(body=body)) == ["Lene Hart"]
    # an e-mail address is no handle: not cut down to "lene.hart.example.org"
    body = '<p class="byline">Lene Hart lene.hart@example.org</p>'
    assert authors(page(body=body)) == ["Lene Hart"]

def test_degree_after_a_comma_is_not_a_second_author() -> None:
    head = '<meta property="article:author" content="Nadia Ferreira, PhD">'
    assert authors(page(head)) == ["Nadia Ferreira"]
    head = '<meta name="author" content="Tom Ekberg, MD, and Lia Kent, M.Sc.">'
    assert authors(page(head)) == ["Tom Ekberg", "Lia Kent"]


def test_html_entities_in_json_ld_names_are_decoded() -> None:
    head = ld({"@type": "NewsArticle", "author": {"@type": "Person",
                                                   "name": "Redacci&oacute;n Central"}})
    assert authors(page(head)) == ["Redacción Central"]


def test_author_box_bio_gives_the_name_like_link_not_a_book_title() -> None:
    bio = ('<div class="author-bio-box"><p><a href="/books/harbour">Lights of the Harbour</a> '
           "is the third novel by <b>KARL ENGSTROM</b>, who has written for many papers and "
           'magazines over two decades. <a href="/author/karl">Karl Engstrom</a></p></div>')
    assert authors(page(body=bio)) == ["Karl Engstrom"]


def test_author_box_tag_links_are_not_names() -> None:
    tags = ["Wind Power", "Markets", "Offshore", "Grid Expansion", "Battery Storage", "World"]
    box = ('<div class="post-meta vcard author"><span>01.12.2022</span> / <span class="fn">'
           '<a href="/autor/x"><img alt="Logo"></a></span>'
           + "".join(f' / <a rel="tag" href="/thema/{i}">{t}</a>' for i, t in enumerate(tags))
           + "</div>")
    assert authors(page(body=box)) == []


def test_author_box_first_name_completed_by_the_full_byline_next_to_it() -> None:
    body = ('<div class="author-card"><span class="author-name">Ana Ruiz</span></div>'
            '<p class="byline">Ana Ruiz, Pablo Soto y Marta Gil</p>')
    assert authors(page(body=body)) == ["Ana Ruiz", "Pablo Soto", "Marta Gil"]


def test_label_ending_with_a_byline_word_announces_the_name_in_the_next_element() -> None:
    body = '<div class="meta">Ein Beitrag von <strong>Jonas Elm</strong> | 03.02.2024</div>'
    assert authors(page(body=body)) == ["Jonas Elm"]
    body = '<p><em>Story by: <a href="https://wire.example/p/1">Rhea Lind</a></em></p>'
    assert authors(page(body=body)) == ["Rhea Lind"]


def test_footer_credits_are_not_bylines() -> None:
    footer = ('<footer><div class="credit">Proudly powered by <a href="/">Blogware</a> | '
              'Theme: <a href="/t">Tidy</a> by <a href="/m">Theme Makers</a></div></footer>')
    assert authors(page(after=footer)) == []


def test_label_and_name_in_one_text() -> None:
    body = '<div class="info">12.03.2024 <span>- Redaktion: Tilo Berg (Pressesprecher)</span></div>'
    assert authors(page(body=body)) == ["Tilo Berg"]


def test_chinese_editor_label() -> None:
    body = "<div><span>（责任编辑：王小明）</span></div>"
    assert authors(page(body=body)) == ["王小明"]


def test_lone_label_word_in_a_label_element() -> None:
    body = ('<div class="credits"><div class="credit-label">Interview</div>'
            '<div class="credit-text">PETRA HOLM</div></div>')
    assert authors(page(body=body)) == ["PETRA HOLM"]


def test_dated_rows_of_a_listing_are_not_bylines() -> None:
    rows = "".join(f"<p>0{d}.11.2024 - Band {c} - Big Hall</p>" for d, c in ("1A", "2B", "3C"))
    assert authors(page(body=rows)) == []
    assert authors(page(body="<p>04.02.2022 | 13:10 Uhr | Jana Roth</p>")) == ["Jana Roth"]


def test_byline_elements_are_read_with_spaces_between_their_children() -> None:
    body = ('<div class="article-author"><a href="/p/1">Studio Nord</a><span>vor 5 Stunden'
            "</span><span>Mehr</span></div>")
    assert authors(page(body=body)) == ["Studio Nord"]


def test_author_label_inside_a_meta_line_and_the_label_after_the_name() -> None:
    body = ('<div class="article-meta"><span>Datum: 19.11.2023</span> <span>Autor: Timo Grau'
            "</span><span>Quelle: Kirchenblatt</span></div>")
    assert authors(page(body=body)) == ["Timo Grau"]


def test_date_after_the_name_and_date_only_labels_in_bylines() -> None:
    body = ('<div class="byline">Stand: 20. April 2024, 14:57 Uhr</div>'
            '<div class="post-author">Greta Ulm 1. November 2023 10:29</div>')
    assert authors(page(body=body)) == ["Greta Ulm"]


def test_source_credit_signed_under_the_article() -> None:
    after = "<p><strong>Quelle: Radio Nord/ls</strong></p>"
    assert authors(page(after=after)) == ["Radio Nord/ls"]


def test_conversation_byline_names_both_people() -> None:
    body = '<p class="author">Anna Berger im Gespräch mit Paul Stein</p>'
    assert authors(page(body=body)) == ["Anna Berger", "Paul Stein"]


def test_user_name_in_a_posts_meta_line() -> None:
    body = ('<div class="meta">Posted in <a href="/category/news" rel="category tag">News</a> '
            "by quietreader on August 3, 2019</div>")
    assert authors(page(body=body)) == ["quietreader"]
    # the same words in running text are not a byline
    body = '<p>Posted in <a href="/category/news">News</a> by quietreader on August 3</p>'
    assert authors(page(body=body)) == []


def test_visible_by_line_overrides_json_ld_naming_someone_else() -> None:
    head = ld({"@type": "NewsArticle", "author": {"@type": "Person", "name": "Web Producer"}})
    body = '<div class="byline">By Ada Mertens and Luis Ortega</div>'
    assert authors(page(head, body)) == ["Ada Mertens", "Luis Ortega"]
    # a byline naming the same person keeps the structured name
    body = '<div class="byline">By Web Producer</div>'
    assert authors(page(head, body)) == ["Web Producer"]


def test_piece_then_its_author_in_running_text() -> None:
    body = "<p>Ein Gastbeitrag von Lotte Krämer</p>"
    assert authors(page(body=body)) == ["Lotte Krämer"]
    body = "<p>A film by Ken Loach</p>"  # not a piece of writing: not a byline
    assert authors(page(body=body)) == []


def test_desk_and_agency_credit_with_a_slash_stays_one_credit() -> None:
    head = ld({"@type": "NewsArticle", "author": {"@type": "Person", "name": "kol/dpa"}})
    assert authors(page(head)) == ["kol/dpa"]
    body = '<p class="byline">red, nord.example.at/<span>Agenturen</span></p>'
    assert authors(page(body=body)) == ["red", "nord.example.at/Agenturen"]
    # a person and an agency are two credits, and so are spaced names
    assert authors(page(body='<p class="byline">Lena Vogt/AFP</p>')) == ["Lena Vogt", "AFP"]
    assert authors(page(body='<p class="byline">Lena Vogt / Ian Kerr</p>')) == [
        "Lena Vogt", "Ian Kerr"]


def test_microdata_organization_author_yields_to_a_person() -> None:
    head = '<meta name="dc.creator" content="Hanne Lund">'
    body = ('<div itemscope itemprop="author" itemtype="https://schema.org/Organization">'
            '<meta itemprop="name" content="Herald Editorial"></div>')
    assert authors(page(head, body)) == ["Hanne Lund"]
    assert authors(page(body=body)) == ["Herald Editorial"]


def test_forum_profile_link_names_the_poster() -> None:
    body = ('<div class="deal-head"><img alt="avatar"> <a href="/member.php?u=4711">KaffeeKarl'
            "</a> 18.10.2019, 15:07 Uhr</div>")
    assert authors(page(body=body)) == ["KaffeeKarl"]


def test_press_contact_of_a_release_without_byline() -> None:
    after = ("<p><strong>Pressekontakt</strong><br>Dr. Eva Brandt<br>Pressesprecherin Beispiel AG"
             "<br>Tel.: 0211 123 456<br>eva.brandt@example.org</p>")
    assert authors(page(after=after)) == ["Dr. Eva Brandt"]
    # a contact block without phone or e-mail is a menu heading, not a person
    after = "<ul><li>Kontakt</li><li>Impressum Seite</li><li>Datenschutz</li></ul>"
    assert authors(page(after=after)) == []


def test_chinese_author_label_with_the_reporter_word() -> None:
    assert authors(page(body="<p><font>作者： 记者李华</font></p>")) == ["李华"]


def test_words_before_von_are_not_a_label_unless_they_name_the_piece() -> None:
    body = ("<p>Premiere von <b>Faust Zwei</b> am Freitag</p>"
            "<p>präsentiert von <b>Kaffee Kult</b></p>")
    assert authors(page(body=body)) == []
    body = '<ul><li><a href="/p/9">Blog post by Noah Fenn (Update)</a></li></ul>'
    assert authors(page(body=body)) == []  # a linked post title


def test_json_ld_person_kept_when_the_byline_only_says_redaktion() -> None:
    head = ld({"@type": "NewsArticle", "author": {"@type": "Person", "name": "Jan Wester"}})
    assert authors(page(head, '<div class="byline">Autor Redaktion</div>')) == ["Jan Wester"]


def test_social_profile_url_is_not_an_author() -> None:
    head = ('<meta property="article:author" content="facebook.com/cookingsite">'
            '<meta name="author" content="Gina Rossi">')
    assert authors(page(head)) == ["Gina Rossi"]


def test_page_wrapper_classed_for_its_authors_is_not_an_author_box() -> None:
    wrapper = ('<section class="post autor-ana-diaz"><a href="/" rel="category tag taxonomy">'
               'Portada Especial</a><a href="/">Inicio Rapido</a>' + PARA * 8 + "</section>")
    assert authors(page(body=wrapper)) == []


def test_lowercase_von_in_a_heading_is_prose_not_a_byline() -> None:
    body = "<h2>Vorteile beim <strong>Leasing</strong> von Firmenwagen</h2>"
    assert authors(page(body=body)) == []


def test_archive_link_text_gives_the_name() -> None:
    after = '<div class="box"><a href="/author/jonas-ried">Alle Artikel von Jonas Ried</a></div>'
    assert authors(page(after=after)) == ["Jonas Ried"]
    after = '<p><a href="/author/jonas-ried/">View all posts by Jonas Ried</a></p>'
    assert authors(page(after=after)) == ["Jonas Ried"]


def test_press_contact_label_and_person_in_one_paragraph() -> None:
    after = "<p>Kontakt:<br>Ole Sand<br>E-Mail: presse@example.org</p>"
    assert authors(page(after=after)) == ["Ole Sand"]


def test_copyright_holder_only_on_the_persons_own_site_or_signed_text() -> None:
    footer = "<footer><p>© 2021 Lena Marquardt</p></footer>"
    # the domain or a path segment spells the name: a personal site or profile page
    assert authors(page(after=footer), "https://lenamarquardt.example/2021/05/notes") == [
        "Lena Marquardt"]
    assert authors(page(after=footer), "https://writers.example/lena-marquardt/") == [
        "Lena Marquardt"]
    # a news site's footer: no author (it names the company or a photographer)
    assert authors(page(after=footer)) == []
    for credit in ("© Getty Images", "© 2022 Fotoagentur Nord/Ole Hansen", "© KNA",
                   "© Stadt Musterhausen", "© 2020 Landesverband Nord GmbH"):
        assert authors(page(after=f"<footer><p>{credit}</p></footer>"),
                       "https://musterhausen.example/news/1") == []
    # "© 2019 Jane Doe" as the paragraph right after the text signs the text itself
    signed = PARA + "<p>© 2019 Lena Marquardt</p>"
    assert authors(page(body=f"<div>{signed}</div>")) == ["Lena Marquardt"]
    # ... but "© Getty Images" under a picture there is a photo credit
    credit = PARA + "<p>© Getty Images</p>"
    assert authors(page(body=f"<div>{credit}</div>")) == []


def test_template_placeholders_and_bare_labels_are_no_names() -> None:
    # a script's JSON state with the field's placeholder, a byline holding only its label
    state = '<script>var cfg = {"author": "Name", "lang": "de"};</script>'
    assert authors(page(body=state)) == []
    assert authors(page(body='<div class="byline">Article by</div>')) == []
    # a link to the members' directory is no author page's link
    assert authors(page(body='<a href="/members/list">Member List</a>')) == []
    assert authors(page(body='<div class="byline">By Ines Vogt</div>')) == ["Ines Vogt"]


def test_bold_line_above_a_list_or_of_commas_is_no_signature() -> None:
    url = "https://n.example.com/s"
    body = ("<div>" + PARA + "<p><strong>Example costs</strong></p>"
            "<ul><li>Price: 20 EUR</li></ul></div>")
    assert authors(page(body=body), url) == []
    body = "<div>" + PARA + "<p><b>Monday, Sunday, Thursday</b></p></div>"
    assert authors(page(body=body), url) == []
    body = "<div>" + PARA + "<p><b>Ines Vogt</b></p></div>"
    assert authors(page(body=body), url) == ["Ines Vogt"]


def test_author_meta_holding_the_sites_address_or_a_phrase_yields_to_the_byline() -> None:
    byline = '<p class="byline">Von Ines Vogt</p>'
    for value in ("Tagesblatt.de GmbH, Munich, Germany", "deinen Hochzeitsbloggern"):
        head = f'<meta name="author" content="{value}">'
        assert authors(page(head, byline)) == ["Ines Vogt"]
    # with nothing else named, the meta value is still what the page has
    assert authors(page('<meta name="author" content="deinen Hochzeitsbloggern">')) == [
        "deinen Hochzeitsbloggern"]
    # a list of people is no address
    head = '<meta name="author" content="Mara Quist, Olle Brandt">'
    assert authors(page(head, byline)) == ["Mara Quist", "Olle Brandt"]


def test_author_meta_naming_the_json_ld_author_and_more_completes_the_list() -> None:
    obj = {"@type": "NewsArticle", "author": {"@type": "Person", "name": "Mara Quist"}}
    head = ld(obj) + '<meta name="author" content="Mara Quist, Olle Brandt">'
    assert authors(page(head)) == ["Mara Quist", "Olle Brandt"]
    # a meta naming someone else does not add to the structured author
    head = ld(obj) + '<meta name="author" content="Olle Brandt">'
    assert authors(page(head)) == ["Mara Quist"]


def test_agency_credited_by_the_opening_dateline() -> None:
    url = "https://regional.example.de/hamburg/fronten-verhaertet"
    body = ("<div><p>Kiel (dpa/lno) – Nach dem Treffen bleiben die Fronten verhärtet. "
            + "Die Gespräche gehen weiter. " * 8 + "</p></div>")
    assert authors(page(body=body), url) == ["dpa/lno"]
    body = "<div><p>WASHINGTON (AP) — The Senate passed the bill late on Tuesday.</p></div>"
    assert authors(page(body=body), url) == ["AP"]
    # a teaser in a related block, or a bracket that is no credit, names nobody
    body = "<div><p>Paris (France) – The city hosts the games this summer.</p></div>"
    assert authors(page(body=body), url) == []
    body = ('<div class="related"><p>Kiel (dpa/lno) – Der Zug fällt aus.</p></div>'
            "<div><p>Die Stadt (rund 250.000 Einwohner) plant neu.</p></div>")
    assert authors(page(body=body), url) == []
    # a byline wins over the dateline
    body = ('<p class="byline">Von Ines Vogt</p><div><p>Kiel (dpa/lno) – Nach dem Treffen '
            "bleiben die Fronten verhärtet.</p></div>")
    assert authors(page(body=body), url) == ["Ines Vogt"]


def test_caption_label_and_a_trailing_date_are_no_byline() -> None:
    url = "https://n.example.com/s"
    body = ("<div><p>Bild: Logo des <em>Finanzpreises</em> von <em>Bankblatt</em>, "
            "<em>Versichern</em> und Morgen</p></div>")
    assert authors(page(body=body), url) == []
    body = "<div><p>Autorin: Ines Vogt, IFZ, Oktober 2008</p></div>"
    assert authors(page(body=body), url) == ["Ines Vogt", "IFZ"]


def test_author_picture_link_gives_the_name_from_its_alt_or_title() -> None:
    body = ('<div class="meta"><a href="/autoren/jonas-ried-123"><picture>'
            '<img alt="Jonas Ried" src="/j.jpg"></picture><span>© Foto Studio</span></a></div>')
    assert authors(page(body=body)) == ["Jonas Ried"]
    body = '<a title="Jonas Ried" href="/authors/jonasried/"><img alt="" src="/j.jpg"></a>'
    assert authors(page(body=body)) == ["Jonas Ried"]
    # an avatar's alt that is no name names nobody
    body = '<a href="/author/jried/"><img alt="avatar" src="/j.jpg"></a>'
    assert authors(page(body=body)) == []
