"""The demo's data model: articles as data, rendered by one module per publisher.

Everything a page shows comes from these objects, so tests can compare what extraction finds
with the truth the page was rendered from (`content.expected`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

NASHA_NIVA = "nasha-niva.example"
DAILY_HERALD = "daily-herald.example"
OLD_GAZETTE = "old-gazette.example"
PUBLISHERS = (NASHA_NIVA, DAILY_HERALD, OLD_GAZETTE)


@dataclass(frozen=True)
class DemoImage:
    src: str  # absolute URL
    alt: str | None
    caption: str | None
    credit: str | None  # as the record should hold it: no "Photo:" label
    after: int = 0  # shown after this many body blocks (0 = lead image, above the text)


@dataclass(frozen=True)
class DemoComment:
    id: str  # the site's own id, exactly as the page's id attribute spells it
    parent: str | None
    author: str
    date: str  # ISO 8601 as the record should hold it (date only where the page shows only that)
    text: str
    likes: int | None = None


@dataclass(frozen=True)
class Block:
    kind: str  # "p" paragraph or "h" in-body subheading
    text: str


@dataclass
class DemoArticle:
    publisher: str  # host, e.g. nasha-niva.example
    id: str  # the site's id (nasha-niva: story id shared by the language editions)
    path: str  # canonical path, e.g. /en/380114
    lang: str
    headline: str
    section: str
    section_slug: str
    published: str  # ISO 8601 with offset (old-gazette: local time, no offset)
    blocks: list[Block]
    subheadline: str | None = None
    authors: list[str] = field(default_factory=list)
    modified: str | None = None
    tags: list[str] = field(default_factory=list)
    images: list[DemoImage] = field(default_factory=list)
    comments: list[DemoComment] = field(default_factory=list)
    comment_count: int | None = None  # declared by the page; may exceed len(comments)
    views: int = 0  # an unlabelled counter some pages show; never part of the record
    slug: str = ""
    edition: int = 1  # which edition of the demo site this version belongs to

    @property
    def url(self) -> str:
        return f"http://{self.publisher}{self.path}"

    @property
    def body(self) -> str:
        return "\n\n".join(b.text for b in self.blocks)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.publisher, self.id, self.lang)
