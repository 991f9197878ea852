"""Reader comments: author, date, text, thread parent, likes, and the declared count."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from lxml import etree

from newsarchive.extract.document import Document
from newsarchive.profiles import SiteProfile
from newsarchive.record import Record


def fill_comments(doc: Document, rec: Record, profile: SiteProfile | None,
                  fields: dict[str, Any], now: datetime) -> list[etree._Element]:
    """STUB (to be replaced). Fills rec.comments/comment_count; returns the container nodes
    so the body leaves them out."""
    return []
