"""Round 7 of the extraction fast paths (xspeed4): each gives the answers of the code it
replaced, which is kept here as the reference where it was a different computation."""

from __future__ import annotations

import random

import numpy as np
import pytest
from snippets import NOW, PARA, page

from newsarchive import clusters
from newsarchive.extract import document, extract, metadata_dates, metadata_generic, walk
from newsarchive.extract.metadata_authors import Index

DATE_CLASS_XPATH = ("//*[not(self::script or self::style)][contains(@class, 'date') or "
                    "contains(@class, 'publish') or contains(@class, 'posted') or "
                    "contains(@class, 'time') or contains(@class, 'datum') or "
                    "contains(@class, 'fecha') or contains(@class, 'byline') or "
                    "contains(@class, 'meta')]")


def test_date_classed_elements_are_the_xpath_s() -> None:
    html = page(body=(
        '<header class="site-meta"><span class="Date">Mittwoch</span></header>'
        '<script class="date">var d = "2024-03-01";</script><style class="time">p{}</style>'
        '<div class="entry-metadata"><span class="posted-on">Posted 3 March 2024</span>'
        '<span class="byline">By Jane Doe</span></div><p class="fecha-publicacion">5/3/2024</p>'
        '<p class="">no class</p><div id="date">an id, not a class</div>'
        '<time class="updated-time">4 March 2024</time><i class="datum">12.03.2024</i>'))
    doc = document.Document(html, "https://news.example.com/a")
    assert list(metadata_generic._date_classed(doc)) == doc.tree.xpath(DATE_CLASS_XPATH)
    assert list(metadata_generic.date_texts(doc)) == [
        "Posted 3 March 2024By Jane Doe", "Posted 3 March 2024", "5/3/2024", "4 March 2024",
        "12.03.2024"]


def _dated(head: str, dateline: str) -> str:
    return (f"<html><head>{head}</head><body><article><h1>A headline of the story</h1>"
            f"<p class=dateline>{dateline}</p>{PARA * 3}</article></body></html>")


def test_one_declared_day_needs_no_dateline(monkeypatch: pytest.MonkeyPatch) -> None:
    # og:published_time alone: no dateline could change the answer, so none is looked for
    def boom(*args: object) -> None:
        raise AssertionError("shown_date called")

    monkeypatch.setattr(metadata_dates, "shown_date", boom)
    html = _dated('<meta property="article:published_time" content="2024-03-04T10:00:00+01:00">',
                  "Published 6 March 2024")
    rec = extract(html, "https://news.example.com/story", fetched_at=NOW)
    assert rec.published_at == "2024-03-04T10:00:00+01:00"
    assert rec.provenance["published_at"] == "opengraph"


def test_a_dateline_still_picks_another_declared_day() -> None:
    # published and modified on different days: the day shown at the headline decides
    head = ('<meta property="article:published_time" content="2024-03-04T10:00:00+01:00">'
            '<meta property="article:modified_time" content="2024-03-06T09:00:00+01:00">')
    rec = extract(_dated(head, "6 March 2024"), "https://news.example.com/story",
                  fetched_at=NOW)
    assert rec.published_at == "2024-03-06T09:00:00+01:00"
    # weak (generic meta) dates are still checked against the dateline
    rec = extract(_dated('<meta name="date" content="2024-03-01">', "Posted 5 March 2024"),
                  "https://news.example.com/story", fetched_at=NOW)
    assert rec.published_at == "2024-03-05"


def test_author_index_reads_only_the_attributes_an_element_has() -> None:
    nav = '<li class="menu-item"><a href="/section">Section</a></li>' * 30
    html = page(body=(
        f'<ul class="menu">{nav}</ul><span itemprop="author">Jane Doe</span>'
        '<div class="byline" data-testid="x">By <a rel="author" href="/author/john-roe">'
        'John Roe</a></div><p data-testid="article-byline">Mary Major</p>'
        '<span itemprop="name headline" class="author-name">Richard Miles</span>'
        '<a href="/people/ann-lee" class="author">Ann Lee</a>'))
    doc = document.Document(html, "https://news.example.com/a")
    index = Index(doc)
    texts = [" ".join(el.text_content().split()) for el in index.bylines]
    assert texts == ["Jane Doe", "John Roe", "By John Roe", "Mary Major", "Richard Miles",
                     "Ann Lee"]
    assert sorted(index.itemprops) == ["author", "headline", "name"]
    assert [a.get("href") for a in index.author_links] == ["/author/john-roe", "/people/ann-lee"]


def test_lead_text_with_repeated_classes() -> None:
    cards = '<div class="teaser-card"><p class="summary-leader">Skip me, a leader</p></div>' * 5
    lead = "The standfirst of this story says what happened, in two lines or so."
    html = page(body=f'{cards}<p class="summary">{lead}</p><p class="summary">Too short</p>')
    doc = document.Document(html, "https://news.example.com/a")
    assert walk.elements(doc)  # the shared list the standfirst search reads
    assert metadata_generic.lead_text(doc) == lead


@pytest.mark.parametrize("words", [40, 700, 3000])
def test_signature_min_is_the_broadcast_min(words: int) -> None:
    rnd = random.Random(words)
    vocab = [f"w{i}" for i in range(2000)]
    text = " ".join(rnd.choice(vocab) for _ in range(words))
    grams = sorted(clusters.shingles(text))
    import hashlib

    hv = np.frombuffer(b"".join(hashlib.sha1(g).digest() for g in grams), dtype="<u4")[::5]
    ref = (clusters._fmix32(hv)[:, None] * clusters._A + clusters._B).min(axis=0)
    assert np.array_equal(clusters.signature(text), ref)


def test_a_marked_listing_still_reads_its_link_share() -> None:
    # og:type article on a CollectionPage whose "body" is its teaser links: not an article
    teasers = "".join(f'<p><a href="/s/{i}">A teaser headline about story number {i} here</a>'
                      "</p>" for i in range(40))
    html = ('<html><head><meta property="og:type" content="article">'
            '<script type="application/ld+json">{"@type": "CollectionPage"}</script></head>'
            f"<body><article>{teasers}</article></body></html>")
    rec = extract(html, "https://news.example.com/topics/x", fetched_at=NOW)
    assert rec.is_article is False
    rec = extract(page(head='<meta property="og:type" content="article">'),
                  "https://news.example.com/story", fetched_at=NOW)
    assert rec.is_article is True and rec.access == "free"


def test_short_texts_skip_indentation_and_keep_labels() -> None:
    html = ("<html><body>\n    <div>\n      <h2>\n  Related   stories\n  </h2>\n"
            "      <p>\u2003\u00a0\u2028 </p><span>    Comments (3)</span>\n    </div>\n"
            "</body></html>")
    doc = document.Document(html, "https://news.example.com/a")
    assert [t for t, _ in walk.short_texts(doc)] == ["related stories", "comments (3)"]
