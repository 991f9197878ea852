"""`newsarchive import`: records (JSONL, as `export --format jsonl` and `extract --from` write
them) loaded into the archive through the batch path (`Archive.store_many`).

Each line is checked against the record schema (`record.schema.json`, the copy of
`shared/spec/article-record.schema.json` shipped with the package) by `check`, a small
interpreter of the keywords that schema uses (type, required, properties, items); a bad line is
reported with its number and skipped. Storing is the crawl's: deduplication, revisions, comment
history, clusters. A record is dated by its `fetched_at`, else the export's `last_seen` /
`first_seen`, else the file's modification time, so importing a file twice changes nothing.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from newsarchive import clusters
from newsarchive.archive import Archive, ArchiveError
from newsarchive.pipelines import is_fatal

SCHEMA_FILE = Path(__file__).with_name("record.schema.json")
BATCH = 500  # records per transaction (bench/README.md)
_TYPES: dict[str, Callable[[Any], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "null": lambda v: v is None,
    "boolean": lambda v: isinstance(v, bool),
    # JSON Schema: 1.0 is an integer, true is not
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool))
    or (isinstance(v, float) and v.is_integer()),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
}


@cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def check(value: Any, node: dict[str, Any] | None = None, path: str = "$") -> Iterator[str]:
    """Why `value` does not match the schema (node), one message per problem."""
    node = schema() if node is None else node
    types = node.get("type")
    if types is not None:
        names = [types] if isinstance(types, str) else types
        if not any(_TYPES[t](value) for t in names):
            yield f"{path}: expected {' or '.join(names)}, got {type(value).__name__}"
            return
    if isinstance(value, dict):
        for key in node.get("required", ()):
            if key not in value:
                yield f"{path}: missing {key!r}"
        for key, sub in node.get("properties", {}).items():
            if key in value:
                yield from check(value[key], sub, f"{path}.{key}")
    elif isinstance(value, list) and "items" in node:
        for i, item in enumerate(value):
            yield from check(item, node["items"], f"{path}[{i}]")


def _compile(node: dict[str, Any]) -> Callable[[Any], bool]:
    """`check(value, node)` yields nothing, as one closure per schema node: the generators and
    path strings of `check` were ~9% of an import of valid records; `check` still explains
    the records this rejects."""
    names = node.get("type")
    tests = tuple(_TYPES[t] for t in ([names] if isinstance(names, str) else names or ()))
    required = tuple(node.get("required", ()))
    props = tuple((k, _compile(sub)) for k, sub in node.get("properties", {}).items())
    items = _compile(node["items"]) if "items" in node else None

    def valid(value: Any) -> bool:  # plain loops: any()/all() over generators cost 2x
        if tests:
            for test in tests:
                if test(value):
                    break
            else:
                return False
        if isinstance(value, dict):
            for key in required:
                if key not in value:
                    return False
            for key, sub in props:
                if key in value and not sub(value[key]):
                    return False
        elif items is not None and isinstance(value, list):
            for v in value:
                if not items(v):
                    return False
        return True

    return valid


@cache
def _valid() -> Callable[[Any], bool]:
    return _compile(schema())


@dataclass
class ImportReport:
    lines: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    bad: list[tuple[int, str]] = field(default_factory=list)  # (line number, why)
    stopped: str | None = None  # the archive could not be written: the rest was not read

    @property
    def stored(self) -> int:
        return sum(self.outcomes.values())


def parse(line: str, number: int, site: str | None, seen_at: str | None
          ) -> tuple[dict[str, Any] | None, str | None]:
    """(item, None) or (None, why)."""
    try:
        rec = json.loads(line)
    except ValueError as exc:
        return None, f"not JSON: {exc}"
    if not isinstance(rec, dict):
        return None, "not a JSON object"
    if site and not rec.get("site"):
        rec["site"] = site
    problems = [] if _valid()(rec) else list(check(rec))
    if problems:
        return None, "; ".join(problems[:3]) + (" ..." if len(problems) > 3 else "")
    rec["fetched_at"] = (rec.get("fetched_at") or rec.get("last_seen")
                         or rec.get("first_seen") or seen_at)
    return rec, None


def _signatures(bodies: list[str | None]) -> list[bytes | None]:
    """Near-duplicate signatures of a batch's bodies (run in the helper process)."""
    sigs = [clusters.signature(body) for body in bodies]
    return [None if sig is None else sig.tobytes() for sig in sigs]


