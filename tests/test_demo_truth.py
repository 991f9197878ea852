"""Extraction of every demo page reproduces the truth the page was rendered from
(`newsarchive.demo.content.expected`): one test per field per page."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache

import pytest

from newsarchive.demo import content
from newsarchive.demo.site import respond
from newsarchive.extract import extract
from newsarchive.profiles import find_by_url, load_profiles

FIELDS = ["canonical_url", "site", "language", "headline", "subheadline", "authors",
          "published_at", "modified_at", "section", "tags", "body", "images", "comment_count",
          "comments", "related_blocks"]
PAGES = [(a, a.url) for a in content.articles()]
PAGES += [(a, f"http://{a.publisher}{content.wire_path(a)}")
          for a in content.articles(publisher="daily-herald.example")
          if respond(a.publisher, content.wire_path(a)).status == 200]


@cache
def record(url: str) -> dict:
    host, _, path = url.removeprefix("http://").partition("/")
    resp = respond(host, "/" + path, hit=2)  # hit 2: past the flaky first 503
    prof = find_by_url(url, load_profiles())
    return extract(resp.body, url, profile=prof, headers={"Content-Type": resp.content_type},
                   fetched_at=datetime(2026, 1, 15, 12, tzinfo=UTC)).to_dict()


def _when(value: str | None) -> datetime | str | None:
    """ISO 8601 spellings of one instant compare equal (14:05 == 14:05:00)."""
    try:
        return datetime.fromisoformat(value) if value else value
    except ValueError:
        return value


def _comparable(field: str, value):
    if field in ("published_at", "modified_at"):
        return _when(value)
    if field == "comments":  # ids are the site's; published_raw is an extra
        return [{k: (_when(c.get(k)) if k == "published_at" else c.get(k))
                 for k in ("id", "parent_id", "author", "published_at", "text", "likes")}
                for c in value]
    if field == "images":
        return [{k: i.get(k) for k in ("src", "alt", "caption", "credit")} for i in value]
    return value


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("art, url", PAGES, ids=[u.removeprefix("http://") for _, u in PAGES])
def test_demo_page_field(art, url: str, field: str) -> None:
    want = content.expected(art, url)[field]
    got = record(url).get(field)
    assert _comparable(field, got) == _comparable(field, want)
