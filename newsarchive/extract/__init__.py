"""Pure extraction: html + url (+ site profile) -> Record. No Scrapy, no network in here.

Layers, most specific first: the site file's selectors, then structured data (JSON-LD,
OpenGraph, microdata, meta), then generic heuristics. `Record.provenance` names the layer that
gave each field.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from newsarchive.extract import body, comments, images, metadata, related
from newsarchive.extract.document import Document, PageError
from newsarchive.extract.site import fields_for
from newsarchive.extract.urls import normalize_url, registrable_domain
from newsarchive.profiles import SiteProfile
from newsarchive.record import Record

__all__ = ["Document", "PageError", "extract", "extract_document"]


def extract(html: bytes | str, url: str, *, profile: SiteProfile | None = None,
            headers: Mapping[str, str] | None = None,
            fetched_at: datetime | None = None, listed_published: str | None = None) -> Record:
    """Extract one record. Raises PageError (with a readable reason) for non-pages.
    `listed_published`: the date a news sitemap or feed gave the URL, used only when the page
    names none (provenance `listing`)."""
    if isinstance(html, str):
        doc = Document(html, url, "utf-8", headers)
    else:
        doc = Document.from_bytes(html, url, headers)
    return extract_document(doc, profile=profile, fetched_at=fetched_at,
                            listed_published=listed_published)


def extract_document(doc: Document, *, profile: SiteProfile | None = None,
                     fetched_at: datetime | None = None,
                     listed_published: str | None = None) -> Record:
    if listed_published:
        doc.listed_published = listed_published
    now = (fetched_at or datetime.now(UTC)).astimezone(UTC)
    fields = fields_for(profile, doc.tree)
    rec = Record(
        url=doc.url,
        canonical_url=normalize_url(doc.url),
        site=profile.site if profile else registrable_domain(doc.url),
        site_profile=profile.name if profile else None,
        fetched_at=now.isoformat(timespec="seconds"),
    )
    metadata.fill_metadata(doc, rec, profile, fields, now)
    # comment and related containers are found first so the body can leave them out
    exclude = comments.fill_comments(doc, rec, profile, fields, now)
    exclude += related.fill_related(doc, rec, profile, fields)
    article_node = body.fill_body(doc, rec, profile, fields, exclude)
    images.fill_images(doc, rec, profile, fields, article_node)
    body.fill_access(doc, rec, profile, fields)
    return rec
