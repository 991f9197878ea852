"""Where the comments are: areas (the section holding them) and items (one comment each).

Three ways in, most specific first:
- class/id words: the exact lists in generic (COMMENT_AREA, COMMENT_ITEM, COMMENT_ID) and
  split tokens ("mtbnewsCommentList", "kb-comment", "allCommentsArea") read word by word;
- markup of one comment without a named area: >= 2 sibling items (ids like comment-12, c12,
  message_12, data-comment-id / data-review-id, schema.org Comment microdata, RDFa sioc
  Comment), their parent is the area;
- a heading whose whole text says "Comments"/"Kommentare"/"3 Reacties" followed by siblings
  that each show a date (guestbooks, hand-written CMSs).

An area never holds the headline or most of the page (that is the page wrapper).
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

from newsarchive.extract import generic as g
from newsarchive.extract import walk
from newsarchive.extract.dates_local import find_date_text
from newsarchive.extract.document import Document
from newsarchive.extract.text import FoldedSearch

Node = etree._Element
NOT_AREA_TAGS = frozenset(("html", "body", "a", "span", "img", "button", "input", "form",
                           "script", "i", "svg", "time", "label", "textarea", "option",
                           "select", "link", "meta", "h1", "h2", "h3", "h4", "h5", "h6", "p",
                           "b", "strong", "em", "small", "cite", "abbr", "header", "nav",
                           "style", "noscript", "template", "iframe", "head", "title"))
_ITEM_ATTRS = frozenset(("itemtype", "typeof", "itemprop", *g.COMMENT_ID_ATTRS))
_ITEM_MARKS = frozenset(("itemtype", "typeof", "data-comment-id", "data-review-id"))
NOT_ITEM_TAGS = NOT_AREA_TAGS - {"header"}
_BARE_C_ID = re.compile(r"^c\d+$")
_SPLIT = re.compile(r"[-_\s:.]+|(?<=[a-zа-я0-9])(?=[A-ZА-Я])")


_KNOWN_PARTS = (g.COMMENT_AREA_PARTS | g.COMMENT_ITEM_PARTS | g.COMMENT_TEXT_PARTS
                | g.COMMENT_AUTHOR_PARTS | g.COMMENT_DATE_PARTS)


# Every token that can have a role holds one of these (the comment words of COMMENT_AREA,
# COMMENT_ITEM and COMMENT_PART, or COMMENT_ID's trailing digit): one search rejects the
# other ~95% of tokens, where role() ran five regexes and a split (~0.4 ms a page)
_MAY_HAVE_ROLE = re.compile(
    r"comment|komment|koment|comentario|reacti|discussion|diskussion|responses|replies|review|"
    r"leserbrief|leserpost|disqus|dsq|коммент|камент|коментар|\d$", re.I)
_MAY_ROLE = FoldedSearch(_MAY_HAVE_ROLE)
# The same test on a whole "id class" string: a token ends with a digit where a digit is
# followed by whitespace (str.split's and \s's whitespace are the same characters) or the end;
# the words hold no whitespace. Fails -> no token has a role (most strings of a new site).
_ANY_MAY_ROLE = FoldedSearch(re.compile(
    _MAY_HAVE_ROLE.pattern.replace(r"|\d$", r"|\d(?=\s|$)"), re.I))


@lru_cache(maxsize=8192)
def role(token: str) -> frozenset[str]:
    """Roles of one class/id token: 'area', 'item', 'text', 'author', 'date' (often none)."""
    if not _MAY_ROLE(token):
        return frozenset()
    out = set()
    if g.COMMENT_AREA.match(token) and not g.COMMENT_NOT_AREA.search(token):
        out.add("area")
    if g.COMMENT_ITEM.match(token) or g.COMMENT_ID.match(token):
        out.add("item")
    if out:
        return frozenset(out)
    parts = [p.lower() for p in _SPLIT.split(token) if p]
    idx = [i for i, p in enumerate(parts) if g.COMMENT_PART.match(p)]
    if not idx or len(parts) > 7:
        return frozenset()
    i = idx[-1]
    after = parts[i + 1:]
    if any(p in g.COMMENT_DATE_PARTS or p in g.COMMENT_AUTHOR_PARTS for p in parts[:i]):
        return frozenset()  # "date-comments", "meta-comments": a counter in a byline
    # "comment-author-jane" (WordPress: a comment by user jane) names no part of a comment
    if any(p in g.COMMENT_NOT_PARTS for p in parts) or any(p not in _KNOWN_PARTS
                                                           for p in after):
        return frozenset()
    nxt = after[0] if after else ""
    plural = bool(g.COMMENT_PLURAL.match(parts[i]))
    if nxt in g.COMMENT_TEXT_PARTS:
        out.add("text")
    elif nxt in g.COMMENT_AUTHOR_PARTS:
        out.add("author")
    elif nxt in g.COMMENT_DATE_PARTS:
        out.add("date")
    elif plural and (not after or nxt in g.COMMENT_AREA_PARTS):
        out.add("area")
    elif not plural and nxt in g.COMMENT_AREA_PARTS - g.COMMENT_ITEM_PARTS:
        out.add("area")
    elif not plural and (not after or nxt in g.COMMENT_ITEM_PARTS):
        out.add("item")
    return frozenset(out)


@lru_cache(maxsize=8192)
def _roles_of(id_class: str) -> frozenset[str]:
    if not _ANY_MAY_ROLE(id_class):
        return frozenset()
    out: set[str] = set()
    for t in id_class.split():
        out |= role(t)
    return frozenset(out)


def roles(el: Node) -> frozenset[str]:
    return _roles_of(f"{el.get('id') or ''} {el.get('class') or ''}")


def is_item(el: Node) -> bool:
    if not isinstance(el.tag, str) or el.tag in NOT_ITEM_TAGS:
        return False
    itemtype = el.get("itemtype") or ""
    if itemtype.endswith(("/Comment", "/Review")):
        return True
    if el.get("itemprop") in ("comment", "review") and el.get("itemscope") is not None:
        return True
    if "Comment" in (el.get("typeof") or ""):
        return True
    if any(el.get(a) for a in g.COMMENT_ID_ATTRS[:4]):
        return True
    r = roles(el)
    return "item" in r and "text" not in r


_WHO_WHEN = frozenset(("author", "user", "username", "nick", "nickname", "poster", "date",
                       "time", "datetime", "timestamp", "published", "posted"))


@lru_cache(maxsize=8192)
def _header_token(token: str) -> bool:
    """'comment-author', 'jdgm-rev__timestamp', 'postDate': a who/when part."""
    if g.COMMENT_AUTHOR.match(token) or g.COMMENT_DATE.match(token):
        return True
    return any(p.lower() in _WHO_WHEN for p in _SPLIT.split(token))


def has_header(el: Node) -> bool:
    """Does `el` show who or when (an author or date element, or a date in its first lines)?"""
    for node in el.iter():
        if node is el or not isinstance(node.tag, str):
            continue
        if node.tag in ("time", "cite"):
            return True
        prop = node.get("itemprop") or node.get("property") or ""
        if "author" in prop or "date" in prop.lower() or "creator" in prop:
            return True
        toks = f"{node.get('id') or ''} {node.get('class') or ''}".split()
        if any(_header_token(t) for t in toks):
            return True
    head = " ".join(" ".join(el.itertext()).split())[:160]
    return bool(find_date_text(head))


def _page_len(doc: Document) -> int:
    return max(len(doc.tree.text_content() or ""), 1)


def _not_page(el: Node, page_len: int) -> bool:
    """An area holding the headline or most of the page is a page wrapper, not comments."""
    return el.find(".//h1") is None and len(el.text_content() or "") <= 0.8 * page_len


def find_areas(doc: Document) -> list[Node]:
    """Outermost comment areas, by class/id words, then item groups, then headings."""
    page_len = 0
    found: list[Node] = []
    items: list[Node] = []
    for el, tag, ident, cls in walk.elements(doc):
        if not (ident or cls):
            # (one keys() call rules out the usual element: four get() calls each did)
            if not _ITEM_MARKS.isdisjoint(el.keys()) and (
                    el.get("itemtype") or el.get("typeof") or el.get("data-comment-id")
                    or el.get("data-review-id")):
                if is_item(el):
                    items.append(el)
            continue
        r = _roles_of(f"{ident} {cls}")
        if not r and _ITEM_ATTRS.isdisjoint(el.keys()):
            continue
        if "area" in r and tag not in NOT_AREA_TAGS:
            if any(a in found for a in el.iterancestors()):
                continue
            page_len = page_len or _page_len(doc)
            if _not_page(el, page_len):
                found.append(el)
        elif is_item(el):
            items.append(el)
    # items outside any area: siblings of the same kind make their parent an area
    loose: dict[Node, int] = {}
    for it in items:
        parent = it.getparent()
        if parent is None or any(a in found for a in it.iterancestors()):
            continue
        bare = _BARE_C_ID.match(it.get("id") or "") and not any(
            "item" in role(t) for t in (it.get("class") or "").split()) \
            and not it.get("itemtype") and not it.get("typeof")
        if bare or not has_header(it):
            continue  # TYPO3 numbers every content element c123; a comment shows who/when
        loose[parent] = loose.get(parent, 0) + 1
    for parent, n in loose.items():
        if n < 2 or parent.tag in ("body", "html") or any(a in found for a in
                                                            parent.iterancestors()):
            continue
        page_len = page_len or _page_len(doc)
        if _not_page(parent, page_len):
            found = [f for f in found if parent not in f.iterancestors()] + [parent]
    return found


# lower-case stems of comment headings, checked before the full regex
_STEMS = re.compile(r"comment|kommentar|comentario|reacti|reakti|leserbrief|komentar|komentář|"
                    r"коммент|каментар|коментар|response|discussion|diskussion")
_HEADING_TAGS = frozenset(("h2", "h3", "h4", "h5", "h6", "div", "p", "span", "strong", "b",
                           "header", "dt", "legend", "td", "th"))


def heading_items(doc: Document, taken: list[Node]) -> list[Node]:
    """Siblings after a 'Comments' heading that each show a date (a guestbook-like list)."""
    out: list[Node] = []
    for low, el in walk.short_texts(doc):
        if len(low) > 60 or not _STEMS.search(low) or el.tag not in _HEADING_TAGS \
                or len(el) > 2 or el.find(".//a") is not None:
            continue
        text = " ".join(" ".join(el.itertext()).split())
        if not text or len(text) > 40 or not g.COMMENT_HEADING.match(text):
            continue
        if any(a in taken for a in el.iterancestors()):
            continue
        sib = el.getnext()
        found: list[Node] = []
        while sib is not None and len(found) < 500:
            if isinstance(sib.tag, str):
                if sib.tag in ("form", "h1", "h2", "h3") or sib.find(".//form") is not None \
                        or sib.find(".//textarea") is not None:
                    break
                shown = " ".join(" ".join(sib.itertext()).split())
                if len(shown) >= 15 and find_date_text(shown[:200]):
                    found.append(sib)
                elif shown and found:
                    break
            sib = sib.getnext()
        out.extend(found)
    return out
