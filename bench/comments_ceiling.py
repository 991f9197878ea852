"""How many gold comment snippets of the corpus are in the saved HTML at all (issue 3).

    PYTHONPATH=. python bench/comments_ceiling.py [--corpus DIR]

A snippet counts as present if its folded text (the eval's `fold`) is in the page's visible text
(script, style, template, noscript and head left out) or anywhere in the decoded source. Comments
a page loads with JavaScript from another server are absent: no extractor can find them in the
saved page, so present/total is the highest comments recall reachable on that corpus.
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
from pathlib import Path

from newsarchive.evaluate import fold
from newsarchive.extract.document import Document, decode

ROOT = Path(__file__).resolve().parent.parent
INVISIBLE = {"script", "style", "template", "noscript", "head"}


def visible_parts(el: object, parts: list[str]) -> None:
    tag = getattr(el, "tag", None)
    if isinstance(tag, str) and tag in INVISIBLE:
        if el.tail:  # type: ignore[attr-defined]
            parts.append(el.tail)  # type: ignore[attr-defined]
        return
    if isinstance(tag, str) and el.text:  # type: ignore[attr-defined]
        parts.append(el.text)  # type: ignore[attr-defined]
    for child in el:  # type: ignore[attr-defined]
        visible_parts(child, parts)
    if el.tail:  # type: ignore[attr-defined]
        parts.append(el.tail)  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path,
                        default=ROOT.parent / "shared" / "corpus" / "trafilatura-eval")
    corpus = parser.parse_args().corpus
    total = shown = present = 0
    pages_absent: set[str] = set()
    for line in (corpus / "gold.jsonl").open(encoding="utf-8"):
        gold = json.loads(line)
        snippets = [c for c in gold.get("comments") or [] if isinstance(c, str) and fold(c)]
        if not snippets:
            continue
        data = (corpus / gold["page"]).read_bytes()
        if gold["page"].endswith(".gz"):
            data = gzip.decompress(data)
        source = fold(html.unescape(decode(data)[0]))
        parts: list[str] = []
        visible_parts(Document.from_bytes(data, gold["url"]).tree, parts)
        text, glued = fold(" ".join(parts)), fold("".join(parts))
        for snippet in snippets:
            folded = fold(snippet)
            total += 1
            seen = folded in text or folded in glued
            shown += seen
            present += seen or folded in source
            if not (seen or folded in source):
                pages_absent.add(gold["url"])
    print(f"gold comment snippets: {total}; in the visible text: {shown} ({shown / total:.3f}); "
          f"in the page at all: {present} ({present / total:.3f}); absent: {total - present} "
          f"on {len(pages_absent)} pages")


if __name__ == "__main__":
    main()
