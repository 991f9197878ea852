"""The generic layer's headline (find_title): which heading to trust, which part of it is the
headline, and the meta titles without the site's name."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from lxml import etree

from newsarchive.extract.document import Document
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
    """The heading's shown text (<style>/<script> and ruby annotations inside it left out)."""
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
        return _inline_kicker_cut(text, metas)
    ordered = sorted(runs, key=len, reverse=True)
    for meta in metas:
        folded = fold(meta)
        best = next((r for r in ordered if fold(r) in folded), "")
        if best and len(best) >= 0.4 * len(text):
            return best
    return text


# a kicker joined to the headline by a spaced slash in the same text; a colon or a dash there
# is part of the headline far more often (the corpus gold keeps them)
_INLINE_SEP = re.compile(r"\s+/\s+")


def _inline_kicker_cut(text: str, metas: list[str]) -> str:
    """'"Reform now" / Jane Doe is the new president' in one text: when no meta title holds it
    whole but one is exactly the part after (or before) the slash, that part."""
    folded = [fold(m) for m in metas]
    if any(fold(text) in f for f in folded):
        return text
    m = _INLINE_SEP.search(text)
    if m:
        for part in (text[m.end():], text[:m.start()]):
            if fold(part) in folded and len(part.split()) >= 3:
                return part
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
_BOUND_RE = re.compile(_BOUND)
_COLON = re.compile(r":\s+")
_WORD = re.compile(r"\w")


# Chinese sites name themselves "...网" ("net": 新华网, 人民网) after a headline, unspaced:
# "标题-新华网", "标题_新华网"
_ZH_SITE = re.compile(r"\s*[-_|\uff5c\uff0d\u2014]\s*[^\s\-_|]{1,10}[\u7f51\u7db2]$")


def _cut_names(title: str, names: set[str]) -> str:
    """Drop a name (folded `names`) the title shows whole between separators: a leading one, or
    a trailing one together with what follows it (a tagline, a section after the site's name).
    One regex pass over the title, compiled once: a pattern per name cost ~4 ms a page."""
    bounds = [m.span() for m in _BOUND_RE.finditer(title)]
    for start, end in sorted(bounds + [m.span() for m in _COLON.finditer(title)]):
        if fold(title[:start]) in names and _WORD.search(title, end):
            return title[end:]
    for i, (start, end) in enumerate(bounds):
        if not _WORD.search(title[:start]):
            continue
        for stop in [s for s, _ in bounds[i + 1:]] + [len(title)]:
            if fold(title[end:stop]) in names:
                return title[:start]
    return title


def strip_site(title: str, names: list[str]) -> str:
    """A meta title without the site's name: known names cut where separators bound them
    (spaced or not; everything after a trailing one goes too), then the parts of
    'kicker - headline | site' that name the site (text.strip_site_name)."""
    title = clean(title)
    if fold(title) in {fold(n) for n in names}:  # the page names only the site: keep it whole
        return title
    names = names + _domain_named_tail(title, names)
    folded = {fold(n) for n in names if n and len(n.strip()) >= 3}
    for _ in range(3):  # 'Site | Section | Headline': one name after another
        title, before = _cut_names(title, folded), title
        if title == before:
            break
    if (m := _ZH_SITE.search(title)) and len(title) - len(m.group()) >= 6:
        title = title[:m.start()]
    return strip_site_name(title, names)


_WORDS = re.compile(r"\w+")


def _domain_named_tail(title: str, names: list[str]) -> list[str]:
    """The title's last part when it holds every word of a hyphenated domain name
    ('... | Stiftung OFFSHORE-WINDENERGIE' on offshore-stiftung.de): the site's own name,
    however it is spelled there. Two words at least: one word of a domain is too often a word
    of a headline too."""
    parts = [p for p in _TITLE_SEP.split(title) if p]
    if len(parts) < 2:
        return []
    tail = {w.casefold() for w in _WORDS.findall(parts[-1])}
    for name in names:
        words = {w.casefold() for w in _WORDS.findall(name.split(".")[0])}
        if "." not in name and "-" in name and len(words) >= 2 and words <= tail:
            return [parts[-1]]
    return []


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def _alnum(text: str) -> str:
    return "".join(c for c in fold(text) if c.isalnum())


def _with_name(heading: str, meta: str, alnum_names: set[str]) -> bool:
    """The meta title is the heading and the site's name, whatever between them
    ('Trails! Ischgl' for the h1 'Ischgl' on trails.de)."""
    fh, fm = fold(heading), fold(meta)
    if not fh or fh not in fm or fh == fm:
        return False
    return _alnum(fm.replace(fh, " ", 1)) in alnum_names


def agrees(a: str, b: str) -> bool:
    """Same title, or one contains most of the other (a kicker or a site name around it)."""
    fa, fb = fold(a), fold(b)
    if not fa or not fb:
        return False
    if fa == fb:
        return True
    short, long_ = sorted((fa, fb), key=len)
    return short in long_ and len(short) >= 0.45 * len(long_)


def _h2_agrees(h2: str, meta: str) -> bool:
    """An h2 is often a section heading: one the meta title merely contains must hold more of
    it than an h1 must ('Enchufla' is a section of 'Enchufla Figuren')."""
    if len(fold(h2)) < len(fold(meta)):
        return agrees(h2, meta) and len(fold(h2)) >= 0.6 * len(fold(meta))
    return agrees(h2, meta)


def _agreeing_h2(doc: Document, folded_names: set[str],
                 stripped: list[str]) -> etree._Element | None:
    """The first h2 that agrees with a meta title (site names cut), if any."""
    for h in visible_headings(doc.tree, "h2", 8):
        text = heading_text(h)
        if fold(text) not in folded_names and len(text) <= 300 and \
                any(_h2_agrees(text, m) for m in stripped):
            return h
    return None


