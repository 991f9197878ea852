"""Body text, the article element, is_article and access on hand-written pages."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import lxml.html
import pytest

from newsarchive.extract import body
from newsarchive.extract.body_clean import block_text, clean_lines, drop_named_boxes
from newsarchive.extract.document import Document
from newsarchive.profiles import parse_profile
from newsarchive.record import Record

NOW = datetime(2024, 3, 12, 12, 0, tzinfo=UTC)
URL = "https://news.example.com/world/2024/03/12/some-story"


def para(n: int) -> str:
    return (f"<p>Paragraph {n} of the story tells what happened in the town that day, "
            "who was there and why it matters for the people who live nearby.</p>")


ARTICLE = f"""<html><head><title>Storm hits the coast</title></head><body>
<nav><a href="/">Home</a><a href="/world">World</a></nav>
<main><article class="story">
  <h1>Storm hits the coast</h1>
  <p class="standfirst">A short summary of the storm that hit the coast on Tuesday night and
  what it did to the harbour.</p>
  <div class="article-body">
    {para(1)}
    <figure><img src="/a.jpg"><figcaption>Waves at the pier. Photo: Jane Roe</figcaption>
    </figure>
    {para(2)}
    <h2>What comes next</h2>
    {para(3)}
    <p>(AP Photo/John Smith)</p>
    {para(4)}
    <div class="share-bar"><a href="#">Share on Facebook</a><a href="#">Tweet</a></div>
  </div>
  <section class="comments"><ol>
    <li class="comment"><p>First comment text by a reader who disagrees strongly here.</p></li>
    <li class="comment"><p>Second comment text by another reader who agrees instead.</p></li>
  </ol></section>
