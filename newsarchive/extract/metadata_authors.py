"""Authors: structured data first, the visible byline to confirm, complete or replace it.

One pass over the elements that carry attributes collects what every step looks at (byline- and
author-classed elements, itemprops, links to author pages); the cascade then reads that index
instead of scanning the tree once per rule.

Order: site file; JSON-LD Person (a byline that names the same people and more completes it, a
byline showing the display name of a JSON-LD user name replaces it); article:author; microdata;
author meta (a value naming the site or its publisher only falls back); byline-classed elements;
text that opens with a byline word ("By", "Von", ...) or follows a label; links to an author
page; JSON state in scripts; a signature, a press contact or an agency dateline; then
organizations; a person named as the copyright holder (personal sites, signed texts). Whatever
layer named someone, a paragraph right under the headline that is only a byline ("Von Jane Doe",
"Ein Interview von Jane Doe") names the writer over the account that published the post. The
text rules live in author_text, the opening byline in author_opening, the last resorts in
author_signed, the site's own names in author_publishers. At every layer a value naming only
the site itself (its og:site_name, publisher or domain, however spelled) falls back instead.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from lxml import etree

from newsarchive.extract import walk
from newsarchive.extract.author_complete import complete_first_name
from newsarchive.extract.author_opening import opening_byline
from newsarchive.extract.author_publishers import (
    Publishers,
    names_from_ld,
    prose,
    site_address,
    squash,
)
from newsarchive.extract.author_signed import (
    copyright_holder,
    dateline_agency,
    signature,
    signed_with_role,
)
from newsarchive.extract.author_text import (
    DIGIT,
    ORG_WORDS,
    PIECE_LEAD,
    TextScan,
    after_label,
    excluded,
    press_contact,
    script_author,
)
from newsarchive.extract.author_text import byline_names as _names
from newsarchive.extract.generic import AUTHOR_META, BY_PREFIX
from newsarchive.extract.text import (
    FoldedSearch,
    clean,
    fold,
    looks_like_name,
    split_names,
)
from newsarchive.extract.urls import registrable_domain

if TYPE_CHECKING:
    from newsarchive.extract.document import Document
    from newsarchive.extract.metadata import _Page

Found = tuple[Any, str] | None

_BYLINE_CLASS = re.compile(r"author|byline|auteur|autor|vcard|user__name|username|writer|"
                           r"creator|firma|signature", re.I)
_AUTHOR_HREF = re.compile(
    r"/(?:(?:authors?|autor(?:en|in)?|auteurs?|autore|users?|profil|profile|people|person|"
    r"newsteam|team|staff|redaktion|journalists?|contributors?|writers?|mitarbeiter)"
    r"/[^/?#]+"
    # forum and deal-site profiles: "member.php?u=123", "/user-overview/?u=123"
    r"|member\.php\?u=\d|users?[-_]?\w*/?\?u(?:ser)?(?:id)?=\w)", re.I)
_BYLINE_WORD = FoldedSearch(_BYLINE_CLASS)
_AUTHOR_HREF_SEARCH = FoldedSearch(_AUTHOR_HREF)
_NOT_BYLINE_TAGS = {"script", "style", "meta", "link", "title", "head", "body", "html"}
_HIDDEN = re.compile(r"display\s*:\s*none", re.I)
_MID_BY = re.compile(r"\s(?:by|par|por)\s+(\S)", re.I)


class Index:
    """Elements of one page the author rules read, collected in one pass over the elements
    (a regex a class value, not one XPath scan a rule)."""

    def __init__(self, doc: Document) -> None:
        self.bylines: list[etree._Element] = []  # rel/itemprop=author ones first
        self.itemprops: dict[str, list[etree._Element]] = {}
        self.author_links: list[etree._Element] = []
        marked = 0
        author_href = _AUTHOR_HREF_SEARCH
        # a page repeats its class strings ("menu-item menu-item-type-..." on every entry):
        # each distinct one is searched once (a dict lookup against a lower() and a search)
        memo: dict[str, bool] = {}

        def byline_word(value: str) -> bool:
            hit = memo.get(value)
            if hit is None:
                hit = memo[value] = _BYLINE_WORD(value)
            return hit

        # The shared element list (document order, as _WITH_ATTRS gave them): every test below
        # needs an attribute, so elements without one add nothing (the XPath walked the whole
        # tree again, ~0.3 ms a page).
        # One keys() call an element, then get() only for the attributes it has: three or
        # four get() calls an element each went to libxml2 (170 of 650 us a corpus page).
        for el, tag, ident, cls in walk.elements(doc):
            keys = el.keys()
            if not keys:
                continue
            get = el.get
            if "itemprop" in keys:
                prop = get("itemprop") or ""
                for name in prop.split():
                    self.itemprops.setdefault(name, []).append(el)
                if prop == "author" and tag not in _NOT_BYLINE_TAGS:
                    self.bylines.insert(marked, el)
                    marked += 1
                    continue
            if tag in _NOT_BYLINE_TAGS:
                continue
            if "rel" in keys and get("rel") == "author":
                self.bylines.insert(marked, el)
                marked += 1
            elif (cls and byline_word(cls)) or (ident and byline_word(ident)) or (
                    "data-testid" in keys and (testid := get("data-testid"))
                    and byline_word(testid)):
                self.bylines.append(el)
            if tag == "a" and (href := get("href")) and author_href(href):
                self.author_links.append(el)


def index(p: _Page) -> Index:
    if p.index is None:
        p.index = Index(p.doc)
    return p.index


_MID_LABEL = re.compile(r"(?<=\s)(?:autor(?:in)?|author|auteur|autore|von|by)\s*:\s*(?=\S)", re.I)
# Labels of what is not the author, ending the name before them or emptying the text
_NEXT_LABEL = re.compile(r"(?:^|\s+)(?:quelle|source|fuente|datum|date|stand|fotos?|photos?|bild|"
                         r"updated|aktualisiert|(?:zuletzt\s+)?geändert(?:\s+am)?|"
                         r"last\s+(?:modified|updated))\s*:", re.I)
# who edited the piece or the book it is from, not who wrote it
_EDITED = re.compile(r"(?:^|[\s;,.]+)(?:edited|editing|herausgegeben|redigiert|hrsg\.)\s+"
                     r"(?:by|von)\b", re.I)
# "Redaktion 1. November 2023 10:29", "Jane Doe 26. Januar 2022 Werkstatt"
_DATE_TAIL = re.compile(r"\s+\d{1,2}\.\s*(?:\d{1,2}\.|[^\W\d_]{3,}\.?)\s*\d{2,4}\b.*$")


def _spaced_text(node: etree._Element) -> str:
    """Text with a space where child elements meet ("<a>Jane Doe</a><time>vor 5 Stunden"),
    none around a slash or before punctuation ("wien.ORF.at/<b>Agenturen</b>")."""
    out = ""
    for piece in node.itertext():
        if out and piece and not (out[-1] in "/(-" or piece[0] in "/),.;:"):
            out += " "
        out += piece
    return clean(out)


def _byline_texts(idx: Index) -> list[str]:
    """Texts of byline-classed elements outside excluded areas, hidden ones last."""
    out: list[str] = []
    hidden: list[str] = []  # read after the visible ones
    for node in idx.bylines:
        if node.tag in ("body", "html", "article", "main") or excluded(node):
            continue
        if _HIDDEN.search(node.get("style") or ""):
            # a template's hidden rel=author link names the blog's owner ("Google"); the
            # visible "Posted by" line the post's writers
            hidden += _byline_texts_of(node)
            continue
        out += _byline_texts_of(node)
        if len(out) >= 12:
            break
    return out + hidden


def _byline_texts_of(node: etree._Element) -> list[str]:
    """One byline element's text; for a long one (an author box with a bio) the heading,
    name-classed element or link inside it."""
    # spaced at element boundaries: "<a>Jane Doe</a><time>vor 5 Stunden</time>"
    text = _spaced_text(node)
    if not BY_PREFIX.match(text):  # "Posted by" stays: a long list is read only after one
        text = PIECE_LEAD.sub("", text)
    if m := _EDITED.search(text):
        # "Reporting by Jane Doe; Editing by John Roe": the writer before the editor; "Revised
        # Edition Edited by John Roe" names none
        text = text[:m.start()]
        if not re.search(r"\b(?:by|von)\s", text, re.I):
            return []
    if (m := _MID_BY.search(text)) and not BY_PREFIX.match(text):
        text = text[m.start(1):]  # "Posted on May 2, 2020 by Jane Doe"
    elif m := _MID_LABEL.search(text):
        text = text[m.end():]  # "Datum: 19.11.2021 Autor: Jane Doe Quelle: X"
    if m := _NEXT_LABEL.search(text):
        text = text[:m.start()]
    text = _DATE_TAIL.sub("", text)
    if 1 < len(text) <= 80 or (len(text) <= 200 and BY_PREFIX.match(text) and "," in text
                               and not DIGIT.search(text)):
        return [text]  # "Posted by A, B, C and D - Team": a long list, no author box
    if 80 < len(text) <= 1500:  # an author box, not a page wrapper classed for its authors
        inner = node.xpath(".//*[self::h2 or self::h3 or self::h4 or self::h5 or "
                           "contains(@class, 'name') or contains(@class, 'title') or "
                           "self::a or self::strong][string-length(normalize-space(.)) < 50]"
                           "[not(contains(concat(' ', @rel, ' '), ' tag ') or "
                           "contains(concat(' ', @rel, ' '), ' category '))]")
        # a bio's links name books and places too: only a name-like one is its author
        return [t for t in (clean(e.text_content()) for e in inner) if looks_like_name(t)][:1]
    return []


# "Alles von Jane Doe", "View all posts by Jane Doe", "More from Jane Doe": an archive link
_ALL_BY = re.compile(r"^(?:(?:view|see|show)\s+)?(?:all|alle|alles|more|mehr|weitere|tous)"
                     r"(?:\s+[^\W\d_]+)?\s+(?:by|von|from|de|par|por)\s+", re.I)


def _link_names(idx: Index, doc: Document) -> list[str]:
    """The text of a link to an author page on the same site ("/author/jane-doe")."""
    site = registrable_domain(doc.url)
    for link in idx.author_links[:20]:
        text = _ALL_BY.sub("", clean(link.text_content()))
        href = link.get("href") or ""
        if "://" in href and registrable_domain(href) != site:
            continue
        if len(text) > 60 or excluded(link):
            continue
        names = [n for n in _names([text]) if looks_like_name(n) or " " not in n] if len(
            text) > 2 else []
        if not names:
            # the author's picture links to their page: its alt text or the link's title
            # names them ("<a href="/author/jane-doe"><img alt="Jane Doe"></a>")
            alts = [clean(img.get("alt") or "") for img in link.iter("img")][:1]
            names = [n for n in _names(alts + [clean(link.get("title") or "")])
                     if looks_like_name(n) and " " in n][:1]
        if names:
            return names
    return []


def _refine(names: list[str], bylines: list[str], structured: bool = False) -> list[str]:
    """Structured names checked against the visible byline: a byline naming the same people
    and more completes the list; a user name ("jane.doe") becomes the shown "Jane Doe"."""
    want = {fold(n) for n in names}
    if structured and bylines and BY_PREFIX.match(bylines[0]):
        # the page's first byline says "By ..." and names other people: structured data
        # left from a template or an earlier version; the visible byline is the article's
        shown = _names([bylines[0]])
        if shown and not want & {fold(n) for n in shown} and all(
                looks_like_name(n) and len(n.split()) >= 2 and not DIGIT.search(n)
                for n in shown):  # people, not "Redaktion"
            return shown
    for text in bylines:
        shown = _names([text])
        extra = [n for n in shown if fold(n) not in want]
        if (extra and want <= {fold(n) for n in shown} and len(shown) <= 6 and all(
                2 <= len(n.split()) <= 4 and looks_like_name(n) and not DIGIT.search(n)
                for n in extra)):
            return shown
    out = []
    for name in names:
        if " " not in name and (re.search(r"[._-]", name) or name.islower()):
            squashed = squash(name)
            name = next((n for t in bylines for n in _names([t]) if " " in n and
                         squash(n) == squashed), name)
        out.append(name)
    return out


def authors(p: _Page) -> Found:
    if found := p.site_texts("authors"):
        return split_names(found), "site"
    found = _cascade(p)
    if found:
        found = complete_first_name(found[0], p.doc), found[1]
    # the byline the article's text opens with names the writer; the structured layers name
    # the account that published it (a guest author's post, an interview)
    if found and (opening := opening_byline(p.doc)):
        shown, got = {fold(n) for n in opening}, {fold(n) for n in found[0]}
        if shown != got and (not shown & got or got < shown):
            return opening, "generic"
    return found


def _cascade(p: _Page) -> Found:
    doc = p.doc
    idx = index(p)
    graph = {str(o["@id"]): o for o in doc.jsonld if isinstance(o.get("@id"), str)}
    publishers = Publishers(doc, p, graph)
    raw, person = names_from_ld(p.ld.get("author") or p.ld.get("creator"), graph)
    fallback: Found = None
    bylines = _byline_texts(idx)
    names = _names(raw)
    ld_names = {fold(n) for n in names}
    if names:
        if person and not publishers.all(names):
            # an author meta listing the same people and more completes the list too
            metas = [v for key in AUTHOR_META[1:] for v in doc.meta.get(key, [])
                     if "://" not in v]
            return _refine(names, bylines + metas, structured=True), "json-ld"
        fallback = names, "json-ld"  # an Organization: look for a person's byline first
    og = [v for v in doc.meta.get("article:author", []) if "://" not in v]
    if names := _names(og):
        return names, "opengraph"
    for node in idx.itemprops.get("author", [])[:5]:
        if excluded(node):
            continue
        inner = [e for e in node.iter() if "name" in (e.get("itemprop") or "").split()]
        text = (inner[0].get("content") or inner[0].text_content()) if inner else (
            node.get("content") or node.text_content())
        if _EDITED.search(text):
            continue  # "Revised Edition Edited by Jane Doe": the book's editor, not the writer
        if len(clean(text)) <= 80 and (names := _names([text])):
            if publishers.all(names) or "organization" in (node.get("itemtype") or "").lower():
                fallback = fallback or (names, "microdata")  # a person may be named below
                break
            return names, "microdata"
    for key in AUTHOR_META[1:]:
        values = [v for v in doc.meta.get(key, []) if "://" not in v]
        if names := _names(values):
            if all(n in publishers or ORG_WORDS.search(n) or prose(n) for n in names) or any(
                    site_address(v, publishers) for v in values):
                # the site's own or a company name: another author meta may name a person
                fallback = fallback or (names, "meta")
                continue
            return names, "meta"
    for i, text in enumerate(bylines):
        if names := _names([text]):
            if publishers.all(names) and not {fold(n) for n in names} <= ld_names:
                # "By The Site": a person may be named below ("Written by: ..."), else the site
                fallback = fallback or (names, "generic")
                break
            # an author box names the first author, the byline next to it all of them
            return _refine(names, bylines[i + 1:i + 4]), "generic"
    scan = TextScan(doc)
    for text in after_label(scan):
        if not publishers.all(names := _names([text])):
            return names, "generic"
        fallback = fallback or (names, "generic")
    if names := _link_names(idx, doc):
        return names, "generic"
    if (names := script_author(doc)) and not publishers.all(names):
        return names, "generic"
    if not fallback and (names := signature(doc) or signed_with_role(doc)
                         or press_contact(scan) or dateline_agency(doc)):
        return names, "generic"
    if fallback:
        return fallback
    if names := copyright_holder(doc, publishers):
        return names, "generic"
    return None
