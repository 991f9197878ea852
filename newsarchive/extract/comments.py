"""Reader comments: author, date, text, thread parent, likes, and the declared count.

Layers: the site file's `fields.comments` table, then JSON-LD (`comment`, `commentCount`), then
generic HTML: a comments area found by id/class words (generic.COMMENT_AREA), comment items in it
by class/id/microdata, threads from nesting. Returns the areas so the body leaves them out.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import Any

from lxml import etree

from newsarchive.extract import generic as g
from newsarchive.extract.dates_local import find_date_text, parse_date
from newsarchive.extract.document import Document
from newsarchive.extract.site import first_text, nodes, process, select, text_of
from newsarchive.profiles import SiteProfile
from newsarchive.record import Comment, Record

Node = etree._Element
_SKIP_TAGS = {"script", "style", "form", "button", "input", "textarea", "select", "noscript",
              "svg", "img", "iframe", "template"}
_NOT_CONTAINER = {"html", "body", "a", "span", "img", "button", "input", "form", "script", "i",
                  "svg", "time", "label", "textarea", "option", "select", "link", "meta"}
_BLOCK = {"p", "div", "br", "li", "blockquote", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
          "pre", "section", "article", "footer", "header", "table", "tr"}
_WORD_NUMBERS = {"one": 1, "ein": 1, "eine": 1, "einen": 1, "un": 1, "une": 1, "una": 1,
                 "uno": 1, "один": 1, "одна": 1, "одзін": 1}


def _tokens(el: Node) -> list[str]:
    return f"{el.get('id') or ''} {el.get('class') or ''}".split()


def _has_token(el: Node, pattern: re.Pattern[str]) -> bool:
    return any(pattern.match(t) for t in _tokens(el))


def _parse_count(text: str | None) -> int | None:
    """'Comments 4', 'Comments4', '4 comments', 'Комментарии (12)', 'One thought on' -> int."""
    if not text:
        return None
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > 120:
        return None
    m = g.COUNT_AFTER.search(text) or g.COUNT_BEFORE.search(text)
    if not m:
        return int(text) if text.isdigit() and len(text) < 7 else None
    raw = m.group(1).lower()
    return int(raw) if raw.isdigit() else _WORD_NUMBERS.get(raw)


def _to_int(text: str | None) -> int | None:
    m = re.search(r"[+-]?\d+", text or "")
    return int(m.group(0)) if m else None


def _site_id(el: Node) -> str | None:
    for attr in g.COMMENT_ID_ATTRS:
        if el.get(attr, "").strip():
            return el.get(attr).strip()
    ident = el.get("id")
    if ident:
        m = g.COMMENT_ID.match(ident)
        return m.group(1) if m else None
    return None


def _hash_id(author: str | None, date: str | None, text: str) -> str:
    raw = f"{author or ''}|{date or ''}|{text}".encode()
    return "h" + hashlib.sha1(raw).hexdigest()[:12]


def _text(el: Node, skip: set[Node]) -> str:
    """Text of `el` without the subtrees in `skip`, paragraphs on separate lines."""
    parts: list[str] = []

    def walk(node: Node) -> None:
        if node in skip or not isinstance(node.tag, str) or node.tag in _SKIP_TAGS:
            return
        if node.tag in _BLOCK:
            parts.append("\n")
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if node.tag in _BLOCK:
            parts.append("\n")

    walk(el)
    lines = (re.sub(r"[ \t\r\f\v\xa0]+", " ", ln).strip() for ln in "".join(parts).split("\n"))
    return "\n".join(ln for ln in lines if ln)


# --- one comment's fields ---------------------------------------------------------------------

def _fields_of(el: Node, replies: set[Node], now: datetime) -> dict[str, Any]:
    author_el = date_el = text_el = likes_el = None
    class_dates: list[Node] = []
    chrome: set[Node] = set()
    short: list[Node] = []  # short leaf texts, for comments without marked author/date
    stack = list(reversed(el))
    while stack:
        node = stack.pop()
        if node in replies or not isinstance(node.tag, str):
            continue
        toks = _tokens(node)
        prop = (node.get("itemprop") or node.get("property") or "").removeprefix("schema:")
        if node.tag in _SKIP_TAGS or any(g.COMMENT_CHROME.match(t) for t in toks):
            chrome.add(node)
            if likes_el is None and any(g.COMMENT_LIKES.search(t) for t in toks) \
                    and _to_int(text_of(node)) is not None:
                likes_el = node
            continue
        if author_el is None and (prop in ("author", "creator") or node.tag == "cite"
                                  or any(g.COMMENT_AUTHOR.match(t) for t in toks)):
            inner = node.xpath(".//*[contains(concat(' ', @class, ' '), ' fn ') "
                               "or @itemprop='name']")
            author_el = inner[0] if inner else node
            chrome.add(node)
            continue
        if date_el is None and (node.tag == "time" or prop in ("datePublished", "dateCreated")):
            date_el = node
            chrome.add(node)
            continue
        if any(g.COMMENT_DATE.match(t) for t in toks):
            class_dates.append(node)
        elif prop in ("text", "commentText", "reviewBody", "description") \
                or any(g.COMMENT_TEXT.match(t) for t in toks):
            # several matches (Drupal: a title field and a body field): the longest is the text
            if text_el is None or len(text_of(node)) > len(text_of(text_el)):
                text_el = node
        if node.text and node.text.strip() and len(node.text.strip()) <= 60 \
                and not any(text_of(c) for c in node):
            short.append(node)
        stack.extend(reversed(node))
    if date_el is None:
        date_el = next((n for n in class_dates if find_date_text(text_of(n))), None)
    # a header holding only author and date ("comment-meta") is chrome, not text
    chrome.update(n for n in class_dates if len(text_of(n)) <= 120)
    date_raw = None
    if date_el is not None:
        shown = text_of(date_el)
        attr = date_el.get("datetime") or date_el.get("content") or date_el.get("title")
        date_raw = find_date_text(shown) or shown or attr
        published = parse_date(attr, now) or parse_date(shown, now)
    else:
        # unmarked date: the first short leaf that parses (seed style "11.12.2025")
        published = None
        for node in short:
            raw = text_of(node)
            if len(raw) <= 40 and find_date_text(raw):
                published = parse_date(raw, now)
                if published:
                    date_el, date_raw = node, raw
                    chrome.add(node)
                    break
    author = None
    if author_el is not None:
        shown = text_of(author_el)
        if find_date_text(shown) or len(shown) > 60:
            # "<div class=comment-author><strong>Ben</strong> 19. Juni 2018 ... Antworten</div>"
            if published is None:
                date_raw = find_date_text(shown)
                published = parse_date(shown, now)
            first = next((c for c in author_el.iter() if c is not author_el and text_of(c)
                          and c not in chrome), None)
            shown = text_of(first) if first is not None else (author_el.text or "").strip()
        author = _clean_author(shown)
    elif short:
        # unmarked author: the first short text before the date/text that is not a date
        # "Heidemarie Heim | Di, 21. April 2020 - 16:40" first, then a bare short name
        cand = next((n for n in short if find_date_text(text_of(n))
                     and re.search(r"\s[|—–]\s", text_of(n))), None)
        if cand is None:
            cand = next((n for n in short if n is not date_el and not find_date_text(text_of(n))
                         and len(text_of(n).split()) <= 5), None)
        if cand is not None and (text_el is None or _before(el, cand, text_el)):
            author = _clean_author(text_of(cand))
            chrome.add(cand)
    skip = replies | chrome
    text = _text(text_el, skip) if text_el is not None else _text(el, skip)
    lines = text.split("\n")
    while lines and (g.COMMENT_LEAD.match(lines[0]) or lines[0] == author):
        lines.pop(0)
    text = "\n".join(lines)
    if author and text.startswith(author):
        text = text[len(author):].lstrip(" :\n")
    likes = _to_int(text_of(likes_el)) if likes_el is not None else None
    return {"author": author, "published_at": published, "published_raw": date_raw,
            "text": text, "likes": likes}


def _clean_author(shown: str) -> str | None:
    """'Comment by Mirko Lange — 17.07, 2011 @ 13:04' -> 'Mirko Lange'; 'Ben says:' -> 'Ben'."""
    shown = g.COMMENT_BY.sub("", shown)
    shown = re.split(r"\s+[—–|]\s+|\s+-\s+(?=\d)", shown)[0]
    return g.SAYS.sub("", shown).strip(" :,") or None


def _before(root: Node, a: Node, b: Node) -> bool:
    for node in root.iter():
        if node is a:
            return True
        if node is b:
            return False
    return False


# --- finding areas and items ------------------------------------------------------------------

def _areas(doc: Document) -> list[Node]:
    """Outermost comment areas that are not the page itself."""
    body_len = max(len(doc.tree.text_content() or ""), 1)
    found: list[Node] = []
    for el in doc.tree.xpath("//*[@id or @class]"):
        if el.tag in _NOT_CONTAINER or not isinstance(el.tag, str):
            continue
        if not any(g.COMMENT_AREA.match(t) and not g.COMMENT_NOT_AREA.search(t)
                   for t in _tokens(el)):
            continue
        if any(a in found for a in el.iterancestors()):
            continue
        # an area holding the headline or most of the page is a page wrapper, not comments
        if el.xpath("boolean(.//h1)") or len(el.text_content() or "") > 0.8 * body_len:
            continue
        found.append(el)
    return found


def _is_item(el: Node) -> bool:
    if el.tag in _NOT_CONTAINER:
        return False
    itemtype = el.get("itemtype") or ""
    if itemtype.endswith(("/Comment", "/Review")) or el.get("itemprop") in ("comment", "review"):
        return True
    if any(el.get(a) for a in g.COMMENT_ID_ATTRS[:3]):
        return True
    ident = el.get("id")
    if ident and g.COMMENT_ID.match(ident):
        return True
    return any(g.COMMENT_ITEM.match(t) for t in (el.get("class") or "").split())


def _repeated_children(area: Node) -> list[Node]:
    """Fallback items: the largest group of same-tag+class siblings with text in the area."""
    best: list[Node] = []
    for parent in area.iter():
        if not isinstance(parent.tag, str) or len(parent) < 1:
            continue
        groups: dict[tuple[str, str], list[Node]] = {}
        for child in parent:
            if isinstance(child.tag, str) and child.tag not in _SKIP_TAGS \
                    and len(text_of(child)) >= 10:
                groups.setdefault((child.tag, child.get("class") or ""), []).append(child)
        for group in groups.values():
            # comments show a date; a list of rules or teasers without dates is not comments
            dated = sum(1 for el in group if find_date_text(text_of(el)[:300]))
            if len(group) > len(best) and dated * 2 >= len(group) and dated >= 1:
                best = group
    return best


def _comments_in(area: Node, now: datetime) -> list[Comment]:
    cands = [el for el in area.iter() if isinstance(el.tag, str) and _is_item(el)
             and not any(a.tag == "form" for a in el.iterancestors())]
    if not cands:
        cands = _repeated_children(area)
    cand_set = set(cands)
    parent_of: dict[Node, Node | None] = {}
    children: dict[Node, list[Node]] = {c: [] for c in cands}
    for c in cands:
        p = next((a for a in c.iterancestors() if a in cand_set), None)
        parent_of[c] = p
        if p is not None:
            children[p].append(c)
    # a wrapper (li#comment-12 around article#div-comment-12 + replies) is represented by its
    # first child candidate: same site id, or no text of its own outside the children
    rep: dict[Node, Node] = {}
    for c in cands:
        kids = children[c]
        if kids and (_site_id(kids[0]) == _site_id(c) is not None
                     or not _text(c, set(kids)).strip()):
            rep[c] = kids[0]
    out: list[Comment] = []
    ids: dict[Node, str] = {}
    for c in cands:
        if c in rep:
            continue
        owner = c
        while parent_of.get(owner) is not None and rep.get(parent_of[owner]) is owner:
            owner = parent_of[owner]  # climb to the outermost wrapper of this comment
        replies = {k for k in children[c]}
        info = _fields_of(c, replies, now)
        if not info["text"] or (parent_of.get(owner) is not None and not info["author"]
                                and not info["published_at"] and parent_of[owner] not in rep):
            continue  # a part of a comment (a quote, a body div), not a comment of its own
        sid = _site_id(c) or _site_id(owner)
        cid = sid or _hash_id(info["author"], info["published_at"], info["text"])
        ids[c] = cid
        for w in (owner, *[a for a in c.iterancestors() if a in rep and rep[a] is c]):
            ids[w] = cid
        parent_el = parent_of.get(owner)
        parent_id = None
        while parent_el is not None and parent_id is None:
            parent_id = ids.get(rep.get(parent_el, parent_el)) or ids.get(parent_el)
            parent_el = parent_of.get(parent_el)
        out.append(Comment(id=cid, parent_id=parent_id, **info))
    return out


def _declared_count(doc: Document, areas: list[Node]) -> int | None:
    for obj in doc.jsonld:
        n = obj.get("commentCount")
        if isinstance(n, (int, str)) and str(n).strip().isdigit():
            return int(n)
    for el in doc.tree.xpath("//*[@itemprop='commentCount']"):
        n = _to_int(el.get("content") or text_of(el))
        if n is not None:
            return n
    for area in areas:
        heads = area.xpath(".//h1|.//h2|.//h3|.//h4|.//h5|.//*[contains(@class,'title')]"
                           "|.//*[contains(@class,'count')]")
        prev = area.getprevious()
        if prev is not None:
            heads.insert(0, prev)
        for h in heads:
            n = _parse_count(text_of(h))
            if n is not None and (n > 0 or re.search(g.COMMENT_WORDS, text_of(h), re.I)):
                return n
    # a counter elsewhere: "<li class=entry-comments>54 Kommentare</li>", "12 Comments" links
    for el in doc.tree.xpath("//*[contains(@class,'comment') or contains(@class,'Comment')]"):
        if el.tag in ("a", "span", "li", "div", "p", "strong", "b") and len(el) <= 3:
            shown = text_of(el)
            n = _parse_count(shown) if len(shown) <= 40 else None
            if n is not None and re.search(g.COMMENT_WORDS, shown, re.I):
                return n
    for a in doc.tree.xpath("//a[contains(@href,'#comment') or contains(@href,'#respond') "
                            "or contains(@href,'#disqus')]"):
        n = _parse_count(text_of(a))
        if n is not None and re.search(g.COMMENT_WORDS, text_of(a), re.I):
            return n
    return None


# --- layers -----------------------------------------------------------------------------------

def _site_layer(doc: Document, rec: Record, profile: SiteProfile | None, spec: dict[str, Any],
                now: datetime) -> list[Node]:
    root = doc.tree
    containers = nodes(root, spec["container"]) if spec.get("container") else [root]
    items = [it for c in containers for it in nodes(c, spec.get("item", "li"))]
    item_set = set(items)
    ids: dict[Node, str] = {}
    for it in items:
        author = first_text(it, spec.get("author"))
        raw = first_text(it, spec.get("date"))
        text = "\n".join(t for t in (text_of(x) for x in select(it, spec.get("text"))) if t) \
            if spec.get("text") else _text(it, set())
        if not text:
            continue
        published = parse_date(raw, now)
        cid = (first_text(it, spec["id"]) if spec.get("id") else None) or _site_id(it) \
            or _hash_id(author, published, text)
        ids[it] = cid
        parent = first_text(it, spec["parent"]) if spec.get("parent") else None
        if parent is None:
            anc = next((a for a in it.iterancestors() if a in item_set), None)
            parent = ids.get(anc) if anc is not None else None
        likes = _to_int(first_text(it, spec["likes"])) if spec.get("likes") else None
        rec.comments.append(Comment(
            id=cid, parent_id=parent,
            author=process(profile, "comment_author", author) if author else None,
            published_at=published, published_raw=raw,
            text=process(profile, "comment_text", text), likes=likes))
    if spec.get("count"):
        rec.comment_count = _parse_count(first_text(root, spec["count"]))
    rec.provenance["comments"] = "site"
    return [c for c in containers if c is not root]


def _jsonld_comments(doc: Document, now: datetime) -> list[Comment]:
    out: list[Comment] = []
    for obj in doc.jsonld:
        items = obj.get("comment")
        for c in items if isinstance(items, list) else [items] if isinstance(items, dict) else []:
            if not isinstance(c, dict):
                continue
            text = re.sub(r"\s+", " ", str(c.get("text") or c.get("description") or "")).strip()
            if not text:
                continue
            author = c.get("author")
            if isinstance(author, list):
                author = author[0] if author else None
            if isinstance(author, dict):
                author = author.get("name")
            raw = c.get("dateCreated") or c.get("datePublished")
            published = parse_date(str(raw), now) if raw else None
            cid = str(c.get("@id") or c.get("identifier") or "") or _hash_id(
                author, published, text)
            out.append(Comment(cid, None, str(author) if author else None, published, text,
                               published_raw=str(raw) if raw else None))
    return out


def fill_comments(doc: Document, rec: Record, profile: SiteProfile | None,
                  fields: dict[str, Any], now: datetime) -> list[etree._Element]:
    """Fill rec.comments / rec.comment_count; return the comment areas (for the body)."""
    spec = fields.get("comments")
    if isinstance(spec, dict):
        return _site_layer(doc, rec, profile, spec, now)
    areas = _areas(doc)
    if not areas:
        micro = doc.tree.xpath("//*[contains(@itemtype,'schema.org/Comment')]")
        if micro:
            parent = micro[0].getparent()
            areas = [parent] if parent is not None and parent.tag not in ("body", "html") \
                else []
    for area in areas:
        rec.comments.extend(_comments_in(area, now))
    layer = "generic"
    if not rec.comments:
        rec.comments = _jsonld_comments(doc, now)
        layer = "json-ld"
    rec.comment_count = _declared_count(doc, areas)
    if rec.comments or rec.comment_count is not None:
        rec.provenance["comments"] = layer
    return areas
