"""Site files: `spiders/<name>.toml` -> validated `SiteProfile`.

A site is data, not code. The format (docs/adding-a-site.md has a full example):

    name = "example"               # spider name (`scrapy crawl example`)
    site = "example.com"           # the publisher's registrable domain (record.site)
    hosts = ["example.com", "www.example.com"]   # allowed hosts; nothing outside is requested
    language = "en"                # default when the page does not say
    demo = false                   # demo publishers are skipped by `crawl --all`

    [sources]                      # where discovery starts
    start_urls = ["https://example.com/"]
    sitemaps = []                  # sitemap or sitemap index URLs
    feeds = []                     # RSS/Atom URLs

    [urls]                         # regexes searched in the URL (scheme://host/path?query)
    article = ['/\\d{4}/\\d\\d/[\\w-]+$']
    follow = ['/section/', '\\?page=\\d+']   # listing pages to walk
    deny = ['/login']

    [fields]                       # selectors: CSS (parsel ::text/::attr ok), "xpath:..." or a list
    headline = "h1.title::text"
    body = "div.article-body"      # element(s): their paragraphs become the body

    [fields.images]                # complex fields are sub-tables
    container = "figure"
    src = "img::attr(src)"
    caption = "figcaption .text"
    credit = "figcaption .credit"

    [fields.comments]              # id/parent are evaluated on each item; count: digits taken
    container = "#comments"
    item = "li.comment"
    id = "xpath:@id"
    parent = "xpath:ancestor::li[contains(@class,'comment')][1]/@id"
    author = ".author::text"
    date = "time::attr(datetime)"
    text = ".comment-body"
    count = ".comments-title"

    [fields.related]               # count is evaluated relative to each link
    block = "aside.related"
    title = "h3::text"
    link = "li a"
    count = "xpath:following-sibling::span[1]"

    [processors]                   # named cleaning steps per field (newsarchive.extract.site)
    credit = ["strip_credit_label"]

    [revisit]                      # article age -> revisit interval (newsarchive/schedule.py)
    "1d" = "1h"
    older = "never"

    [[layouts]]                    # redesigns: first layout whose `when` matches overrides fields
    name = "2019"
    when = "table#main"
    fields = {headline = "td.hdr b::text"}
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

SPIDERS_DIR = Path(__file__).resolve().parent.parent / "spiders"


def profiles_dir() -> Path:
    """Site files: $NEWSARCHIVE_SPIDERS, else ./spiders, else the checkout's spiders/."""
    env = os.environ.get("NEWSARCHIVE_SPIDERS")
    if env:
        return Path(env)
    local = Path.cwd() / "spiders"
    return local if local.is_dir() and any(local.glob("*.toml")) else SPIDERS_DIR


class ProfileError(ValueError):
    """A site file is malformed; the message names the file and the key."""


@dataclass
class Layout:
    name: str
    when: str
    fields: dict[str, Any]


@dataclass
class SiteProfile:
    name: str
    site: str
    hosts: list[str]
    language: str | None = None
    demo: bool = False
    start_urls: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    article_patterns: list[re.Pattern[str]] = field(default_factory=list)
    follow_patterns: list[re.Pattern[str]] = field(default_factory=list)
    deny_patterns: list[re.Pattern[str]] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)
    processors: dict[str, list[str]] = field(default_factory=dict)
    layouts: list[Layout] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)  # per-site Scrapy settings
    revisit: dict[str, Any] = field(default_factory=dict)  # age -> interval; {} = default
    path: Path | None = None

    def allows_host(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return any(host == h or host.endswith("." + h) for h in self.hosts)

    def is_article_url(self, url: str) -> bool:
        if any(p.search(url) for p in self.deny_patterns):
            return False
        return any(p.search(url) for p in self.article_patterns)

    def should_follow(self, url: str) -> bool:
        if any(p.search(url) for p in self.deny_patterns):
            return False
        return any(p.search(url) for p in self.follow_patterns)


def _compile(patterns: Any, where: str) -> list[re.Pattern[str]]:
    if isinstance(patterns, str):
        patterns = [patterns]
    out = []
    for p in patterns or []:
        try:
            out.append(re.compile(p))
        except re.error as exc:
            raise ProfileError(f"{where}: bad regex {p!r}: {exc}") from exc
    return out


def parse_profile(data: dict[str, Any], path: Path | None = None) -> SiteProfile:
    where = str(path or "<site file>")
    name = data.get("name") or (path.stem if path else None)
    if not name or not re.fullmatch(r"[\w.-]+", name):
        raise ProfileError(f"{where}: 'name' must be a simple word, got {name!r}")
    hosts = data.get("hosts") or []
    sources = data.get("sources", {})
    start = sources.get("start_urls", [])
    if not hosts and start:
        hosts = sorted({urlsplit(u).hostname or "" for u in start} - {""})
    if not hosts:
        raise ProfileError(f"{where}: needs 'hosts' or sources.start_urls")
    from newsarchive.extract.urls import registrable_domain  # here: extract imports profiles

    site = data.get("site") or registrable_domain(hosts[0])
    urls = data.get("urls", {})
    layouts = []
    for i, lay in enumerate(data.get("layouts", [])):
        if "when" not in lay:
            raise ProfileError(f"{where}: layouts[{i}] needs a 'when' selector")
        layouts.append(Layout(lay.get("name", f"layout{i}"), lay["when"], lay.get("fields", {})))
    known = {"name", "site", "hosts", "language", "demo", "sources", "urls", "fields",
             "processors", "layouts", "settings", "revisit"}
    unknown = set(data) - known
    if unknown:
        raise ProfileError(f"{where}: unknown keys {sorted(unknown)}")
    revisit = dict(data.get("revisit", {}))
    if revisit:
        from newsarchive.schedule import RevisitPolicy

        try:
            RevisitPolicy.from_mapping(revisit)
        except ValueError as exc:
            raise ProfileError(f"{where}: revisit: {exc}") from exc
    return SiteProfile(
        name=name, site=site, hosts=[h.lower() for h in hosts],
        language=data.get("language"), demo=bool(data.get("demo", False)),
        start_urls=list(start), sitemaps=list(sources.get("sitemaps", [])),
        feeds=list(sources.get("feeds", [])),
        article_patterns=_compile(urls.get("article"), f"{where}: urls.article"),
        follow_patterns=_compile(urls.get("follow"), f"{where}: urls.follow"),
        deny_patterns=_compile(urls.get("deny"), f"{where}: urls.deny"),
        fields=dict(data.get("fields", {})), processors=dict(data.get("processors", {})),
        layouts=layouts, settings=dict(data.get("settings", {})), revisit=revisit, path=path,
    )


def load_profile(path: Path) -> SiteProfile:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ProfileError(f"{path}: {exc}") from exc
    return parse_profile(data, path)


def load_profiles(directory: Path | None = None) -> dict[str, SiteProfile]:
    directory = directory or profiles_dir()
    profiles = {}
    for path in sorted(Path(directory).glob("*.toml")):
        prof = load_profile(path)
        if prof.name in profiles:
            raise ProfileError(f"{path}: duplicate site name {prof.name!r}")
        profiles[prof.name] = prof
    return profiles


def find_by_url(url: str, profiles: dict[str, SiteProfile]) -> SiteProfile | None:
    for prof in profiles.values():
        if prof.allows_host(url):
            return prof
    return None
