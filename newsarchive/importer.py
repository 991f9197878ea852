"""`newsarchive import`: records (JSONL, as `export --format jsonl` and `extract --from` write
them) loaded into the archive through the batch path (`Archive.store_many`).

Each line is checked against the record schema (`record.schema.json`, the copy of
`shared/spec/article-record.schema.json` shipped with the package) by `check`, a small
interpreter of the keywords that schema uses (type, required, properties, items); a bad line is
reported with its number and skipped. Storing is the crawl's: deduplication, revisions, comment
history, clusters. A record is dated by its `fetched_at`, else the export's `last_seen` /
`first_seen`, else the file's modification time, so importing a file twice changes nothing.

With a second CPU, a helper process (forked when this process has no other thread, else
spawned) prepares the batches ahead (`prepare`: everything that does not read the archive)
while this one writes (`_Helper`, bench/README.md "Bulk writes"); both run with the cyclic
garbage collector tuned for a bulk load (`bulk_gc`).
"""

from __future__ import annotations

import gc
import itertools
import json
import os
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from newsarchive import clusters
from newsarchive.archive import Archive, ArchiveError, _Page, article_id
from newsarchive.archive_batch import page_rows
from newsarchive.record_check import SCHEMA_FILE, _valid, check, schema

__all__ = ["SCHEMA_FILE", "ImportReport", "check", "import_lines", "parse", "prepare", "schema"]

BATCH = 500  # records per transaction (bench/README.md)
CACHE_KIB = 65536  # SQLite page cache while importing


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


Line = tuple[int, str]  # (line number, text)
# Per line: its number and the why of a bad line, or what store_many takes: a _Page made ready
# (or the item itself when it has no usable URL: store_many reports that ValueError).
Prepared = list[tuple[int, Any]]


@dataclass
class _ReadyPage(_Page):
    """A page with the rows it gets as a new article (`archive_batch.page_rows`) for the id
    it most likely gets (the one of its canonical URL, unless taken): NewRows uses them when
    the id is that one."""

    ready: tuple[int, tuple[Any, ...]] | None = None


def prepare(lines: list[Line], site: str | None, seen_at: str | None, sign: bool,
            ahead: bool = False) -> tuple[Prepared, list[bytes | None]]:
    """A batch's lines parsed, checked and made ready for storage (`_Page.from_item`: URL
    normalization, hashes, the article row), plus, with `sign`, their bodies' near-duplicate
    signatures, with `ahead` their new-article rows. Nothing here reads the archive, so the
    helper process does it while the previous batch is written."""
    out: Prepared = []
    sigs: list[bytes | None] = []
    signed: dict[str, bytes | None] = {}  # copies within the batch share their body's
    for number, line in lines:
        item, why = parse(line, number, site, seen_at)
        if item is None:
            out.append((number, why or "?"))
            continue
        try:
            page = _ReadyPage.from_item(item)
        except ValueError:
            out.append((number, item))
        else:
            if ahead:
                aid = article_id(page.canonical)
                page.ready = (aid, page_rows(aid, page))
            out.append((number, page))
        if sign:
            body = item.get("body")
            if not isinstance(body, str) or body not in signed:
                sig = clusters.signature(body)
                blob = None if sig is None else sig.tobytes()
                if isinstance(body, str):
                    signed[body] = blob
            else:
                blob = signed[body]
            sigs.append(blob)
    return out, sigs


GC_YOUNG = 20_000  # allocations between young collections while importing (Python's: 700)


@contextmanager
def bulk_gc() -> Iterator[None]:
    """Python's cyclic garbage collector tuned for a bulk load, put back afterwards.

    An import allocates millions of container objects (parsed records, rows), almost none in a
    reference cycle (refcounting frees them), yet each 700 allocations start a young
    collection, and every few hundred of those a full one that walks every object of the
    process (modules, numpy, Scrapy's when loaded): ~0.4 s of the importing process's ~5 s
    CPU for 10,000 records (bench/README.md). `gc.freeze()` leaves what exists before the
    import out of every collection, and young collections come every GC_YOUNG allocations:
    cycles are still collected, a little later. No freeze when someone else froze objects."""
    old = gc.get_threshold()
    freeze = gc.get_freeze_count() == 0
    if freeze:
        gc.freeze()
    gc.set_threshold(max(old[0], GC_YOUNG), *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)
        if freeze:
            gc.unfreeze()