class _Signer:
    """Signatures of the next batch computed in a second process while this one is written.

    MinHash signatures are the largest Python cost of an import (one SHA-1 per shingle, ~0.3 ms
    an article) and need nothing from the archive, so on a machine with a second CPU they are
    made there and handed to the store by `clusters.remember`. Any failure of the helper
    process only means the store computes them itself, as it does without one.
    """

    def __init__(self) -> None:
        from concurrent.futures import ProcessPoolExecutor
        from multiprocessing import get_context

        self.pool = ProcessPoolExecutor(1, mp_context=get_context("spawn"))

    def submit(self, items: list[dict[str, Any]]) -> Any:
        try:
            return self.pool.submit(_signatures, [item.get("body") for item in items])
        except Exception:  # noqa: BLE001 - a broken pool: the store signs in-process
            return None

    @staticmethod
    def hand_over(items: list[dict[str, Any]], future: Any) -> None:
        if future is None:
            return
        try:
            sigs = future.result()
        except Exception:  # noqa: BLE001 - see the class docstring
            return
        for item, sig in zip(items, sigs, strict=True):
            if sig is not None:
                clusters.remember(item["body"], sig)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def _use_signer(batch: int, workers: int | None) -> bool:
    if workers is None:
        workers = 1 if (os.cpu_count() or 1) > 1 else 0
    return workers > 0 and batch <= clusters._AHEAD_MAX


def import_lines(archive: Archive, lines: Iterable[str], site: str | None = None,
                 seen_at: str | None = None, batch: int = BATCH,
                 progress: Callable[[ImportReport], None] | None = None,
                 workers: int | None = None) -> ImportReport:
    """Store the lines' records in batches. `workers`: helper processes for signatures
    (None: one when a second CPU exists and the file fills more than one batch; 0: none)."""
    report = ImportReport()
    pending: list[tuple[int, dict[str, Any]]] = []
    signer: _Signer | None = None
    ahead: tuple[list[tuple[int, dict[str, Any]]], Any] | None = None  # signed, not yet stored

    def store(rows: list[tuple[int, dict[str, Any]]], future: Any = None) -> None:
        items = [item for _, item in rows]
        _Signer.hand_over(items, future)
        results = archive.store_many(items)
        for (number, _), result in zip(rows, results, strict=True):
            if isinstance(result, Exception):
                report.bad.append((number, f"not stored: {result}"))
                if isinstance(result, ArchiveError) and is_fatal(result):
                    report.stopped = str(result)
            else:
                report.outcomes[result] += 1
        if progress:
            progress(report)

    def flush() -> None:
        # With a signer, a full batch is signed in the helper while the previous one is stored.
        nonlocal ahead, signer
        rows = pending.copy()
        pending.clear()
        if signer is None and ahead is None and _use_signer(batch, workers):
            ahead = (rows, None)  # the first batch: store it once the second is known
            return
        if signer is None and ahead is not None:
            signer = _Signer()
            ahead = (ahead[0], signer.submit([item for _, item in ahead[0]]))
        if ahead is not None:
            future = signer.submit([item for _, item in rows]) if signer else None
            store(*ahead)
            ahead = (rows, future)
        else:
            store(rows)

    try:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            report.lines += 1
            item, why = parse(line, number, site, seen_at)
            if item is None:
                report.bad.append((number, why or "?"))
                continue
            pending.append((number, item))
            if len(pending) >= batch:
                flush()
                if report.stopped:
                    return report
        if ahead is not None and not report.stopped:
            store(*ahead)
        if pending and not report.stopped:
            store(pending.copy())
    finally:
        if signer is not None:
            signer.close()
    return report
