"""Title helpers for the generic layer (find_title in metadata_generic): which part of a
heading is the headline, and which heading to trust when the h1 is not it."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from lxml import etree

from newsarchive.extract.text import _TITLE_SEP, clean, fold, strip_site_name
from newsarchive.extract.urls import registrable_domain

# an h1 rarely has more text nodes than this (whitespace ones too); runs are quadratic in it
_MAX_NODES = 20
_SEPARATOR = re.compile(r"\s*[:|/\u2013\u2014\u00b7\u2022\u00bb-]{1,2}\s*")
_EDGE_PUNCT = " :|/\u2013\u2014\u00b7\u2022\u00bb-"
# the class of a heading (or its wrapper) that shows the site's name in the page header
_LOGO_CLASS = re.compile(r"(?:^|[\s_-])(?:logo|site-?title|site-?name|brand(?:ing)?)(?:$|[\s_-])",
                         re.I)
_FRONT_PATHS = frozenset(("", "/", "/index.html", "/index.htm", "/index.php"))
# elements whose text is no headline text: CSS-in-JS libraries (emotion, styled-components) put
# <style> elements inside the heading itself; <rt>/<rp> are ruby annotations (furigana)
_NOT_SHOWN = ("style", "script", "noscript", "template", "rt", "rp")
_SHOWN_TEXT = etree.XPath(".//text()[not(ancestor::style or ancestor::script or "
                          "ancestor::noscript or ancestor::template or ancestor::rt or "
                          "ancestor::rp)]")


def _texts(heading: etree._Element) -> list[str]:
    if next(heading.iter(*_NOT_SHOWN), None) is None:
        return list(heading.itertext())
    return [str(t) for t in _SHOWN_TEXT(heading)]


def heading_text(heading: etree._Element) -> str:
    """The heading's shown text (the text of <style>/<script> inside it left out)."""
    if next(heading.iter(*_NOT_SHOWN), None) is None:
        return clean(heading.text_content())
    return clean("".join(_texts(heading)))


def heading_part(heading: etree._Element, metas: list[str]) -> str:
    """The heading's headline: when it holds a kicker, a date or a teaser beside the headline in
    separate elements, the longest run of adjacent pieces the first meta title that repeats one
    holds (metas most trusted first). A run, not one piece: inline markup (<abbr>, <em>, <br>)
    splits a headline into pieces that are no kicker, and the whole text is a run too; but no run
    crosses a piece that is only a separator (a kicker's hidden ' – ' or ': ')."""
    nodes = _texts(heading)
    text = clean("".join(nodes))
    nodes = nodes[:_MAX_NODES]
    groups: list[list[str]] = [[]]
    for node in nodes:
        if _SEPARATOR.fullmatch(node) and node.strip():
            groups.append([])
        else:
            groups[-1].append(node)
    runs: set[str] = set()
    for group in groups:
        for i in range(len(group)):
            for j in range(i + 1, len(group) + 1):
                if run := clean("".join(group[i:j])).strip(_EDGE_PUNCT):
                    runs.add(run)
    if len(runs) < 2:
        return text
    ordered = sorted(runs, key=len, reverse=True)
    for meta in metas:
        folded = fold(meta)
        best = next((r for r in ordered if fold(r) in folded), "")
        if best and len(best) >= 0.4 * len(text):
            return best
    return text


def looks_like_logo(heading: etree._Element, page_url: str) -> bool:
    """A heading that is all one link to the site's front page (a blog's or a site's name), or
    a label ending in a colon ('Read also:'), is no headline."""
    return heading_text(heading).endswith(":") or links_home(heading, page_url) or \
        any(_LOGO_CLASS.search(f"{n.get('class') or ''} {n.get('id') or ''}")
            for n in (heading, heading.getparent()) if n is not None)


def links_home(heading: etree._Element, page_url: str) -> bool:
    """The heading's whole text is one link to the site's front page."""
    text = heading_text(heading)
    for a in heading.iter("a"):
        if clean(a.text_content()) != text:
            continue
        url = urlsplit(urljoin(page_url, a.get("href") or ""))
        if url.path in _FRONT_PATHS and not url.query and \
                registrable_domain(url.geturl()) == registrable_domain(page_url):
            return True
    return False


def without_site_suffix(text: str, names: list[str]) -> str:
    """'Headline | Site' shown in the heading itself -> 'Headline', only when the dropped part
    names the site (a kicker before a dash stays)."""
    parts = [p for p in _TITLE_SEP.split(text) if p]
    if len(parts) < 2:
        return text
    folded = {fold(n) for n in names if n}
    kept = [p for p in parts if fold(p) not in folded]
    return kept[0] if len(kept) == 1 else text


def visible_headings(doc_tree: etree._Element, tag: str, limit: int) -> list[etree._Element]:
    """The first `limit` non-empty headings of one level that are not hidden."""
    out = []
    for h in doc_tree.iter(tag):
        if h.xpath("ancestor-or-self::*[@hidden or contains(@style, 'display:none') or "
                   "contains(@style, 'display: none') or contains(@class, 'sr-only') or "
                   "contains(@class, 'screen-reader') or contains(@class, 'visually-hidden')]"):
            continue
        if heading_text(h):
            out.append(h)
            if len(out) >= limit:
                break
    return out


# what bounds a site name inside a title: a spaced separator, an unspaced pipe-like one ("NEWS
# WEB EASY|..."), or an unspaced hyphen next to a character that is not ASCII ("...城！-新华网":
# CJK titles use no spaces, while in "Krimiblog-Archiv" the hyphen joins a word); a leading
# name may end with a colon ("Site: headline")
_BOUND = (r"(?:\s+[|:\u2013\u2014\u00b7\u2022\u00bb\u203a/~-]{1,3}\s+|"
          r"\s*[|\uff5c\u00b7\u2022\u00bb\u203a]\s*|"
          r"(?<=[^\x00-\x7f])[-_\uff0d\u2013\u2014]|[-_\uff0d\u2013\u2014](?=[^\x00-\x7f]))")
_LEAD_BOUND = rf"(?:{_BOUND}|:\s+)"


def _cut_name(title: str, name: str) -> str:
    """Drop a name the title shows whole between separators: a leading one, or a trailing one
    together with what follows it (a tagline, a section after the site's name)."""
    escaped = re.escape(name)
    lead = re.match(rf"{escaped}{_LEAD_BOUND}", title, re.I)
    if lead and re.search(r"\w", title[lead.end():]):
        return title[lead.end():]
    for m in re.finditer(rf"{_BOUND}{escaped}(?={_BOUND}|$)", title, re.I):
        if re.search(r"\w", title[:m.start()]):
            return title[:m.start()]
    return title


def strip_site(title: str, names: list[str]) -> str:
    """A meta title without the site's name: known names cut where separators bound them
    (spaced or not; everything after a trailing one goes too), then the parts of
    'kicker - headline | site' that name the site (text.strip_site_name)."""
    title = clean(title)
    for name in sorted({clean(n) for n in names if n and len(n.strip()) >= 3}, key=len,
                       reverse=True):
        title = _cut_name(title, name)
    return strip_site_name(title, names)