def _helper_start(parent: int) -> None:
    """The helper process's start: the collector tuned for the whole of its life (it only
    prepares batches) and a watch on the importing process."""
    gc.freeze()
    gc.set_threshold(GC_YOUNG, *gc.get_threshold()[1:])
    _exit_with(parent)


def _exit_with(parent: int) -> None:
    """In the helper: leave when the importing process is gone (killed, it cannot say so; a
    pool worker would otherwise wait on its queue forever)."""
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


class _Helper:
    """Batches prepared in a second process while this one writes the previous ones.

    Parsing, the schema check, `_Page.from_item` and MinHash signatures (one SHA-1 per shingle,
    ~0.3 ms an article) need nothing from the archive; done in a helper process on a machine
    with a second CPU, the importing process is left with the identity lookups and the
    writes. Signatures are handed to the store by `clusters.remember`. Any failure of the
    helper only means the batch is prepared here, as without one.
    """

    def __init__(self, site: str | None, seen_at: str | None, sign: bool) -> None:
        from concurrent.futures import ProcessPoolExecutor
        from multiprocessing import get_context

        self.args = (site, seen_at, sign)
        self.forked = _can_fork()
        self.pool = ProcessPoolExecutor(1, mp_context=get_context(
            "fork" if self.forked else "spawn"), initializer=_helper_start,
            initargs=(os.getpid(),))

    def submit(self, lines: list[Line]) -> Any:
        try:
            return self.pool.submit(prepare, lines, *self.args, True)
        except Exception:  # noqa: BLE001 - a broken pool: prepared in this process
            return None

    def result(self, lines: list[Line], future: Any) -> Prepared:
        site, seen_at, _ = self.args
        try:
            prepared, sigs = future.result()
        except Exception:  # noqa: BLE001 - see the class docstring
            return prepare(lines, site, seen_at, sign=False)[0]
        pages = iter(p for _, p in prepared if not isinstance(p, str))
        for page, sig in zip(pages, sigs, strict=False):
            body = page.item.get("body") if isinstance(page, _Page) else page.get("body")
            if sig is not None and body:
                clusters.remember(body, sig)
        return prepared

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def _can_fork() -> bool:
    """A forked helper is ready at once (a spawned one starts an interpreter and imports numpy
    and the package: ~0.5 s of CPU, while this process prepares the first batch itself). Only
    from a process with no other thread: a thread holding a lock at the fork would leave it
    held forever in the child. The child uses nothing it inherits but the code: not the
    archive's connection, and it leaves with os._exit (no destructor closes anything)."""
    import multiprocessing
    import threading

    return (threading.active_count() == 1
            and "fork" in multiprocessing.get_all_start_methods())


def _use_helper(workers: int | None) -> bool:
    if workers is None:
        workers = 1 if (os.cpu_count() or 1) > 1 else 0
    return workers > 0


def _chunks(lines: Iterable[str], size: int) -> Iterator[list[Line]]:
    chunk: list[Line] = []
    for number, line in enumerate(lines, 1):
        if line.strip():
            chunk.append((number, line))
            if len(chunk) >= size:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


AHEAD = 2  # batches queued in the helper besides the one being written: it never waits


