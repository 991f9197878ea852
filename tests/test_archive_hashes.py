"""content_hash's fast fold and json_string's replaces give what the plain code gives."""

from __future__ import annotations

import gzip
import hashlib
import json
import sys
from pathlib import Path

import pytest

from newsarchive.archive_hashes import (
    _FAST_FOLD_CHARS,
    MIN_CONTENT_CHARS,
    content_hash,
    json_string,
)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import benchsite  # noqa: E402


def plain(body: str | None) -> str | None:
    """The definition: lowercased, whitespace folded (str.split), None when short."""
    folded = " ".join((body or "").lower().split())
    if len(folded) < MIN_CONTENT_CHARS:
        return None
    return hashlib.sha1(folded.encode()).hexdigest()


SPACES = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())


def test_every_space_folds_as_str_split() -> None:
    words = ["Alpha", "BETA", "gamma", "Ärger", "ÉCOLE", "İstanbul", "Straße", "日本語"]
    for space in SPACES:
        body = space.join(words * 40)
        assert len(body) >= _FAST_FOLD_CHARS
        assert content_hash(body) == plain(body), repr(space)
        ascii_body = space.join(["Alpha", "BETA", "gamma"] * 80)
        assert content_hash(ascii_body) == plain(ascii_body), repr(space)
    mixed = ("\n\n  \t" + "\u00a0 \u2003".join(words) + " \x1c\x1d\r\n") * 30
    assert content_hash(mixed) == plain(mixed)
    assert plain(mixed) is not None


def test_bench_page_body() -> None:
    # The bench site's text as the extractor hands it: paragraphs joined by blank lines.
    paras = [p[3:-4] for p in benchsite.article(7, 100).split("<article>")[1].split("</p>")
             if p.startswith("<p>")]
    body = "\n\n".join(paras)
    assert len(body) > 10 * _FAST_FOLD_CHARS
    assert content_hash(body) == plain(body) is not None


def test_the_length_threshold_counts_characters_not_bytes() -> None:
    # 1,000+ characters before folding, around 200 after: multi-byte text near the threshold.
    for n in (MIN_CONTENT_CHARS - 1, MIN_CONTENT_CHARS, MIN_CONTENT_CHARS + 1):
        body = "é" * n + " " * 1200
        assert (content_hash(body) is None) == (n < MIN_CONTENT_CHARS)
        assert content_hash(body) == plain(body)
        ascii_body = "e" * n + "\n" * 1200
        assert content_hash(ascii_body) == plain(ascii_body)


def test_corpus_pages(corpus_dir: Path) -> None:
    # Real text in many languages and encodings, with every kind of space pages carry: the
    # corpus pages' HTML as text, whole and cut to a body-like length.
    with open(corpus_dir / "gold.jsonl", encoding="utf-8") as fh:
        golds = [json.loads(line) for line in fh]
    non_ascii = 0
    for gold in golds[::3]:
        raw = (corpus_dir / gold["page"]).read_bytes()
        text = (gzip.decompress(raw) if gold["page"].endswith(".gz") else raw).decode(
            "utf-8", "replace")
        non_ascii += not text.isascii()
        for body in (text, text[len(text) // 2:][:3000]):
            assert content_hash(body) == plain(body), gold["url"]
    assert non_ascii > 50


@pytest.mark.parametrize("body", [None, "", "short", " " * 5000])
def test_empty_and_short(body: str | None) -> None:
    assert content_hash(body) is None


@pytest.mark.parametrize("text", [
    "plain words\n\nand a paragraph\r\n\ttabbed",
    'quotes " and \\ backslashes \\" mixed\n' * 3,
    "a form feed \f and a backspace \b and \x00 \x1f \x7f",
    "non-ASCII é \u2028 \ud800 \n",
    "",
])
def test_json_string_is_json_dumps(text: str) -> None:
    assert json_string(text) == json.dumps(text, ensure_ascii=False)


def test_json_string_on_corpus_pages(corpus_dir: Path) -> None:
    with open(corpus_dir / "gold.jsonl", encoding="utf-8") as fh:
        golds = [json.loads(line) for line in fh]
    for gold in golds[::5]:
        raw = (corpus_dir / gold["page"]).read_bytes()
        text = (gzip.decompress(raw) if gold["page"].endswith(".gz") else raw).decode(
            "utf-8", "replace")
        for body in (text, text.encode("ascii", "ignore").decode()):
            assert json_string(body) == json.dumps(body, ensure_ascii=False), gold["url"]
