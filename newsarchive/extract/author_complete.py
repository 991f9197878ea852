"""A lone first name as the author ("Todd", "Stefanus"): the display name a CMS account shows.

The same page often spells the person out once: the JSON-LD Person's description ("Stefanus
Stahl - Maschinenbauer, ..."), a byline whose label sits in its own element ("<p>By</p><p>Todd
Bates</p>"). A full name that starts with the first name the cascade found completes it;
anything else leaves the name as it is.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lxml import etree

from newsarchive.extract.generic import BYLINE_WORDS
from newsarchive.extract.text import clean, fold, looks_like_name

if TYPE_CHECKING:
    from newsarchive.extract.document import Document

# what a surname looks like: one or two capitalised words ("Stahl", "Lange-Fricke", "De Vries")
_SURNAME = r"[^\W\d_][\w'’-]+(?:\s+[^\W\d_][\w'’-]+)?"
_BODY_TEXTS = etree.XPath("//body//text()[not(ancestor::script or ancestor::style)]")
_FIRST = re.compile(r"[^\W\d_][\w'’-]{2,}")


# a comment, a related teaser, a photo credit: someone else's "By Todd Smith". Unlike
# author_text.excluded a sidebar is no bar: an article sidebar holds the byline on some
# templates, and the first name already ties the name to the author
_FOREIGN = re.compile(r"comment|related|photo|teaser", re.I)


def _foreign(el: etree._Element | None) -> bool:
    while el is not None:
        if el.tag in ("figcaption", "form", "nav") or _FOREIGN.search(
                f"{el.get('class') or ''} {el.get('id') or ''}"):
            return True
        el = el.getparent()
    return False


def _full(candidate: str, first: str) -> str | None:
    """The candidate as a name if it is the first name plus a capitalised surname."""
    name = clean(candidate)
    if name.isupper():
        name = name.title()  # "MEHR VON HENRY STEINHAU"
    words = name.split()
    if not 2 <= len(words) <= 3 or fold(words[0]) != fold(first):
        return None
    if not all(w[0].isupper() for w in words[1:]) or not looks_like_name(name):
        return None
    return name


def _from_description(doc: Document, first: str) -> str | None:
    """The JSON-LD Person named only by the first name, whose description opens with the
    full name ("Stefanus Stahl - Maschinenbauer ...", "Jane Doe is a reporter ...")."""
    for obj in doc.jsonld:
        if obj.get("@type") != "Person" or fold(str(obj.get("name") or "")) != fold(first):
            continue
        desc = clean(str(obj.get("description") or ""))
        m = re.match(re.escape(first) + r"\s+(" + _SURNAME + r")(?=\s*[-–—,(:]|\s+[a-zà-ÿ]|$)",
                     desc)
        if m and (name := _full(m.group(0), first)):
            return name
    return None


def _from_text(doc: Document, first: str) -> str | None:
    """The full name as a text of its own right after a byline word in its own element
    ("<p>By</p> <p>Todd Bates</p>"): running text ("von Heiko Laufen im Winter") is no byline."""
    key = fold(first)
    before = ""
    for text in _BODY_TEXTS(doc.tree):
        piece = clean(text)
        if not piece:
            continue
        if (before in BYLINE_WORDS and fold(piece).startswith(key)
                and (name := _full(piece, first)) and not _foreign(text.getparent())):
            return name
        before = fold(piece).rstrip(":")
    return None


def complete_first_name(names: list[str], doc: Document) -> list[str]:
    """[first name] -> [first name + surname] when the page spells the person out."""
    if len(names) != 1 or not _FIRST.fullmatch(names[0]) or not names[0][0].isupper():
        return names
    first = names[0]
    full = _from_description(doc, first) or _from_text(doc, first)
    return [full] if full else names
