"""Round 5 of the extraction fast paths: each gives the answers of the code it replaced (kept
here as the reference)."""

from __future__ import annotations

import re

import lxml.html
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive import clusters
from newsarchive.extract import text

_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")


def clean_reference(value: str | None) -> str:
    """text.clean before its already-clean fast path."""
    if not value:
        return ""
    if value.isascii():
        return " ".join(value.split())
    return " ".join(_INVISIBLE.sub("", value).split())


def test_clean_of_every_character_alone_and_between_letters() -> None:
    for code in range(0x110000):
        ch = chr(code)
        for value in (ch, f"a{ch}b", f"a {ch}", f"{ch} b"):
            assert text.clean(value) == clean_reference(value), hex(code)


# the characters the fast path must tell apart: every kind of whitespace split() knows, the
# invisible ones, and letters
_ALPHABET = "ab \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u2028\u3000\u200b\u00ad\ufeffé"


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=12))
def test_clean_agrees_with_the_reference(value: str) -> None:
    assert text.clean(value) == clean_reference(value)


def test_clean_text_comes_back_as_is_but_never_a_smart_string() -> None:
    para = "Harbour minister school weather museum station railway budget river."
    assert text.clean(para) is para
    assert text.clean("Ein schöner Tag am Fluss.") == "Ein schöner Tag am Fluss."
    doc = lxml.html.fromstring("<div><p>Harbour minister school</p></div>")
    smart = doc.xpath("//p/text()")[0]
    assert type(smart) is not str
    assert type(text.clean(smart)) is str and text.clean(smart) == "Harbour minister school"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=6),
                min_size=28, max_size=50).map(" ".join))
def test_non_ascii_signatures_are_datasketch_s(value: str) -> None:
    # Non-ASCII text takes a regex + UTF-8 bytes path in signature() (not str.translate):
    # any characters (marks, dashes, NBSP, surrogates, letters that lower-case to two) must
    # give datasketch's values over shingles(), which splits words the str way.
    from datasketch import MinHash

    value = "é " + value  # never ASCII
    grams = clusters.shingles(value)
    if not grams:
        assert clusters.signature(value) is None
        return
    ref = MinHash(num_perm=clusters.NUM_PERM, seed=1, scheme=clusters.SCHEME)
    ref.update_batch(list(grams))
    assert np.array_equal(clusters.signature(value), ref.hashvalues)


def test_non_ascii_words_split_at_every_non_word_character() -> None:
    value = ("Ärger\u00a0über «Straße»—naïve İstanbul\u200bcafé ǅemal 東京\ud800x " * 8).strip()
    ref = clusters.shingles(value)
    from datasketch import MinHash

    m = MinHash(num_perm=clusters.NUM_PERM, seed=1, scheme=clusters.SCHEME)
    m.update_batch(list(ref))
    assert np.array_equal(clusters.signature(value), m.hashvalues)


def test_site_selectors_give_what_node_xpath_gives() -> None:
    from newsarchive.extract import site

    page = lxml.html.fromstring(
        "<html><body><article><h1>Head</h1><p>One</p><p class='x'>Two</p>"
        "<figure><img src='a.jpg'><figcaption>Cap</figcaption></figure></article>"
        "<div><p>Three</p></div></body></html>")
    article = page.find(".//article")
    for spec in ("h1::text", "xpath://article/p[not(@class)]", "img::attr(src)",
                 "xpath:string(//figcaption)", "p", "xpath:count(//p)"):
        for node in (page, article):
            want = node.xpath(site.to_xpath(spec))
            got = site.select(node, spec)
            if isinstance(want, list):
                assert got == want, spec
                assert [type(x) for x in got] == [type(x) for x in want]
            elif isinstance(want, str) and want.strip():
                assert got == [want]
    assert site.select(page, ["xpath://aside", "figcaption::text"]) == ["Cap"]
    with pytest.raises(ValueError, match="bad selector"):
        site.select(page, "xpath://p[")


def test_absolutize_is_urljoin_then_safe_url_string_every_time() -> None:
    from urllib.parse import urljoin

    from w3lib.url import safe_url_string

    from newsarchive.extract.urls import absolutize

    doc = lxml.html.fromstring("<p><a href=' /news/5.html '>x</a><img src='b c.jpg'></p>")
    smart_src = doc.xpath("//img/@src")[0]
    bases = ["http://example.com/news/3.html", "https://Example.com/a/b/", "http://ex.com"]
    hrefs = ["/news/5.html", " ../up?q=1#x ", "http://other.org/x y", "//cdn.ex.com/i.jpg",
             "žluť.html", smart_src, "#top", "javascript:void(0)", "", None, "http://[::1"]
    for _ in range(2):  # the second round from the caches
        for base in bases:
            for href in hrefs:
                got = absolutize(href, base)
                stripped = (href or "").strip()
                if not stripped or stripped.startswith(("javascript:", "#")):
                    assert got is None
                    continue
                try:
                    want = safe_url_string(urljoin(base, stripped))
                except ValueError:
                    want = None
                assert got == want and (got is None or type(got) is str), (base, href)

