"""The publication date a news sitemap or feed gives a URL: read by the spider, used by extraction
only when the page names no date (provenance `listing`), and kept by reextract."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import ROOT
from lxml import etree
from unattended import crawl

from newsarchive.extract import extract
from newsarchive.listings import NewsSitemap, feed_entries

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>%(base)s/news/quay.html</loc><lastmod>2025-03-04T10:00:00Z</lastmod>
    <news:news><news:publication><news:name>Harbour</news:name><news:language>en</news:language>
    </news:publication><news:publication_date>2025-03-04T09:30:00+01:00</news:publication_date>
    <news:title>Quay</news:title></news:news></url>
  <url><loc>%(base)s/news/dated.html</loc>
    <news:news><news:publication_date>2025-03-01</news:publication_date></news:news></url>
  <url><loc>%(base)s/news/plain.html</loc></url>
</urlset>"""

RSS = b"""<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Harbour</title>
<item><title>Ferry</title><link>%(base)s/news/ferry.html</link>
  <pubDate>Tue, 11 Mar 2025 07:15:00 +0000</pubDate></item>
<item><title>Tide</title><link>%(base)s/news/tide.html</link><dc:date>2025-03-12</dc:date></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>Harbour</title>
<entry><title>Crane</title><link rel="alternate" href="/news/crane.html"/>
  <link rel="edit" href="/edit/9"/><updated>2025-03-14T08:00:00Z</updated>
  <published>2025-03-13T08:00:00Z</published></entry>
<entry><title>No link</title><updated>2025-03-14T08:00:00Z</updated></entry>
</feed>"""


def page(title: str, dated: bool = False) -> bytes:
    date = '<p class="byline">Published 2 March 2025</p>' if dated else ""
    paras = "".join(f"<p>The harbour board's {title.lower()} plan, part {i}, was discussed at "
                    "length by the members, who asked for more figures on costs and timing.</p>"
                    for i in range(8))
    return (f'<html lang="en"><head><title>{title} | Harbour</title>'
            f'<meta property="og:type" content="article"></head><body><nav><a href="/">Home</a>'
            f'</nav><article><h1>{title}</h1>{date}{paras}</article></body></html>').encode()


def test_news_sitemap_entries_keep_the_publication_date() -> None:
    entries = list(NewsSitemap(NEWS_SITEMAP % {b"base": b"http://h.example"}))
    assert [(e["loc"], e.get("publication_date")) for e in entries] == [
        ("http://h.example/news/quay.html", "2025-03-04T09:30:00+01:00"),
        ("http://h.example/news/dated.html", "2025-03-01"),
        ("http://h.example/news/plain.html", None)]
    assert entries[0]["lastmod"] == "2025-03-04T10:00:00Z"


def test_feed_entries_give_rss_and_atom_dates() -> None:
    rss = etree.fromstring(RSS % {b"base": b"http://h.example"})
    assert list(feed_entries(rss)) == [
        ("http://h.example/news/ferry.html", "Tue, 11 Mar 2025 07:15:00 +0000"),
        ("http://h.example/news/tide.html", "2025-03-12")]
    # published before updated; an entry without a link is skipped; rel=edit is no article
    assert list(feed_entries(etree.fromstring(ATOM))) == [
        ("/news/crane.html", "2025-03-13T08:00:00Z")]


def test_a_listing_date_fills_only_a_page_that_names_none() -> None:
    rec = extract(page("Quay"), "http://h.example/news/quay.html",
                  listed_published="2025-03-04T09:30:00+01:00")
    assert rec.published_at == "2025-03-04T09:30:00+01:00"
    assert rec.published_raw == "2025-03-04T09:30:00+01:00"
    assert rec.provenance["published_at"] == "listing"
    shown = extract(page("Dated", dated=True), "http://h.example/news/dated.html",
                    listed_published="2025-03-01T00:00:00Z")
    assert shown.published_at.startswith("2025-03-02")  # the page's own date wins
    assert shown.provenance["published_at"] != "listing"
    assert extract(page("Quay"), "http://h.example/news/quay.html").published_at is None


class Site(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    pages: dict[str, tuple[str, bytes]] = {}

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        ctype, body = self.pages.get(self.path, ("text/plain", b"not found"))
        self.send_response(200 if self.path in self.pages else 404)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    html = "text/html; charset=utf-8"
    fill = {b"base": base.encode()}
    Site.pages = {
        "/robots.txt": ("text/plain", f"User-agent: *\nSitemap: {base}/news-sitemap.xml\n"
                        .encode()),
        "/": (html, b'<html><head><link rel="alternate" type="application/rss+xml" '
                    b'href="/feed.xml"></head><body><h1>Harbour</h1></body></html>'),
        "/news-sitemap.xml": ("application/xml", NEWS_SITEMAP % fill),
        "/feed.xml": ("application/rss+xml", RSS % fill),
        "/news/quay.html": (html, page("Quay")),
        "/news/dated.html": (html, page("Dated", dated=True)),
        "/news/plain.html": (html, page("Plain")),
        "/news/ferry.html": (html, page("Ferry")),
        "/news/tide.html": (html, page("Tide")),
    }
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()


def test_a_crawl_dates_undated_pages_from_their_sitemap_and_feed(site: str,
                                                                 tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    proc = crawl([site + "/"], db, tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    with sqlite3.connect(db) as conn:
        rows = {url.rsplit("/", 1)[1]: (pub, json.loads(prov).get("published_at"))
                for url, pub, prov in conn.execute(
                    "select url, published_at, provenance from articles")}
    assert rows["quay.html"] == ("2025-03-04T09:30:00+01:00", "listing")
    assert rows["ferry.html"] == ("2025-03-11T07:15:00+00:00", "listing")
    assert rows["tide.html"][1] == "listing" and rows["tide.html"][0].startswith("2025-03-12")
    assert rows["dated.html"][0].startswith("2025-03-02")  # shown on the page: the page wins
    assert rows["plain.html"] == (None, None)

    # reextract has only the capture: the listing's date is kept, not reported as lost
    again = crawl_cli(["reextract", "--db", str(db)])
    assert again.returncode == 0, again.stderr[-2000:]
    assert "published_at" not in again.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("select published_at from articles where url like '%quay.html'"
                            ).fetchone()[0] == "2025-03-04T09:30:00+01:00"


def crawl_cli(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsarchive", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_rfc_2822_dates_keep_their_zone() -> None:
    from datetime import UTC, datetime

    from newsarchive.extract import dates

    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert dates.parse("Tue, 11 Mar 2025 07:15:00 +0100", now) == "2025-03-11T07:15:00+01:00"
    assert dates.parse("Tue, 11 Mar 2025 07:15:00 GMT", now) == "2025-03-11T07:15:00+00:00"
    assert dates.parse("11 Mar 2025 07:15 EST", now) == "2025-03-11T07:15:00-05:00"
    assert dates.parse("Tue, 11 Mar 2025 07:15:00 -0000", now) == "2025-03-11T07:15:00"  # unknown
