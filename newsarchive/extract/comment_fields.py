"""One comment's fields: author, date, text, likes, read from its element.

Marked parts first (class/itemprop/RDFa words in generic.COMMENT_*), then unmarked layouts: a
short "Name | date" header or a short name line before the text (seed style).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from lxml import etree

from newsarchive.extract import generic as g
from newsarchive.extract.comment_areas import role
from newsarchive.extract.dates_local import find_date_text, parse_date
from newsarchive.extract.site import text_of

Node = etree._Element
# compiled once: node.xpath(str) compiles its expression on every call
_NAMED = etree.XPath(".//*[contains(concat(' ', @class, ' '), ' fn ') "
                     "or @itemprop='name' or self::cite]")
SKIP_TAGS = {"script", "style", "form", "button", "input", "textarea", "select", "noscript",
              "svg", "img", "iframe", "template"}
_BLOCK = {"p", "div", "br", "li", "blockquote", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
          "pre", "section", "article", "footer", "header", "table", "tr"}
# "Name | date", "Name — date", "Name - Le 22/01/2020": a header line of one comment
_HEAD_SEP = re.compile(r"\s[|—–-]\s")

def tokens(el: Node) -> list[str]:
    return f"{el.get('id') or ''} {el.get('class') or ''}".split()


def _has_token(el: Node, pattern: re.Pattern[str]) -> bool:
    return any(pattern.match(t) for t in tokens(el))


def to_int(text: str | None) -> int | None:
    m = re.search(r"[+-]?\d+", text or "")
    return int(m.group(0)) if m else None


def text_excluding(el: Node, skip: set[Node]) -> str:
    """Text of `el` without the subtrees in `skip`, paragraphs on separate lines."""
    parts: list[str] = []

    def walk(node: Node) -> None:
        if node in skip or not isinstance(node.tag, str) or node.tag in SKIP_TAGS:
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

def fields_of(el: Node, replies: set[Node], now: datetime) -> dict[str, Any]:
    author_el = date_el = text_el = likes_el = None
    class_dates: list[Node] = []
    chrome: set[Node] = set()
    short: list[Node] = []  # short leaf texts, for comments without marked author/date
    stack = list(reversed(el))
    while stack:
        node = stack.pop()
        if node in replies or not isinstance(node.tag, str):
            continue
        toks = tokens(node)
        prop = (node.get("itemprop") or node.get("property") or "").removeprefix("schema:")
        if node.tag in SKIP_TAGS or any(g.COMMENT_CHROME.match(t) for t in toks):
            chrome.add(node)
            if likes_el is None and any(g.COMMENT_LIKES.search(t) for t in toks) \
                    and to_int(text_of(node)) is not None:
                likes_el = node
            continue
        roles = set().union(*(role(t) for t in toks))
        if author_el is None and (prop in ("author", "creator") or node.tag == "cite"
                                  or any(g.COMMENT_AUTHOR.match(t) for t in toks)
                                  or "author" in roles) and text_of(node):
            inner = _NAMED(node)
            author_el = inner[0] if inner and inner[0] is not node else node
            if author_el is not node and (len(text_of(node)) > 200 and node.find(".//p")
                                          is not None or _prose_beside(node, author_el)):
                # a theme that puts the comment's paragraphs inside its author block
                chrome.add(author_el)
                stack.extend(c for c in reversed(node) if c is not author_el)
                continue
            chrome.add(node)
            continue
        if date_el is None and (node.tag == "time" or prop in ("datePublished", "dateCreated")):
            date_el = node
            chrome.add(node)
            continue
        if any(g.COMMENT_DATE.match(t) for t in toks) or "date" in roles:
            class_dates.append(node)
        elif prop in ("text", "commentText", "reviewBody", "description") \
                or any(g.COMMENT_TEXT.match(t) for t in toks) or "text" in roles:
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
    cand: Node | None = None
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
        author = clean_author(shown)
    elif short:
        # unmarked author: the first short text before the date/text that is not a date
        # "Heidemarie Heim | Di, 21. April 2020 - 16:40" first, then a bare short name
        cand = next((n for n in short if find_date_text(text_of(n))
                     and _HEAD_SEP.search(text_of(n))), None)
        if cand is None:
            cand = next((n for n in short if n is not date_el and not find_date_text(text_of(n))
                         and len(text_of(n).split()) <= 5), None)
        # the name comes before the text, never inside it ("<div class=comment-content>Nice!")
        if cand is not None and (text_el is None or (
                _before(el, cand, text_el) and text_el not in cand.iterancestors())):
            author = clean_author(text_of(cand))
            chrome.add(cand)
    skip = replies | chrome
    text = text_excluding(text_el, skip) if text_el is not None else text_excluding(el, skip)
    if not text and cand is not None and author is not None and published is not None:
        # a dated comment whose only short line is its text ("12.05.2021 / Great read!"): a
        # comment always has a text, while an unmarked name is a guess (undated, it is more
        # likely a button or a heading than a comment)
        chrome.discard(cand)
        author, skip = None, replies | chrome
        text = text_excluding(text_el, skip) if text_el is not None else text_excluding(el, skip)
    if text_el is not None:  # a title the reader gave the comment ("<h5>Quantensprung?</h5>")
        title = _title(el, text_el, skip)
        if title and title != author and not text.startswith(title):
            text = f"{title}\n{text}"
    lines = text.split("\n")
    while lines and (g.COMMENT_LEAD.match(lines[0]) or lines[0] == author):
        lines.pop(0)
    while lines and g.COMMENT_TAIL.match(lines[-1]):
        lines.pop()
    text = "\n".join(lines)
    if author and text.startswith(author):
        text = text[len(author):].lstrip(" :\n")
    likes = to_int(text_of(likes_el)) if likes_el is not None else None
    return {"author": author, "published_at": published, "published_raw": date_raw,
            "text": text, "likes": likes}


def _prose_beside(block: Node, author_el: Node) -> bool:
    """An author block that also holds the comment's paragraphs: a <p> of a few words beside
    the one with the name ("<div class=comment-author><img><p>Thanks!...</p><p><cite>")."""
    for p in block.iter("p"):
        if p is author_el or author_el in p.iterdescendants():
            continue
        shown = text_of(p)
        if len(shown) >= 2 and not find_date_text(shown[:60]) and not g.COMMENT_LEAD.match(
                shown) and not g.COMMENT_TAIL.match(shown) and not g.SAYS.match(shown):
            return True
    return False


def _title(el: Node, text_el: Node, skip: set[Node]) -> str | None:
    for h in el.iter("h2", "h3", "h4", "h5", "h6"):
        if h in skip or text_el in h.iterancestors() or any(a in skip for a in h.iterancestors()):
            continue
        shown = text_of(h)
        if 0 < len(shown) <= 200 and not find_date_text(shown):
            return shown
        return None
    return None


def clean_author(shown: str) -> str | None:
    """'Comment by Mirko Lange — 17.07, 2011 @ 13:04' -> 'Mirko Lange'; 'Ben says:' -> 'Ben';
    'Muriel - Le 22/01/2020 à 12:01' -> 'Muriel'."""
    shown = g.COMMENT_BY.sub("", shown)
    parts = re.split(r"\s+[—–|]\s+|\s+-\s+(?=\d)", shown)
    if len(parts) == 1 and find_date_text(shown):
        parts = re.split(r"\s+-\s+", shown)  # "Name - On/Le/Am <date>": a word before the date
    shown = parts[0]
    return g.SAYS.sub("", shown).strip(" :,") or None


def _before(root: Node, a: Node, b: Node) -> bool:
    for node in root.iter():
        if node is a:
            return True
        if node is b:
            return False
    return False
