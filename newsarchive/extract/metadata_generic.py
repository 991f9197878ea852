"""Generic-layer heuristics for metadata: the standfirst, shown dates (the headline: titles.py)."""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Iterator
from datetime import datetime

from lxml import etree

from newsarchive.extract import dates, walk
from newsarchive.extract.document import Document
from newsarchive.extract.text import FoldedSearch, clean, fold, strip_site_name
from newsarchive.extract.titles import agrees as _agrees
from newsarchive.extract.titles import site_names
from newsarchive.extract.titles import visible_h1s as _visible_h1s

log = logging.getLogger(__name__)


_LEAD_CLASS = re.compile(
    r"(?:^|[\s_-])(?:standfirst|dek|deck|lede|lead|intro|subtitle|sub-?headline|subhead|"
    r"summary|excerpt|teaser-?text|article-?lead|abstract)(?:$|[\s_-])", re.I)
_LEAD_WORD = FoldedSearch(_LEAD_CLASS)


_LEAD_XPATH = "//body//*[self::p or self::div or self::h2 or self::span][@class]"
_LEAD_TAGS = frozenset(("p", "div", "h2", "span"))


def _classed_in_body(doc: Document) -> Iterator[tuple[etree._Element, str]]:
    """(element, class) for the first 4000 of _LEAD_XPATH, from the shared element list when
    the page has the usual shape (one <body>, the last child of <html>): the XPath walked
    every node (~0.3 ms a page)."""
    body = doc.tree.find("body")
    if body is None or body.getnext() is not None or next(doc.tree.iter("body")) is not body:
        for node in doc.tree.xpath(_LEAD_XPATH)[:4000]:
            yield node, node.get("class") or ""
        return
    elements = walk.elements(doc)
    start = next(i for i, item in enumerate(elements) if item[0] is body)
    n = 0
    for node, tag, _ident, cls in elements[start + 1:]:
        if tag not in _LEAD_TAGS or (not cls and node.get("class") is None):
            continue
        n += 1
        if n > 4000:
            return
        yield node, cls


def lead_text(doc: Document) -> str | None:
    """The standfirst when the page marks one with a class (never the meta description: that is
    often not shown)."""
    leads: dict[str, bool] = {}  # class strings repeat on a page: each tested once
    for node, cls in _classed_in_body(doc):
        lead = leads.get(cls)
        if lead is None:
            lead = leads[cls] = _LEAD_WORD(cls) and "leader" not in cls.lower()
        if not lead:
            continue
        text = clean(node.text_content())
        if 30 <= len(text) <= 600 and len(node) <= 6:
            return text
    return None


# = //*[not(self::script or self::style)][contains(@class, 'date') or ... 'meta')], read off
# the shared element list: libxml2 evaluated the eight contains() on every element (~1.3 us
# an element, 0.65 ms on a 500-element page)
_DATE_WORDS = ("date", "publish", "posted", "time", "datum", "fecha", "byline", "meta")


def _date_classed(doc: Document) -> Iterator[etree._Element]:
    for el, tag, _ident, cls in walk.elements(doc):
        if cls and tag != "script" and tag != "style" and any(w in cls for w in _DATE_WORDS):
            yield el


# "Current time: ..." boxes on forums and portals show the fetch time, not the article's
# (a print footer's "gedruckt am" / "printed on" is the fetch time too)
_NOW_LABEL = re.compile(r"aktuelle zeit|current time|it is currently|heute ist|hora actual|"
                        r"last (?:visit|login)|letzter besuch|copyright|©|gedruckt am|"
                        r"printed on|imprimé le|stampato il", re.I)


# Member profiles beside forum posts: the day someone registered
_MEMBER = re.compile(r"registriert|registered|joined|member since|mitglied seit|dabei seit|"
                     r"inscrit|registrad[oa]|iscritt[oa]", re.I)
# "Letzte Änderung: 31.10.2023 ... Erschienen am: 01.11.2023", "Zuletzt geändert", "Last edited"
_UPDATE = re.compile(r"modif|updat|aktualisiert|mis à jour|actualiz|atualiz|editado|bearbeitet|"
                     r"geändert|änderung|\bedited\b|aggiornat|bijgewerkt|gewijzigd", re.I)
_PUBLISHED_LABEL = re.compile(r"publish|created|posted|entry-date|pubdate", re.I)
_DIGIT = re.compile(r"\d")


_IN_COMMENTS = ("contains(@class, 'comment') or contains(@id, 'comment') or "
                "contains(@class, 'kommentar') or contains(@id, 'kommentar')")


_IN_ARTICLE = etree.XPath("ancestor::*[self::article or self::main or @role='main' or "
                         "contains(@itemtype, 'Article') or contains(@itemtype, 'BlogPosting')]")


