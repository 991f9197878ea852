"""Publication dates: the parser of dates as shown, and the choice among a page's dates.
Small hand-written pages, one behaviour per test."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from newsarchive.extract import extract
from newsarchive.extract.dates_local import find_date_text, parse_date

NOW = datetime(2024, 3, 12, 12, 0, tzinfo=UTC)
PARA = "<p>" + "This is a sentence of running article text that goes on. " * 6 + "</p>"


def page(head: str = "", body: str = "", lang: str = "en") -> str:
    return (f'<html lang="{lang}"><head>{head}</head><body>{body}<article>{PARA * 3}'
            "</article></body></html>")


def ld(obj: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


def run(html: str, url: str = "https://news.example.com/story"):
    return extract(html, url, fetched_at=NOW)


@pytest.mark.parametrize("shown, iso", [
    ("Von Redaktion 4. 2. 2022.", "2022-02-04"),  # spaced German style
    ("2019年6月24日 11時30分", "2019-06-24T11:30"),
    ("2023년 11월 7일", "2023-11-07"),
    ("04 de mayo 2022, 12:00 a. m.", "2022-05-04T00:00"),
    ("May 10, 2022 01:52:54 PM", "2022-05-10T13:52:54"),
    ("15 Ağustos 2021", "2021-08-15"),
    ("3 Μαΐου 2021", "2021-05-03"),
    ("12 noiembrie 2021", "2021-11-12"),
])
def test_local_formats(shown: str, iso: str) -> None:
    assert parse_date(shown, NOW) == iso


def test_a_number_with_a_thousands_separator_is_no_relative_date() -> None:
    # "1,000 years ago" in a story is not a date 0 years ago
    assert parse_date("the tree was planted 1,000 years ago", NOW) is None
    assert find_date_text("planted 1,000 years ago") is None
    assert parse_date("3 years ago", NOW) == "2021-03-13"
