"""Related blocks: headings that name ads, tags, recent comments or one teaser head no block."""

from __future__ import annotations

from tests.test_extract_related import run

TEASERS = """<ul>
  <li><a href="/en/2025/12/02/minsk-metro-opens-three-new-stations">Minsk metro opens three
    new stations in the south</a></li>
  <li><a href="/en/2025/12/03/winter-storm-closes-roads-in-the-north">Winter storm closes
    roads in the north of the country</a></li>
  <li><a href="/en/2025/12/04/prices-of-bread-rise-again-this-week">Prices of bread rise
    again this week in every region</a></li>
</ul>"""


def titles(html: str) -> list[str | None]:
    return [b.title for b in run(html).related_blocks]


def test_a_real_heading_makes_a_block() -> None:
    assert titles(f'<div class="box"><h3>Most read</h3>{TEASERS}</div>') == ["Most read"]


def test_an_ad_label_heads_no_block() -> None:
    # "Advertisement" over an ad slot inside a sidebar list, "Sponsored Posts" over paid posts
    assert titles(f'<div class="box"><span class="ad-label">Advertisement</span>{TEASERS}'
                  "</div>") == []
    assert titles(f'<div class="widget"><h3>Sponsored Posts</h3>{TEASERS}</div>') == []


def test_a_recent_comments_widget_is_no_block() -> None:
    assert titles(f'<div class="widget"><h3>Neueste Kommentare</h3>{TEASERS}</div>') == []
    assert titles(f'<div class="widget"><h3>Recent Comments</h3>{TEASERS}</div>') == []
    # ... the stories most commented on are a ranking, as "most read" is
    assert titles(f'<div class="widget"><h3>Most commented</h3>{TEASERS}</div>') == [
        "Most commented"]


def test_a_related_classed_tag_list_is_no_block() -> None:
    assert titles('<div class="related-issues"><span class="label">Tags</span><ul>'
                  '<li><a href="/news/by-issue/juvenile-justice-school-prison-pipeline/">'
                  "School-to-Prison Pipeline</a></li>"
                  '<li><a href="/news/by-issue/juvenile-justice/">Juvenile Justice</a></li>'
                  "</ul></div>") == []


def test_a_title_link_to_a_story_is_an_item_not_a_heading() -> None:
    # a job widget: each ad's title is a link with class "title"; the services list after it
    # is not a block headed by the last job ad
    html = ('<aside class="sidebar"><div class="widget jobs"><table><tr><td>'
            '<a class="title" href="/en/jobs/medical-informatics-specialist-sap">'
            "Medical informatics specialist (m/f/d) SAP</a></td></tr></table></div>"
            '<div class="widget"><ul>'
            '<li><a href="/en/post-a-job-ad-from-149-euro">Post a job ad now from 149 euro'
            "</a></li>"
            '<li><a href="/en/compare-prices-with-our-calculators">Save money with our price'
            " calculators</a></li></ul></div></aside>")
    assert titles(html) == []
    # a title link to a section page still heads the section's block
    assert titles(f'<div class="box"><a class="title" href="/health/">Health</a>'
                  f"{TEASERS}</div>") == ["Health"]


def test_a_title_inside_a_teaser_link_is_no_block_title() -> None:
    # a stream of teasers, each "<a><img><p class=title>Headline</p></a>": every title is its
    # own teaser's, none heads the teasers after it
    stream = "".join(
        f'<div class="streamLine"><a href="/en/2025/12/0{i}/{slug}"><div class="img"></div>'
        f'<p class="title">{title}</p></a></div>'
        for i, (slug, title) in enumerate([
            ("banks-return-to-the-twentieth-century", "Banks return to the twentieth century"),
            # (titles over 80 characters are no heading candidates: they do not end a block)
            ("third-gender-on-identity-cards-rejected", "Third gender on identity cards? The"
             " government will not apply that part of the new European regulation"),
            ("vaccine-works-against-the-new-variant", "The head of the company says its vaccine"
             " works against the new variant found in India last month"),
        ], start=1))
    assert titles(f'<div class="stream">{stream}</div>') == []


def test_schon_gelesen_heads_the_embedded_teasers_after_it() -> None:
    # WordPress embeds under "Schon gelesen?" at the end of the text: the block is titled by
    # that label, not by the article's last subheading above it
    embeds = "".join(
        f'<blockquote class="wp-embedded-content"><p><a href="/en/militar/{slug}/">{title}</a>'
        "</p></blockquote>"
        for slug, title in [("air-force-trains-pilots-in-italy", "Air force trains its pilots in"
                             " Italy"),
                            ("training-on-the-h145-has-begun", "Training on the H145 has begun"
                             " at the base")])
    titles_found = titles(f"<div class='text'><h2>CAE builds a training centre</h2>"
                          f"<p>{'The centre opens next year. ' * 8}</p>"
                          f"<p><strong>Schon gelesen?</strong></p>{embeds}</div>")
    assert titles_found == ["Schon gelesen?"]
    # the words inside a sentence's link are no heading
    assert titles('<p>Two of them I had <a href="/en/2018/11/07/before-we-vanish/">ja schon'
                  ' gelesen</a> and wrote about them.</p>') == []


def test_a_refused_block_still_stays_out_of_the_body() -> None:
    # an ad-labelled teaser list is no related block, but its links are no article text either
    from newsarchive.extract import related
    from newsarchive.extract.document import Document
    from newsarchive.record import Record
    from tests.test_extract_related import ARTICLE

    doc = Document(f'<html><body>{ARTICLE}<div class="box"><h3>Advertisement</h3>{TEASERS}'
                   "</div></body></html>", "https://nashaniva.com/en/380000")
    rec = Record(url=doc.url, canonical_url=doc.url, site="nashaniva.com")
    found = related.fill_related(doc, rec, None, {})
    assert rec.related_blocks == [] and "related_blocks" not in rec.provenance
    assert [el.get("class") for el in found] == ["box"]
