"""Rows of an article's images and related-link blocks (replaced with each stored version)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlite_utils import Database

from newsarchive.extract.urls import normalize_url

URL_SCHEMES = ("http://", "https://", "file:")


def page_url(url: Any) -> str | None:
    # file: URLs are pages archived from disk (saved copies); anything else is no page address.
    if not isinstance(url, str) or not url.strip().lower().startswith(URL_SCHEMES):
        return None
    return normalize_url(url)


def write_images_and_related(db: Database, aid: int, item: Mapping[str, Any],
                             replace: bool = False) -> None:
    """Images and related blocks show the latest version; older images live in `revisions`.
    Comments are not here: they are merged over time (`revisions.merge_comments`)."""
    if replace:
        for table in ("related_links", "related_blocks", "images"):
            db.execute(f"DELETE FROM {table} WHERE article_id = ?", [aid])
    images = [
        {"article_id": aid, "position": i, "src": im.get("src"), "alt": im.get("alt"),
         "caption": im.get("caption"), "credit": im.get("credit")}
        for i, im in enumerate(item.get("images") or [])
    ]
    db["images"].insert_all(images)
    blocks, links = [], []
    for b, block in enumerate(item.get("related_blocks") or []):
        block_links = block.get("links") or []
        blocks.append({"article_id": aid, "position": b, "title": block.get("title"),
                       "link_count": len(block_links)})
        links += [
            {"article_id": aid, "block_position": b, "position": i,
             "block_title": block.get("title"), "url": lk.get("url"),
             "url_key": page_url(lk.get("url")), "title": lk.get("title"),
             "comment_count": lk.get("comment_count")}
            for i, lk in enumerate(block_links)
        ]
    db["related_blocks"].insert_all(blocks)
    db["related_links"].insert_all(links)
