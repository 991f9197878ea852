"""Round 5 of the extraction fast paths: each gives the answers of the code it replaced (kept
here as the reference)."""

from __future__ import annotations

import re

import lxml.html
from hypothesis import given, settings
from hypothesis import strategies as st

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
