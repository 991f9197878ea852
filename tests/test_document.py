"""Decoding any bytes into a page: charsets declared, missing and wrong."""

from __future__ import annotations


def test_a_utf8_page_with_one_cut_character_stays_utf8() -> None:
    from newsarchive.extract.document import decode

    text = "<p>Nie możemy pozwolić na to, sprzeciwiają się. " * 40
    page = text.encode() + b"papieros\xc3...</p>"  # a teaser cut mid-character
    text, enc = decode(page, "text/html")
    assert enc == "utf-8" and "sprzeciwiają" in text


def test_windows_1251_is_not_mistaken_for_utf8() -> None:
    from newsarchive.extract.document import decode

    page = ('<meta charset="windows-1251"><p>' + "Городской совет утвердил бюджет. " * 20
            + "</p>").encode("cp1251")
    text, enc = decode(page, None)
    assert enc == "cp1251" and "Городской совет" in text
