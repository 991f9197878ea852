"""The demo's articles as data (`data/*.toml`), and the record each page must yield.

`articles()` is the truth the pages are rendered from; `expected(article, url)` is the record
(in the shape of ../shared/spec/article-record.schema.json) a correct extraction of the page at
`url` gives. Related blocks are computed here, not in the renderers, so the page and the expected
record cannot disagree.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from newsarchive.demo.model import (
    DAILY_HERALD,
    NASHA_NIVA,
    PUBLISHERS,
    Block,
    DemoArticle,
    DemoComment,
    DemoImage,
)

DATA = Path(__file__).resolve().parent / "data"
EDITIONS = (1, 2)  # edition 2: data/edition2.toml patches edition 1 (see `_edition2`)
LANG_TAGS = {"be_latn": "be-Latn"}  # path segment -> BCP 47

# Headings of nasha-niva's related blocks per edition language; the tabs stay Belarusian.
NN_BLOCKS = {
    "en": ("Now reading", "All news"),
    "be": ("Зараз чытаюць", "Усе навіны"),
    "ru": ("Сейчас читают", "Все новости"),
    "be_latn": ("Zaraz čytajuć", "Usie naviny"),
}
NN_TAB_READ, NN_TAB_LIKED = "больш чытаных навін", "больш лайканых навін"
DH_RELATED, DH_MOST_READ = "Related", "Most read"
OG_RELATED = "Читайте также"


def _blocks(text: str) -> list[Block]:
    """Blank-line separated paragraphs; a leading '## ' marks an in-body subheading."""
    out = []
    for chunk in text.strip().split("\n\n"):
        chunk = " ".join(chunk.split())
        if chunk.startswith("## "):
            out.append(Block("h", chunk[3:]))
        elif chunk:
            out.append(Block("p", chunk))
    return out


def _thread_order(comments: list[DemoComment]) -> list[DemoComment]:
    """Page order: each comment followed by its replies (threads flattened depth-first)."""
    kids: dict[str | None, list[DemoComment]] = {}
    for c in comments:
        kids.setdefault(c.parent, []).append(c)
    out: list[DemoComment] = []

    def walk(parent: str | None) -> None:
        for c in kids.get(parent, []):
            out.append(c)
            walk(c.id)

    walk(None)
    return out


def _path(publisher: str, d: dict[str, Any]) -> str:
    if publisher == NASHA_NIVA:
        return f"/be_latn/{d['id']}/" if d["lang"] == "be_latn" else f"/{d['lang']}/{d['id']}"
    if publisher == DAILY_HERALD:
        y, m, day = d["published"][:10].split("-")
        return f"/{d['section_slug']}/{y}/{m}/{day}/{d['slug']}/"
    return f"/article.php?id={d['id']}"


def _edition2(publisher: str, arts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Edition 1's article data with the edits of data/edition2.toml applied (copies)."""
    data = tomllib.loads((DATA / "edition2.toml").read_text("utf-8"))
    arts = [dict(d) for d in arts]
    find = {(d["id"], d["lang"]): i for i, d in enumerate(arts)}
    for ch in data.get("change", []):
        if ch["publisher"] != publisher:
            continue
        d = arts[find[(ch["id"], ch["lang"])]]
        for key in ("headline", "subheadline", "modified", "comment_count"):
            if key in ch:
                d[key] = ch[key]
        for rep in ch.get("body_replace", []):
            assert rep["old"] in d["body"], rep["old"]
            d["body"] = d["body"].replace(rep["old"], rep["new"])
        if "body_append" in ch:
            d["body"] = d["body"].rstrip() + "\n\n" + ch["body_append"] + "\n"
        images = [dict(i) for i in d.get("images", [])]
        for ic in ch.get("image_credits", []):
            images[ic["index"]]["credit"] = ic["credit"]
        d["images"] = images
        edits = {e["id"]: e["text"] for e in ch.get("edit_comments", [])}
        d["comments"] = [
            dict(c, text=edits.get(c["id"], c["text"])) for c in d.get("comments", [])
            if c["id"] not in ch.get("remove_comments", [])
        ] + list(ch.get("add_comments", []))
    for cp in data.get("copy", []):
        if cp["publisher"] != publisher:
            continue
        d = dict(arts[find[(cp["of"], cp["lang"])]])
        paragraphs = d["body"].strip().split("\n\n")
        d["body"] = "\n\n".join(paragraphs[:len(paragraphs) - cp.get("drop_last_paragraphs", 0)])
        d.update({k: cp[k] for k in ("id", "slug", "headline", "published") if k in cp})
        d["comments"], d["comment_count"] = [], None
        d.pop("modified", None)
        arts.append(d)
    return arts


def _article(publisher: str, d: dict[str, Any], edition: int = 1) -> DemoArticle:
    host = f"http://{publisher}"
    comments = [
        DemoComment(c["id"], c.get("parent"), c["author"], c["date"], c["text"], c.get("likes"))
        for c in d.get("comments", [])
    ]
    comments = _thread_order(comments)
    count = d.get("comment_count")
    if count is None:
        # nasha-niva always shows a counter (even 0); the others show one only with comments
        count = len(comments) if comments or publisher == NASHA_NIVA else None
    return DemoArticle(
        publisher=publisher, id=d["id"], path=_path(publisher, d), lang=d["lang"],
        headline=d["headline"], section=d["section"], section_slug=d["section_slug"],
        published=d["published"], blocks=_blocks(d["body"]),
        subheadline=d.get("subheadline"), authors=list(d.get("authors", [])),
        modified=d.get("modified"), tags=list(d.get("tags", [])),
        images=[DemoImage(host + i["src"], i.get("alt"), i.get("caption"), i.get("credit"),
                          i.get("after", 0)) for i in d.get("images", [])],
        comments=comments, comment_count=count, views=d.get("views", 0), slug=d.get("slug", ""),
        edition=edition,
    )


