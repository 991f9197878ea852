"""Any bytes in, a record or a clear PageError out (property tests with hypothesis)."""

from __future__ import annotations

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsarchive.extract import PageError, extract

TAGS = ["p", "div", "article", "h1", "h2", "span", "a", "figure", "figcaption", "table", "tr",
        "td", "ul", "li", "script", "time", "meta", "section", "aside", "nav", "br", "img"]
ENCODINGS = ["utf-8", "cp1251", "koi8-r", "shift_jis", "latin-1", "utf-16"]

fragments = st.one_of(
    st.sampled_from(TAGS).map(lambda t: f"<{t}>"),
    st.sampled_from(TAGS).map(lambda t: f"</{t}>"),
    st.text(min_size=0, max_size=80),
    st.sampled_from(['<script type="application/ld+json">{"@type": "NewsArticle", "author":',
                     '<meta property="og:title" content="', '<meta charset="windows-1251">',
                     '<html lang="ru">', "<!--", "]]>", "&#xD800;", "&nbsp;", "\x00",
                     '<time datetime="2024-13-45T99:00">', "Photo: AP", "Comments 4"]),
)


def check(data: bytes, schema: dict) -> None:
    try:
        rec = extract(data, "http://fuzz.example/a/1")
    except PageError as exc:
        assert str(exc)  # a clear reason
        return
    jsonschema.validate(rec.to_dict(), schema)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_random_bytes(schema: dict, data: bytes) -> None:
    check(data, schema)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(fragments, max_size=60), st.sampled_from(ENCODINGS))
def test_broken_markup_in_any_encoding(schema: dict, parts: list[str], encoding: str) -> None:
    check("".join(parts).encode(encoding, errors="replace"), schema)


@pytest.mark.parametrize("size", [2_000_000, 25_000_000])
def test_huge_pages(schema: dict, size: int) -> None:
    para = "<p>" + "A long paragraph of running text about the council budget. " * 20 + "</p>"
    page = ("<html><body><article><h1>Huge</h1>" + para * (size // len(para)) + "</article>"
            "</body></html>").encode()
    check(page, schema)


def test_deep_nesting(schema: dict) -> None:
    check(("<div>" * 5000 + "<p>deep text</p>" + "</div>" * 5000).encode(), schema)
