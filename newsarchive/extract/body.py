"""Main text, and whether the page is an article at all (is_article, access).

Site layer: the site file's `body` selector names the article element(s); their block-level
text is the body. Generic layer (provenance "generic"): our own extractor, body_generic, on
doc.tree itself (no copy, no reparse), the comment and related containers left out, then the
line filters and standfirst recovery. When its result looks weak (short, or its container holds
under MIN_SHARE of the page's paragraph weight) trafilatura runs instead (provenance
"trafilatura") on a *copy* of the tree without those containers."""

from __future__ import annotations

import copy
import logging
import re
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from newsarchive.extract import site
from newsarchive.extract.body_clean import (
    block_text,
    clean_lines,
    drop_named_boxes,
    find_article_node,
    map_nodes,
    recover_lead,
)
from newsarchive.extract.body_generic import extract_main
from newsarchive.extract.document import Document
from newsarchive.extract.generic import (
    CONTENT_CLASS,
    PAYWALL_WORDS,
    SUBSCRIBE_WORDS,
    WALL_WORDS,
)
from newsarchive.extract.text import clean
from newsarchive.profiles import SiteProfile
from newsarchive.record import Record

log = logging.getLogger(__name__)
# Links are kept (as markdown) only so that clean_lines can drop lines that are nothing but a
# link to another article; clean_lines turns them back into plain text.
TRAFILATURA_OPTIONS: dict[str, Any] = {
    "include_comments": False, "with_metadata": False, "include_tables": True,
    "include_images": False, "include_links": True, "deduplicate": False,
    # fast=True skips its readability/justext comparison: as the fallback (185 of 790 pages)
    # whole record 0.80x -> 0.86x of trafilatura, corpus body F1 0.941 -> 0.938
    "fast": False}
Node = etree._Element
# compiled once: node.xpath(str) compiles its expression on every call
_BODY_TEXT = etree.XPath("string(//body)")
# below these our extractor's result counts as weak and trafilatura runs instead
MIN_CHARS = 200
MIN_SHARE = 0.7


def _site_body(doc: Document, profile: SiteProfile | None, fields: dict[str, Any],
               exclude: list[Node]) -> tuple[str, Node] | None:
    spec = fields.get("body")
    if not spec:
        return None
    try:
        found = site.nodes(doc.tree, spec)
    except ValueError as exc:
        log.warning("%s: body selector: %s", doc.url, exc)
        return None
    # nested matches (a selector hitting both a wrapper and its child) would repeat text
    # (a set: `in` on the list compared each ancestor with every match, 61 x 61 on a page
    # whose selector names each paragraph)
    matched = set(found)
    found = [n for n in found if not any(a in matched for a in n.iterancestors())]
    if not found:
        return None
    skip = set(exclude)
    images = fields.get("images")
    if isinstance(images, dict) and images.get("container"):
        # the site's image containers hold captions and credits, never body text
        try:
            skip.update(site.nodes(doc.tree, images["container"]))
        except ValueError as exc:
            log.warning("%s: images.container selector: %s", doc.url, exc)
    parts = [block_text(node, skip) for node in found]
    text = "\n\n".join(p for p in parts if p)
    text = site.process(profile, "body", text) if text else text
    return (clean_lines(text), found[0]) if text else None


def _safe_excludes(doc: Document, exclude: list[Node], comment_texts: list[str]) -> list[Node]:
    """Comment/related containers to leave out, minus ones that look like the article: a
    node holding the headline or half the page's text, one named as the
    article body (entry-content, itemprop=articleBody) with no comment in it, or a link-poor
    node with no comment in it (a related-links block is mostly links; a wrapper matched by
    mistake is mostly prose)."""
    if not exclude:
        return []
    body = doc.tree.find("body")
    total = max(1, len("".join(body.itertext()))) if body is not None else 1
    probes = [clean(t)[:60] for t in comment_texts[:20] if len(clean(t)) >= 15]
    keep = []
    for node in exclude:
        text = clean(" ".join(node.itertext()))
        if node.tag in ("html", "body") or node.find(".//h1") is not None \
                or len(text) >= 0.5 * total:
            continue
        commented = any(p in text for p in probes)
        if not commented and _named_content(node):
            continue  # named as the article body ("entry-content"): a link-rich article
        links = sum(len(clean(a.text_content())) for a in node.iter("a"))
        if len(text) < 300 or links >= 0.35 * len(text) or commented:
            keep.append(node)
    return keep


