"""Are two trees' `pages.page_work` results identical? Speed work must not change a record.

    PYTHONPATH=. python bench/extract_identity.py --old /path/to/old/checkout

Runs `page_work` in each tree (a subprocess with that tree on PYTHONPATH) over: the 790 pages
of the shared corpus (generic), 50 bench pages with the bench's site file, the same 50 without
it (with a listing date), and the demo golden pages with their site files and without. Each
result (record JSON, signature bytes, links, feeds, base URL, errors) is written as one JSON
line per page; the lines of the two trees are compared and the differing pages printed.
Exit code 1 when any page differs.

`--dump FILE` is internal: it is what each process runs (cwd = the tree).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parents[1] / "shared" / "corpus" / "trafilatura-eval"


def dump(out: Path, corpus: Path) -> None:
    """Run in the tree under test (cwd): one JSON line per page_work result."""
    tree = Path.cwd()
    sys.path[:0] = [str(tree), str(tree / "bench")]
    import bench_crawl  # type: ignore[import-not-found]
    import benchsite  # type: ignore[import-not-found]

    from newsarchive import profiles
    from newsarchive.evaluate import load_gold, page_url, read_page
    from newsarchive.pages import PageJob, page_work

    site_file = Path(tempfile.mkdtemp()) / "bench.toml"
    site_file.write_text(bench_crawl.SITE_FILE.format(base="http://127.0.0.1:8000"))
    bench_prof = profiles.load_profile(site_file)
    demo_profs = profiles.load_profiles(tree / "spiders")
    bench_at, corpus_at = datetime(2025, 1, 1, tzinfo=UTC), datetime(2024, 1, 1, tzinfo=UTC)

    cases: list[tuple[str, PageJob, profiles.SiteProfile | None]] = []
    for g in load_gold(corpus, None):
        cases.append((f"corpus/{g['page']}", PageJob(
            body=read_page(corpus, g["page"]), url=page_url(g),
            headers={"Content-Type": "text/html"}, want_article=True, feeds=True,
            fetched_at=corpus_at), None))
    for n in range(50):
        body = benchsite.article(n, 1000).encode()
        url = f"http://127.0.0.1:8000/news/{n}.html"
        cases.append((f"bench/{n}", PageJob(body=body, url=url,
                                            headers={"Content-Type": "text/html"},
                                            want_article=True, feeds=False,
                                            fetched_at=bench_at), bench_prof))
        cases.append((f"bench-generic/{n}", PageJob(
            body=body, url=url, headers={"Content-Type": "text/html"}, want_article=True,
            feeds=True, fetched_at=bench_at, listed_published="2024-05-03T10:00:00Z"), None))
    for case_dir in sorted((tree / "tests" / "sites").glob("*/*")):
        meta = json.loads((case_dir / "meta.json").read_text())
        page = (case_dir / "page.html").read_bytes()
        at = datetime.fromisoformat(meta["fetched_at"])
        for prof in (demo_profs.get(meta["site_profile"] or ""), None):
            cases.append((f"demo/{case_dir.name}/{'site' if prof else 'generic'}", PageJob(
                body=page, url=meta["url"], headers=meta.get("headers") or {},
                want_article=True, feeds=True, fetched_at=at), prof))
    with out.open("w") as f:
        for name, job, prof in cases:
            res = page_work(job, prof)
            sig = res.signature
            line = {"page": name, "record": res.record, "links": res.links,
                    "feeds": res.feeds, "base": res.base, "error": res.error,
                    "page_error": res.page_error,
                    "signature": hashlib.sha1(sig).hexdigest() if sig else None}
            f.write(json.dumps(line, sort_keys=True, ensure_ascii=False, default=str) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, help="the other checkout (the 'old' tree)")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--dump", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.dump:
        dump(args.dump, args.corpus)
        return
    if args.old is None:
        parser.error("--old is required")
    tmp = Path(tempfile.mkdtemp())
    lines: dict[str, list[str]] = {}
    for name, tree in (("old", args.old.resolve()), ("new", HERE.parent)):
        out = tmp / f"{name}.jsonl"
        subprocess.run([sys.executable, str(Path(__file__).resolve()), "--dump", str(out),
                        "--corpus", str(args.corpus)], cwd=tree,
                       env={**os.environ, "PYTHONPATH": "."}, check=True)
        lines[name] = out.read_text().split("\n")[:-1]  # not splitlines: \u2028 in a record
    if len(lines["old"]) != len(lines["new"]):
        print(f"different page counts: old {len(lines['old'])}, new {len(lines['new'])}")
        sys.exit(1)
    differ = [json.loads(a)["page"] for a, b in zip(lines["old"], lines["new"], strict=True)
              if a != b]
    print(f"{len(lines['new'])} results compared, {len(differ)} differ (files in {tmp})")
    for page in differ[:30]:
        print("  ", page)
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
