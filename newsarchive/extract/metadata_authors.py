"""Authors: structured data first, the visible byline to confirm, complete or replace it.

One pass over the elements that carry attributes collects what every step looks at (byline- and
author-classed elements, itemprops, links to author pages); the cascade then reads that index
instead of scanning the tree once per rule.

Order: site file; JSON-LD Person (a byline that names the same people and more completes it, a
byline showing the display name of a JSON-LD user name replaces it); article:author; microdata;
author meta (a value naming the site or its publisher only falls back); byline-classed elements;
text that opens with a byline word ("By", "Von", ...) or follows a lone one; links to an author
page; a person named as the copyright holder (personal sites); then organizations.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any

from lxml import etree

from newsarchive.extract.generic import AUTHOR_META, BY_PREFIX, BYLINE_START, BYLINE_WORDS
from newsarchive.extract.metadata_generic import site_names
from newsarchive.extract.text import clean, fold, looks_like_name, split_names
from newsarchive.extract.urls import registrable_domain

if TYPE_CHECKING:
    from newsarchive.extract.document import Document
    from newsarchive.extract.metadata import _Page

Found = tuple[Any, str] | None

_BYLINE_CLASS = re.compile(r"author|byline|auteur|autor|vcard|user__name|username|writer|"
                           r"creator|firma|signature", re.I)
_AUTHOR_HREF = re.compile(
    r"/(?:authors?|autor(?:en|in)?|auteurs?|autore|users?|profil|profile|people|person|"
    r"newsteam|team|staff|redaktion|journalists?|contributors?|writers?|mitarbeiter)"
    r"/[^/?#]+", re.I)
_WITH_ATTRS = etree.XPath("//*[@class or @id or @rel or @itemprop or @href or @data-testid]")
_NOT_BYLINE_TAGS = {"script", "style", "meta", "link", "title", "head", "body", "html"}
_EXCLUDED_CLASS = re.compile(r"comment|related|sidebar|photo-?author|photo_author|photographer",
                             re.I)
# "with-sidebar", "has-double-sidebar" mark a layout that has a sidebar, not the sidebar itself
_LAYOUT_TOKEN = re.compile(r"(?:^|\s)(?:with|has|no)-[\w-]*sidebar", re.I)
_EXCLUDED_ID = re.compile(r"comment", re.I)
_EXCLUDED_TAGS = {"form", "input", "figcaption", "nav"}
_DIGIT = re.compile(r"\d")
_MID_BY = re.compile(r"\s(?:by|par|por)\s+(\S)", re.I)
_TEXTS = etree.XPath("//body//text()")
_HANDLE = re.compile(r"\s*(?:\(\s*)?@\w+\)?")
_COPYRIGHT = re.compile(
    r"(?:©|\(c\)|copyright)\s*(?:\(c\)|©)?\s*(?:\d{4}\s*(?:[-–]\s*(?:\d{4})?)?\s*)?(?:by\s+)?"
    r"([^\W\d_][^|•·.,©\d]{2,40}?)\s*(?:$|[|•·.,]|\d|all rights|alle rechte)", re.I)
_ORG_WORDS = re.compile(r"\b(?:gmbh|ag|inc|ltd|llc|verlag|media|medien|news|zeitung|group|"
                        r"gruppe|e\.?\s?v|s\.?a|press|presse|online|magazin|redaktion|team)\b",
                        re.I)


class Index:
    """Elements of one page the author rules read, collected in one pass over the elements
    that carry attributes (a regex a class value, not one XPath scan a rule)."""

    def __init__(self, doc: Document) -> None:
        self.bylines: list[etree._Element] = []  # rel/itemprop=author ones first
        self.itemprops: dict[str, list[etree._Element]] = {}
        self.author_links: list[etree._Element] = []
        marked = 0
        for el in _WITH_ATTRS(doc.tree):
            get = el.get
            if (prop := get("itemprop")) is not None:
                for name in prop.split():
                    self.itemprops.setdefault(name, []).append(el)
                if prop == "author" and el.tag not in _NOT_BYLINE_TAGS:
                    self.bylines.insert(marked, el)
                    marked += 1
                    continue
            tag = el.tag
            if tag in _NOT_BYLINE_TAGS:
                continue
            if get("rel") == "author":
                self.bylines.insert(marked, el)
                marked += 1
            elif ((cls := get("class")) and _BYLINE_CLASS.search(cls)) or (
                    (ident := get("id")) and _BYLINE_CLASS.search(ident)) or (
                    (testid := get("data-testid")) and _BYLINE_CLASS.search(testid)):
                self.bylines.append(el)
            if tag == "a" and (href := get("href")) and _AUTHOR_HREF.search(href):
                self.author_links.append(el)


def index(p: _Page) -> Index:
    if p.index is None:
        p.index = Index(p.doc)
    return p.index


def excluded(el: etree._Element) -> bool:
    """Inside a comment thread, a related or sidebar block, a form, a caption or a photo
    credit: names there are not the article's authors."""
    node: etree._Element | None = el
    while node is not None:
        tag = node.tag
        if tag in _EXCLUDED_TAGS:
            return True
        if tag not in ("body", "html", "article", "main"):
            cls, ident = node.get("class"), node.get("id")
            if ident and _EXCLUDED_ID.search(ident):
                return True
            if cls and (m := _EXCLUDED_CLASS.search(cls)):
                if m.group(0).lower() != "sidebar":
                    return True
                # a page wrapper named for its sidebar layout holds the headline too
                if (_EXCLUDED_CLASS.search(_LAYOUT_TOKEN.sub(" ", cls))
                        and node.find(".//h1") is None):
                    return True
        node = node.getparent()
    return False