def _named_content(node: Node) -> bool:
    label = f"{node.get('class') or ''} {node.get('id') or ''}"
    return node.get("itemprop") == "articleBody" or bool(CONTENT_CLASS.search(label))


def _trafilatura(doc: Document, exclude: list[Node], headline: str | None,
                 comment_texts: list[str]) -> tuple[str, Node | None] | None:
    import trafilatura

    tree = copy.deepcopy(doc.tree)
    exclude = _safe_excludes(doc, exclude, comment_texts)
    for node in map_nodes(doc.tree, tree, exclude):
        parent = node.getparent()
        if parent is not None:
            parent.remove(node)
    drop_named_boxes(tree)
    url = doc.url if "://" in doc.url else None
    result = trafilatura.bare_extraction(tree, url=url, **TRAFILATURA_OPTIONS)
    text = getattr(result, "text", None) if result is not None else None
    if not text:
        return None
    text = clean_lines(text, links=True)
    if not text:
        return None
    lead = recover_lead(doc.tree, headline, text, set(exclude))
    node = find_article_node(doc.tree, text, set(exclude))
    return "\n\n".join([*lead, text]), node


def _generic(doc: Document, exclude: list[Node], headline: str | None,
             comment_texts: list[str]) -> tuple[str, Node | None] | None:
    """Our extractor; None when its result looks weak (the caller then runs trafilatura)."""
    safe = _safe_excludes(doc, exclude, comment_texts)
    found = extract_main(doc.tree, safe)
    if found is None or len(found.text) < MIN_CHARS or found.share < MIN_SHARE:
        return None
    lead = recover_lead(doc.tree, headline, found.text, set(safe))
    return "\n\n".join([*lead, found.text]), found.node


def fill_body(doc: Document, rec: Record, profile: SiteProfile | None, fields: dict[str, Any],
              exclude: list[Node]) -> Node | None:
    """Fills rec.body; returns the article's root element (or None). Never mutates doc.tree."""
    layers = (("site", lambda: _site_body(doc, profile, fields, exclude)),
              ("generic", lambda: _generic(doc, exclude, rec.headline, comment_texts)),
              ("trafilatura", lambda: _trafilatura(doc, exclude, rec.headline,
                                                     comment_texts)))
    comment_texts = [c.text for c in rec.comments]
    for layer, step in layers:
        try:
            found = step()
        except (ValueError, TypeError, AttributeError, etree.LxmlError, RecursionError,
                MemoryError) as exc:
            log.warning("%s: body (%s) failed: %s", doc.url, layer, exc)
            continue
        if found and found[0]:
            rec.body, node = found
            rec.provenance["body"] = layer
            return node
    rec.body = None
    return None


# --- is it an article, and can it be read -----------------------------------------------------

_ARTICLE_LD = ("NewsArticle", "Article", "BlogPosting", "ReportageNewsArticle",
               "AnalysisNewsArticle", "OpinionNewsArticle", "LiveBlogPosting", "Recipe",
               "ReviewNewsArticle", "TechArticle", "ScholarlyArticle", "Report")
_LISTING_LD = ("CollectionPage", "ItemList", "SearchResultsPage", "ProfilePage")


def _free_flag(doc: Document) -> bool | None:
    for obj in doc.jsonld:
        value = obj.get("isAccessibleForFree")
        if isinstance(value, str):
            value = value.strip().lower() not in ("false", "0", "no")
        if isinstance(value, bool):
            return value
    return None


