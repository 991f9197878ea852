"""Related-link blocks: "Related", "Most read", "Now reading", "Читайте также", ...

Found by structure so unknown languages work: a heading followed by >= 2 links to same-site
article-like URLs with several words of link text, outside site chrome (nav, header, footer,
menus, tag clouds, share bars, pagination) and outside article paragraphs. A heading that says
"Related"/"Читайте также" (generic.RELATED_HEADING) or a block whose class says so
(generic.RELATED_CLASS) needs only one link. Link titles lose a trailing comment count, which
goes to `comment_count`. Which links a block holds, and their titles: related_links.
"""

from __future__ import annotations

import bisect
import re
import weakref
from typing import Any

from lxml import etree

from newsarchive.extract import walk
from newsarchive.extract.document import Document
from newsarchive.extract.related_links import Page, good_links, link_title, teaser_links
from newsarchive.extract.related_words import (
    head_class,
    not_a_block_head,
    related_text,
    related_words,
    says_related,
)
from newsarchive.extract.site import first_text, nodes, process
from newsarchive.extract.urls import absolutize
from newsarchive.profiles import SiteProfile
from newsarchive.record import Record, RelatedBlock, RelatedLink

Node = etree._Element
# compiled once: node.xpath(str) compiles its expression on every call
_LINKS = etree.XPath(".//a[@href]")
_HEADINGS = {"h2", "h3", "h4", "h5", "h6"}
_ARROWS = re.compile(r"[\s→›»>▸►]+$")

# Block elements per Document, so images can skip teaser thumbnails without a second search.
_BLOCKS: weakref.WeakKeyDictionary[Document, list[Node]] = weakref.WeakKeyDictionary()


def blocks_of(doc: Document) -> list[Node]:
    """The related-block elements found for `doc` (empty before fill_related ran)."""
    return _BLOCKS.get(doc, [])


def _heading_candidates(page: Page) -> list[tuple[Node, bool]]:
    """(element, says-related) for h2-h6, title-classed short elements and label-word texts."""
    found: dict[Node, bool] = {}
    # (the XPath "//h2|...|//*[contains(@class,'title') or ...]" took ~1 ms a page)
    for el, tag, _id, cls in walk.elements(page.doc):
        if tag in _HEADINGS or (cls and ("title" in cls or "head" in cls or "label" in cls)
                                and head_class(cls)):
            found[el] = False
    for low, el in walk.short_texts(page.doc):
        if related_text(low):
            found[el] = True
    out = []
    tops = []
    for el, said in found.items():
        outer = next((a for a in el.iterancestors() if a in found), None)
        if outer is not None:  # "div.block-head > a 'All news'": the outer element is the heading
            found[outer] = found[outer] or said
        else:
            tops.append(el)
    for el in tops:
        said = found[el]
        text = page.text(el)
        if not text or len(text) > 80:
            continue
        if not said and says_related(text):
            said = True
        out.append((el, said))
    out.sort(key=lambda x: page.order.get(x[0], 0))
    return out


def _holds_headline(el: Node) -> bool:
    """The article's <h1> inside (a related block never holds the story it relates to)."""
    return next(el.iterdescendants("h1"), None) is not None


_PROSE = 2000  # characters of non-link text: more than any teaser list's excerpts


def _holds_prose(page: Page, el: Node) -> bool:
    """The article's running text inside (an 'Anzeige' heading in the body must not make the
    whole body a block): text outside links beyond _PROSE characters. Only for headings
    found by structure: "Read also:" boxes inside the body are real blocks."""
    total = len(page.text(el))
    if total <= _PROSE:
        return False
    lo, hi = page.order[el], page.end[el] + 1
    linked = sum(len(page.text(a)) for a in page.anchors_between(lo - 1, hi))
    return total - linked > _PROSE


def _links_in(el: Node) -> list[Node]:
    """el.xpath(".//a[@href]"): descendant <a> with an href attribute, in document order."""
    return [a for a in el.iterdescendants("a") if a.get("href") is not None]


def _refused(page: Page, h: Node, said: bool) -> bool:
    """A heading naming ads, tags or recent comments, or (in) a teaser link to a story
    ("a.title", "a > p.title"; "a.title Santé" to a section page is a title) heads no related
    block: its links stay out of the body as before, but are not reported."""
    wrap = h if h.tag == "a" else next(h.iterancestors("a"), h)
    return not_a_block_head(page.text(h)) or (
        wrap.tag == "a" and not said and page.article_url(wrap.get("href")) is not None
        and len(page.text(wrap)) >= 0.8 * len(page.text(h)))