# "Jane Doe, PhD", "John Roe, MD": a degree after the comma is not a second author
_DEGREE = re.compile(r"(?:ph\.?\s?d|m\.?d|d\.?o|m\.?sc?|b\.?sc?|m\.?a|b\.?a|mba|mph|"
                     r"r\.?d\.?n?|r\.?n|ll\.?m|dipl\.?[\w.-]*)\.?", re.I)


_OXFORD_AND = re.compile(r",\s+(?:and|und|et|y|e|&)\s+", re.I)  # "A, B, and C"


def _names(values: list[str]) -> list[str]:
    """split_names after dropping Twitter handles ("Jane Doe @janedoe") and degrees."""
    out = []
    for value in values:
        if "&" in value and ";" in value:
            value = html.unescape(value)  # JSON-LD written with entities ("Redacci&oacute;n")
        stripped = _OXFORD_AND.sub(", ", _HANDLE.sub("", value))
        out.append(stripped if stripped.strip() else value)
    return [n for n in split_names(out) if not _DEGREE.fullmatch(n)]


_MID_LABEL = re.compile(r"(?<=\s)(?:autor(?:in)?|author|auteur|autore|von|by)\s*:\s*(?=\S)", re.I)
# Labels of what is not the author, ending the name before them or emptying the text
_NEXT_LABEL = re.compile(r"(?:^|\s+)(?:quelle|source|fuente|datum|date|stand|fotos?|photos?|bild|"
                         r"updated|aktualisiert|(?:zuletzt\s+)?geändert(?:\s+am)?|"
                         r"last\s+(?:modified|updated))\s*:", re.I)
# "Redaktion 1. November 2023 10:29", "Jane Doe 26. Januar 2022 Werkstatt"
_DATE_TAIL = re.compile(r"\s+\d{1,2}\.\s*(?:\d{1,2}\.|[^\W\d_]{3,}\.?)\s*\d{2,4}\b.*$")


def _byline_texts(idx: Index) -> list[str]:
    """Texts of byline-classed elements outside excluded areas; for a long one (an author box
    with a bio) the heading, name-classed element or link inside it."""
    out: list[str] = []
    for node in idx.bylines:
        if node.tag in ("body", "html", "article", "main") or excluded(node):
            continue
        # spaced at element boundaries: "<a>Jane Doe</a><time>vor 5 Stunden</time>"
        text = clean(" ".join(node.itertext()))
        if (m := _MID_BY.search(text)) and not BY_PREFIX.match(text):
            text = text[m.start(1):]  # "Posted on May 2, 2020 by Jane Doe"
        elif m := _MID_LABEL.search(text):
            text = text[m.end():]  # "Datum: 19.11.2021 Autor: Jane Doe Quelle: X"
        if m := _NEXT_LABEL.search(text):
            text = text[:m.start()]
        text = _DATE_TAIL.sub("", text)
        if 1 < len(text) <= 80:
            out.append(text)
        elif text:
            inner = node.xpath(".//*[self::h2 or self::h3 or self::h4 or self::h5 or "
                               "contains(@class, 'name') or contains(@class, 'title') or "
                               "self::a or self::strong][string-length(normalize-space(.)) < 50]"
                               "[not(@rel='tag' or @rel='category' or @rel='category tag')]")
            # a bio's links name books and places too: only a name-like one is its author
            out += [t for t in (clean(e.text_content()) for e in inner) if looks_like_name(t)][:1]
        if len(out) >= 12:
            break
    return out