def import_lines(archive: Archive, lines: Iterable[str], site: str | None = None,
                 seen_at: str | None = None, batch: int = BATCH,
                 progress: Callable[[ImportReport], None] | None = None,
                 workers: int | None = None) -> ImportReport:
    """Store the lines' records in batches. `workers`: helper processes that prepare the
    batches ahead (None: one when a second CPU exists and the file fills more than one
    batch; 0: none). Per batch, its bad lines are reported, then what the store refused."""
    # A bigger page cache for the import's connection (64 MB instead of SQLite's 2 MB): the
    # ids are hashes, so each batch's inserts land all over the articles table and its 14
    # indexes (about 5% of the import's SQLite time, bench/README.md). Only memory: no
    # durability setting changes. Put back afterwards: the archive object is the caller's.
    conn = archive.db.conn
    cache = int(conn.execute("PRAGMA cache_size").fetchone()[0])
    if -CACHE_KIB < cache < 0:  # a size in KiB below ours (a positive one is pages: kept)
        conn.execute(f"PRAGMA cache_size = {-CACHE_KIB}")
    try:
        with bulk_gc():
            return _import_lines(archive, lines, site, seen_at, batch, progress, workers)
    finally:
        conn.execute(f"PRAGMA cache_size = {cache}")


def _import_lines(archive: Archive, lines: Iterable[str], site: str | None,
                  seen_at: str | None, batch: int,
                  progress: Callable[[ImportReport], None] | None,
                  workers: int | None) -> ImportReport:
    report = ImportReport()
    sign = batch <= clusters._AHEAD_MAX  # remember() holds one batch of signatures

    def store(prepared: Prepared) -> None:
        report.lines += len(prepared)
        items, numbers = [], []
        for number, p in prepared:
            if isinstance(p, str):
                report.bad.append((number, p))
            else:
                items.append(p)
                numbers.append(number)
        results = archive.store_many(items) if items else []
        for number, result in zip(numbers, results, strict=True):
            if isinstance(result, Exception):
                report.bad.append((number, f"not stored: {result}"))
                # here, not at the top: pipelines imports Scrapy, which the helper never needs
                from newsarchive.pipelines import is_fatal

                if isinstance(result, ArchiveError) and is_fatal(result):
                    report.stopped = str(result)
            else:
                report.outcomes[result] += 1
        if progress:
            progress(report)

    def here(chunk: list[Line]) -> None:
        store(prepare(chunk, site, seen_at, sign=False)[0])

    chunks = _chunks(lines, batch)
    first = next(chunks, None)
    second = next(chunks, None) if first is not None else None
    if second is None or not _use_helper(workers):
        for chunk in itertools.chain([c for c in (first, second) if c], chunks):
            here(chunk)
            if report.stopped:
                break
        return report
    helper = _Helper(site, seen_at, sign)

    # [lines, the helper's future (None: prepared here), prepared here]
    queued: deque[list[Any]] = deque()

    stored = [0]  # batches stored: a forked helper's first one is waited for, not stolen

    def store_next() -> None:
        entry = queued[0]
        while entry[1] is not None and not entry[1].done() and stored[0]:
            # The helper is behind: prepare here the newest batch it has not started (a
            # future not yet handed to the process can be cancelled) instead of waiting.
            for other in reversed(queued):
                if other[1] is not None and other[1].cancel():
                    other[1], other[2] = None, prepare(other[0], site, seen_at, sign=False)[0]
                    break
            else:
                break  # everything queued is under way: wait for it
        queued.popleft()
        chunk, future, ready = entry
        store(ready if future is None and ready is not None
              else helper.result(chunk, future) if future is not None
              else prepare(chunk, site, seen_at, sign=False)[0])
        stored[0] += 1

    try:
        if helper.forked:  # ready at once: it prepares every batch
            queued.append([first, helper.submit(first), None])
            queued.append([second, helper.submit(second), None])
        else:
            queued.append([second, helper.submit(second), None])
            here(first)  # while the helper starts
        for chunk in chunks:
            if report.stopped:
                return report
            queued.append([chunk, helper.submit(chunk), None])
            if len(queued) > AHEAD:
                store_next()
        while queued and not report.stopped:
            store_next()
    finally:
        helper.close()
    return report