@lru_cache(maxsize=4)
def _load(edition: int) -> tuple[tuple[DemoArticle, ...], dict[str, DemoArticle]]:
    if edition not in EDITIONS:
        raise ValueError(f"demo edition {edition} does not exist (have {EDITIONS})")
    arts: list[DemoArticle] = []
    special: dict[str, DemoArticle] = {}
    for publisher in PUBLISHERS:
        data = tomllib.loads((DATA / f"{publisher.split('.')[0]}.toml").read_text("utf-8"))
        raw = data.get("article", [])
        if edition >= 2:
            raw = _edition2(publisher, raw)
        arts += [_article(publisher, d, edition) for d in raw]
        special.update({d["name"]: _article(publisher, d) for d in data.get("special", [])})
    return tuple(arts), special


def articles(edition: int = 1, publisher: str | None = None) -> list[DemoArticle]:
    """Every article page of the demo (each language edition is one article)."""
    return [a for a in _load(edition)[0] if publisher in (None, a.publisher)]


def special_article(name: str, edition: int = 1) -> DemoArticle:
    """Articles served only in a broken form (e.g. "truncated"); never in `articles()`."""
    return _load(edition)[1][name]


def by_path(publisher: str, path: str, edition: int = 1) -> DemoArticle | None:
    for a in articles(edition, publisher):
        if a.path == path:
            return a
    return None


def latest(arts: list[DemoArticle]) -> list[DemoArticle]:
    return sorted(arts, key=lambda a: (a.published[:19], a.id), reverse=True)


def shown_count(a: DemoArticle) -> int | None:
    """The comment count shown beside a link to `a` (none is shown for zero)."""
    return a.comment_count or None


# --- related blocks: (title, [(article, shown comment count or None)]) -----------------------
Related = list[tuple[str, list[tuple[DemoArticle, int | None]]]]


def related(a: DemoArticle, edition: int | None = None) -> Related:
    edition = edition or a.edition  # renderers call related(a): the article's own edition
    others = [o for o in articles(edition, a.publisher) if o.key != a.key]
    if a.publisher == NASHA_NIVA:
        same = latest([o for o in others if o.lang == a.lang])
        top = sorted(same, key=lambda o: (-o.views, o.id))
        now, all_news = NN_BLOCKS[a.lang]
        blocks: Related = [
            (now, [(o, shown_count(o)) for o in top[:1]]),
            (all_news, [(o, shown_count(o)) for o in same[:9]]),
            (NN_TAB_READ, [(o, shown_count(o)) for o in top[:5]]),
        ]
    elif a.publisher == DAILY_HERALD:
        tagged = [o for o in others if set(o.tags) & set(a.tags)]
        rest = [o for o in latest(others) if o.section == a.section and o not in tagged]
        most = sorted(others, key=lambda o: (-(o.comment_count or 0), o.published))
        blocks = [
            (DH_RELATED, [(o, None) for o in (latest(tagged) + rest)[:3]]),
            (DH_MOST_READ, [(o, shown_count(o)) for o in most[:5]]),
        ]
    else:
        same = [o for o in others if o.section == a.section]
        pool = same + [o for o in others if o not in same]
        blocks = [(OG_RELATED, [(o, None) for o in pool[:4]])]
    return [(title, links) for title, links in blocks if links]


# --- the records the pages must yield -----------------------------------------------------
def language_tag(lang: str) -> str:
    return LANG_TAGS.get(lang, lang)


def wire_path(a: DemoArticle) -> str:
    """daily-herald's syndicated (wire) copy of an article: same text, no rel=canonical."""
    return "/wire/" + a.path.split("/", 2)[2]


def expected(article: DemoArticle, url: str | None = None,
             edition: int | None = None) -> dict[str, Any]:
    """The record a correct extraction of `article`'s page fetched from `url` yields.

    `url` may be any alias of the article (it only changes `url`), or its syndicated wire copy
    on daily-herald (a separate page: own canonical URL, no images, comments or related)."""
    url = url or article.url
    wire = article.publisher == DAILY_HERALD and url.split("?")[0].endswith(
        f"{article.publisher}{wire_path(article)}")
    rec: dict[str, Any] = {
        "url": url,
        "canonical_url": url if wire else article.url,
        "site": article.publisher,
        "language": language_tag(article.lang),
        "headline": article.headline,
        "subheadline": article.subheadline,
        "authors": list(article.authors),
        "published_at": article.published,
        # daily-herald's JSON-LD declares dateModified = datePublished when never updated
        "modified_at": article.modified or (
            article.published if article.publisher == DAILY_HERALD and not wire else None),
        "section": None if wire else article.section,
        "tags": [] if wire else list(article.tags),
        "body": article.body,
        "images": [] if wire else [
            {"src": i.src, "alt": i.alt, "caption": i.caption, "credit": i.credit}
            for i in article.images
        ],
        "comment_count": None if wire else article.comment_count,
        "comments": [] if wire else [
            {"id": c.id, "parent_id": c.parent, "author": c.author, "published_at": c.date,
             "text": c.text, "likes": c.likes}
            for c in article.comments
        ],
        "related_blocks": [] if wire else [
            {"title": title, "links": [
                {"url": o.url, "title": o.headline, "comment_count": n} for o, n in links]}
            for title, links in related(article, edition)
        ],
    }
    return rec