# "04.02.2022 | 13:10 Uhr | Jane Doe", "25.10.2022 - Jane Doe", "06.11.2023 13:30 von Jane Doe"
_DATE_THEN_NAME = re.compile(
    r"^\s*\d{1,2}\.\d{1,2}\.\d{2,4}(?:\s*[|,-]?\s*\d{1,2}[:.]\d\d(?:\s*uhr)?)?\s*"
    r"(?:[|–—-]|von|by)\s*(?P<name>[^\W\d_][^\d|:]{2,40}?)\s*$", re.I)
# A label the name follows in the next element: "Ein Artikel von", "Written by:", "Story by"
_LABEL_END = re.compile(r"(?:[^\W\d_]+\s+){1,3}(?:von|by|par|por|door)\s*:?$", re.I)
# A label and the name in one text: "Redaktion: Jane Doe", "Text und Interview: Jane Doe"
_LABEL_COLON = re.compile(
    r"[-–|]?\s*(?:redaktion|interview|text(?:\s+und\s+interview)?|reportage|words|"
    r"reporting)\s*:\s*(?P<name>.*)", re.I)
# Chinese bylines: "作者：", "记者 ", "责任编辑：" (author, reporter, editor in charge)
_CJK_LABEL = re.compile(r"[\[【（(]?\s*(?:作者|记者|記者|责任编辑|責任編輯|编辑|編輯|撰文)"
                        r"\s*[:：]\s*(?P<name>[^\s\]】）)|｜]{2,12})")
# Footer credits that read like bylines: "Theme by X", "Powered by X", "Photos by X"
_NOT_AUTHOR_LABEL = re.compile(
    r"theme|powered|design|hosted|hosting|photo|foto|bild|image|develop|built|made|sponsor|"
    r"present|brought|translat|übersetz|illustr|video|kamera|camera|musi[ck]|grafik|graphic|"
    r"template|plugin|code|support|unterstützt|proudly", re.I)


def _label_candidates(doc: Document) -> list[Any]:
    """Short text nodes that hold or announce a byline, in document order. The patterns run
    on the stripped text: leading whitespace runs would make them backtrack."""
    out = []
    for t in _TEXTS(doc.tree):
        if len(t) >= 200:
            continue
        s = t.strip()
        if not s or len(s) >= 90:
            continue
        if (BYLINE_START.match(s) or _DATE_THEN_NAME.match(s) or _LABEL_END.match(s)
                or _LABEL_COLON.match(s) or _CJK_LABEL.match(s)):
            out.append(t)
        elif (len(s) < 12 and s.lower().rstrip(":") in BYLINE_WORDS
              and (parent := t.getparent()) is not None and "label" in (parent.get("class") or "")):
            out.append(t)  # "Interview" in <div class="credit-label">, the name beside it
    return out


def _name_after(text: Any, label: str) -> str:
    """The text after a label that stands alone ("By" in its own span, "Ein Artikel von"):
    the rest of the enclosing element, or of a few elements up."""
    parent = text.getparent()
    holder = parent if not text.is_tail else parent.getparent()
    for _ in range(4):
        if holder is None:
            break
        rest = clean(holder.text_content())
        cut = rest.find(label)
        if cut >= 0 and len(rest) - cut - len(label) > 2:
            return rest[cut + len(label):cut + len(label) + 100]
        holder = holder.getparent()
    return label


def _after_label(doc: Document) -> list[str]:
    """Bylines in text: a text node that opens with a byline word ("By Jane Doe"), or is only
    the label ("By" in its own span, "Ein Artikel von") followed by the name in the next
    elements."""
    out: list[str] = []
    texts = _label_candidates(doc)
    dated = [t for t in texts if _DATE_THEN_NAME.match(t)]
    for text in texts[:8]:
        parent = text.getparent()
        if parent is None or excluded(parent):
            continue
        value = clean(str(text))
        if text.is_tail and (holder := parent.getparent()) is not None:
            whole = clean(holder.text_content())
            if _NOT_AUTHOR_LABEL.search(whole[:max(whole.find(value), 0)][-40:]):
                continue  # "Theme: <a>Wilson</a> by Themegraphy"
        if m := _DATE_THEN_NAME.match(value):
            if len(dated) > 2:
                continue  # "02.11.2022 - Band - Venue" rows: a listing, not a byline
            value = m.group("name")
        elif m := (_CJK_LABEL.match(value) or _LABEL_COLON.match(value)):
            value = m.group("name") or _name_after(text, value)
        elif _LABEL_END.match(value):
            if _NOT_AUTHOR_LABEL.search(value):
                continue
            value = _name_after(text, value)
        elif fold(value).rstrip(":") in BYLINE_WORDS:
            value = _name_after(text, value)
        names = [n for n in _names([value]) if looks_like_name(n) and " - " not in n]
        if names:
            out.append("; ".join(names))
    return out


