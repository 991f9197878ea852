"""`newsarchive eval`: score extraction on an annotated corpus, side by side with a peer tool.

Corpus format (trafilatura's evaluation set, see ../shared/README.md): `gold.jsonl`, one line a
page: `url`, `page` (gzipped or plain HTML path relative to the corpus), `with` / `without` (text
that must / must not be in the main text), and optionally `comments`, `title`, `author`, `date`.

Scores (every comparison on `fold()`ed text: NFKC, typographic dashes and quotes made ASCII,
case folded, whitespace collapsed):

- body: over all snippets of all pages, hit = a `with` snippet found in the body, fp = a
  `without` snippet found in the body. precision = hits / (hits + fp), recall = hits / #with,
  F1 = their harmonic mean (micro-averaged, as in trafilatura's own evaluation).
- comments recall = gold `comments` snippets found in the extracted comments' joined text /
  #comment snippets; leaked = comment snippets found in the body / #comment snippets.
- title / date: accuracy over pages whose gold value is a non-empty string; title = equal after
  folding, date = gold `YYYY-MM-DD` equals the date part of published_at.
- authors: pages with a non-empty gold author; gold and extracted names are split on `;`, `,`,
  `&`, " and ", " und " and folded; per page F1 of the name sets (0 when nothing extracted),
  averaged over those pages.
- speed: pages / sum of the seconds spent inside each tool's extraction call (parsing included,
  reading the gzip file and scoring excluded), both tools in the same process, page by page.
"""

from __future__ import annotations

import gzip
import json
import re
import time
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PLACEHOLDER_URL = "http://example.invalid/"
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")
_QUOTES = {**dict.fromkeys(map(ord, "\u2018\u2019\u201a\u201b\u2032\u00b4`"), "'"),
           **dict.fromkeys(map(ord, "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"), '"')}
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_NAME_SPLIT = re.compile(r"\s*(?:;|,|&|\band\b|\bund\b)\s*", re.I)


def fold(text: str | None) -> str:
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_INVISIBLE).translate(_DASHES).translate(_QUOTES)
    return re.sub(r"\s+", " ", text.casefold()).strip()


def split_names(value: str | list[str] | None) -> set[str]:
    if not value:
        return set()
    joined = "; ".join(value) if isinstance(value, list) else value
    return {n for n in (fold(x) for x in _NAME_SPLIT.split(joined)) if n}


@dataclass
class Extracted:
    """What one tool made of one page (the fields we score) and how long it took."""

    body: str = ""
    comments: str = ""
    title: str | None = None
    date: str | None = None
    authors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None


