"""A lone first name as the author, completed from where the page spells the person out
(author_complete)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from newsarchive.extract import extract

NOW = datetime(2024, 3, 12, 12, 0, tzinfo=UTC)
URL = "https://www.dailyherald.example/local/2024/03/12/bridge-reopens"
PARA = "<p>" + "The bridge over the river reopens after two years of repairs. " * 6 + "</p>"


def page(head: str = "", body: str = "") -> str:
    return (f"<html><head>{head}</head><body><h1>Bridge reopens</h1>{body}"
            f"<article>{PARA * 3}</article></body></html>")


def ld(obj: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


def authors(html: str) -> list[str]:
    return extract(html, URL, fetched_at=NOW).authors


ARTICLE = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Bridge reopens"}


def test_person_description_opening_with_the_full_name_completes_a_first_name() -> None:
    graph = {"@context": "https://schema.org", "@graph": [
        {**ARTICLE, "author": {"@id": "#p1"}},
        {"@type": "Person", "@id": "#p1", "name": "Stefanus",
         "description": "Stefanus Stahl - Maschinenbauer, Abenteurer und Projektleiter."}]}
    assert authors(page(ld(graph))) == ["Stefanus Stahl"]


def test_name_in_its_own_element_after_a_lone_by_completes_a_first_name() -> None:
    head = ld({**ARTICLE, "author": {"@type": "Person", "name": "Todd"}})
    body = ("<div class='full-name-wrapper'><p class='label'><strong>By</strong></p>"
            "<p class='full-name'>Todd Bates</p></div>")
    assert authors(page(head, body)) == ["Todd Bates"]


def test_first_name_in_running_text_after_von_is_not_completed() -> None:
    # "von Heiko Laufen im Winter": the word after the name is prose, not a surname
    head = ld({**ARTICLE, "author": {"@type": "Person", "name": "Heiko"}})
    body = "<p>Ein Bericht von Heiko Laufen im Winter ist hart, aber schön.</p>"
    assert authors(page(head, body)) == ["Heiko"]


def test_a_full_name_elsewhere_that_starts_differently_changes_nothing() -> None:
    head = ld({**ARTICLE, "author": {"@type": "Person", "name": "Todd"}})
    body = "<p><strong>By</strong></p><p>Mara Quist</p>"
    assert "Todd" in authors(page(head, body))


def test_a_commenters_full_name_does_not_complete_the_authors_first_name() -> None:
    head = ld({**ARTICLE, "author": {"@type": "Person", "name": "Todd"}})
    body = ("<div class='comments'><p><span>By</span> <span>Todd Smith</span></p>"
            "<p>Great piece, thanks for writing it.</p></div>")
    assert authors(page(head, body)) == ["Todd"]