</article></main>
<footer><p>Copyright Example News. All rights reserved, including the text.</p></footer>
</body></html>"""


def make(html: str, url: str = URL) -> tuple[Document, Record]:
    doc = Document(html, url)
    return doc, Record(url=url, canonical_url=url, site="example.com",
                       headline="Storm hits the coast")


def test_generic_body_leaves_out_captions_credits_share_and_comments() -> None:
    doc, rec = make(ARTICLE)
    before = lxml.html.tostring(doc.tree)
    exclude = doc.tree.xpath("//section[@class='comments']")
    node = body.fill_body(doc, rec, None, {}, exclude)
    assert lxml.html.tostring(doc.tree) == before  # doc.tree is shared: never mutated
    text = rec.body or ""
    for n in (1, 2, 3, 4):
        assert f"Paragraph {n} of the story" in text
    assert "What comes next" in text
    assert text.startswith("A short summary of the storm")  # the standfirst is recovered
    for junk in ("Waves at the pier", "Photo:", "AP Photo", "Share on Facebook", "comment text",
                 "Copyright", "Home"):
        assert junk not in text
    assert "\n\n" in text and "\n\n\n" not in text
    assert rec.provenance["body"] == "generic"
    assert node is not None and node.tag in ("div", "article")
    assert "Paragraph 1" in node.text_content()


def test_site_layer_body_drops_figures_and_excluded_nodes() -> None:
    doc, rec = make(ARTICLE)
    prof = parse_profile({"name": "ex", "hosts": ["news.example.com"],
                          "fields": {"body": "div.article-body"}})
    exclude = doc.tree.xpath("//div[@class='share-bar']")
    node = body.fill_body(doc, rec, prof, {"body": "div.article-body"}, exclude)
    assert rec.provenance["body"] == "site"
    assert node is doc.tree.xpath("//div[@class='article-body']")[0]
    text = rec.body or ""
    assert text.split("\n\n")[0].startswith("Paragraph 1")
    assert "What comes next" in text.split("\n\n")
    assert "Waves at the pier" not in text and "Share on Facebook" not in text
    assert "AP Photo" not in text  # credit lines go in the site layer too


def test_excluded_wrapper_holding_the_article_is_ignored() -> None:
    # another extractor mistaking the article wrapper for a related block must not empty the body
    doc, rec = make(ARTICLE)
    body.fill_body(doc, rec, None, {}, doc.tree.xpath("//div[@class='article-body']"))
    assert "Paragraph 3 of the story" in (rec.body or "")


@pytest.mark.parametrize("line", [
    "Photo: Jane Roe", "(AP Photo/John Smith)", "© Reuters", "Foto: dpa",
    "Read also: Another story about storms", "Lesen Sie auch: Sturm an der Küste",
    "Subscribe to our newsletter", "[Another article about weather](https://x.example/a)",
])
def test_clean_lines_drops_boilerplate(line: str) -> None:
    text = f"First paragraph of real text.\n{line}\nLast paragraph of real text."
    assert clean_lines(text, links=True) == \
        "First paragraph of real text.\n\nLast paragraph of real text."


def test_clean_lines_keeps_inline_links_as_text_and_cuts_a_trailing_related_list() -> None:
    text = ("One [linked](https://x.example/) word.\nTwo.\nThree.\nFour.\nRelated articles\n"
            "Some other story")
    assert clean_lines(text, links=True) == "One linked word.\n\nTwo.\n\nThree.\n\nFour."


@pytest.mark.parametrize("line", [
    "Der Beitrag gibt die Meinung des Autors wieder, nicht die der Redaktion.",
    "Les articles n'engagent que leurs auteurs.",
    "The site is not responsible for the opinions presented by contributors.",
    "Dieser Text wurde veröffentlicht in Heft 3.",
    "*Werbung. Dieser Beitrag enthält Werbung für eine Marke.",
    "For breaking news download the Example News apps for iOS and Android.",
    "¿Ya sabías que tenemos canal de Telegram? Únete aquí.",
    "Follow The Paper on Twitter and Instagram.",
    "Möchten Sie den Artikel teilen?", "Dieses Skript als PDF herunterladen",
    "Das Thema könnte dich auch interessieren:", "Gefällt dir unser Magazin?",
    "We want to hear what you think about this article.",
    "Vorschau auf den nächsten Artikel", "Quellen ausblenden",
    "Mit der Registrierung akzeptieren Sie unsere Datenschutz- und Nutzungsbedingungen.",
    "Abonnieren Sie for me und erhalten Sie exklusive Angebote!", "Video verfügbar bis 28.02.2021",
    "Aufrufe: 1120 | Hinzugefügt von: Posh", "page.html - Last Modified: 03-10-2004 2:20pm",
    "Tú también puedes hacer periodismo incómodo. Cancela cuando quieras.",
    "(Alle Angaben ohne Gewähr)", "Materiał chroniony prawem autorskim.",
    "SUGGESTED CITATION Doe, Jane: A post, Blog, 2020/4/09.",
    "Get the latest news straight to your phone with the Example app.",
    "We need your help. Donate", "Abbildung 4: klassische Schwachschicht.",
    "Abbildung: Vergleich auf dem Gletscher", "Figure 2: The model",
    "Vergrößern Eine kleine Aussparung im Display.", "Aktualisiert: 11.04.2020, 10:27",
    "Dowiedz się więcej: Kto jak głosował", "Mehr zu Klima und Konsum",
    "Más sobre La Tercera", "Zurück zum Newsroom",
    "3:59 PM", "11 Jan 2019", "24. März 2004, 19:49 | Genesis", "2021-10-16 | Botschaft",
    "Bei diesem Beitrag handelt es sich um ein Blog aus der Community",
    "Alles über nachhaltige Wanderschuhe findest Du hier.",
    "Das Heft jetzt auch digital! Einfach hier klicken und registrieren!",
])
def test_clean_lines_drops_closing_notices(line: str) -> None:
    text = f"First paragraph of real text.\n{line}\nLast paragraph of real text."
    assert clean_lines(text) == "First paragraph of real text.\n\nLast paragraph of real text."


def test_clean_lines_keeps_a_sentence_that_starts_with_a_date() -> None:
    text = "One.\n11 Jan 2019 was the day the river rose over the banks.\nTwo."
    assert "river rose" in clean_lines(text)


def test_clean_lines_keeps_a_sentence_about_a_youtube_channel_in_running_text() -> None:
    text = "One.\nWir nutzen die Sequenzen meines Youtube-Kanals für die Challenge.\nTwo."
    assert "Youtube-Kanals" in clean_lines(text)


@pytest.mark.parametrize("heading", ["Über den Autor", "Quellenangaben:", "Kontakt:",
                                     "Häufig gestellte Fragen"])
def test_clean_lines_cuts_a_trailing_author_sources_or_contact_section(heading: str) -> None:
    text = f"One.\nTwo.\nThree.\n{heading}\nJane Doe, Musterstraße 1, Berlin."
    assert clean_lines(text) == "One.\n\nTwo.\n\nThree."


def test_block_text_paragraphs() -> None:
    node = lxml.html.fromstring("<div><p>A <b>bold</b> move.</p>Loose text<br>after break"
                                "<ul><li>one</li><li>two</li></ul><figcaption>x</figcaption>"
                                "</div>")
    assert block_text(node) == "A bold move.\n\nLoose text\n\nafter break\n\none\n\ntwo"


def section_page(teasers: int = 30) -> str:
    items = "".join(
        f'<li><a href="/world/2024/03/{i:02d}/story-{i}">Headline number {i} about the news '
        f"of the day</a><p>Teaser {i} text.</p></li>" for i in range(teasers))
    return (f'<html><head><meta property="og:type" content="website"></head><body><h1>World'
            f"</h1><ul>{items}</ul></body></html>")


def test_section_page_with_30_teasers_is_not_an_article() -> None:
    doc, rec = make(section_page(), "https://news.example.com/world/")
    body.fill_body(doc, rec, None, {}, [])
    body.fill_access(doc, rec, None, {})
    assert rec.is_article is False
    assert rec.access == "none"


def test_article_is_free_by_default() -> None:
    doc, rec = make(ARTICLE)
    body.fill_body(doc, rec, None, {}, [])
    body.fill_access(doc, rec, None, {})
    assert rec.is_article is True and rec.access == "free"


def test_paywall_from_schema_org_flag() -> None:
    ld = json.dumps({"@type": "NewsArticle", "headline": "Storm hits the coast",
                     "isAccessibleForFree": "False"})
    html = ARTICLE.replace("</head>", f'<script type="application/ld+json">{ld}</script></head>')
    doc, rec = make(html)
    body.fill_body(doc, rec, None, {}, [])
    body.fill_access(doc, rec, None, {})
    assert rec.is_article and rec.access == "paywall"


def test_short_body_next_to_subscribe_prompt_is_a_teaser() -> None:
    html = ('<html><head><meta property="og:type" content="article"></head><body><article>'
            "<h1>Storm hits the coast</h1><p>The storm that hit the coast on Tuesday night did "
            "more damage than expected, officials said on Wednesday morning.</p>"
            '<div class="promo">To continue reading, subscribe now. Already a subscriber? '
            "Log in.</div></article></body></html>")
    doc, rec = make(html)
    body.fill_body(doc, rec, None, {}, [])
    body.fill_access(doc, rec, None, {})
    assert rec.is_article and rec.access == "teaser"


def test_empty_page_gives_no_body_and_no_article() -> None:
    doc, rec = make("<html><body><div></div></body></html>")
    assert body.fill_body(doc, rec, None, {}, []) is None
    body.fill_access(doc, rec, None, {})
    assert rec.body is None and rec.is_article is False and rec.access == "none"


def test_whole_extract_on_the_article() -> None:
    from newsarchive.extract import extract

    rec = extract(ARTICLE, URL, fetched_at=NOW)
    assert rec.headline == "Storm hits the coast"
    assert "Paragraph 4 of the story" in (rec.body or "")
    assert rec.is_article


def test_generic_body_gathers_a_body_cut_into_twin_wrappers_and_keeps_link_addresses() -> None:
    link = "<p><a href='https://x.example/report'>https://x.example/report</a></p>"
    cols = "".join(f'<div class="col"><div class="inner">{para(n)}{link if n == 2 else ""}'
                   f"{para(n + 10)}</div></div>" for n in range(1, 4))
    html = (f"<html><body><nav><a href='/'>Home</a></nav><article><h1>Storm hits the coast</h1>"
            f"<section class='story'>{cols}</section>"
            "<h3>More from the coast</h3><ul class='list'>"
            + "".join(f"<li><a href='/s{i}'>Another story about the coast number {i}</a></li>"
                      for i in range(5))
            + "</ul></article></body></html>")
    doc, rec = make(html)
    body.fill_body(doc, rec, None, {}, [])
    text = rec.body or ""
    assert rec.provenance["body"] == "generic"
    for n in (1, 2, 3, 11, 12, 13):
        assert f"Paragraph {n} of the story" in text
    assert "https://x.example/report" in text
    assert "Another story" not in text and "More from the coast" not in text


def test_generic_body_survives_deep_nesting_and_junk() -> None:
    html = "<html><body>" + "<div>" * 3000 + para(1) * 5 + "</div>" * 10 + "<p>\x00\ufffd"
    doc, rec = make(html)
    body.fill_body(doc, rec, None, {}, [])
    body.fill_access(doc, rec, None, {})
    assert rec.body is None or "Paragraph 1" in rec.body


def test_parsed_tree_elements_are_html_elements_with_text_content() -> None:
    doc = Document("<html><body><form><label>Name <input name='q'></label></form>"
                   "<p>Some <b>bold</b> text.</p></body></html>", URL)
    assert all(isinstance(el, lxml.html.HtmlElement) for el in doc.tree.iter())
    assert doc.tree.find(".//p").text_content() == "Some bold text."


def test_generic_body_leaves_out_a_factbox_inside_the_article() -> None:
    box = ('<div class="art-ins mol-factbox floatRHS"><p>As many as a million people in the '
           "box that sits beside the story and repeats figures from elsewhere.</p></div>")
    doc, rec = make(f"<html><body><div class='article-text'>{para(1)}{box}{para(2)}{para(3)}"
                    "</div></body></html>")
    body.fill_body(doc, rec, None, {}, [])
    assert rec.provenance["body"] == "generic"
    assert "Paragraph 3 of the story" in (rec.body or "")
    assert "As many as a million" not in (rec.body or "")


BOXED = f"""<html><body><article>
  <h1>Storm hits the coast</h1>
  <section class="editorial-disclosure"><p>This post contains references to products from our
  advertisers. We may receive compensation when you click on links to those products.</p>
  </section>
  {"".join(para(n) for n in range(1, 9))}
  <div class="cbx-Author"><div class="cbx-Author_Info"><p>Jane Roe is an editor for the
  business desk and writes about harbours, shipping and the weather on the coast.</p></div></div>
  {para(9)}
  <div class="newsletter-signup"><p>Get the morning briefing in your inbox every day: sign in
  with your address and we send you the five stories you need before breakfast.</p></div>
