"""Who the site is and what the structured data names: JSON-LD author values (strings,
Person/Organization objects, @graph references) and the names a site goes by (og:site_name,
JSON-LD publisher, its domain), so that a layer naming only the site falls back instead.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from newsarchive.extract.author_text import ORG_WORDS
from newsarchive.extract.metadata_generic import site_names
from newsarchive.extract.text import clean, fold
from newsarchive.extract.urls import registrable_domain

if TYPE_CHECKING:
    from newsarchive.extract.document import Document
    from newsarchive.extract.metadata import _Page


def names_from_ld(value: Any, graph: dict[str, dict[str, Any]]) -> tuple[list[str], bool]:
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


def squash(name: str) -> str:
    return re.sub(r"[\W_]+", "", fold(name))


_LEADING_ARTICLE = re.compile(r"^(?:the|die|der|das|le|la|les|el|il|lo)\s+", re.I)
_TLD = re.compile(r"\.[a-z]{2,4}(?:\.[a-z]{2})?$", re.I)


def _site_keys(name: str) -> set[str]:
    """"Die FURCHE" -> {diefurche, furche}; "ElColombiano.com", "El Colombiano" ->
    {elcolombiano, colombiano}: keys under which a site's name is found again."""
    bare = _TLD.sub("", clean(name))
    return {squash(bare), squash(_LEADING_ARTICLE.sub("", bare))} - {""}


class Publishers:
    """The names the site goes by (og:site_name, JSON-LD publisher) and its domain. Site names
    match however spelled ("ElColombiano.com", "El Colombiano"); the domain's label only with
    a leading article or a TLD ("Die Furche" on furche.at): "jane-doe.net" may be Jane Doe's
    own site, and her name is her byline there, not a publisher's."""

    def __init__(self, doc: Document, p: _Page, graph: dict[str, dict[str, Any]]) -> None:
        names = site_names(doc) + names_from_ld(p.ld.get("publisher"), graph)[0]
        domain = registrable_domain(doc.url)
        self.exact = {fold(n) for n in names}
        self.keys = {k for n in names if n and n not in (domain, domain.split(".")[0])
                     for k in _site_keys(n)}
        self.domain_key = squash(domain.split(".")[0]) if domain else ""

    def __contains__(self, name: str) -> bool:
        if fold(name) in self.exact:
            return True
        keys = _site_keys(name)
        # "Die Furche", "Example.com" on furche.at, example.com: no person's name has those
        if keys & self.keys or (self.domain_key in keys and (
                bool(_LEADING_ARTICLE.match(name)) or bool(_TLD.search(name)))):
            return True
        # "EFC Bayrische Bembel" on bayrische-bembel.de: the domain's words and an acronym
        words = name.split()
        if len(words) >= 3 and len(self.domain_key) >= 6:
            for i in range(len(words)):
                for j in range(i + 2, len(words) + 1):
                    if squash(" ".join(words[i:j])) == self.domain_key:
                        rest = words[:i] + words[j:]
                        return all(w.isupper() and len(w) <= 5 for w in rest)
        return False

    def all(self, names: list[str]) -> bool:
        return all(n in self for n in names)


_DOMAIN_NAME = re.compile(r"\w\.(?:[a-z]{2,3}|info|online)\b", re.I)


def site_address(value: str, publishers: Publishers) -> bool:
    """"Example.de GmbH, Munich, Germany", "Example News, London": the site and where it is,
    written into the author meta by a template; no list of people."""
    head, *rest = [clean(x) for x in value.split(",")]
    return bool(rest) and all(len(x.split()) == 1 for x in rest) and bool(
        head in publishers or ORG_WORDS.search(head) or _DOMAIN_NAME.search(head))


def prose(name: str) -> bool:
    """"deinen Hochzeitsbloggern" ("your wedding bloggers"): words of a sentence, no name."""
    words = name.split()
    return len(words) > 1 and words[0].islower() and words[0] not in LOWER_START


# names that may start in lower case: particles ("van der Berg") and agency credits
LOWER_START = {"von", "van", "de", "der", "den", "da", "di", "du", "la", "le", "del", "dos",
               "ten", "ter", "zu", "al", "bin", "dpa", "afp", "apa", "kna", "epd", "sda"}
