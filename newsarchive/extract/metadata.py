"""Headline, subheadline, authors, dates, section, tags, language, canonical URL.

Each field tries the layers in order - site file, JSON-LD, OpenGraph, microdata, other meta,
generic heuristics - and `rec.provenance[field]` names the layer that gave it. Every field is
filled on its own inside a guard, so one odd value (bad JSON-LD, a broken date) costs that field,
never the record.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from newsarchive.extract import metadata_authors, metadata_dates, site, walk
from newsarchive.extract.document import Document
from newsarchive.extract.generic import (
    ARTICLE_TYPES,
    SECTION_META,
    TAGS_META,
)
from newsarchive.extract.metadata_generic import lead_text
from newsarchive.extract.text import clean, dedupe, fold
from newsarchive.extract.titles import find_title
from newsarchive.extract.urls import absolutize, normalize_url, registrable_domain
from newsarchive.profiles import SiteProfile
from newsarchive.record import Record

log = logging.getLogger(__name__)
Found = tuple[Any, str] | None  # (value, layer)


class _Page:
    """What every field looks at: the document, the article's JSON-LD object, the site file."""

    def __init__(self, doc: Document, profile: SiteProfile | None, fields: dict[str, Any],
                 now: datetime) -> None:
        self.doc, self.profile, self.fields, self.now = doc, profile, fields, now
        self.ld: dict[str, Any] = {}
        for types in (ARTICLE_TYPES[:-7], ARTICLE_TYPES[-7:]):  # articles before WebPage etc.
            found = [o for o in doc.jsonld_of_type(*types) if o.get("headline") or
                     o.get("datePublished") or o.get("author")]
            if found:
                self.ld = found[0]
                break
        self.lang: str | None = None
        self.date_candidates: list[Any] | None = None
        self.index: metadata_authors.Index | None = None
        self._itemprops: dict[str, list[etree._Element]] | None = None

    def site_texts(self, key: str) -> list[str]:
        spec = self.fields.get(key)
        if not spec:
            return []
        try:
            values = site.texts(self.doc.tree, spec)
        except ValueError as exc:  # a bad selector in a site file: fall through to generic
            log.warning("%s: %s", key, exc)
            return []
        return [v for v in (clean(site.process(self.profile, key, v)) for v in values) if v]

    def ld_str(self, key: str) -> str | None:
        value = self.ld.get(key)
        if isinstance(value, list):
            value = next((v for v in value if isinstance(v, str)), None)
        if isinstance(value, dict):
            value = value.get("name") or value.get("@value")
        return clean(value) if isinstance(value, str) and clean(value) else None

    def itemprops(self) -> dict[str, list[etree._Element]]:
        """itemprop name -> elements in document order: the author Index's when the authors
        step built it, else one attribute-presence XPath (a page whose site file names the
        authors never needs the Index's scan of every attribute-bearing element)."""
        if self.index is not None:
            return self.index.itemprops
        if self._itemprops is None:
            self._itemprops = {}
            for el in self.doc.tree.xpath("//*[@itemprop]"):
                for name in el.get("itemprop").split():
                    self._itemprops.setdefault(name, []).append(el)
        return self._itemprops

    def itemprop(self, name: str) -> str | None:
        for node in self.itemprops().get(name, [])[:3]:
            value = node.get("content") or node.get("datetime") or node.text_content()
            if value and clean(value):
                return clean(value)
        return None


def _headline(p: _Page) -> Found:
    if found := p.site_texts("headline"):
        return found[0], "site"
    return find_title(p.doc, p.ld_str("headline") or p.ld_str("name"))


def _subheadline(p: _Page) -> Found:
    if found := p.site_texts("subheadline"):
        return found[0], "site"
    text = lead_text(p.doc)
    return (text, "generic") if text else None


def _breadcrumbs(doc: Document) -> list[etree._Element]:
    """The first element of generic.BREADCRUMB_XPATH, read off the shared element list (the
    XPath's contains(@class) over every element cost ~0.5 ms a page)."""
    # an itemtype can only be BreadcrumbList when the page's source says so
    typed = "BreadcrumbList" in doc.text
    for el, _tag, ident, cls in walk.elements(doc):
        if "breadcrumb" in cls or "breadcrumb" in ident or (
                typed and el.get("itemtype") in _BREADCRUMB_TYPES):
            return [el]
    return []


_BREADCRUMB_TYPES = ("https://schema.org/BreadcrumbList", "http://schema.org/BreadcrumbList")


def _section(p: _Page) -> Found:
    if found := p.site_texts("section"):
        return found[0], "site"
    if value := p.ld_str("articleSection"):
        return value, "json-ld"
    if value := p.doc.meta_first(SECTION_META[0]):
        return clean(value), "opengraph"
    if value := p.doc.meta_first(*SECTION_META[1:]):
        return clean(value.split(",")[0]), "meta"
    for crumbs in _breadcrumbs(p.doc)[:1]:
        items = [clean(a.text_content()) for a in crumbs.iter("a", "span", "li")
                 if len(a) == 0 or a.tag == "a"]
        items = [t for t in dedupe(items) if 1 < len(t) < 40 and t not in ("/", ">", "»")]
        if len(items) >= 2:  # first is "Home"; the section is the next one
            return items[1], "generic"
    return None