@dataclass
class ToolScore:
    name: str
    pages: int = 0
    seconds: float = 0.0
    errors: int = 0
    body_with: int = 0
    body_hits: int = 0
    body_fp: int = 0
    com_total: int = 0
    com_hits: int = 0
    com_leaked: int = 0
    title_total: int = 0
    title_ok: int = 0
    date_total: int = 0
    date_ok: int = 0
    author_pages: int = 0
    author_f1_sum: float = 0.0
    worst: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    _body_bad: list[tuple[int, str, str]] = field(default_factory=list, repr=False)

    @property
    def precision(self) -> float:
        return self.body_hits / max(1, self.body_hits + self.body_fp)

    @property
    def recall(self) -> float:
        return self.body_hits / max(1, self.body_with)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0

    def summary(self) -> dict[str, float]:
        def ratio(a: float, b: int) -> float:
            return a / b if b else 0.0

        return {
            "body_precision": self.precision, "body_recall": self.recall, "body_f1": self.f1,
            "comments_recall": ratio(self.com_hits, self.com_total),
            "comments_leaked": ratio(self.com_leaked, self.com_total),
            "title": ratio(self.title_ok, self.title_total),
            "date": ratio(self.date_ok, self.date_total),
            "authors_f1": ratio(self.author_f1_sum, self.author_pages),
            "pages_per_s": self.pages_per_second, "errors": float(self.errors),
        }

    def _note(self, key: str, url: str, detail: str) -> None:
        self.worst.setdefault(key, []).append((url, detail[:160]))

    def add(self, gold: dict[str, Any], got: Extracted) -> None:
        url = gold.get("url", "?")
        self.pages += 1
        self.seconds += got.seconds
        self.errors += got.error is not None
        body = fold(got.body)
        missed = [s for s in gold.get("with") or [] if fold(s) not in body]
        leaked = [s for s in gold.get("without") or [] if fold(s) and fold(s) in body]
        self.body_with += len(gold.get("with") or [])
        self.body_hits += len(gold.get("with") or []) - len(missed)
        self.body_fp += len(leaked)
        if missed or leaked:
            detail = "; ".join([f"MISSED {s[:70]!r}" for s in missed[:2]]
                               + [f"LEAKED {s[:70]!r}" for s in leaked[:2]])
            if got.error:
                detail = f"ERROR {got.error}; " + detail
            self._body_bad.append((len(missed) + len(leaked), url, detail))
        coms = [c for c in gold.get("comments") or [] if isinstance(c, str) and fold(c)]
        comtext = fold(got.comments)
        self.com_total += len(coms)
        self.com_hits += sum(fold(c) in comtext for c in coms)
        self.com_leaked += sum(fold(c) in body for c in coms)
        for c in coms:
            if fold(c) not in comtext:
                self._note("comments", url, f"missed {c[:80]!r}")
        if isinstance(gold.get("title"), str) and gold["title"].strip():
            self.title_total += 1
            if fold(got.title) == fold(gold["title"]):
                self.title_ok += 1
            else:
                self._note("title", url, f"gold {gold['title']!r} got {got.title!r}")
        if isinstance(gold.get("date"), str) and gold["date"].strip():
            self.date_total += 1
            if (got.date or "")[:10] == gold["date"].strip()[:10]:
                self.date_ok += 1
            else:
                self._note("date", url, f"gold {gold['date']} got {got.date}")
        gold_names = split_names(gold.get("author"))
        if gold_names:
            self.author_pages += 1
            names = split_names(got.authors)
            tp = len(names & gold_names)
            if tp:
                p, r = tp / len(names), tp / len(gold_names)
                self.author_f1_sum += 2 * p * r / (p + r)
            if names != gold_names:
                self._note("authors", url, f"gold {sorted(gold_names)} got {sorted(names)}")

    def finish(self) -> None:
        self._body_bad.sort(key=lambda t: -t[0])
        self.worst["body"] = [(u, d) for _, u, d in self._body_bad]


@dataclass
class EvalReport:
    corpus: str
    pages: int
    tools: list[ToolScore]


# --- the tools -------------------------------------------------------------------------------


def _run_newsarchive(html: bytes, url: str) -> Extracted:
    from newsarchive.extract import PageError, extract

    start = time.perf_counter()
    try:
        rec = extract(html, url)
    except PageError as exc:
        return Extracted(seconds=time.perf_counter() - start, error=f"PageError: {exc}")
    except Exception as exc:  # noqa: BLE001 - a crash is a score, not the end of the run
        return Extracted(seconds=time.perf_counter() - start,
                         error=f"{type(exc).__name__}: {exc}")
    took = time.perf_counter() - start
    return Extracted(body=rec.body or "", comments="\n".join(c.text for c in rec.comments),
                     title=rec.headline, date=rec.published_at, authors=list(rec.authors),
                     seconds=took)


def _run_trafilatura(html: bytes, url: str) -> Extracted:
    import trafilatura

    start = time.perf_counter()
    try:
        doc = trafilatura.bare_extraction(html, url=url, include_comments=True,
                                          with_metadata=True)
    except Exception as exc:  # noqa: BLE001
        return Extracted(seconds=time.perf_counter() - start,
                         error=f"{type(exc).__name__}: {exc}")
    took = time.perf_counter() - start
    if doc is None:
        return Extracted(seconds=took)
    return Extracted(body=doc.text or "", comments=doc.comments or "", title=doc.title,
                     date=doc.date, authors=[doc.author] if doc.author else [], seconds=took)


TOOLS = {"newsarchive": _run_newsarchive, "trafilatura": _run_trafilatura}