_MENU = re.compile(r"(?:^|[\s_-])(?:menu|nav|navigation|navbar)(?:$|[\s_-])", re.I)


def _in_chrome(node: etree._Element) -> bool:
    """Site chrome around every page, not the article: a menu or navigation ("Latest news"
    mega-menus list dated teasers), or a page header outside the article's element that holds
    no h1 (its "Mittwoch, 01. November 2023" box is the day the page was rendered)."""
    for el in node.iterancestors():
        tag = el.tag
        if tag in ("body", "html", "article", "main"):
            return False
        if tag == "nav" or _MENU.search(f"{el.get('class') or ''} {el.get('id') or ''}"):
            return True
        if tag == "header" and not _IN_ARTICLE(el) and el.find(".//h1") is None:
            return True
    return False


def time_stamps(doc: Document) -> list[str]:
    """<time datetime> values, publication ones (pubdate, "published", "entry-date") first and
    modification ones ("updated", itemprop dateModified) last; none from a comment or from
    the site's chrome."""
    times = doc.tree.xpath(f"//time[(@datetime or @pubdate) and not(ancestor::*[{_IN_COMMENTS}])]")
    times = [t for t in times if not _in_chrome(t)]

    def rank(t: etree._Element) -> int:
        label = (t.get("class") or "") + " " + (t.get("itemprop") or "")
        if t.get("pubdate") is not None or _PUBLISHED_LABEL.search(label):
            return 0
        return 2 if _UPDATE.search(label) else 1

    times.sort(key=rank)
    return [t.get("datetime") or clean(t.text_content()) for t in times[:6]]


def _joined(node: etree._Element) -> str:
    """The element's text, a space between pieces that would glue two numbers together
    ("<b>Feb 18</b><i>2009</i>" is no "Feb 182009")."""
    out = ""
    for piece in node.itertext():
        if out and piece and out[-1].isdigit() and piece[0].isdigit():
            out += " "
        out += piece
    return out


def date_texts(doc: Document, in_article: bool = False) -> Iterator[str]:
    """Short texts of date-, byline- and meta-classed elements that hold a digit (only those
    inside the article's element when `in_article`: a page header's "Mittwoch, 26.02.2020"
    is the day the page was rendered)."""
    n = 0
    for node in _date_classed(doc):
        if in_article and not _IN_ARTICLE(node):
            continue
        text = clean(_joined(node))
        if 6 <= len(text) <= 80 and _DIGIT.search(text) and not _NOW_LABEL.search(text) \
                and not _MEMBER.search(text) and not _in_chrome(node):
            yield text
            n += 1
            if n >= 8:
                break


def _in_menu(node: etree._Element) -> bool:
    """A menu entry ("12M - 12. Mai 2012" linking to an event page) is no dateline."""
    for el in (node, *list(node.iterancestors())[:3]):
        if el.tag == "nav" or _MENU.search(f"{el.get('class') or ''} {el.get('id') or ''}"):
            return True
    return False


# schema.org data in a display:none block (a CMS's hidden <time itemprop=datePublished>) is
# declared, not shown: the dateline a reader sees beside the h1 is the shown date
_HIDDEN = etree.XPath("ancestor-or-self::*[@hidden or contains(@style, 'display:none') or "
                      "contains(@style, 'display: none')]")