def _tags(p: _Page) -> Found:
    if found := p.site_texts("tags"):
        return dedupe(found), "site"
    keywords = p.ld.get("keywords")
    if isinstance(keywords, str):
        keywords = keywords.split(",")
    if isinstance(keywords, list) and (
            tags := dedupe(clean(k) for k in keywords if isinstance(k, str) and clean(k))):
        return tags[:40], "json-ld"
    if tags := dedupe(clean(v) for v in p.doc.meta.get("article:tag", [])):
        return tags[:40], "opengraph"
    for key in TAGS_META[2:]:
        values = [t for v in p.doc.meta.get(key, []) for t in v.split(",")]
        if tags := dedupe(clean(t) for t in values if clean(t)):
            return tags[:40], "meta"
    tags = dedupe(clean(a.text_content()) for a in p.doc.tree.iter("a") if a.get("rel") == "tag")
    return (tags[:40], "generic") if tags else None


_LANG = re.compile(r"^([a-zA-Z]{2,3})(?:[-_]([a-zA-Z]{4}))?(?:[-_]([a-zA-Z]{2}|\d{3}))?\b")


def normalize_lang(value: str | None) -> str | None:
    """'en_us' -> 'en-US', 'be_BY' -> 'be-BY', 'sr-latn-rs' -> 'sr-Latn-RS'."""
    m = _LANG.match(clean(value)) if value else None
    if not m or m.group(1).lower() in ("und", "xx", "zz"):
        return None
    out = m.group(1).lower()
    if m.group(2):
        out += "-" + m.group(2).title()
    if m.group(3):
        out += "-" + m.group(3).upper()
    return out


# XPath translate('LANGUAGE', 'language') and translate('CANONICAL', 'canonical')
_LANGUAGE_LOWER = str.maketrans("LANGUE", "langue")
_CANONICAL_LOWER = str.maketrans("CANOIL", "canoil")


def _http_equiv_language(doc: Document) -> str | None:
    """= //meta[translate(@http-equiv, 'LANGUAGE', 'language')='content-language']/@content,
    first match; iter("meta") filters in C instead of an XPath over every node."""
    for meta in doc.tree.iter("meta"):
        equiv = meta.get("http-equiv")
        if equiv is not None and equiv.translate(_LANGUAGE_LOWER) == "content-language":
            content = meta.get("content")
            if content is not None:
                return content
    return None


def _canonical_link(doc: Document) -> str | None:
    """= the first //link[contains(concat(' ', translate(@rel, 'CANONICAL', 'canonical'), ' '),
    ' canonical ')]/@href."""
    for link in doc.tree.iter("link"):
        rel = link.get("rel")
        if rel is not None and " canonical " in f" {rel.translate(_CANONICAL_LOWER)} ":
            href = link.get("href")
            if href is not None:
                return href
    return None


def _language(p: _Page) -> Found:
    doc = p.doc
    http_lang = doc.headers.get("content-language") or _http_equiv_language(doc)
    for raw, layer in ((doc.html_lang, "generic"), (p.ld_str("inLanguage"), "json-ld"),
                       (doc.meta_first("og:locale"), "opengraph"), (http_lang, "meta"),
                       (doc.meta_first("dc.language", "language"), "meta"),
                       (p.profile.language if p.profile else None, "site")):
        if lang := normalize_lang(raw):
            return lang, layer
    return None


def trusted_canonical(candidate: str | None, url: str, profile: SiteProfile | None) -> bool:
    """rel=canonical / og:url is the article's identity only if it stays on the same site,
    does not point at the home page or a parent listing, and (with a site file) still looks
    like an article URL. CMSs that emit the section or home URL on every page are common."""
    if not candidate or not candidate.startswith(("http://", "https://")):
        return False
    if registrable_domain(candidate) != registrable_domain(url):
        return False
    cpath = urlsplit(candidate).path.rstrip("/")
    upath = urlsplit(url).path.rstrip("/")
    if not cpath and upath:
        return False  # the home page
    if upath.startswith(cpath + "/") and cpath != upath:
        return False  # a parent section of this URL
    if profile and profile.is_article_url(url) and not profile.is_article_url(candidate):
        return False
    return True


def _canonical(p: _Page) -> Found:
    doc = p.doc
    cands = [(v, "site") for v in p.site_texts("canonical")]
    if (link := _canonical_link(doc)) is not None:
        cands.append((link, "meta"))
    cands.append((doc.meta_first("og:url"), "opengraph"))
    for raw, layer in cands:
        url = absolutize(raw, doc.base_url)
        if url and trusted_canonical(url, doc.url, p.profile):
            return normalize_url(url), layer
    return None


def fill_metadata(doc: Document, rec: Record, profile: SiteProfile | None,
                  fields: dict[str, Any], now: datetime) -> None:
    page = _Page(doc, profile, fields, now)
    steps = (("language", _language), ("canonical_url", _canonical), ("headline", _headline),
             ("subheadline", _subheadline), ("authors", metadata_authors.authors),
             ("published_at", metadata_dates.published),
             ("modified_at", metadata_dates.modified),
             ("section", _section), ("tags", _tags))
    for name, step in steps:
        try:
            found = step(page)
        except (ValueError, TypeError, AttributeError, KeyError, IndexError,
                etree.LxmlError, OverflowError, RecursionError) as exc:
            log.warning("%s: %s failed: %s", doc.url, name, exc)
            continue
        if not found:
            continue
        value, layer = found
        if name in ("published_at", "modified_at"):
            value, raw = value
            setattr(rec, name.replace("_at", "_raw"), clean(raw)[:200] or None)
        setattr(rec, name, value)
        rec.provenance[name] = layer
        if name == "language":
            page.lang = value
    if rec.headline and rec.subheadline and fold(rec.headline) == fold(rec.subheadline):
        rec.subheadline = None
