"""Main text, and whether the page is an article at all (is_article, access)."""

from __future__ import annotations

from typing import Any

from lxml import etree

from newsarchive.extract.document import Document
from newsarchive.profiles import SiteProfile
from newsarchive.record import Record


def fill_body(doc: Document, rec: Record, profile: SiteProfile | None, fields: dict[str, Any],
              exclude: list[etree._Element]) -> etree._Element | None:
    """STUB (to be replaced). Fills rec.body; returns the article's root element (or None).
    Must not mutate doc.tree (other extractors read it); nodes in `exclude` are left out."""
    paras = [p.text_content().strip() for p in doc.tree.iter("p")]
    rec.body = "\n\n".join(p for p in paras if p) or None
    return None


def fill_access(doc: Document, rec: Record, profile: SiteProfile | None,
                fields: dict[str, Any]) -> None:
    """STUB (to be replaced): sets rec.is_article and rec.access."""
    rec.is_article = bool(rec.body)
