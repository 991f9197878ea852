"""Entries of sitemaps and feeds: each URL with the publication date the listing gives it.

A news sitemap (`<news:publication_date>`), an RSS `<pubDate>`/`<dc:date>` or an Atom
`<published>`/`<updated>` is the publisher's own date for the article; the spider hands it to
extraction, which uses it only when the page itself names no date (provenance `listing`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lxml import etree
from scrapy.utils.sitemap import Sitemap


class NewsSitemap(Sitemap):
    """Scrapy's sitemap reader, keeping the news extension's publication date of each URL
    (Scrapy's reader keeps direct children only, and clears each element as it goes)."""

    __slots__ = ()

    def _process_sitemap_element(self, elem: etree._Element) -> dict[str, Any] | None:
        published = next((el.text.strip() for el in elem.iter("{*}publication_date")
                          if el.text and el.text.strip()), None)
        entry = super()._process_sitemap_element(elem)
        if entry is not None and published:
            entry["publication_date"] = published
        return entry


_FEED_DATES = ("pubDate", "date", "published", "issued", "updated", "modified")


def feed_entries(root: etree._Element) -> Iterator[tuple[str, str | None]]:
    """(link, publication date as written or None) for every RSS item and Atom entry."""
    for item in root.iter("{*}item", "{*}entry"):
        links = item.findall("{*}link")
        link = next((el.text.strip() for el in links if el.text and el.text.strip()), None)
        if link is None:  # Atom: <link rel="alternate" href=...>, rel defaults to alternate
            link = next((el.get("href") for el in links if el.get("href")
                         and el.get("rel", "alternate") == "alternate"), None)
        if not link:
            continue
        found: dict[str, str] = {}
        for el in item:
            name = etree.QName(el).localname if isinstance(el.tag, str) else ""
            if name in _FEED_DATES and el.text and el.text.strip():
                found.setdefault(name, el.text.strip())
        yield link.strip(), next((found[n] for n in _FEED_DATES if n in found), None)
