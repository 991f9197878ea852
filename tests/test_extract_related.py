"""Related-link blocks: found by words and by structure; nav, tag clouds, footers are not."""

from __future__ import annotations

from newsarchive.extract import related
from newsarchive.extract.document import Document
from newsarchive.record import Record

ARTICLE = ("<article><h1>Headline</h1><p>" + "Body text of the article. " * 20
           + '<a href="/en/2025/12/01/another-story-inline-link">an inline link in the text</a>'
           + "</p></article>")


def run(html: str, fields: dict | None = None) -> Record:
    doc = Document(f"<html><body>{ARTICLE}{html}</body></html>", "https://nashaniva.com/en/380000")
    rec = Record(url=doc.url, canonical_url=doc.url, site="nashaniva.com")
    found = related.fill_related(doc, rec, None, fields or {})
    assert len(found) >= len(rec.related_blocks)  # refused blocks stay out of the body too
    assert related.blocks_of(doc) == found
    return rec


def test_trailing_counts_and_image_duplicate_links() -> None:
    rec = run("""
      <div class="block"><div class="block-head">Now reading</div>
        <a href="/en/381234"><img src="/t.jpg"></a>
        <a href="/en/381234">Bragin police chief shot his wife. She miraculously survived
          <span>10</span></a></div>
      <div class="block"><div class="block-head"><a href="/en/news">All news →</a></div><ul>
        <li><a href="/en/381001">Zelenskyy: My address from Kupyansk was decisive <span>14</span>
          </a></li>
        <li><a href="/en/381002">Fiaduta: We were captives of aliens <span>39</span></a></li>
        <li><a href="/en/381004">A Belarusian man arrested in Poland for walking near railway</a>
          </li>
      </ul></div>""")
    assert [b.title for b in rec.related_blocks] == ["Now reading", "All news"]
    now = rec.related_blocks[0].links
    assert [(lk.url, lk.title, lk.comment_count) for lk in now] == [
        ("https://nashaniva.com/en/381234",
         "Bragin police chief shot his wife. She miraculously survived", 10)]
    counts = [(lk.title, lk.comment_count) for lk in rec.related_blocks[1].links]
    assert counts == [("Zelenskyy: My address from Kupyansk was decisive", 14),
                      ("Fiaduta: We were captives of aliens", 39),
                      ("A Belarusian man arrested in Poland for walking near railway", None)]


def test_plain_text_counts_when_the_whole_block_has_them() -> None:
    rec = run("""<section><h3>Самое читаемое</h3><ul>
      <li><a href="/ru/1001">Лукашенко подписал новый указ о пенсиях 14</a></li>
      <li><a href="/ru/1002">В Минске открыли новую станцию метро 3</a></li>
      <li><a href="/ru/1003">Top 10 ways to spend a weekend in Minsk</a></li></ul></section>""")
    links = rec.related_blocks[0].links
    assert [(lk.title, lk.comment_count) for lk in links] == [
        ("Лукашенко подписал новый указ о пенсиях", 14),
        ("В Минске открыли новую станцию метро", 3),
        ("Top 10 ways to spend a weekend in Minsk", None)]


def test_unknown_language_found_by_structure() -> None:
    rec = run("""<div class="box"><h2>Вам можа спадабацца</h2><ul>
      <li><a href="/be/2025/12/10/uradavyja-naviny-pra-padatki">
        Урад абвясціў новыя правілы падаткаў</a></li>
      <li><a href="/be/2025/12/09/hakej-minsk-vyjhraў">
        Мінскае «Дынама» выйграла ў Маскве зноў</a></li>
      </ul></div>""")
    assert [b.title for b in rec.related_blocks] == ["Вам можа спадабацца"]
    assert len(rec.related_blocks[0].links) == 2


def test_navigation_tags_footer_share_are_not_related() -> None:
    rec = run("""
      <header><nav><h2>Sections</h2><ul><li>
        <a href="/en/world/europe/news">World news and politics of Europe</a></li>
        <li><a href="/en/sport/football/news">Sport news and football results today</a></li></ul>
          </nav></header>
      <div class="tags"><h3>Tags</h3><a href="/en/tag/venezuela">Venezuela</a>
        <a href="/en/tag/russia">Russia</a><a href="/en/tag/china">China</a></div>
      <div class="share"><h3>Share</h3>
        <a href="https://facebook.com/sharer?u=x">Share on Facebook now</a>
        <a href="https://twitter.com/intent/tweet">Share on Twitter right now</a></div>
      <footer><h3>About us</h3>
        <a href="/en/about/editorial-team">About our editorial team and mission</a>
        <a href="/en/contacts/editorial-office">Contact the editorial office today</a></footer>
      <div class="pagination"><a href="/en/page/2">Next page</a></div>""")
    assert rec.related_blocks == []


def test_tag_cloud_with_heading_is_not_related() -> None:
    rec = run("""<div class="widget"><h3>Popular topics</h3>
      <a href="/en/tag/venezuela">Venezuela</a> <a href="/en/tag/russia">Russia</a>
      <a href="/en/category/world">World</a></div>""")
    assert rec.related_blocks == []


def test_site_layer() -> None:
    rec = run("""<aside class="rel"><h4>Read also</h4><a href="/en/1">First story title here</a>
      <a href="/en/2">Second story title here</a></aside>""",
              {"related": {"block": "aside.rel", "title": "h4", "link": "a"}})
    assert rec.related_blocks[0].title == "Read also"
    assert [lk.url for lk in rec.related_blocks[0].links] == [
        "https://nashaniva.com/en/1", "https://nashaniva.com/en/2"]
    assert rec.provenance["related_blocks"] == "site"


