"""The article record: `../shared/spec/article-record.schema.json` in code.

`Record.to_dict()` is exactly what `newsarchive extract` prints and what the archive stores
(normalized into tables). Unknown values are None or empty lists, never invented.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Names of the layers that can give a field, most specific first (see `Record.provenance`).
LAYERS = ("site", "json-ld", "opengraph", "microdata", "meta", "generic", "trafilatura", "url",
          "listing", "htmldate")


@dataclass
class Image:
    """An image of the article (lead or in-body), never a logo, avatar, ad or teaser."""

    src: str  # absolute URL
    alt: str | None = None
    caption: str | None = None  # caption text without the credit
    credit: str | None = None  # as shown, without a label such as "Photo:", "Фото:" or "©"


@dataclass
class Comment:
    """One reader comment; threads are flattened in page order with `parent_id`."""

    id: str  # the site's own id, or a stable hash of author, date and text
    parent_id: str | None
    author: str | None
    published_at: str | None  # ISO 8601
    text: str
    likes: int | None = None
    published_raw: str | None = None  # the date as shown on the page


@dataclass
class RelatedLink:
    url: str
    title: str  # link text without a trailing comment count
    comment_count: int | None = None  # the count shown beside the link


@dataclass
class RelatedBlock:
    """A block of links to other articles ("Related", "Most read", "Now reading", ...)."""

    title: str | None
    links: list[RelatedLink] = field(default_factory=list)


@dataclass
class Record:
    url: str  # the URL the page was fetched from (or given for a file)
    canonical_url: str  # one identity URL per article (rel=canonical/og:url when trustworthy)
    site: str  # publisher's registrable domain, e.g. nashaniva.com
    language: str | None = None  # BCP 47
    headline: str | None = None
    subheadline: str | None = None  # standfirst / dek when the page marks one
    authors: list[str] = field(default_factory=list)  # names only: no "By", dates, roles
    published_at: str | None = None  # ISO 8601, with UTC offset when the page gives one
    modified_at: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    body: str | None = None  # paragraphs separated by a blank line; no captions/credits/comments
    images: list[Image] = field(default_factory=list)
    comment_count: int | None = None  # what the page declares; may exceed len(comments)
    comments: list[Comment] = field(default_factory=list)
    related_blocks: list[RelatedBlock] = field(default_factory=list)
    # --- extras beyond the shared schema ---
    is_article: bool = True  # False for index/section/tag pages and pages with no article
    access: str | None = None  # None/"free", "paywall", "teaser", "wall" (consent/bot), "none"
    published_raw: str | None = None  # the publication date as shown, beside the parsed value
    modified_raw: str | None = None
    provenance: dict[str, str] = field(default_factory=dict)  # field -> layer (see LAYERS)
    site_profile: str | None = None  # name of the site file used, if any
    fetched_at: str | None = None  # ISO 8601 UTC time of the fetch

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Record:
        data = dict(data)
        data["images"] = [Image(**i) for i in data.get("images") or []]
        data["comments"] = [Comment(**c) for c in data.get("comments") or []]
        data["related_blocks"] = [
            RelatedBlock(b.get("title"), [RelatedLink(**lk) for lk in b.get("links") or []])
            for b in data.get("related_blocks") or []
        ]
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in known})
