"""Article images with caption and credit separated."""

from __future__ import annotations

from typing import Any

from lxml import etree

from newsarchive.extract.document import Document
from newsarchive.profiles import SiteProfile
from newsarchive.record import Record


def fill_images(doc: Document, rec: Record, profile: SiteProfile | None, fields: dict[str, Any],
                article_node: etree._Element | None) -> None:
    """STUB (to be replaced). Fills rec.images."""
