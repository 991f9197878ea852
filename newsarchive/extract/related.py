"""Related-link blocks: "Related", "Most read", "Now reading", "Читайте также", ...

Found by structure so unknown languages work: a heading followed by >= 2 links to same-site
article-like URLs with several words of link text, outside site chrome (nav, header, footer,
menus, tag clouds, share bars, pagination) and outside article paragraphs. A heading that says
"Related"/"Читайте также" (generic.RELATED_HEADING) or a block whose class says so
(generic.RELATED_CLASS) needs only one link. Link titles lose a trailing comment count, which
goes to `comment_count`.
"""

from __future__ import annotations

import bisect
import re
import weakref
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from newsarchive.extract import generic as g
from newsarchive.extract import walk
from newsarchive.extract.document import Document
from newsarchive.extract.related_words import (
    chrome_words,
    head_class,
    not_a_block_head,
    post_class_free,
    related_text,
    related_words,
    says_related,
)
from newsarchive.extract.site import first_text, nodes, process, text_of
from newsarchive.extract.urls import absolutize, normalize_url, registrable_domain
from newsarchive.profiles import SiteProfile
from newsarchive.record import Record, RelatedBlock, RelatedLink

Node = etree._Element
# compiled once: node.xpath(str) compiles its expression on every call
_LINKS = etree.XPath(".//a[@href]")
_HEADINGS = {"h2", "h3", "h4", "h5", "h6"}
_CHROME_TAGS = {"nav", "header", "footer", "form", "button", "select"}
_CHROME_ROLES = {"navigation", "banner", "contentinfo", "menu", "menubar", "search"}
_COUNT_TAIL = re.compile(r"^(?P<title>.*\S)\s+(?P<n>(?!(?:19|20)\d\d$)\d{1,5})$")
_MEDIA_PATH = re.compile(r"\.(jpe?g|png|gif|webp|pdf|mp3|mp4|zip)$", re.I)
_ARROWS = re.compile(r"[\s→›»>▸►]+$")
# query parameters of a site search or a classifieds/listing filter, never of one story
# ("s=" is left out: forums put session ids there)
_SEARCH_QUERY = re.compile(r"(?:^|&)(?:q|query|search|suche|keywords?|searchterm)=", re.I)

# Block elements per Document, so images can skip teaser thumbnails without a second search.
_BLOCKS: weakref.WeakKeyDictionary[Document, list[Node]] = weakref.WeakKeyDictionary()


def blocks_of(doc: Document) -> list[Node]:
    """The related-block elements found for `doc` (empty before fill_related ran)."""
    return _BLOCKS.get(doc, [])


class _Ends(dict[Node, int]):
    """Document position of an element's last descendant (its last child's, down to a leaf)."""

    def __init__(self, order: dict[Node, int]) -> None:
        super().__init__()
        self.order = order

    def __missing__(self, el: Node) -> int:
        last = el
        while len(last):
            last = last[-1]
        value = self[el] = self.order[last]
        return value


