"""Headline choice on small realistic pages (generic layer: find_title and titles.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from newsarchive.extract import extract

NOW = datetime(2024, 3, 12, 12, 0, tzinfo=UTC)
URL = "https://news.example.com/world/2024/03/12/some-story"
PARA = "<p>" + "This is a sentence of running article text that goes on. " * 6 + "</p>"


def page(head: str = "", body: str = "", lang: str = "en") -> str:
    return (f'<html lang="{lang}"><head>{head}</head><body>{body}<article>{PARA * 3}'
            "</article></body></html>")


def headline(html: str, url: str = URL) -> str | None:
    return extract(html, url, fetched_at=NOW).headline


def test_css_in_js_style_inside_the_h1_is_no_headline_text() -> None:
    # emotion / styled-components render <style> elements inside the heading; the kicker
    # behind a visually hidden colon is cut as usual (og:title names only the section)
    html = page('<meta property="og:title" content="Press releases">'
                "<title>Vaccination stays open everywhere until February</title>",
                '<h1 class="css-3003lo"><style data-emotion="css umyvef">.css-umyvef{font-size:'
                "16px;font-weight:400;line-height:1.0625;color:#707070;margin-bottom:12px;"
                "display:block;}</style><span class=\"css-umyvef\">Press release of the "
                'health department <style data-emotion="css 1ftw">.css-1ftw{border:0;clip:rect(0 0 0 0);'
                "height:1px;margin:-1px;overflow:hidden;padding:0;position:absolute;"
                'white-space:nowrap;width:1px;}</style><span class="css-1ftw">:</span></span>'
                "Vaccination stays open everywhere until February</h1>")
    assert headline(html) == "Vaccination stays open everywhere until February"
