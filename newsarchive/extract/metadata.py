"""Headline, subheadline, authors, dates, section, tags, language, canonical URL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from newsarchive.extract.document import Document
from newsarchive.profiles import SiteProfile
from newsarchive.record import Record


def fill_metadata(doc: Document, rec: Record, profile: SiteProfile | None,
                  fields: dict[str, Any], now: datetime) -> None:
    """STUB (to be replaced): og:title or <title>."""
    title = doc.meta_first("og:title") or doc.tree.findtext(".//title")
    if title:
        rec.headline = title.strip()
        rec.provenance["headline"] = "opengraph"
    rec.language = doc.html_lang or (profile.language if profile else None)
