"""Reader comments: author, date, text, thread parent, likes, and the declared count.

Layers: the site file's `fields.comments` table, then JSON-LD (`comment`, `commentCount`), then
generic HTML: a comments area found by id/class words (generic.COMMENT_AREA), comment items in it
by class/id/microdata (<dt>/<dd> pairs read as one), threads from nesting; last a JSON state blob
in a <script> (comment_json). Returns the areas so the body leaves them out.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import Any

from lxml import etree

from newsarchive.extract import generic as g
from newsarchive.extract import walk
from newsarchive.extract.comment_areas import find_areas, has_header, heading_items, is_item
from newsarchive.extract.comment_count import agreed, hidden, open_section
from newsarchive.extract.comment_fields import (
    SKIP_TAGS,
    clean_author,
    fields_of,
    text_excluding,
    to_int,
)
from newsarchive.extract.comment_json import json_comments
from newsarchive.extract.dates_local import find_date_text, parse_date
from newsarchive.extract.document import Document
from newsarchive.extract.site import first_text, nodes, process, select, text_of
from newsarchive.profiles import SiteProfile
from newsarchive.record import Comment, Record

Node = etree._Element
# compiled once: node.xpath(str) compiles its expression on every call
_COUNT_PROP = etree.XPath("//*[@itemprop='commentCount']")
_COUNT_HEADS = etree.XPath(".//h1|.//h2|.//h3|.//h4|.//h5|.//*[contains(@class,'title')]"
                           "|.//*[contains(@class,'count')]")
_WORD_NUMBERS = {"one": 1, "ein": 1, "eine": 1, "einen": 1, "un": 1, "une": 1, "una": 1,
                 "uno": 1, "один": 1, "одна": 1, "одзін": 1}


# 1.977 / 1,234 / 12 345 (narrow no-break space): thousands groups of a counter
_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:[.,\u00a0\u202f]\d{3})+(?![\d]|[.,]\d)")


def _parse_count(text: str | None) -> int | None:
    """'Comments 4', 'Comments4', '4 comments', 'Комментарии (12)', 'One thought on' -> int."""
    if not text:
        return None
    text = " ".join(text.split())
    if len(text) > 120:
        return None
    text = _THOUSANDS.sub(lambda m: re.sub(r"\D", "", m.group()), text)  # "1.977" -> 1977
    m = g.COUNT_AFTER.search(text) or g.COUNT_BEFORE.search(text)
    if not m:
        return int(text) if text.isdigit() and len(text) < 7 else None
    raw = m.group(1).lower()
    if raw.isdigit():
        return int(raw)
    # a word number counts only at the start ("One thought on", "Un commentaire"): after a
    # verb it is an article ("Ajouter un commentaire", "Deja un comentario"), not a count
    return None if re.search(r"[^\W\d_]", text[:m.start()]) else _WORD_NUMBERS.get(raw)


def _site_id(el: Node) -> str | None:
    for attr in g.COMMENT_ID_ATTRS:
        if el.get(attr, "").strip():
            return el.get(attr).strip()
    ident = el.get("id")
    if ident:
        m = g.COMMENT_ID.match(ident)
        return m.group(1) if m else None
    return None


def _link_list(area: Node) -> bool:
    """A 'recent comments' widget: its text is mostly links to other pages."""
    total = len(" ".join(area.text_content().split()))
    linked = sum(len(" ".join(a.text_content().split())) for a in area.iter("a"))
    return total > 0 and linked >= 0.6 * total


def _only_date(text: str) -> bool:
    """'14. November 2019' alone: a byline counter matched as a comment, not its text."""
    found = find_date_text(text) if len(text) <= 40 else None
    return bool(found) and len(text.strip(" .,|-")) <= len(found) + 3


def _hash_id(author: str | None, date: str | None, text: str) -> str:
    raw = f"{author or ''}|{date or ''}|{text}".encode()
    return "h" + hashlib.sha1(raw).hexdigest()[:12]


# --- finding areas and items ------------------------------------------------------------------

def _repeated_children(area: Node) -> list[Node]:
    """Fallback items: the largest group of same-tag+class siblings with text in the area."""
    best: list[Node] = []
    for parent in area.iter():
        if not isinstance(parent.tag, str) or len(parent) < 1:
            continue
        groups: dict[tuple[str, str], list[Node]] = {}
        for child in parent:
            if isinstance(child.tag, str) and child.tag not in SKIP_TAGS \
                    and len(text_of(child)) >= 10:
                groups.setdefault((child.tag, child.get("class") or ""), []).append(child)
        for group in groups.values():
            # comments show a date; a list of rules or teasers without dates is not comments
            dated = sum(1 for el in group if find_date_text(text_of(el)[:300]))
            if len(group) > len(best) and dated * 2 >= len(group) and dated >= 1:
                best = group
    return best


def _dl_pair(c: Node) -> tuple[Node, list[Node]] | None:
    """A definition-list thread (<dt> who/when, then <dd> the text and maybe a <dd> footer
    with the date: the Thesis theme, classic Blogger): (dt, its dds), or None."""
    if c.tag == "dd":
        sib = c.getprevious()
        while sib is not None and (not isinstance(sib.tag, str) or sib.tag == "dd"):
            sib = sib.getprevious()
        if sib is None or sib.tag != "dt":
            return None
        c = sib
    elif c.tag != "dt":
        return None
    dds: list[Node] = []
    sib = c.getnext()
    while sib is not None and (not isinstance(sib.tag, str) or sib.tag == "dd"):
        if isinstance(sib.tag, str):
            dds.append(sib)
        sib = sib.getnext()
    return (c, dds) if dds else None


def _pair_fields(dt: Node, dds: list[Node], replies: set[Node],
                 now: datetime) -> dict[str, Any]:
    head = fields_of(dt, set(), now)
    if not head["author"] and not head["text"].count("\n"):
        # "<dt><a name=c12></a>Anonymous said...</dt>": the header line is the name
        head["author"] = clean_author(head["text"].rstrip(" .…:")) \
            if 0 < len(head["text"]) <= 60 and not find_date_text(head["text"]) else None
    parts = [fields_of(dd, replies, now) for dd in dds]
    texts = []
    for info in parts:
        if info["author"] and info["author"] != head["author"]:
            # the header is the <dt>: a short line of a <dd> is its text, not a name
            info["text"] = f"{info['author']}\n{info['text']}".strip()
        if info["text"] and not _only_date(info["text"]):
            texts.append(info["text"])
    dated = next((p for p in (head, *parts) if p["published_at"]), head)
    out = parts[0]
    out.update(author=head["author"], published_at=dated["published_at"],
               published_raw=dated["published_raw"], text="\n".join(texts))
    return out


def _comments_in(area: Node, now: datetime) -> list[Comment]:
    # (a <template> holds the markup of a comment to come: "{{name}}", not a comment)
    cands = [el for el in area.iter() if isinstance(el.tag, str) and is_item(el)
             and not any(a.tag in ("form", "template") for a in el.iterancestors())]
    # an item inside another that shows no author or date of its own is a part of that
    # comment (its text field, a quote), not a reply: it stays in its parent's text
    inner = set(cands)
    cands = [c for c in cands
             if not any(a in inner for a in c.iterancestors()) or has_header(c)]
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
                     or not text_excluding(c, set(kids)).strip()):
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
        pair = _dl_pair(c)
        if pair is not None and c is not pair[0] and (pair[0] in cand_set
                                                      or c is not pair[1][0]):
            continue  # the <dt> candidate (or the pair's first <dd>) stands for this pair
        info = fields_of(c, replies, now) if pair is None else _pair_fields(*pair, replies, now)
        if not info["text"] or _only_date(info["text"]) or (
                parent_of.get(owner) is not None and not info["author"]
                and not info["published_at"] and parent_of[owner] not in rep):
            continue  # a part of a comment (a quote, a body div), not a comment of its own
        sid = _site_id(c) or _site_id(owner) or (_site_id(pair[0]) if pair else None)
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
            # SEO plugins write 0 on every page: a 0 stands only beside an open section
            if int(n) or open_section(areas):
                return int(n)
            break
    # (the XPath walks every node: run it only when the source names the property at all)
    for el in _COUNT_PROP(doc.tree) if "commentCount" in doc.text \
            else ():
        n = to_int(el.get("content") or text_of(el))
        if n is not None:
            return n
    counts: list[int] = []
    for area in areas:
        heads = _COUNT_HEADS(area)
        prev = area.getprevious()
        if prev is not None:
            heads.insert(0, prev)
        for h in heads:
            n = _parse_count(text_of(h))
            if n is not None and (n > 0 or re.search(g.COMMENT_WORDS, text_of(h), re.I)) \
                    and not hidden(h):
                counts.append(n)
                break
    n = agreed(counts)
    if n is not None:
        return n
    # a counter elsewhere: "<li class=entry-comments>54 Kommentare</li>", "12 Comments" links
    for el, tag, _id, cls in walk.elements(doc):
        if ("comment" not in cls and "Comment" not in cls):
            continue
        if tag in ("a", "span", "li", "div", "p", "strong", "b") and len(el) <= 3 \
                and len(el.text_content()) <= 200:
            shown = text_of(el)
            n = _parse_count(shown) if len(shown) <= 40 else None
            if n is not None and re.search(g.COMMENT_WORDS, shown, re.I) and not hidden(el):
                return n
    for a in doc.tree.iter("a"):
        href = a.get("href") or ""
        if "#comment" not in href and "#respond" not in href and "#disqus" not in href:
            continue
        n = _parse_count(text_of(a))
        if n is not None and re.search(g.COMMENT_WORDS, text_of(a), re.I) and not hidden(a):
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
            if spec.get("text") else text_excluding(it, set())
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
        likes = to_int(first_text(it, spec["likes"])) if spec.get("likes") else None
        rec.comments.append(Comment(
            id=cid, parent_id=parent,
            author=process(profile, "comment_author", author) if author else None,
            published_at=published, published_raw=raw,
            text=process(profile, "comment_text", text), likes=likes))
    if spec.get("count"):
        shown = first_text(root, spec["count"])
        # a site file points at the counter itself: its number is the count, whatever the label
        digits = re.search(r"\d+", shown or "")
        rec.comment_count = _parse_count(shown) or (int(digits.group()) if digits else None)
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
    areas = find_areas(doc)
    for area in areas:
        if not _link_list(area):
            rec.comments.extend(_comments_in(area, now))
    if not rec.comments:
        for item in heading_items(doc, areas):
            info = fields_of(item, set(), now)
            if info["text"]:
                areas.append(item)
                rec.comments.append(Comment(id=_site_id(item) or _hash_id(
                    info["author"], info["published_at"], info["text"]), parent_id=None,
                    **info))
    layer = "generic"
    if not rec.comments:
        rec.comments = _jsonld_comments(doc, now)
        layer = "json-ld"
    if not rec.comments:
        rec.comments = json_comments(doc, now)
        layer = "script-json"
    rec.comment_count = _declared_count(doc, areas)
    if rec.comments or rec.comment_count is not None:
        rec.provenance["comments"] = layer
    return areas
