"""The byline an article's text opens with: a short paragraph right under the headline that
says who wrote it ("<p>Von Jane Doe</p>", "<p><em>Ein Interview von <strong>Jane Doe</strong>
mit John Roe.</em></p>", "<p>Blog Beitrag von Jane Doe</p>").

Blog and magazine CMSs fill JSON-LD, the author meta and the "posted by" line with the account
that published the post (an editor, a web team member, a user name); a guest author, an
interviewer or a columnist is named only in the text. Printed where the reader starts reading,
that line is the article's byline, and it wins over the account.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice
from typing import TYPE_CHECKING

from lxml import etree

from newsarchive.extract import walk
from newsarchive.extract.author_text import DIGIT, ORG_WORDS, byline_names, excluded
from newsarchive.extract.text import clean, looks_like_name

if TYPE_CHECKING:
    from newsarchive.extract.document import Document

# "Von Jane Doe", "By Jane Doe", "Par Jane Doe", "Por Jane Doe", "Door Jane Doe"
_BY = re.compile(r"(?:by|von|par|por|door)\s+(?=[^\W\d_])", re.I)
# "Ein Interview von", "Blog Beitrag von", "A guest post by", "Un article de"
_PIECE_BY = re.compile(
    r"(?:(?:ein|eine|a|an|un|une)\s+)?(?:[^\W\d_]+\s)?\w*(?:artikel|beitrag|bericht|kommentar|"
    r"interview|article|story|post|column|essay|analyse|analysis|reportage|text)\s+"
    r"(?:von|by|de|par|por)\s+(?=[^\W\d_])", re.I)
_BYLINE_CLASS = re.compile(r"author|byline", re.I)
# "... von Jane Doe mit John Roe": the one interviewed, or material the author drew on
_WITH = re.compile(r"\s+(?:mit|with|avec|con|und\s+mit)\s+.*$", re.I)

# the full stop closing the line, not the one of an abbreviation ("Perry Bacon Jr.")
_SENTENCE_END = re.compile(r"(?<=[^\W\d_]{4})\.$")


def _opening_paragraphs(doc: Document) -> Iterator[tuple[etree._Element, str]]:
    """The first five non-empty paragraphs after the first h1, with their text: read off the
    shared element list the author Index walked already (an XPath following:: axis built the
    rest of the document's node set first, ~0.1 ms a page)."""
    els = walk.elements(doc)
    start = next((i for i, (_, tag, _, _) in enumerate(els) if tag == "h1"), None)
    if start is None:
        return
    seen = 0
    for el, tag, _, _ in islice(els, start + 1, None):
        if tag != "p" or not (text := clean(el.text_content())):
            continue
        yield el, text
        seen += 1
        if seen >= 5:
            return


def opening_byline(doc: Document) -> list[str]:
    """People named by a paragraph that is only a byline, among the first paragraphs after the
    headline; [] when there is none, or when it names anything but two- to four-word names."""
    for para, text in _opening_paragraphs(doc):
        if len(text) > 100:
            continue
        m = _PIECE_BY.match(text) or _BY.match(text)
        if not m:
            continue
        if _BYLINE_CLASS.search(para.get("class") or ""):
            return []  # a byline-classed paragraph: the cascade's byline rules weigh it
        if excluded(para):
            return []
        value = _SENTENCE_END.sub("", _WITH.sub("", text[m.end():]))
        names = byline_names([value])
        if names and len(names) <= 4 and all(
                2 <= len(n.split()) <= 4 and looks_like_name(n) and not DIGIT.search(n)
                and not ORG_WORDS.search(n) for n in names):
            return names
        return []
    return []
