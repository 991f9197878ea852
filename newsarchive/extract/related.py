"""Related-link blocks: "Related", "Most read", "Now reading", "Читайте также", ..."""

from __future__ import annotations

from typing import Any

from lxml import etree

from newsarchive.extract.document import Document
from newsarchive.profiles import SiteProfile
from newsarchive.record import Record


def fill_related(doc: Document, rec: Record, profile: SiteProfile | None,
                 fields: dict[str, Any]) -> list[etree._Element]:
    """STUB (to be replaced). Fills rec.related_blocks; returns the block nodes."""
    return []