def site_names(doc: Document) -> list[str]:
    names = [doc.meta_first("og:site_name"), doc.meta_first("application-name"),
             doc.meta_first("twitter:site", "al:android:app_name")]
    domain = registrable_domain(doc.url)
    return [n for n in names if n] + ([domain, domain.split(".")[0]] if domain else [])


def visible_h1s(doc: Document) -> list[etree._Element]:
    return visible_headings(doc.tree, "h1", 6)


# "23.01.2022 - Headline": a listing's date glued before the headline (the page shows it apart)
_LEAD_DATE = re.compile(r"^(?:\d{1,2}\.\d{1,2}\.(?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2})"
                        r"\s+[-|\u2013\u2014]\s+(?=\S+\s+\S+\s+\S)")


# "Site Name -": a title template whose headline slot was left empty (no "»" here: it closes
# French quotes)
_DANGLING_SEP = re.compile(r"\s+[-|\u2013\u2014\u00b7\u2022]+$")


def find_title(doc: Document, ld_headline: str | None) -> tuple[str, str] | None:
    found = _find_title(doc, ld_headline)
    if not found:
        return None
    title = _DANGLING_SEP.sub("", _LEAD_DATE.sub("", found[0], count=1))
    return (title or found[0]), found[1]


def _find_title(doc: Document, ld_headline: str | None) -> tuple[str, str] | None:
    # an h1 that is one link to the front page shows the site's (or blog's) name: no headline,
    # and a name to cut from the meta titles
    all_h1s = visible_h1s(doc)
    names = site_names(doc) + [heading_text(h) for h in all_h1s if links_home(h, doc.url)]
    og = doc.meta_first("og:title")
    tw = doc.meta_first("twitter:title")
    tag = clean(doc.tree.findtext(".//title") or "")
    # the headline as declared, site names cut off; then the raw og:title and <title>
    stripped = [m for m in (ld_headline, og and strip_site(og, names), tw and
                            strip_site(tw, names), tag and strip_site(tag, names))
                if m]
    metas = stripped + [m for m in (og, tag) if m]
    folded_names = {fold(n) for n in names}
    h1s = [h for h in all_h1s if fold(heading_text(h)) not in folded_names]
    # an h1 a meta title repeats whole wins over an earlier one a meta title merely contains
    # (a blog's name h1 is contained in its "Blog name: Post" title tag too), the most trusted
    # meta first: the longest part of "Post | Blog name" may be the blog's name
    folded_metas = [fold(m) for m in metas]

    def rank(h: etree._Element) -> int:
        text = fold(without_site_suffix(heading_text(h), names))
        return folded_metas.index(text) if text in folded_metas else len(metas)

    alnum_names = {_alnum(n) for n in names} - {""}
    agreeing = [h for h in h1s if any(agrees(heading_text(h), m) or
                                      _with_name(heading_text(h), m, alnum_names)
                                      for m in metas)]
    for h in sorted(agreeing, key=rank):
        return without_site_suffix(heading_part(h, metas), names), "generic"
    # no h1 agrees with the meta title: the h1 inside the article, or a lone h1, still wins
    # (meta titles are often SEO rewrites); a short one is a logo or a section name, and so is
    # one that links to the front page
    h1s = [h for h in h1s if not looks_like_logo(h, doc.url) and not h.xpath("ancestor::aside")]
    # a one-word h1 is a section's or the site's name, unless the meta titles name only the site
    # (a small site's page that names itself by its h1 alone)
    only_names = all(_alnum(m) in alnum_names for m in (ld_headline, og, tw, tag) if m)
    inside = [h for h in h1s if h.xpath("ancestor::article or ancestor::main or "
                                        "ancestor::*[@role='main' or @itemprop='articleBody']")]
    # but an h1 no meta title repeats is often a section label or a breadcrumb (in the article
    # too: 'Latest articles', 'News | Entry'), while an h2 the meta title repeats is the article's
    # headline -- unless that h2 follows the h1 directly (the deck under the headline, which
    # SEO titles often reuse)
    agreeing_h2 = _agreeing_h2(doc, folded_names, stripped)
    candidates = inside or (h1s if len(h1s) == 1 else [])
    if agreeing_h2 is not None:
        candidates = [h for h in candidates if h.getnext() is agreeing_h2]
    for h in candidates:
        text = heading_text(h)
        one_word = len(text.split()) < 2 and not _CJK.search(text)
        if len(text) <= 300 and (not one_word or (len(text) >= 4 and only_names)):
            # a kicker in its own element beside the headline can be why no meta agrees
            return heading_part(h, metas), "generic"
    # no h1 to trust: an h2 that agrees with the meta title is the shown headline (blogs whose
    # h1 is the blog's name, pages without an h1)
    if agreeing_h2 is not None:
        return heading_part(agreeing_h2, metas), "generic"
    # no h2 repeats the meta title as stripped (its longest part, which may be the unknown
    # site's name: 'Feuerwehr Oldenburg - Ausbildung'): an h2 that repeats one part of the
    # <title> shows which part is the headline
    parts = [p for p in _TITLE_SEP.split(tag) if p] if tag else []
    if len(parts) >= 2 and (h2 := _agreeing_h2(doc, folded_names, parts)) is not None:
        return heading_part(h2, metas), "generic"
    for value, layer in ((ld_headline, "json-ld"), (og, "opengraph"), (tw, "meta"),
                         (tag, "meta")):
        if value and clean(value):
            return strip_site(value, names), layer
    return None