def _linked_share(doc: Document, body: str) -> float:
    """Share of the body that is link text: a listing's "body" is its teaser headlines."""
    if not body:
        return 0.0
    # a.text for a childless link: text_content() runs an XPath string() per element; clean()
    # never lengthens a text, so a raw text under 15 characters is not cleaned at all (menus)
    raw = (a.text if not len(a) else a.text_content() for a in doc.tree.iter("a"))
    anchors = {t for t in (clean(r) for r in raw if r and len(r) >= 15) if len(t) >= 15}
    linked = sum(len(t) for t in anchors if t in body)
    return min(1.0, linked / len(body))


def _is_home(url: str) -> bool:
    parts = urlsplit(url)
    return parts.path in ("", "/") and not parts.query


def fill_access(doc: Document, rec: Record, profile: SiteProfile | None,
                fields: dict[str, Any]) -> None:
    """Sets rec.is_article and rec.access ("free", "paywall", "teaser", "wall", "none")."""
    try:
        _fill_access(doc, rec, profile)
    except (ValueError, TypeError, AttributeError, etree.LxmlError) as exc:
        log.warning("%s: access failed: %s", doc.url, exc)
        rec.is_article = bool(rec.body)
        rec.access = "free" if rec.is_article else "none"


def _fill_access(doc: Document, rec: Record, profile: SiteProfile | None) -> None:
    body_len = len(rec.body or "")
    og_type = (doc.meta_first("og:type") or "").lower()
    marked = bool(doc.jsonld_of_type(*_ARTICLE_LD)) or og_type.startswith("article")
    listing = bool(doc.jsonld_of_type(*_LISTING_LD)) or (og_type == "website" and not marked)
    if profile is not None and profile.article_patterns and not profile.is_article_url(doc.url):
        listing = True
    # the link share is read only where it can decide (not for a marked article that is no
    # listing: the usual news page), as its walk over every link costs ~0.06 ms a page
    if _is_home(doc.url) and not marked:
        is_article = False  # a site's front page is a listing whatever its text
    elif marked and body_len:
        is_article = not (listing and _linked_share(doc, rec.body or "") > 0.5)
    elif listing:
        is_article = body_len >= 1500 and _linked_share(doc, rec.body or "") < 0.2
    else:
        # mostly running text, not a list of headlines linking elsewhere
        is_article = body_len >= 250 and _linked_share(doc, rec.body or "") < 0.35
    if not is_article:
        walled = body_len < 300 and WALL_WORDS.search(_page_text(doc)[:3000])
        rec.is_article = bool(walled and marked)
        rec.access = "wall" if walled else "none"
        return
    rec.is_article = True
    if _free_flag(doc) is False or _paywall_markup(doc.text):
        rec.access = "paywall"
    elif body_len < 800 and SUBSCRIBE_WORDS.search(_page_text(doc)[-6000:]):
        rec.access = "teaser"
    elif body_len < 300 and WALL_WORDS.search(_page_text(doc)[:3000]):
        rec.access = "wall"
    else:
        rec.access = "free"


def _page_text(doc: Document) -> str:
    return clean(_BODY_TEXT(doc.tree))


# containers that hold (or replace) the text of a paywalled article: each word is looked up in
# the lower-cased raw HTML with str.find (a case-insensitive regex alternation over the whole
# page costs ~10 ms), then a hit counts only inside a class or id attribute
_IN_CLASS = re.compile(r"""\b(?:class|id)\s*=\s*["'][^"'<>]*$""")
# Words that share a stem are looked up only when the page holds the stem: one scan of the page
# rules out paywall/regwall/meterwall (each str.find of a missing word reads the whole page:
# ~0.6 ms for the nine on an 85 KB page)
_STEMS = ("wall", "subscriber")
_BY_STEM: dict[str, list[str]] = {}
for _word in PAYWALL_WORDS:
    _BY_STEM.setdefault(next((s for s in _STEMS if s in _word), _word), []).append(_word)


def _paywall_markup(html: str) -> bool:
    lowered = html.lower()
    for word in (w for stem, words in _BY_STEM.items() if stem in lowered for w in words):
        start = lowered.find(word)
        while start >= 0:
            if _IN_CLASS.search(lowered, max(0, start - 300), start):
                return True
            start = lowered.find(word, start + len(word))
    return False
