"""Near-duplicate index: in memory (main before the `bands` branch) vs in the archive.

Builds an archive that already holds --articles signatures (articles + random `minhashes` rows
inserted directly; random signatures share no band, like unrelated stories), in today's schema
without `minhash_buckets`, then:

- backfill: the time the new migration takes to build the buckets from those signatures;
- paired runs, old and new in alternating order, each in a fresh process on a fresh copy:
  `import_lines` of --records generated records (bench/bulkgen.py), reporting the process's
  peak RSS, the time from process start to the first batch's clusters done (the start-up a
  cron run pays: the old index loads every stored signature there), and the clustering time
  per new article after that first batch.

    PYTHONPATH=. /work/venv/bin/python bench/bench_bands.py --articles 100000 --records 2000 \\
        --repeat 3 --old /work/main
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
T_START = time.perf_counter()


def build(path: Path, n: int) -> None:
    """`n` articles with random signatures, in the schema before migration 0006."""
    import numpy as np

    from newsarchive.archive import Archive

    with Archive(path) as arc:
        conn = arc.db.conn
        rng = np.random.default_rng(1)
        conn.execute("BEGIN")
        for start in range(0, n, 10_000):
            ids = range(start + 1, min(n, start + 10_000) + 1)
            conn.executemany(
                "INSERT INTO articles (id, canonical_url, url, site, first_seen) VALUES"
                " (?, ?, ?, 'gen.example', '2024-01-01T00:00:00+00:00')",
                [(i, f"https://gen.example/{i}", f"https://gen.example/{i}") for i in ids])
            sigs = rng.integers(0, 1 << 32, (len(ids), 128), dtype=np.uint32)
            conn.executemany("INSERT INTO minhashes (article_id, signature) VALUES (?, ?)",
                             [(i, s.tobytes()) for i, s in zip(ids, sigs, strict=True)])
        conn.execute("DROP TABLE IF EXISTS minhash_buckets")
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = '0006_minhash_buckets'")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute(f"PRAGMA user_version = {version - 1}")
        conn.execute("COMMIT")


def child_import(db: Path, jsonl: Path) -> dict[str, float]:
    import resource

    import newsarchive.archive_batch as batch
    from newsarchive.archive import Archive
    from newsarchive.importer import import_lines

    calls: list[tuple[float, float, int]] = []  # (end since process start, seconds, articles)
    if not hasattr(batch, "assign_new"):  # an older checkout (--old): clusters after rows
        real_many = batch.assign_many

        def timed_many(archive, bodies):  # type: ignore[no-untyped-def]
            bodies = list(bodies)
            t = time.perf_counter()
            real_many(archive, bodies)
            end = time.perf_counter()
            calls.append((end - T_START, end - t, len(bodies)))

        batch.assign_many = timed_many  # archive_batch calls it by this name
    real = getattr(batch, "assign_new", None)

    def timed(archive, bodies):  # type: ignore[no-untyped-def]
        # clustering = assign_new (lookups, linking) + its finish (signatures, bucket rows)
        bodies = list(bodies)
        t = time.perf_counter()
        fields, finish = real(archive, bodies)
        linked = time.perf_counter() - t

        def timed_finish():  # type: ignore[no-untyped-def]
            t2 = time.perf_counter()
            finish()
            end = time.perf_counter()
            calls.append((end - T_START, linked + end - t2, len(bodies)))
        return fields, timed_finish

    if real is not None:
        batch.assign_new = timed  # archive_batch calls it by this name
    t0 = time.perf_counter()
    with Archive(db) as arc:
        opened = time.perf_counter() - t0
        with open(jsonl, encoding="utf-8") as fh:
            report = import_lines(arc, fh, batch=500, workers=0)
    total = time.perf_counter() - t0
    assert not report.bad
    rest = calls[1:]
    return {"open_s": opened, "first_batch_clusters_at_s": calls[0][0],
            "first_batch_clusters_s": calls[0][1],
            "clusters_us_per_article_after": 1e6 * sum(c[1] for c in rest)
            / max(1, sum(c[2] for c in rest)),
            "import_s": total,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def run(code: Path, *args: str) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(code)}
    out = subprocess.run([sys.executable, __file__, *args], env=env, check=True,
                         capture_output=True, text=True, cwd=code).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--old", default="/work/main", help="checkout with the in-memory index")
    parser.add_argument("--child", nargs=2, metavar=("DB", "JSONL"), help=argparse.SUPPRESS)
    parser.add_argument("--build", metavar="DB", help=argparse.SUPPRESS)
    parser.add_argument("--open", metavar="DB", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child_import(Path(args.child[0]), Path(args.child[1]))))
        return
    if args.build:
        build(Path(args.build), args.articles)
        return
    if args.open:
        from newsarchive.archive import Archive

        t = time.perf_counter()
        Archive(args.open).db.conn.close()
        print(json.dumps({"migrate_s": time.perf_counter() - t}))
        return

    sys.path.insert(0, str(ROOT / "bench"))
    from bulkgen import records

    tmp = Path(tempfile.mkdtemp(prefix="bench_bands_"))
    try:
        base, new = tmp / "base.db", tmp / "new.db"
        subprocess.run([sys.executable, __file__, "--build", str(base),
                        "--articles", str(args.articles)], check=True, cwd=ROOT,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
        shutil.copy(base, new)
        backfill = run(ROOT, "--open", str(new))["migrate_s"]
        size = {p.name: p.stat().st_size / 1e6 for p in (base, new)}
        per_100k = backfill * 100_000 / args.articles
        print(f"{args.articles} signatures: backfill {backfill:.1f} s ({per_100k:.1f} s per "
              f"100k); file {size['base.db']:.0f} -> {size['new.db']:.0f} MB")
        jsonl = tmp / "records.jsonl"
        with open(jsonl, "w", encoding="utf-8") as fh:
            for rec in records(args.records):
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        got: dict[str, list[dict[str, float]]] = {"old": [], "new": []}
        for rep in range(args.repeat):
            for name in (("old", "new") if rep % 2 == 0 else ("new", "old")):
                db = tmp / "run.db"
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{db}{suffix}").unlink(missing_ok=True)
                shutil.copy(base if name == "old" else new, db)
                code = Path(args.old) if name == "old" else ROOT
                got[name].append(run(code, "--child", str(db), str(jsonl)))
                print(rep, name, json.dumps({k: round(v, 3) for k, v in got[name][-1].items()}),
                      flush=True)
        print(f"medians of {args.repeat} ({args.records} records into {args.articles}):")
        for key in got["old"][0]:
            old = statistics.median(r[key] for r in got["old"])
            new_ = statistics.median(r[key] for r in got["new"])
            print(f"  {key:32s} old {old:10.3f}  new {new_:10.3f}")
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