def test_block_never_widens_to_the_article_holding_the_headline() -> None:
    # a "More on this topic" button inside the article: the teasers after the article must
    # not make the whole article (headline, body, pictures) a related block
    doc = Document("""<html><body><div class="news-single"><div class="article">
        <h1>Habeck in München</h1><figure><img src="/img/habeck.jpg"></figure>
        <p>""" + "Body text of the article. " * 20 + """</p>
        <div class="buttons"><a href="/energie">Mehr zum Thema</a></div></div>
        <div class="teasers">
        <a href="/pressemitteilungen/energiewende-fuenf-kernforderungen-fuer-windenergie">
          Energiewende: fünf Kernforderungen für den Ausbau der Windenergie</a>
        <a href="/pressemitteilungen/gruene-zukunft-ohne-erdgas-und-atom">
          Grüne Zukunft ohne Erdgas und Atom: neue Taxonomie verhindern</a></div>
        </div></body></html>""", "https://bund.example/pressemitteilungen/habeck-in-muenchen")
    rec = Record(url=doc.url, canonical_url=doc.url, site="bund.example")
    found = related.fill_related(doc, rec, None, {})
    article = doc.tree.find(".//h1").getparent()
    assert all(article not in el.iter() for el in found)


def test_anchors_into_one_page_and_search_links_are_no_stories() -> None:
    rec = run("""
      <div class="box"><h3>Magazine</h3>
        <a href="/service/magazine/#c10359">Heft 32 des Magazins aus dem Jahr 2022</a>
        <a href="/service/magazine/#c9912">Heft 31 des Magazins aus dem Jahr 2021</a>
        <a href="/service/magazine/#c9569">Heft 30 des Magazins aus dem Jahr 2021</a></div>
      <div class="box"><h3>Kleinanzeigen</h3>
        <a href="/service/kleinanzeigen?suche=Dachsbracke&amp;rubrik=Hunde&amp;page=1">
          Hunde: Suche Alpenländische Dachsbracke (Welpe oder Junghund)</a>
        <a href="/service/kleinanzeigen?suche=Suhl&amp;rubrik=Waffen&amp;page=1">
          Waffen: DF Suhl 16/70 mit Zielfernrohr zu verkaufen</a></div>
      <div class="box"><h3>Beliebtes</h3>
        <a href="/cdn-cgi/l/email-protection#780a1d1c19">redaktion at example dot com</a>
        <a href="/cdn-cgi/l/email-protection#6412011610">leserbriefe at example dot com</a></div>
      <div class="box"><h3>Ähnliche Themen</h3>
        <a href="/forum/htc-desire-kamera-baugleich.html?s=22c09551c71c1a6b64e4364ca45cbf28">
          Ist die Kamera des HTC Desire baugleich?</a>
        <a href="/forum/ipaq-h6340-lieferung.html?s=22c09551c71c1a6b64e4364ca45cbf28">
          Wann kommt die Lieferung des iPAQ h6340?</a></div>""")
    assert [b.title for b in rec.related_blocks] == ["Ähnliche Themen"]


def test_wordpress_post_class_tags_are_not_a_tag_cloud() -> None:
    # post_class() puts 'tag-<slug>' on the post's <article>: its "Meistgelesen" box is no chrome
    doc = Document("""<html><body><article class="post-4477919 post type-post hentry
        category-militar tag-ausbildung tag-bremen-airport"><h1>CAE bildet Piloten aus</h1>
        <p>""" + "Body text of the article. " * 20 + """</p>
        <div class="mde_popular_posts"><h2><span>Meistgelesen</span></h2><ul>
        <li><a href="/general-aviation/ferryflug-endet-mit-notwasserung-vor-hawaii/">
          Ferryflug endet mit Notwasserung 1.000 Meilen vor Hawaii</a></li>
        <li><a href="/luftverkehr/md-11-ausmusterung-abschied-von-der-diva/">
          MD-11-Ausmusterung: Abschied von der Diva</a></li></ul></div>
        <div class="tag-cloud"><h3>Schlagwörter</h3>
        <a href="/news/one-two-three-four">Eins zwei drei vier fünf</a>
        <a href="/news/five-six-seven-eight">Fünf sechs sieben acht neun</a></div>
        </article></body></html>""", "https://aerobuzz.example/militar/cae-piloten-bremen/")
    rec = Record(url=doc.url, canonical_url=doc.url, site="aerobuzz.example")
    related.fill_related(doc, rec, None, {})
    assert [(b.title, len(b.links)) for b in rec.related_blocks] == [("Meistgelesen", 2)]


def test_structural_heading_inside_the_body_does_not_take_the_body() -> None:
    # an "ANZEIGE" label in the running text, followed by links further down the body
    prose = "<p>" + "Der Verband fordert eine schnelle Aufklärung des Amoklaufs. " * 12 + "</p>"
    doc = Document(f"""<html><body><h1>Amoklauf in Heidelberg</h1>
        <div class="td-post-content"><figure><img src="/img/unbenannt-48.jpg"></figure>
        {prose}<div class="ad"><h4>ANZEIGE</h4><img src="/img/epaper.jpg"></div>{prose}{prose}
        <p><a href="/djv-verbandsbericht-veroeffentlicht/">DJV-Verbandsbericht veröffentlicht
        heute</a></p><p><a href="/djv-waldstrategie-2050-ist-basis-fuer-dialog/">DJV:
        Waldstrategie 2050 ist Basis für Dialog</a></p></div></body></html>""",
                   "https://djz.example/amoklauf-in-heidelberg/")
    rec = Record(url=doc.url, canonical_url=doc.url, site="djz.example")
    found = related.fill_related(doc, rec, None, {})
    body = doc.tree.find(".//div[@class='td-post-content']")
    assert body not in found