def _generic(page: Page) -> list[tuple[Node, RelatedBlock | None]]:
    heads = _heading_candidates(page)
    head_set = {h for h, _ in heads}
    # headings that are not themselves links end a block; in document order
    # (.//a[@href] as a descendant loop: the per-call XPath / ElementPath setup cost more)
    stops = [page.order[h] for h, _ in heads if not _links_in(h)]
    blocks: list[tuple[Node, RelatedBlock | None]] = []
    used: set[Node] = set()
    for h, said in heads:
        if page.is_chrome(h) or h in used:
            continue
        # a heading that is itself a teaser link ("h3 > a Title") is an item, not a block title
        own_links = _links_in(h)
        if own_links and not said and len(page.text(own_links[0])) >= 0.8 * len(page.text(h)):
            continue
        start = page.order[h]
        h_end = page.end[h]
        nxt = bisect.bisect_right(stops, h_end)
        next_stop = stops[nxt] if nxt < len(stops) else 10**9
        container = h.getparent()
        for _ in range(5):
            if container is None or container.tag in ("body", "html"):
                break
            if container is not h.getparent() and (_holds_headline(container) or (
                    not said and _holds_prose(page, container))):
                break  # widened up to the article itself: the block would swallow the story
            # links run from the heading to the next heading that is not itself a link
            end = min(next_stop, page.end[container] + 1)
            anchors = [a for a in page.anchors_between(h_end, end) if not page.is_chrome(a)]
            links = teaser_links(page, anchors, container)
            if len(links) >= (1 if said else 2):
                if good_links(links, said):
                    title = _ARROWS.sub("", page.text(h)) or None
                    blocks.append((container, None if _refused(page, h, said)
                                   else RelatedBlock(title=title, links=links)))
                    used.update(x for x in head_set if page.inside(x, container)
                                and page.order[x] < start)
                break
            container = container.getparent()
    # blocks marked only by class (YARPP, Jetpack related posts) without a heading found above
    taken = [el for el, _ in blocks]
    for el, tag, ident, cls in walk.elements(page.doc):
        if not (ident or cls) or tag in ("a", "img", "body", "html", "span"):
            continue
        if not related_words(f"{ident} {cls}") or page.is_chrome(el):
            continue
        lo, hi = page.order[el], page.end[el]
        if any(lo <= page.order[t] <= hi or page.order[t] <= lo <= page.end[t] for t in taken):
            continue  # nested in or around a block already found
        links = teaser_links(page, [a for a in el.iter("a") if a.get("href")], el)
        if len(links) >= 2 and good_links(links, True):
            head = next((x for x in el.iter() if x in head_set), None)
            title = _ARROWS.sub("", page.text(head)) if head is not None else None
            # a "related-issues" box headed "Tags" is a tag list
            blocks.append((el, None if title and not_a_block_head(title)
                           else RelatedBlock(title=title or None, links=links)))
            taken.append(el)
    blocks.sort(key=lambda b: page.order.get(b[0], 0))
    return blocks


def _site_layer(doc: Document, profile: SiteProfile | None,
                spec: dict[str, Any]) -> list[tuple[Node, RelatedBlock]]:
    page = Page(doc)
    out = []
    for block in nodes(doc.tree, spec.get("block")):
        title = first_text(block, spec["title"]) if spec.get("title") else None
        anchors = nodes(block, spec.get("link", "a"))
        anchors = [a if a.tag == "a" else (_LINKS(a) or [a])[0] for a in anchors]
        links = []
        for a in anchors:
            url = absolutize(a.get("href"), doc.base_url)
            if not url:
                continue
            t, count, _ = link_title(a)
            if spec.get("count"):
                count_text = first_text(a.getparent() if a.getparent() is not None else a,
                                        spec["count"])
                count = int(count_text) if count_text and count_text.isdigit() else count
            t = process(profile, "related_title", t)
            links.append(RelatedLink(url=url, title=t, comment_count=count))
        if not spec.get("count"):
            links = teaser_links(page, anchors, block) or links
        if links:
            out.append((block, RelatedBlock(title=_ARROWS.sub("", title or "") or None,
                                            links=links)))
    return out


def fill_related(doc: Document, rec: Record, profile: SiteProfile | None,
                 fields: dict[str, Any]) -> list[etree._Element]:
    """Fill rec.related_blocks; return the block elements so the body leaves them out."""
    spec = fields.get("related")
    if isinstance(spec, dict):
        found = _site_layer(doc, profile, spec)
        layer = "site"
    else:
        found = _generic(Page(doc))
        layer = "generic"
    rec.related_blocks = [b for _, b in found if b is not None]
    if rec.related_blocks:
        rec.provenance["related_blocks"] = layer
    elements = [el for el, _ in found]
    _BLOCKS[doc] = elements
    return elements
