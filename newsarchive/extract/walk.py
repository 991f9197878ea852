"""One walk of a document's tree shared by the extractors of one record.

Every `tree.iter()` over an lxml.html tree builds a Python proxy per node (a class lookup each);
holding the list keeps those proxies alive, so the comment, related-block and image passes
reuse them instead of rebuilding them. Read-only: nobody here mutates `doc.tree`.
"""

from __future__ import annotations

import weakref

from lxml import etree

from newsarchive.extract.document import Document

Node = etree._Element
_NODES: weakref.WeakKeyDictionary[Document, list[Node]] = weakref.WeakKeyDictionary()


def nodes(doc: Document) -> list[Node]:
    """Every node of doc.tree in document order (elements, comments, PIs), computed once."""
    got = _NODES.get(doc)
    if got is None:
        got = _NODES[doc] = list(doc.tree.iter())
    return got


_TEXTS: weakref.WeakKeyDictionary[Document, list[tuple[str, Node]]] = \
    weakref.WeakKeyDictionary()


def short_texts(doc: Document) -> list[tuple[str, Node]]:
    """(lower-cased text, element) for text nodes of 4-59 visible characters that are an
    element's own text (not a tail): heading candidates for related blocks and comments."""
    got = _TEXTS.get(doc)
    if got is None:
        got = []
        for el, tag, _ident, _cls in elements(doc):
            t = el.text
            if not t or len(t) < 4 or tag in ("script", "style"):
                continue
            if t.isspace():  # indentation between tags: folds to "" (the same whitespace)
                continue
            if len(t) >= 60 or t != t.strip() or "  " in t:
                # a text whose first 120 characters already fold to 60 is too long whatever
                # follows (folding a prefix never gives more): paragraphs are not folded whole
                if len(t) > 120 and len(" ".join(t[:120].split())) >= 60:
                    continue
                t = " ".join(t.split())
                if not 3 < len(t) < 60:
                    continue
            got.append((t.lower(), el))
        _TEXTS[doc] = got
    return got


_ATTRS: weakref.WeakKeyDictionary[Document, list[tuple[Node, str, str, str]]] = \
    weakref.WeakKeyDictionary()


def elements(doc: Document) -> list[tuple[Node, str, str, str]]:
    """(element, tag, id or "", class or "") for every element in document order, computed
    once. A whole-tree XPath such as `//*[contains(@class, 'x')]` costs 0.4-1.3 ms a page in
    libxml2; filtering this list with `in` on the strings costs a few hundredths of that."""
    got = _ATTRS.get(doc)
    if got is None:
        got = _ATTRS[doc] = [(el, el.tag, el.get("id") or "", el.get("class") or "")
                             for el in nodes(doc) if isinstance(el.tag, str)]
    return got
