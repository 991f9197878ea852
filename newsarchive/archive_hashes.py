"""The hashes an archived version is compared by: the body's content hash (syndicated copies),
the version hash (an updated page) and the revision's stored JSON (what a revision holds)."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Mapping
from typing import Any

import numpy as np

from newsarchive import revisions as revs

# Bodies shorter than this (teasers, "page not found" stubs) are too generic to prove that two
# pages carry the same article, so they get no content hash.
MIN_CONTENT_CHARS = 200

# Fields whose change makes a re-crawl "updated". Not the URLs or fetch time: those change on
# every fetch of the same version.
VERSIONED_FIELDS = (
    "site", "language", "headline", "subheadline", "section", "authors", "tags",
    "published_at", "published_raw", "modified_at", "modified_raw", "body", "comment_count",
    "is_article", "access", "provenance", "site_profile", "images", "comments", "related_blocks",
)


def content_hash(body: str | None) -> str | None:
    """Hash of the body text lowercased with whitespace folded; None for short or empty text."""
    if body and len(body) >= _FAST_FOLD_CHARS:
        folded = _folded_utf8(body)
        if len(folded) < MIN_CONTENT_CHARS or (
                len(folded) < 4 * MIN_CONTENT_CHARS and not body.isascii()
                and len(folded.decode()) < MIN_CONTENT_CHARS):  # a UTF-8 byte is no char
            return None
        return hashlib.sha1(folded).hexdigest()
    text = " ".join((body or "").lower().split())
    if len(text) < MIN_CONTENT_CHARS:
        return None
    return hashlib.sha1(text.encode()).hexdigest()


# The same folding on long bodies without a Python object per word (`split` made one for each
# of a 5,400-word body's words: 0.13 of the 0.15 ms of a bench body's hash). Whitespace is
# what str.split() splits on: ASCII's (with \x1c-\x1f) by a bytes.translate table that also
# lowercases A-Z, the other Unicode spaces by a regex (only for non-ASCII text, lowercased as a
# str first: str.lower never makes or removes a space); UTF-8 puts no byte < 0x80 inside a
# multi-byte character, so the ASCII table is safe on its bytes. The runs of spaces left are
# cut to one with numpy, then the ends stripped: the UTF-8 of " ".join(body.lower().split()).
# tests/test_archive_hashes.py compares both on the corpus' bodies and on every space.
_FAST_FOLD_CHARS = 1000  # shorter bodies: the plain fold costs less than numpy's set-up
_ASCII_SPACES = bytes(c for c in range(128) if chr(c).isspace())
_FOLD_ASCII = bytes(range(256)).lower().translate(
    bytes.maketrans(_ASCII_SPACES, b" " * len(_ASCII_SPACES)))
_OTHER_SPACES = re.compile("[" + "".join(
    chr(c) for c in range(128, 0x3001) if chr(c).isspace()) + "]")  # none lies higher


def _folded_utf8(body: str) -> bytes:
    if body.isascii():
        data = body.encode("ascii").translate(_FOLD_ASCII)
    else:
        data = _OTHER_SPACES.sub(" ", body.lower()).encode().translate(_FOLD_ASCII)
    codes = np.frombuffer(data, dtype=np.uint8)
    space = codes == 32
    repeat = space[1:] & space[:-1]  # a space right after a space
    if repeat.any():
        keep = np.ones(len(codes), dtype=bool)
        keep[1:] = ~repeat
        data = codes[keep].tobytes()
    return data.strip(b" ")


def version_hash(item: Mapping[str, Any]) -> str:
    payload = {k: item.get(k) for k in VERSIONED_FIELDS}
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha1(text.encode()).hexdigest()


# A long body is JSON-encoded once for both texts that hold it (the revision's content and the
# version hash's payload): each is dumped with this mark in its place, then the mark's quoted
# form is replaced by the encoded body - the same text json.dumps gives (its encoder writes a
# string the same wherever it stands). A text with the mark elsewhere is dumped as a whole.
_BODY_MARK = f"\ue000newsarchive-body-{uuid.uuid4().hex}\ue001"
_QUOTED_MARK = json.dumps(_BODY_MARK, ensure_ascii=False)
_SHARED_BODY_CHARS = 2000  # shorter bodies: two dumps cost less than the splicing


# json.dumps(text, ensure_ascii=False) escapes the quote, the backslash and every character
# below U+0020 (five by a letter, the others as a \u00XX code); a body holding no control
# character but newlines, carriage returns and tabs gets the same text from a few str.replace
# (memchr-speed scans), in half the time of the encoder's loop (27 vs 58 us on a bench body,
# 14 vs 26 on a corpus body). What is left of its bytes once every other byte is deleted says
# which it holds.
_PLAIN_BYTES = bytes(c for c in range(32, 256) if c not in b'"\\')
_ESCAPES = ((b"\\", "\\", "\\\\"), (b'"', '"', '\\"'), (b"\n", "\n", "\\n"),
            (b"\r", "\r", "\\r"), (b"\t", "\t", "\\t"))  # backslashes first
_REPLACED = b"".join(e[0] for e in _ESCAPES)


def json_string(text: str) -> str:
    """json.dumps(text, ensure_ascii=False)."""
    try:  # UTF-8 puts no byte < 0x80 inside a character: its bytes tell the same
        special = text.encode().translate(None, _PLAIN_BYTES)
    except UnicodeEncodeError:  # a lone surrogate
        return json.dumps(text, ensure_ascii=False)
    if special.translate(None, _REPLACED):
        return json.dumps(text, ensure_ascii=False)
    for byte, char, escaped in _ESCAPES:
        if byte in special:
            text = text.replace(char, escaped)
    return f'"{text}"'


def _splice(text: str, body_json: str) -> str | None:
    head, mark, tail = text.partition(_QUOTED_MARK)
    return head + body_json + tail if mark and _QUOTED_MARK not in tail else None


def revision_and_version(item: Mapping[str, Any]) -> tuple[str, str]:
    """(revisions.revision_json of the item's content, version_hash(item))."""
    body = item.get("body")
    if isinstance(body, str) and len(body) >= _SHARED_BODY_CHARS:
        body_json = json_string(body)
        marked = {**item, "body": _BODY_MARK}
        content = _splice(revs.revision_json(revs.revision_content(marked)), body_json)
        payload = _splice(json.dumps({k: marked.get(k) for k in VERSIONED_FIELDS},
                                     sort_keys=True, ensure_ascii=False, default=str), body_json)
        if content is not None and payload is not None:
            return content, hashlib.sha1(payload.encode()).hexdigest()
    return revs.revision_json(revs.revision_content(item)), version_hash(item)