def _link_names(idx: Index, doc: Document) -> list[str]:
    """The text of a link to an author page on the same site ("/author/jane-doe")."""
    site = registrable_domain(doc.url)
    for link in idx.author_links[:20]:
        text = clean(link.text_content())
        href = link.get("href") or ""
        if "://" in href and registrable_domain(href) != site:
            continue
        if not 2 < len(text) <= 60 or excluded(link):
            continue
        names = [n for n in _names([text]) if looks_like_name(n) or " " not in n]
        if names:
            return names
    return []


# Author names in JSON state embedded in scripts (not JSON-LD): "author": "Jane Doe",
# "authors": "...", "postedBy": "...", "author": {"name": "Jane Doe", ...}
_SCRIPT_AUTHOR = re.compile(
    r'"(?:author|authors|authorName|author_name|postedBy|posted_by|byline)"\s*:\s*'
    r'(?:\[\s*)?(?:\{[^{}]{0,200}?"(?:name|display_name|displayName)"\s*:\s*)?"([^"\\]{3,60})"')


def _script_author(doc: Document) -> list[str]:
    """The first person named as the author in JSON state a script embeds."""
    for m in _SCRIPT_AUTHOR.finditer(doc.text, 0, 3_000_000):
        names = [n for n in _names([m.group(1)]) if looks_like_name(n) and not _DIGIT.search(n)]
        if names:
            return names
    return []


_EMPHASIS = {"strong", "b", "em", "i"}


_SOURCE_LABEL = re.compile(r"^(?:quelle|source|fuente)\s*:\s*", re.I)


def _signature(doc: Document) -> list[str]:
    """A name signed under the article: the last paragraph of its block holding only a
    bold or italic two- or three-word name ("<p><strong>Jane Doe</strong></p>"). Read only
    when no other rule found an author."""
    for para in doc.tree.iter("p"):
        if len(para) != 1 or (para.text or "").strip() or (para[0].tail or "").strip():
            continue
        inner = para[0]
        while inner.tag in _EMPHASIS and len(inner) == 1 and not (inner.text or "").strip():
            inner = inner[0]
        if inner.tag not in _EMPHASIS:
            continue
        # "Quelle: dpa/ls" signed under the article: the agency credit is the byline
        text = _SOURCE_LABEL.sub("", clean(para.text_content()))
        if not 2 <= len(text.split()) <= 3 or _DIGIT.search(text) or excluded(para):
            continue
        later = para.getnext()
        while later is not None and not clean(later.text_content()):
            later = later.getnext()
        if later is not None and later.tag == "p":
            continue  # more text follows: a subheading, not a signature
        name = text.title() if text.isupper() else text
        if looks_like_name(name) and not _ORG_WORDS.search(name):
            return [name]
    return []


def _copyright_holder(doc: Document, publishers: _Publishers) -> list[str]:
    """A person named as the copyright holder: the author of a personal site."""
    for text in doc.tree.xpath("//body//text()[contains(., '©') or contains(., '(c)') or "
                               "contains(., 'Copyright') or contains(., 'COPYRIGHT') or "
                               "contains(., '(C)')]")[-3:]:
        m = _COPYRIGHT.search(clean(str(text)))
        if not m:
            continue
        name = clean(m.group(1))
        if name.isupper():
            name = name.title()
        words = name.split()
        if (2 <= len(words) <= 3 and looks_like_name(name) and not _ORG_WORDS.search(name)
                and name not in publishers):
            return [name]
    return []


def _names_from_ld(value: Any, graph: dict[str, dict[str, Any]]) -> tuple[list[str], bool]:
    """Author names from JSON-LD (strings, Person/Organization objects, @id references into the
    @graph) and whether any of them is a person (not an Organization)."""
    out: list[str] = []
    person = False
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict) and set(item) <= {"@id", "@type"} and item.get("@id") in graph:
            item = graph[str(item["@id"])]
        if isinstance(item, str):
            out.append(item)
            person = True
        elif isinstance(item, dict):
            name = item.get("name")
            if isinstance(name, list):
                name = " ".join(n for n in name if isinstance(n, str))
            if not name and (item.get("givenName") or item.get("familyName")):
                name = f"{item.get('givenName') or ''} {item.get('familyName') or ''}"
            if isinstance(name, str):
                out.append(name)
                person = person or "organization" not in str(item.get("@type", "")).lower()
    return out, person


