"""The page parsed once: decoded text, lxml tree, parsel selector, meta tags, JSON-LD.

Every extractor reads a `Document`; nothing re-parses the page. Any bytes give a Document
(possibly empty) or a `PageError` with a reason a person can read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from functools import cached_property
from typing import Any

import lxml.html
from lxml import etree
from parsel import Selector
from w3lib.encoding import html_body_declared_encoding, html_to_unicode, resolve_encoding

MAX_BYTES = 20 * 1024 * 1024  # larger pages are cut; a news article is never this big


class PageError(ValueError):
    """The bytes cannot be turned into a page (not HTML, empty, binary)."""


def _looks_binary(data: bytes) -> bool:
    head = data[:2048]
    if head.startswith((b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b")):
        return True
    # NUL bytes outside UTF-16 text mean binary
    return b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff"))


def decode(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Bytes -> (text, encoding). Order: BOM, valid UTF-8, HTTP header, <meta>, detection.

    Valid UTF-8 wins over a declared legacy charset because real windows-1251/koi8-r/Shift_JIS
    text is practically never valid UTF-8, while "UTF-8 page with a stale meta" is common.
    """
    if _looks_binary(data):
        raise PageError("not an HTML page: binary content")
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        enc, text = html_to_unicode(content_type, data)
        return text, enc
    try:
        text = data.decode("utf-8")
        return text, "utf-8"
    except UnicodeDecodeError:
        # A CMS cutting a teaser mid-character leaves one or two bad bytes in a UTF-8 page;
        # legacy-charset text fails on nearly every non-ASCII letter instead.
        text = data.decode("utf-8", errors="replace")
        bad = text.count("\ufffd")
        if bad <= max(3, len(text) // 5000) and re.search(r"[^\x00-\x7f\ufffd]", text):
            return text, "utf-8"
    declared = None
    if content_type:
        m = re.search(r"charset=[\"']?([\w.:-]+)", content_type, re.I)
        declared = resolve_encoding(m.group(1)) if m else None
    declared = declared or html_body_declared_encoding(data)
    if declared and resolve_encoding(declared) not in ("utf-8", "utf8"):
        enc = resolve_encoding(declared) or declared
        try:
            return data.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    enc = best.encoding if best else "cp1252"
    return data.decode(enc, errors="replace"), enc


_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False)
# every element an HtmlElement, chosen in C: lxml.html's own lookup is a Python method run for
# each element proxy created (~5% of a whole record); its special form/input/label classes are
# never used here, and comments and PIs are removed at parse time
_PARSER.set_element_class_lookup(etree.ElementDefaultClassLookup(element=lxml.html.HtmlElement))


def _walk_jsonld(obj: Any) -> Iterator[dict[str, Any]]:
    if isinstance(obj, list):
        for item in obj:
            yield from _walk_jsonld(item)
    elif isinstance(obj, dict):
        yield obj
        if "@graph" in obj:
            yield from _walk_jsonld(obj["@graph"])


def _loads_lenient(raw: str) -> Any:
    raw = raw.strip().removeprefix("<!--").removesuffix("-->").strip().rstrip(";")
    raw = raw.replace("<![CDATA[", "").replace("]]>", "")
    try:
        return json.loads(raw, strict=False)
    except ValueError:
        # common breakage: raw newlines/tabs inside strings, trailing commas
        fixed = re.sub(r",\s*([}\]])", r"\1", re.sub(r"[\r\n\t]+", " ", raw))
        try:
            return json.loads(fixed, strict=False)
        except ValueError:
            return None


class Document:
    """One fetched page, parsed once."""

    def __init__(self, text: str, url: str, encoding: str = "utf-8",
                 headers: Mapping[str, str] | None = None) -> None:
        self.url = url
        self.text = text
        self.encoding = encoding
        self.headers = {k.lower(): v for k, v in (headers or {}).items()}
        # the publication date a sitemap or feed gave this URL (the date's last resort)
        self.listed_published: str | None = None
        text = text.lstrip("\ufeff")
        if not text.strip():
            raise PageError("empty page")
        # lxml refuses str with an XML encoding declaration
        text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
        try:
            self.tree: lxml.html.HtmlElement = lxml.html.document_fromstring(text, parser=_PARSER)
        except (etree.ParserError, ValueError) as exc:
            raise PageError(f"unparseable HTML: {exc}") from exc
        if self.tree is None:
            raise PageError("unparseable HTML: no document")
        # JSON-LD must be read before anyone strips <script>
        self.jsonld: list[dict[str, Any]] = []
        # iter() filters by tag in C; the XPath //script[contains(@type, ...)] walked every node
        for node in self.tree.iter("script"):
            if "ld+json" not in (node.get("type") or ""):
                continue
            data = _loads_lenient(node.text or "")
            self.jsonld.extend(_walk_jsonld(data))
        self.meta: dict[str, list[str]] = {}
        for node in self.tree.iter("meta"):
            key = node.get("property") or node.get("name") or node.get("itemprop")
            content = node.get("content")
            if key and content is not None and content.strip():
                self.meta.setdefault(key.strip().lower(), []).append(content.strip())

    @classmethod
    def from_bytes(cls, data: bytes, url: str,
                   headers: Mapping[str, str] | None = None) -> Document:
        if not data:
            raise PageError("empty page")
        data = data[:MAX_BYTES]
        headers = headers or {}
        ctype = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
        if ctype and not re.search(r"html|xml|text/plain", ctype, re.I):
            raise PageError(f"not an HTML page: Content-Type {ctype}")
        text, enc = decode(data, ctype)
        return cls(text, url, enc, headers)

    def meta_first(self, *keys: str) -> str | None:
        for key in keys:
            values = self.meta.get(key.lower())
            if values:
                return values[0]
        return None

    @cached_property
    def selector(self) -> Selector:
        return Selector(root=self.tree, type="html")

    @cached_property
    def html_lang(self) -> str | None:
        lang = self.tree.get("lang") or self.tree.get("xml:lang")
        return lang.strip() if lang and lang.strip() else None

    @cached_property
    def base_url(self) -> str:
        # = string(//head/base/@href): the first <base href> in a <head>
        for head in self.tree.iter("head"):
            for base in head.iterchildren("base"):
                href = base.get("href")
                if href is not None:
                    return href.strip() or self.url
        return self.url

    def jsonld_of_type(self, *types: str) -> list[dict[str, Any]]:
        """JSON-LD objects whose @type is one of `types` (case-insensitive)."""
        wanted = {t.lower() for t in types}
        out = []
        for obj in self.jsonld:
            t = obj.get("@type")
            names = t if isinstance(t, list) else [t]
            if any(isinstance(n, str) and n.lower() in wanted for n in names):
                out.append(obj)
        return out