class _Page:
    """Per-page caches: document order, chrome flags, article-like links."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        elements = walk.nodes(doc)
        self.order: dict[Node, int] = dict(zip(elements, range(len(elements)), strict=True))
        # end[el]: document position of el's last descendant, so subtree tests are two compares
        # (computed when asked: a few headings and containers a page, not every node)
        self.end = _Ends(self.order)
        self.anchors = [(self.order[a], a) for a in doc.tree.iter("a") if a.get("href")]
        self._positions = [pos for pos, _ in self.anchors]
        self._chrome: dict[Node, bool] = {}
        self._urls: dict[str, str | None] = {}
        self.self_url = normalize_url(doc.url)
        self.base = doc.base_url
        me = urlsplit(doc.url)
        self.host = (me.hostname or "").lower()
        self.self_path = me.path.rstrip("/")
        self.domain = registrable_domain(self.host) if self.host else ""
        self._hosts: dict[str, bool] = {self.host: True}
        self._text: dict[Node, str] = {}

    def text(self, el: Node) -> str:
        """text_of(el), computed once per element."""
        got = self._text.get(el)
        if got is None:
            got = self._text[el] = text_of(el)
        return got

    def anchors_between(self, lo: int, hi: int) -> list[Node]:
        """<a href> elements strictly between two document positions."""
        i = bisect.bisect_right(self._positions, lo)
        j = bisect.bisect_left(self._positions, hi)
        return [a for _, a in self.anchors[i:j]]

    def inside(self, el: Node, container: Node) -> bool:
        return self.order[container] <= self.order[el] <= self.end[container]

    def is_chrome(self, el: Node | None) -> bool:
        """Inside nav/header/footer/menus/share bars/tag clouds/comments?"""
        if el is None or not isinstance(el.tag, str) or el.tag in ("body", "html"):
            return False
        hit = self._chrome.get(el)
        if hit is None:
            words = post_class_free(f"{el.get('id') or ''} {el.get('class') or ''}")
            hit = (el.tag in _CHROME_TAGS or el.get("role") in _CHROME_ROLES
                   or chrome_words(words) or self.is_chrome(el.getparent()))
            self._chrome[el] = hit
        return hit

    def article_url(self, href: str | None) -> str | None:
        key = href or ""
        if key not in self._urls:
            self._urls[key] = self._article_url(href)
        return self._urls[key]

    def _same_site(self, host: str) -> bool:
        hit = self._hosts.get(host)
        if hit is None:  # one Public Suffix lookup per host, not per link
            hit = bool(host) and registrable_domain(host) == self.domain
            self._hosts[host] = hit
        return hit

    def _article_url(self, href: str | None) -> str | None:
        if not href or href.lstrip().startswith(("#", "javascript:", "mailto:", "tel:")):
            return None
        url = absolutize(href, self.base)
        if not url or not url.startswith("http") or "#comment" in url or "#respond" in url:
            return None  # "recent comments" widgets
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").lower()
        except ValueError:
            return None
        if not self._same_site(host):
            return None
        path = parts.path
        if g.NON_ARTICLE_PATH.search(path) or _MEDIA_PATH.search(path):
            return None
        if parts.query and _SEARCH_QUERY.search(parts.query):
            return None  # a search or listing ("?suche=...&rubrik=...")
        if path.startswith("/cdn-cgi/"):
            return None  # Cloudflare's e-mail protection and other service URLs
        if path.rstrip("/") == self.self_path and host == self.host \
                and normalize_url(url) == self.self_url:
            return None
        segs = [s for s in path.split("/") if s]
        looks = (len(segs) >= 2 or re.search(r"\d{3,}", path)
                 or re.search(r"\w+[-_]\w+[-_]\w+", path)
                 or path.endswith((".html", ".htm", ".php", ".aspx"))
                 or re.search(r"[?&](p|id)=\d", url))
        return url if looks else None


def _visible_text(el: Node) -> list[str]:
    """Text pieces of `el` without <script>/<style> content."""
    out = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and child.tag not in ("script", "style", "noscript"):
            out.extend(_visible_text(child))
        out.append(child.tail or "")
    return out


def _link_title(a: Node) -> tuple[str, int | None, bool]:
    """(title, comment count, count was in its own element)."""
    pieces = [" ".join(t.split()) for t in _visible_text(a)]
    pieces = [p for p in pieces if p]
    if len(pieces) >= 2 and pieces[-1].strip("()[]").isdigit():
        return " ".join(pieces[:-1]), int(pieces[-1].strip("()[]")), True
    title = " ".join(pieces)
    nxt = a.getnext()
    if nxt is not None and isinstance(nxt.tag, str) and text_of(nxt).strip("()[]").isdigit() \
            and len(text_of(nxt)) <= 6:
        return title, int(text_of(nxt).strip("()[]")), True
    return title, None, False


def _inline(page: _Page, a: Node, stop: Node) -> bool:
    """A link inside running text (a paragraph much longer than the link) is not a teaser."""
    for anc in a.iterancestors():
        if anc is stop:
            return False
        if anc.tag in ("p", "blockquote"):
            return len(page.text(anc)) > 2 * len(page.text(a)) + 20
    return False


def _links(page: _Page, anchors: list[Node], container: Node) -> list[RelatedLink]:
    raw: list[tuple[str, str, int | None, bool]] = []
    seen: dict[str, int] = {}
    for a in anchors:
        url = page.article_url(a.get("href"))
        if not url or _inline(page, a, container):
            continue
        title, count, separate = _link_title(a)
        # "#c10359" anchors into one page are that page once, not one story each
        key = url.split("#", 1)[0]
        if key in seen:  # thumbnail link + text link to the same story: keep the text
            i = seen[key]
            if len(title) > len(raw[i][1]):
                raw[i] = (raw[i][0], title, count if count is not None else raw[i][2], separate)
            continue
        seen[key] = len(raw)
        raw.append((url, title, count, separate))
    raw = [r for r in raw if r[1]]
    # "Title 14" in one text node: a count only when most links of the block end in a number
    tails = [r for r in raw if not r[3] and _COUNT_TAIL.match(r[1])]
    out = []
    for url, title, count, _sep in raw:
        m = _COUNT_TAIL.match(title)
        if count is None and m and len(tails) * 2 > len(raw) and len(raw) >= 2:
            title, count = m.group("title"), int(m.group("n"))
        out.append(RelatedLink(url=url, title=title, comment_count=count))
    return out


def _good(links: list[RelatedLink], labelled: bool) -> bool:
    if not links:
        return False
    words = sorted(len(lk.title.split()) for lk in links)
    median = words[len(words) // 2]
    if labelled:
        return median >= 2
    return len(links) >= 2 and median >= 4


def _heading_candidates(page: _Page) -> list[tuple[Node, bool]]:
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


def _holds_prose(page: _Page, el: Node) -> bool:
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


def _refused(page: _Page, h: Node, said: bool) -> bool:
    """A heading naming ads, tags or recent comments, or (in) a teaser link to a story
    ("a.title", "a > p.title"; "a.title Santé" to a section page is a title) heads no related
    block: its links stay out of the body as before, but are not reported."""
    wrap = h if h.tag == "a" else next(h.iterancestors("a"), h)
    return not_a_block_head(page.text(h)) or (
        wrap.tag == "a" and not said and page.article_url(wrap.get("href")) is not None
        and len(page.text(wrap)) >= 0.8 * len(page.text(h)))


def _generic(page: _Page) -> list[tuple[Node, RelatedBlock | None]]:
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
            links = _links(page, anchors, container)
            if len(links) >= (1 if said else 2):
                if _good(links, said):
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
        links = _links(page, [a for a in el.iter("a") if a.get("href")], el)
        if len(links) >= 2 and _good(links, True):
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
    page = _Page(doc)
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
            t, count, _ = _link_title(a)
            if spec.get("count"):
                count_text = first_text(a.getparent() if a.getparent() is not None else a,
                                        spec["count"])
                count = int(count_text) if count_text and count_text.isdigit() else count
            t = process(profile, "related_title", t)
            links.append(RelatedLink(url=url, title=t, comment_count=count))
        if not spec.get("count"):
            links = _links(page, anchors, block) or links
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
        found = _generic(_Page(doc))
        layer = "generic"
    rec.related_blocks = [b for _, b in found if b is not None]
    if rec.related_blocks:
        rec.provenance["related_blocks"] = layer
    elements = [el for el, _ in found]
    _BLOCKS[doc] = elements
    return elements