def shown_date(doc: Document, now: datetime,
               lang: str | None) -> tuple[str, str, bool] | None:
    """The date shown just above or below the h1 (datelines, "Posted on ...", a <time> in the
    article header): the h1's parent first, then two more levels up; a date inside the h1 is
    part of the title. -> (iso, as shown, labelled as an update); an unlabelled date wins over
    an "Updated ..." one. An h1 that holds the site's name (a logo) is not the headline."""
    names = {fold(n) for n in site_names(doc)}
    h1s = [h for h in _visible_h1s(doc) if fold(h.text_content()) not in names]
    if not h1s:
        return None
    titles = [t for t in (doc.meta_first("og:title"), doc.tree.findtext(".//title")) if t]
    h1 = next((h for h in h1s if any(_agrees(clean(h.text_content()), strip_site_name(t))
                                     for t in titles)), h1s[0])
    in_order = list(h1.iter())  # document order: the first dated node wins, in every run
    inside = set(in_order)
    for node in in_order:  # a dateline the h1 marks up as one ("<span class=date>") is no title
        if node is not h1 and (node.tag == "time" or "date" in (node.get("class") or "")):
            text = node.get("datetime") or clean(node.text_content())
            if len(text) <= 40 and (found := dates.find_in_text(text, now, lang)):
                return found[0], found[1], False
    seen = 0
    update: tuple[str, str, bool] | None = None
    # each level up walks the level below again: those nodes still count towards the 400, but
    # their answer is known (none returned; `update` already holds the first update found)
    visited: set[etree._Element] = set()
    for anc in [h1.getparent(), *list(h1.iterancestors())[1:3]]:
        if anc is None:
            break
        for node in anc.iter():
            tag = node.tag
            if not isinstance(tag, str) or tag in ("script", "style"):
                continue
            seen += 1
            if seen > 400:
                return update
            if node in visited:
                continue
            visited.add(node)
            found: tuple[str, str] | None = None
            label = ""
            if tag == "time" and (stamp := node.get("datetime")):
                if iso := dates.parse(stamp, now, lang=lang, slow=False):
                    found = iso, stamp
                    label = f"{node.get('class')} {node.get('itemprop')} {node.text_content()}"
            # the element's own text (not for the h1's nodes), then its tail
            if not found and node not in inside and (piece := node.text) \
                    and len(piece) <= 120 and _DIGIT.search(piece):
                found = dates.find_in_dateline(piece.strip(), now, lang)
                # an element's own text is labelled by its class and itemprop too (hAtom
                # "updated", <time itemprop="dateModified">2018-08-29</time>)
                label = f"{node.get('class')} {node.get('itemprop')} {piece}"
            if not found and (piece := node.tail) and len(piece) <= 120 \
                    and _DIGIT.search(piece):
                found = dates.find_in_dateline(piece.strip(), now, lang)
                label = piece
            if not found or _in_menu(node) or _HIDDEN(node):
                continue
            if not _UPDATE.search(label[:60]):
                return found[0], found[1], False
            update = update or (found[0], found[1], True)
    return update


# Publication dates in the JSON state that script-rendered pages embed (Next.js, Nuxt, Shopify,
# review widgets): "publishedDate": "2016-11-04T20:37:27Z", "published_at": ..., "createdAt": ...
_SCRIPT_DATE = re.compile(
    r'(?:"|&quot;)(?:datePublished|date_published|published_?(?:at|date|time|on)?|'
    r'publishDate|publish_date|pubDate|pub_date|firstPublished\w*|created_?(?:at|date)?|'
    r'createdAt|dateCreated)(?:"|&quot;)\s*:\s*(?:"|&quot;)'
    r'(\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d)?(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?)?)', re.I)


def script_date(doc: Document, now: datetime) -> tuple[str, str] | None:
    """The first publication date in JSON state embedded in the page."""
    for m in _SCRIPT_DATE.finditer(doc.text, 0, 3_000_000):
        if iso := dates.parse(m.group(1), now, slow=False):
            return iso, m.group(1)
    return None


_SKIP_TEXT = {"script", "style", "head", "title", "nav", "footer", "option", "select", "noscript"}


def first_date(doc: Document, now: datetime, lang: str | None) -> tuple[str, str] | None:
    """The first date written in the page's text outside navigation and footers
    (microseconds a node; htmldate costs a hundred times more)."""
    body = doc.tree.find("body")
    for node in body.iter() if body is not None else ():
        if not isinstance(node.tag, str) or node.tag in _SKIP_TEXT:
            continue
        for own, piece in ((True, node.text), (False, node.tail)):
            if piece and _DIGIT.search(piece[:300]) and (
                    found := dates.find_in_text(piece[:300], now, lang)):
                # "Registriert: 18.09.2008" in a forum profile is no publication date
                label = piece if own else f"{(node.text or '')[-40:]} {piece}"
                if not _MEMBER.search(label[:80]) and not _NOW_LABEL.search(label[:80]) \
                        and not _in_chrome(node):
                    return found
    return None


def article_date(doc: Document, now: datetime, lang: str | None) -> tuple[str, str] | None:
    """Last resort: htmldate's markup heuristics on a copy, because htmldate prunes the tree
    it is given."""
    try:
        from htmldate import find_date

        url = doc.url if "://" in doc.url else None
        # the quick search (markup, URL, header scripts) only: the extensive one reads every
        # text pattern at ~50 ms a page, and first_date() has already read the text
        found = find_date(copy.deepcopy(doc.tree), url=url, original_date=True,
                          extensive_search=False, outputformat="%Y-%m-%d",
                          max_date=now.strftime("%Y-%m-%d"))
    except Exception as exc:  # noqa: BLE001 - a third-party heuristic must not sink the record
        log.debug("htmldate failed: %s", exc)
        return None
    if not found:
        return None
    iso = dates.parse(found, now, lang=lang, slow=False)
    return (iso, found) if iso else None
