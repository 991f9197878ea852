"""Browsing speed on a large generated archive: every page `newsarchive browse` offers, timed.

    PYTHONPATH=. python bench/bench_browse.py                 # 1,000,000 articles (cached)
    PYTHONPATH=. python bench/bench_browse.py --articles 100000 --repeat 5

The archive is generated once per size into --cache (default /tmp/newsarchive-bench) with the
project's migrations, then opened exactly as `newsarchive browse` opens it (same metadata,
settings and plugin) through Datasette's in-process client. Sizes follow the demo archive:
~350 words of body, 1.2 images (agency credits), 2 comments and 3 related links per article
on average, 1.2 URLs per article. Not part of the test run; figures go to bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from sqlite_utils import Database

from newsarchive.archive import article_id
from newsarchive.datasette.config import make_datasette
from newsarchive.migrations import migrate

SITES = [f"site{i:02d}.example" for i in range(30)]
SECTIONS = ["World", "Politics", "Business", "Science", "Culture", "Sport", "Society", "Regions",
            "Opinion", "Technology"]
LANGS = ["en", "en", "en", "ru", "be", "de"]
CREDITS = ["{n}/Reuters", "AP Photo/{n}", "{n}/Getty Images", "AFP", "EPA-EFE/{n}",
           "Sputnik/{n}", "{n}/AFP via Getty Images", "Photo: {n}", "Reuters", "PA", "{n}"]
BATCH = 5000
SEED = 6


def _words(rng: random.Random) -> list[str]:
    syll = ["ka", "ro", "mi", "ne", "to", "la", "vi", "sa", "do", "re", "pu", "li", "ber", "gan"]
    vocab = sorted({"".join(rng.choice(syll) for _ in range(rng.randint(1, 4)))
                    for _ in range(20000)})
    return vocab


def _articles(n: int) -> Iterator[tuple[tuple, list, list, list, list, list]]:
    rng = random.Random(SEED)
    vocab = _words(rng)
    # Zipf-like: common words often, rare words seldom (what FTS sees in real text).
    cum = list(itertools.accumulate(1 / (i + 1) for i in range(len(vocab))))
    people = [f"{rng.choice(vocab).title()} {rng.choice(vocab).title()}" for _ in range(3000)]
    start = 1_600_000_000
    for i in range(n):
        site = SITES[i % len(SITES)]
        url = f"https://{site}/{rng.choice(SECTIONS).lower()}/{i}/"
        aid = article_id(url)
        words = rng.choices(vocab, cum_weights=cum, k=rng.randint(150, 550))
        paras = [" ".join(words[j:j + 60]).capitalize() + "." for j in range(0, len(words), 60)]
        body = "\n\n".join(paras)
        headline = " ".join(rng.choices(vocab, cum_weights=cum, k=rng.randint(6, 12))).capitalize()
        ts = start + int(i * 150_000_000 / n) + rng.randint(0, 3600)
        pub = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(ts))
        mod = (time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(ts + rng.randint(60, 90000)))
               if rng.random() < 0.2 else None)
        ncom = rng.choice([0, 0, 0, 0, 1, 2, 3, 5, 8])
        authors = json.dumps(rng.sample(people, rng.choice([0, 1, 1, 1, 2])), ensure_ascii=False)
        row = (aid, url, url, site, rng.choice(LANGS), headline, None, rng.choice(SECTIONS),
               authors, "[]", pub, pub, mod, mod, body, ncom or None, 1, "free", "{}", None,
               None, None, pub, pub, pub)
        urls = [(url, aid, "canonical", pub)]
        if rng.random() < 0.2:
            urls.append((url + "?amp=1", aid, "alias", pub))
        images = [(aid, p, f"https://{site}/img/{i}-{p}.jpg", "alt", "A caption " + headline[:40],
                   rng.choice(CREDITS).format(n=rng.choice(people)))
                  for p in range(rng.choice([0, 1, 1, 1, 2, 2]))]
        comments = [(aid, f"c{i}-{c}", f"c{i}-{c - 1}" if c and rng.random() < 0.3 else None,
                     rng.choice(people), pub, pub,
                     " ".join(rng.choices(vocab, cum_weights=cum, k=25)), rng.randint(0, 40), c)
                    for c in range(ncom // 2)]
        blocks, links = [], []
        for b in range(rng.choice([0, 1, 1, 2])):
            k = rng.randint(1, 3)
            blocks.append((aid, b, ["Related", "Most read"][b], k))
            for p in range(k):
                j = max(0, i - rng.randint(1, 2000))  # links point at recent articles
                tgt = f"https://{SITES[j % len(SITES)]}/x/{j}/"
                links.append((aid, b, p, ["Related", "Most read"][b], tgt, tgt, "A title",
                              rng.randint(0, 50)))
        yield row, urls, images, comments, blocks, links


def generate(path: Path, n: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".partial")
    tmp.unlink(missing_ok=True)
    migrate(Database(tmp))
    conn = sqlite3.connect(tmp)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-2000000")
    cols = ("id, canonical_url, url, site, language, headline, subheadline, section, authors, "
            "tags, published_at, published_raw, modified_at, modified_raw, body, comment_count, "
            "is_article, access, provenance, site_profile, content_hash, version_hash, "
            "fetched_at, first_seen, last_seen")
    sqls = [
        f"INSERT OR IGNORE INTO articles ({cols}) VALUES ({', '.join('?' * 25)})",
        "INSERT OR IGNORE INTO article_urls VALUES (?, ?, ?, ?)",
        "INSERT INTO images VALUES (?, ?, ?, ?, ?, ?)",
        "INSERT INTO comments (article_id, comment_id, parent_id, author, published_at,"
        " published_raw, text, likes, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        "INSERT INTO related_blocks VALUES (?, ?, ?, ?)",
        "INSERT INTO related_links VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    ]
    began = time.time()
    batches: list[list] = [[] for _ in sqls]
    for i, parts in enumerate(_articles(n), 1):
        batches[0].append(parts[0])
        for b, rows in zip(batches[1:], parts[1:], strict=True):
            b.extend(rows)
        if i % BATCH == 0 or i == n:
            for sql, rows in zip(sqls, batches, strict=True):
                conn.executemany(sql, rows)
                rows.clear()
            conn.commit()
            if i % 100_000 == 0 or i == n:
                print(f"  {i:,} articles, {time.time() - began:.0f} s", file=sys.stderr)
    conn.executemany(
        "INSERT INTO crawl_runs (spider, started_at, finished_at, pages, new, updated, unchanged,"
        " merged, rejected, errors, finish_reason, args, stats) VALUES"
        " (?, ?, ?, 100, 90, 3, 5, 2, 1, 0, 'finished', '{}', '{\"item_scraped_count\": 95}')",
        [(SITES[k % 30], f"2024-01-01T{k % 24:02d}:00:00", f"2024-01-01T{k % 24:02d}:05:00")
         for k in range(5000)])
    conn.commit()
    conn.execute("ANALYZE")
    conn.commit()
    conn.close()
    tmp.rename(path)


def pages(ds_db: str, conn: sqlite3.Connection) -> list[tuple[str, str]]:
    aid = conn.execute("SELECT id FROM articles ORDER BY published_at DESC LIMIT 1 OFFSET 5000"
                       ).fetchone()[0]
    vocab = _words(random.Random(SEED))  # the generator's vocabulary, most frequent first
    # In every article (like "the"), in ~4% of them, in ~0.7% of them.
    common, medium, rare = vocab[0], vocab[1000], vocab[len(vocab) * 3 // 4]
    site, month = "site07.example", "2022-03"
    d = f"/{ds_db}"
    return [
        ("home", "/"),
        ("database", d),
        ("articles (default view)", f"{d}/articles"),
        ("articles, page 2", f"{d}/articles?_next=0"),
        ("articles by site + month", f"{d}/articles?site={site}&published_month={month}"),
        ("articles sorted by comments", f"{d}/articles?_sort_desc=comment_count"),
        ("articles published in a range",
         f"{d}/articles?published_at__gte=2022-01-01&published_at__lt=2022-01-08"),
        ("table search, word in every article", f"{d}/articles?_search={common}"),
        ("table search, word in 4% of articles", f"{d}/articles?_search={medium}"),
        ("table search, word in 0.7% of articles", f"{d}/articles?_search={rare}"),
        ("table search + author facet, 0.7% word",
         f"{d}/articles?_search={rare}&_facet_array=authors"),
        ("search page, word in every article", f"{d}/search?q={common}"),
        ("search page, word in 4% of articles", f"{d}/search?q={medium}"),
        ("search page, two words", f"{d}/search?q={medium}+{rare}"),
        ("search page, 0.7% word + site", f"{d}/search?q={rare}&site={site}"),
        ("article page", f"{d}/articles/{aid}"),
        ("comments", f"{d}/comments"),
        ("images", f"{d}/images"),
        ("related_links", f"{d}/related_links"),
        ("article_urls", f"{d}/article_urls"),
        ("crawl_runs", f"{d}/crawl_runs"),
        ("crawl run page", f"{d}/crawl_runs/4000"),
        ("articles_per_day (one site, 1 year)",
         f"{d}/articles_per_day?site={site}&since=2023-01-01"),
        ("articles_per_day (all)", f"{d}/articles_per_day"),
        ("most_commented", f"{d}/most_commented"),
        ("photo_credits", f"{d}/photo_credits"),
        ("most_linked", f"{d}/most_linked"),
        ("changed_after_publication", f"{d}/changed_after_publication"),
        ("latest_runs", f"{d}/latest_runs"),
    ]


async def _measure(path: Path, repeat: int) -> list[tuple[str, str, int, float, float]]:
    ds = make_datasette(path)
    await ds.invoke_startup()
    with sqlite3.connect(path) as conn:
        todo = pages(path.stem, conn)
    out = []
    for name, url in todo:
        times, status, note = [], 0, ""
        for _ in range(repeat):
            t0 = time.perf_counter()
            resp = await ds.client.get(url)
            times.append(time.perf_counter() - t0)
            status = resp.status_code
            if 'class="facets-timed-out"' in resp.text:
                note = " (a facet timed out)"
        out.append((name + note, url, status, statistics.median(times), max(times)))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/newsarchive-bench"))
    ap.add_argument("--generate-only", action="store_true")
    args = ap.parse_args()
    path = args.cache / f"archive{args.articles}.db"
    if not path.exists():
        print(f"generating {args.articles:,} articles into {path}", file=sys.stderr)
        generate(path, args.articles)
    t0 = time.time()
    migrate(Database(path))  # a cached archive may predate the newest migration
    print(f"migrations: {time.time() - t0:.1f} s; file: {path.stat().st_size / 2**30:.2f} GiB",
          file=sys.stderr)
    if args.generate_only:
        return
    rows = asyncio.run(_measure(path, args.repeat))
    print(f"\n{args.articles:,} articles, median of {args.repeat} (max), seconds:\n")
    print("| page | status | median | max |\n|---|---|---|---|")
    for name, url, status, med, worst in rows:
        print(f"| {name} `{url}` | {status} | {med:.3f} | {worst:.3f} |")
    slow = [r for r in rows if r[3] >= 1 or r[2] != 200]
    print(f"\n{len(rows) - len(slow)}/{len(rows)} pages answered 200 in under a second")


if __name__ == "__main__":
    main()