def _squash(name: str) -> str:
    return re.sub(r"[\W_]+", "", fold(name))


_LEADING_ARTICLE = re.compile(r"^(?:the|die|der|das|le|la|les|el|il|lo)\s+", re.I)
_TLD = re.compile(r"\.[a-z]{2,4}(?:\.[a-z]{2})?$", re.I)


def _site_keys(name: str) -> set[str]:
    """"Die FURCHE" -> {diefurche, furche}; "ElColombiano.com", "El Colombiano" ->
    {elcolombiano, colombiano}: keys under which a site's name is found again."""
    bare = _TLD.sub("", clean(name))
    return {_squash(bare), _squash(_LEADING_ARTICLE.sub("", bare))} - {""}


class _Publishers:
    """The names the site goes by (og:site_name, JSON-LD publisher) and its domain. The domain
    and its label are only compared whole: "jane-doe.net" may be Jane Doe's own site, and her
    name is her byline there, not a publisher's."""

    def __init__(self, doc: Document, p: _Page, graph: dict[str, dict[str, Any]]) -> None:
        names = site_names(doc) + _names_from_ld(p.ld.get("publisher"), graph)[0]
        domain = registrable_domain(doc.url)
        self.exact = {fold(n) for n in names}
        self.keys = {k for n in names if n and n not in (domain, domain.split(".")[0])
                     for k in _site_keys(n)}
        self.domain_key = _squash(domain.split(".")[0]) if domain else ""

    def __contains__(self, name: str) -> bool:
        if fold(name) in self.exact:
            return True
        keys = _site_keys(name)
        # "Die Furche", "Example.com" on furche.at, example.com: no person's name has those
        return bool(keys & self.keys) or (self.domain_key in keys and (
            bool(_LEADING_ARTICLE.match(name)) or bool(_TLD.search(name))))

    def all(self, names: list[str]) -> bool:
        return all(n in self for n in names)


def _refine(names: list[str], bylines: list[str]) -> list[str]:
    """Structured names checked against the visible byline: a byline naming the same people
    and more completes the list; a user name ("jane.doe") becomes the shown "Jane Doe"."""
    want = {fold(n) for n in names}
    for text in bylines:
        shown = _names([text])
        extra = [n for n in shown if fold(n) not in want]
        if (extra and want <= {fold(n) for n in shown} and len(shown) <= 6 and all(
                2 <= len(n.split()) <= 4 and looks_like_name(n) and not _DIGIT.search(n)
                for n in extra)):
            return shown
    out = []
    for name in names:
        if " " not in name and (re.search(r"[._-]", name) or name.islower()):
            squashed = _squash(name)
            name = next((n for t in bylines for n in _names([t]) if " " in n and
                         _squash(n) == squashed), name)
        out.append(name)
    return out


def authors(p: _Page) -> Found:
    if found := p.site_texts("authors"):
        return split_names(found), "site"
    doc = p.doc
    idx = index(p)
    graph = {str(o["@id"]): o for o in doc.jsonld if isinstance(o.get("@id"), str)}
    publishers = _Publishers(doc, p, graph)
    raw, person = _names_from_ld(p.ld.get("author") or p.ld.get("creator"), graph)
    fallback: Found = None
    bylines = _byline_texts(idx)
    ld_names = {fold(n) for n in _names(raw)}
    if names := _names(raw):
        if person and not publishers.all(names):
            return _refine(names, bylines), "json-ld"
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
        if len(clean(text)) <= 80 and (names := _names([text])):
            if publishers.all(names):
                fallback = fallback or (names, "microdata")
                break
            return names, "microdata"
    for key in AUTHOR_META[1:]:
        values = [v for v in doc.meta.get(key, []) if "://" not in v]
        if names := _names(values):
            if all(n in publishers or _ORG_WORDS.search(n) for n in names):
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
    for text in _after_label(doc):
        if not publishers.all(names := split_names([text])):
            return names, "generic"
        fallback = fallback or (names, "generic")
    if names := _link_names(idx, doc):
        return names, "generic"
    if (names := _script_author(doc)) and not publishers.all(names):
        return names, "generic"
    if not fallback and (names := _signature(doc)):
        return names, "generic"
    if fallback:
        return fallback
    if names := _copyright_holder(doc, publishers):
        return names, "generic"
    return None
