"""The links of a related block: per-page caches (document order, subtree ends, site chrome),
which hrefs look like same-site articles, and each teaser link's title and comment count.

Split from related.py, which finds the headings and containers these links are read under.
"""

from __future__ import annotations

import bisect
import re
from urllib.parse import urlsplit

from lxml import etree

from newsarchive.extract import generic as g
from newsarchive.extract import walk
from newsarchive.extract.document import Document
from newsarchive.extract.related_words import chrome_words, post_class_free
from newsarchive.extract.site import text_of
from newsarchive.extract.urls import absolutize, normalize_url, registrable_domain
from newsarchive.record import RelatedLink

Node = etree._Element
_CHROME_TAGS = {"nav", "header", "footer", "form", "button", "select"}
_CHROME_ROLES = {"navigation", "banner", "contentinfo", "menu", "menubar", "search"}
_COUNT_TAIL = re.compile(r"^(?P<title>.*\S)\s+(?P<n>(?!(?:19|20)\d\d$)\d{1,5})$")
_MEDIA_PATH = re.compile(r"\.(jpe?g|png|gif|webp|pdf|mp3|mp4|zip)$", re.I)
# query parameters of a site search or a classifieds/listing filter, never of one story
# ("s=" is left out: forums put session ids there)
_SEARCH_QUERY = re.compile(r"(?:^|&)(?:q|query|search|suche|keywords?|searchterm)=", re.I)


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


class Page:
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


def link_title(a: Node) -> tuple[str, int | None, bool]:
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


def _inline(page: Page, a: Node, stop: Node) -> bool:
    """A link inside running text (a paragraph much longer than the link) is not a teaser."""
    for anc in a.iterancestors():
        if anc is stop:
            return False
        if anc.tag in ("p", "blockquote"):
            return len(page.text(anc)) > 2 * len(page.text(a)) + 20
    return False


def teaser_links(page: Page, anchors: list[Node], container: Node) -> list[RelatedLink]:
    raw: list[tuple[str, str, int | None, bool]] = []
    seen: dict[str, int] = {}
    for a in anchors:
        url = page.article_url(a.get("href"))
        if not url or _inline(page, a, container):
            continue
        title, count, separate = link_title(a)
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


def good_links(links: list[RelatedLink], labelled: bool) -> bool:
    if not links:
        return False
    words = sorted(len(lk.title.split()) for lk in links)
    median = words[len(words) // 2]
    if labelled:
        return median >= 2
    return len(links) >= 2 and median >= 4