def load_gold(corpus_dir: Path, limit: int | None = None) -> list[dict[str, Any]]:
    rows = []
    with open(Path(corpus_dir) / "gold.jsonl", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rows.append(json.loads(line))
            if limit and len(rows) >= limit:
                break
    return rows


def read_page(corpus_dir: Path, rel: str) -> bytes:
    path = Path(corpus_dir) / rel
    data = path.read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def page_url(gold: dict[str, Any]) -> str:
    url = gold.get("url") or ""
    return PLACEHOLDER_URL if url.startswith("hard::") or "://" not in url else url


def _run_pages(args: tuple[str, list[dict[str, Any]], list[str]]) -> list[list[Extracted]]:
    corpus_dir, rows, tools = args
    # warm up once (imports, lazy tables) so the first page's timing is not an outlier
    if rows:
        html = read_page(Path(corpus_dir), rows[0]["page"])
        for name in tools:
            TOOLS[name](html, page_url(rows[0]))
    out = []
    for gold in rows:
        html = read_page(Path(corpus_dir), gold["page"])
        out.append([TOOLS[name](html, page_url(gold)) for name in tools])
    return out


def run_eval(corpus_dir: Path, against: str | None = None, limit: int | None = None,
             workers: int = 1) -> EvalReport:
    """Extract every page with newsarchive (and `against`, e.g. "trafilatura") and score."""
    tools = ["newsarchive"] + ([against] if against else [])
    for name in tools:
        if name not in TOOLS:
            raise ValueError(f"unknown tool {name!r}; known: {', '.join(TOOLS)}")
    rows = load_gold(corpus_dir, limit)
    workers = max(1, min(workers, len(rows) or 1))
    chunks = [rows[i::workers] for i in range(workers)]
    if workers == 1:
        results = [_run_pages((str(corpus_dir), rows, tools))]
    else:
        with ProcessPoolExecutor(workers) as pool:
            results = list(pool.map(_run_pages, [(str(corpus_dir), c, tools) for c in chunks]))
    scores = [ToolScore(name) for name in tools]
    for chunk, res in zip(chunks, results, strict=True):
        for gold, per_tool in zip(chunk, res, strict=True):
            for score, got in zip(scores, per_tool, strict=True):
                score.add(gold, got)
    for score in scores:
        score.finish()
    return EvalReport(str(corpus_dir), len(rows), scores)


def format_report(report: EvalReport, worst: int = 5) -> str:
    labels = [("body_precision", "body precision"), ("body_recall", "body recall"),
              ("body_f1", "body F1"), ("comments_recall", "comments recall"),
              ("comments_leaked", "comments leaked into body"), ("title", "title accuracy"),
              ("date", "date accuracy"), ("authors_f1", "authors F1"),
              ("pages_per_s", "pages/s"), ("errors", "errors")]
    sums = [t.summary() for t in report.tools]
    head = f"{'':28}" + "".join(f"{t.name:>14}" for t in report.tools)
    lines = [f"corpus {report.corpus}: {report.pages} pages", head]
    for key, label in labels:
        fmt = "{:>14.1f}" if key == "pages_per_s" else (
            "{:>14.0f}" if key == "errors" else "{:>14.3f}")
        lines.append(f"{label:28}" + "".join(fmt.format(s[key]) for s in sums))
    for tool in report.tools:
        for key in ("body", "title", "date", "authors", "comments"):
            items = tool.worst.get(key) or []
            if items and worst:
                lines.append(f"\n[{tool.name}] worst {key} ({len(items)} pages):")
                lines += [f"  {u}\n      {d}" for u, d in items[:worst]]
    return "\n".join(lines)


if __name__ == "__main__":  # python -m newsarchive.evaluate CORPUS [AGAINST] [LIMIT]
    import sys

    argv = sys.argv[1:]
    rep = run_eval(Path(argv[0]), argv[1] if len(argv) > 1 and argv[1] != "-" else None,
                   int(argv[2]) if len(argv) > 2 else None,
                   int(argv[3]) if len(argv) > 3 else 1)
    print(format_report(rep, int(argv[4]) if len(argv) > 4 else 5))