</article></body></html>"""


def test_trafilatura_fallback_leaves_out_author_box_disclosure_and_newsletter_box() -> None:
    doc, rec = make(BOXED)
    found = body._trafilatura(doc, [], rec.headline, [])
    assert found is not None
    text = found[0]
    for n in range(1, 10):
        assert f"Paragraph {n} of the story" in text
    for junk in ("may receive compensation", "Jane Roe is an editor", "morning briefing"):
        assert junk not in text


def test_drop_named_boxes_keeps_a_wrapper_named_author_that_holds_the_article() -> None:
    tree = lxml.html.fromstring(
        f"<html><body><div class='post author-jane'><h1>T</h1>{para(1)}{para(2)}</div>"
        "<div class='about-author'><p>Jane writes about storms.</p></div>after</body></html>")
    drop_named_boxes(tree)
    text = tree.text_content()
    assert "Paragraph 1" in text and "Paragraph 2" in text
    assert "Jane writes" not in text
    assert text.endswith("after")  # the text after a removed box stays


def linked_para(n: int) -> str:
    return (f"<p>Entry {n}: the <a href='/w/a{n}'>spell</a> was taught at the "
            f"<a href='/w/s{n}'>school</a> by <a href='/w/t{n}'>the teacher</a> in the "
            f"<a href='/w/c{n}'>charms class</a> of the <a href='/w/y{n}'>sixth year</a>.</p>")


@pytest.mark.parametrize("container", ["div class='entry-content'", "div class='mw-parser-output'",
                                       "div itemprop='articleBody'"])
def test_link_rich_body_named_as_content_is_not_left_out_as_a_related_block(
        container: str) -> None:
    # wiki and glossary pages link every other word: the related-block finder may take the
    # whole text for a link list, but a container named as the article body is the article
    html = (f"<html><body><nav><a href='/'>Home</a></nav><h1>Storm hits the coast</h1>"
            f"<{container}>{''.join(linked_para(n) for n in range(1, 9))}</div>"
            "<ul class='site-map'>"
            + "".join(f"<li><a href='/p{n}'>Another page of the site, number {n}</a></li>"
                      for n in range(60)) + "</ul></body></html>")
    doc, rec = make(html)
    node = doc.tree.xpath("//h1/following-sibling::div")[0]
    body.fill_body(doc, rec, None, {}, [node])
    assert "Entry 1: the spell" in (rec.body or "") and "Entry 8" in (rec.body or "")


def test_a_related_block_is_still_left_out() -> None:
    html = (f"<html><body><h1>Storm hits the coast</h1><div class='story'>"
            f"{''.join(para(n) for n in range(1, 6))}</div><div class='more-stories'>"
            f"{''.join(linked_para(n) for n in range(1, 4))}</div></body></html>")
    doc, rec = make(html)
    body.fill_body(doc, rec, None, {}, doc.tree.xpath("//div[@class='more-stories']"))
    assert "Paragraph 5" in (rec.body or "") and "Entry 1" not in (rec.body or "")


def test_generic_body_keeps_a_pull_quote_in_a_cms_widget_block() -> None:
    html = (f"<html><body><h1>Storm hits the coast</h1><div class='story'>"
            f"{para(1)}{para(2)}<div class='widget quote'><h6>«We had never seen the water "
            "come up so fast», said the harbour master on Wednesday morning.</h6></div>"
            f"{para(3)}<div class='widget click-to-tweet-quote'><p>Tweet this: the water came "
            f"up so fast that nobody had time to move the boats.</p></div>{para(4)}"
            "</div></body></html>")
    doc, rec = make(html)
    body.fill_body(doc, rec, None, {}, [])
    text = rec.body or ""
    assert "We had never seen the water come up so fast" in text
    assert "Paragraph 4" in text and "Tweet this" not in text


@pytest.mark.parametrize("line", [
    "View this post on Instagram", "A post shared by Harbour Watch (@harbourwatch)",
    "Sieh dir diesen Beitrag auf Instagram an", "Ein Beitrag geteilt von Jane Roe (@janeroe)",
    "Tags: storm, coast, harbour", "Schlagwörter: Sturm Küste Hafen",
    "Filed under: Weather | Tags: storm", "Kategorie: Wetter", "Seite 1 von 12 1 2 3 » Letzte »",
    "Page 2 of 5", "Facebook Twitter WhatsApp E-Mail", "Teilen:", "twitter",
    "Warning: Undefined variable $x in /var/www/html/wp-content/themes/a/single.php on line 12",
])
def test_clean_lines_drops_embed_placeholders_taxonomy_pagination_and_share_names(
        line: str) -> None:
    text = f"First paragraph of real text.\n{line}\nLast paragraph of real text."
    assert clean_lines(text) == "First paragraph of real text.\n\nLast paragraph of real text."


@pytest.mark.parametrize("line", [
    "The mayor posted a video of the flooded pier on Instagram on Wednesday.",
    "Tags on the boats were checked by the harbour police after the storm.",
    "Page 3 of the report lists every damaged house.",
    "Twitter users shared pictures of the waves all night.",
])
def test_clean_lines_keeps_sentences_that_mention_networks_tags_or_pages(line: str) -> None:
    text = f"First paragraph of real text.\n{line}\nLast paragraph of real text."
    assert line in clean_lines(text)


@pytest.mark.parametrize("line", [
    "Photo Source: Jane Roe from Pexels.", "Photocredits HARBOURCO: Jane Roe", "Bildnachweis:",
    "Beitragsbild via Unsplash.", "Photo by Jane Roe on Unsplash", "(Symbolbild)",
    "Der Hafen nach dem Sturm. (Symbolfoto) Bildrechte: IMAGO",
    "Der Hafen am Mittwochmorgen / picture alliance", "Illustrationen / Fotos: Jane Roe",
])
def test_clean_lines_drops_image_credits(line: str) -> None:
    text = f"First paragraph of real text.\n{line}\nLast paragraph of real text."
    assert clean_lines(text) == "First paragraph of real text.\n\nLast paragraph of real text."


@pytest.mark.parametrize("line", [
    "Die Bildrechte an den Fotos vom Sturm liegen bei den Lesern, sagte die Redaktion.",
    "The photo by the harbour master shows the pier under water.",
    "Die Agentur dpa meldete am Abend weitere Schäden an der Küste.",
    "Bilder von der überfluteten Promenade zeigen das Ausmaß der Schäden.",
])
def test_clean_lines_keeps_sentences_about_photos_and_agencies(line: str) -> None:
    text = f"First paragraph of real text.\n{line}\nLast paragraph of real text."
    assert line in clean_lines(text)


def test_generic_body_leaves_out_mediawiki_edit_links() -> None:
    html = ("<html><body><h1>Storm hits the coast</h1><div class='mw-parser-output'>"
            f"{para(1)}<h2><span class='mw-headline'>Effects</span><span class='mw-editsection'>"
            f"<span>[</span><a href='/w?action=edit'>edit</a><span>]</span></span></h2>"
            f"{para(2)}{para(3)}</div></body></html>")
    doc, rec = make(html)
    body.fill_body(doc, rec, None, {}, [])
    assert "Effects" in (rec.body or "").split("\n\n") and "[edit]" not in (rec.body or "")
