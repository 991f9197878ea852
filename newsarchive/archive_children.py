"""Rows of an article's images and related-link blocks (replaced with each stored version).

`ChildRows` gathers them for many articles and writes each table with one `executemany`, the
bulk paths' way (archive_batch.py, reextract.py); `write_images_and_related` is the one-article
path. Both build the rows with the same functions, so they write the same rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlite_utils import Database

from newsarchive.extract.urls import normalize_url_cached

URL_SCHEMES = ("http://", "https://", "file:")
CHILD_SQL = {
    "images": "INSERT INTO images (article_id, position, src, alt, caption, credit)"
              " VALUES (?, ?, ?, ?, ?, ?)",
    "related_blocks": "INSERT INTO related_blocks (article_id, position, title, link_count)"
                      " VALUES (?, ?, ?, ?)",
    "related_links": "INSERT INTO related_links (article_id, block_position, position,"
                     " block_title, url, url_key, title, comment_count)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
}
# Children go before their parents' other rows are replaced: links, blocks, then images.
REPLACE_ORDER = ("related_links", "related_blocks", "images")


def page_url(url: Any) -> str | None:
    # file: URLs are pages archived from disk (saved copies); anything else is no page address.
    if not isinstance(url, str) or not url.strip().lower().startswith(URL_SCHEMES):
        return None
    return normalize_url_cached(url)


def child_rows(aid: int, item: Mapping[str, Any]) -> dict[str, list[tuple[Any, ...]]]:
    """The images, related_blocks and related_links rows of one version, as tuples in the
    column order of CHILD_SQL."""
    images = [(aid, i, im.get("src"), im.get("alt"), im.get("caption"), im.get("credit"))
              for i, im in enumerate(item.get("images") or [])]
    blocks: list[tuple[Any, ...]] = []
    links: list[tuple[Any, ...]] = []
    for b, block in enumerate(item.get("related_blocks") or []):
        block_links = block.get("links") or []
        title = block.get("title")
        blocks.append((aid, b, title, len(block_links)))
        links += [(aid, b, i, title, lk.get("url"), page_url(lk.get("url")), lk.get("title"),
                   lk.get("comment_count")) for i, lk in enumerate(block_links)]
    return {"images": images, "related_blocks": blocks, "related_links": links}


class ChildRows:
    """Images and related rows of many articles, written with one executemany per table."""

    def __init__(self) -> None:
        self.replace: list[tuple[int]] = []  # articles whose old rows go first
        self.rows: dict[str, list[tuple[Any, ...]]] = {t: [] for t in CHILD_SQL}

    def add(self, aid: int, item: Mapping[str, Any], replace: bool = False) -> None:
        if replace:
            self.replace.append((aid,))
        for table, rows in child_rows(aid, item).items():
            self.rows[table] += rows

    def write(self, db: Database) -> None:
        conn = db.conn
        if self.replace:
            for table in REPLACE_ORDER:
                conn.executemany(f"DELETE FROM {table} WHERE article_id = ?", self.replace)
        for table, sql in CHILD_SQL.items():
            if self.rows[table]:
                conn.executemany(sql, self.rows[table])
        self.__init__()  # type: ignore[misc]  # written: start empty


def write_images_and_related(db: Database, aid: int, item: Mapping[str, Any],
                             replace: bool = False) -> None:
    """Images and related blocks show the latest version; older images live in `revisions`.
    Comments are not here: they are merged over time (`revisions.merge_comments`)."""
    rows = ChildRows()
    rows.add(aid, item, replace)
    rows.write(db)
