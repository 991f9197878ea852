"""Small realistic article pages for the extraction tests (metadata, titles, dates)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

NOW = datetime(2024, 3, 12, 12, 0, tzinfo=UTC)
URL = "https://news.example.com/world/2024/03/12/some-story"
PARA = "<p>" + "This is a sentence of running article text that goes on. " * 6 + "</p>"


def page(head: str = "", body: str = "", lang: str = "en") -> str:
    """An article page: what the test puts in <head> and before the article, 3 paragraphs."""
    return (f'<html lang="{lang}"><head>{head}</head><body>{body}<article>{PARA * 3}'
            "</article></body></html>")


def ld(obj: object) -> str:
    """A JSON-LD script element holding obj."""
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


def body_of(html: str, url: str, headline: str) -> str:
    """The generic body layer's text of a page (no site file), as the record holds it."""
    from newsarchive.extract import body
    from newsarchive.extract.document import Document
    from newsarchive.record import Record

    rec = Record(url=url, canonical_url=url, site="example.com", headline=headline)
    body.fill_body(Document(html, url), rec, None, {}, [])
    return rec.body or ""
