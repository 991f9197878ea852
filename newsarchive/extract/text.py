"""Small text helpers shared by the metadata and body extractors: whitespace, names, titles."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from newsarchive.extract.generic import AUTHOR_STOP, BY_PREFIX, NOT_A_NAME, ROLE_WORDS

_WS = re.compile(r"\s+")
# a regex, not str.translate: translate costs a dict lookup per character of every text
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")


def clean(text: str | None) -> str:
    """Whitespace folded, invisible characters dropped."""
    if not text:
        return ""
    if text.isascii():  # no invisible characters possible
        # Text already clean (a paragraph cleaned once and met again by the line filters)
        # comes back as it is: the only ASCII whitespace split() knows besides " " are these
        # nine controls, each ruled out by one memchr (0.8 us on a 700-character paragraph;
        # split + join 3.2). A str subclass (lxml's smart strings) is never handed back.
        if text[0] != " " and text[-1] != " " and "\n" not in text and "  " not in text \
                and type(text) is str and _no_control_space(text):
            return text
        return " ".join(text.split())
    # non-ASCII: a printable text holds no whitespace but " " and none of the invisible
    # characters (all are Unicode "Other" or "Separator"), so with no doubled, leading or
    # trailing space it is clean; the regex substitution reads every character
    if text[0] != " " and text[-1] != " " and "\n" not in text and "  " not in text \
            and type(text) is str and text.isprintable():
        return text
    return " ".join(_INVISIBLE.sub("", text).split())


def _no_control_space(text: str) -> bool:
    return "\t" not in text and "\r" not in text and "\x0b" not in text \
        and "\x0c" not in text and "\x1c" not in text and "\x1d" not in text \
        and "\x1e" not in text and "\x1f" not in text


def fold(text: str | None) -> str:
    """For comparisons only: NFKC, casefolded, ASCII dashes and quotes."""
    text = unicodedata.normalize("NFKC", clean(text)).casefold()
    text = re.sub("[\u2010-\u2015\u2212]", "-", text)
    return re.sub("[\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u00ab\u00bb\"`]", "'", text)


def dedupe(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        key = fold(item)
        if item and key not in seen:
            seen.add(key)
            out.append(item)
    return out


# Separators between names in a byline: "A, B and C", "A & B", "A und B", "A y B", "A; B".
_NAME_SEP = re.compile(
    r"\s*(?:;|,|\||/|\s&\s|\s+(?:and|und|et|y|e|i|и|і|і|en|og|och|ve)\s+)\s*", re.I)
# "AuthorJane Doe": a label glued to the name by markup without a space
_GLUED_LABEL = re.compile(r"^(?:Author|Autor|Autorin|Auteur|By|Von|Por|Par)(?=[A-ZÄÖÜÉ][a-zäöüé.])")
_ROLE_END = re.compile(r"(?:redakteur|korrespondent|journalist|editor|reporter|writer|"
                       r"columnist|expert|experte)(?:in)?$", re.I)
_NAME_OK = re.compile(r"^[^\W\d_][\w.'’\- ]*[\w.]$")


def clean_name(raw: str) -> str | None:
    """One byline piece -> a person or agency name, or None when it is not one."""
    name = _GLUED_LABEL.sub("", clean(raw)).strip(" ,;:-–—|·•")
    for _ in range(2):
        name = BY_PREFIX.sub("", name).strip(" ,;:-–—|·•")
    name = AUTHOR_STOP.sub("", name).strip(" ,;:-–—|·•(")
    name = re.sub(r"\s*\([^)]*\)\s*$", "", name)  # "Jane Doe (jd)" -> "Jane Doe"
    words = name.split()
    while len(words) > 2 and _ROLE_END.search(words[-1]):  # "Jane Doe Chefredakteurin"
        words.pop()
    while len(words) > 2 and _ROLE_END.search(words[0]):  # "Gast-Experte Jane Doe"
        words.pop(0)
    name = " ".join(words)
    if not name or len(name) > 60 or len(name.split()) > 5 or NOT_A_NAME.search(name):
        return None
    if all(ROLE_WORDS.fullmatch(w) or _ROLE_END.search(w) for w in name.split()):
        return None  # "Senior Staff Writer"
    if not _NAME_OK.match(name):
        return None
    return name


_PARTICLES = {"von", "van", "de", "der", "den", "da", "di", "du", "la", "le", "del", "dos", "das",
              "ten", "ter", "zu", "al", "bin", "y", "e", "of", "und", "and"}


def looks_like_name(name: str) -> bool:
    """Stricter test for names found in running text: every word capitalized except
    particles (von, de, van der, ...), at most four words."""
    words = name.split()
    if not 1 <= len(words) <= 4 or words[0] in _PARTICLES:
        return False
    return all(w[0].isupper() or not w[0].isalpha() or w in _PARTICLES or
               w.lower() == w.upper() for w in words)


def split_names(values: Iterable[str]) -> list[str]:
    """Bylines -> names: "By Jane Doe and John Roe, Reuters" -> [Jane Doe, John Roe, Reuters].

    Agencies stay (the record holds "person or agency names"); roles, dates, "By", e-mails and
    URLs go. A comma-separated piece that is only a role ("Staff Writer") is dropped.
    """
    out: list[str] = []
    for value in values:
        value = clean(value)
        if not value or "http" in value and " " not in value:
            continue
        value = BY_PREFIX.sub("", value)
        for piece in _NAME_SEP.split(value):
            name = clean_name(piece)
            if name:
                out.append(name)
    return dedupe(out)[:12]


_TITLE_SEP = re.compile(r"\s+(?:[|–—·•»]{1,2}|-{1,2}|::)\s+")


def strip_site_name(title: str, site_names: Iterable[str] = ()) -> str:
    """'Headline - Site Name' -> 'Headline': drop parts that name the site, then keep the
    longest remaining part (a title tag is "kicker - headline | site" at most)."""
    title = clean(title)
    parts = [p for p in _TITLE_SEP.split(title) if p]
    if len(parts) < 2:
        return title
    names = {fold(n) for n in site_names if n}
    kept = [p for p in parts if fold(p) not in names] or parts
    best = max(kept, key=len)
    return best if len(best) >= 12 or len(best) >= 0.4 * len(title) else title


# Characters whose re.I matches include an ASCII letter other than their str.lower() (İ -> i,
# ı ~ i, ſ ~ s, Kelvin sign ~ k): a pattern holding one cannot be run lower-cased.
_ASCII_TWINS = frozenset("\u0130\u0131\u017f\u212a")


class FoldedSearch:
    """`bool(pattern.search(text))` for a re.I pattern, several times faster on ASCII text
    (class names, ids, URLs: nearly all of them): there `text.lower()` searched without re.I
    gives the same answer (ASCII letters fold only among themselves, and the pattern's literals
    are lower case; checked here), 0.34 against 1.55 us for a byline class test."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        literals = re.sub(r"\\.", "", pattern.pattern)
        assert pattern.flags & re.I and "(?-i" not in pattern.pattern, pattern.pattern
        assert not any(c != c.lower() or c in _ASCII_TWINS for c in literals), pattern.pattern
        self.pattern = pattern
        self._lowered = re.compile(pattern.pattern, pattern.flags & ~re.I)

    def __call__(self, text: str) -> bool:
        if text.isascii():
            return self._lowered.search(text.lower()) is not None
        return self.pattern.search(text) is not None
