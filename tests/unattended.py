"""Helpers for the unattended-crawl tests: the fault server and real `newsarchive crawl` runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from conftest import ROOT

# Tight timeouts keep the fault tests short (2 s: a loaded CI machine can take over 1 s to answer
# a plain page; the slow fault page takes 3); throttling off (the server is local).
FAST = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "DOWNLOAD_TIMEOUT=2",
        "-s", "RETRY_TIMES=1", "-s", "NEWSARCHIVE_RETRY_BACKOFF=0.2",
        "-s", "DOWNLOAD_MAXSIZE=200000"]

# A site file for the fault server's articles (health checks: a redesign breaks its selectors).
SITE_FILE = """
name = "harbour"
hosts = ["127.0.0.1"]
[sources]
start_urls = ["{site}/"]
[urls]
article = ['/news/a-\\d+\\.html$']
follow = ['/$']
[fields]
headline = "h1.headline::text"
section = "span.kicker::text"
authors = "span.byline a::text"
published_at = "time.pub::attr(datetime)"
body = "div.story p"
"""


@contextmanager
def fault_server(*args: str) -> Iterator[str]:
    proc = subprocess.Popen([sys.executable, str(ROOT / "tests" / "faultserver.py"), *args],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    try:
        yield proc.stdout.readline().strip()
    finally:
        proc.kill()
        proc.wait(10)


def hits(base: str) -> dict[str, dict[str, Any]]:
    with urllib.request.urlopen(base + "/_hits", timeout=10) as resp:
        return json.load(resp)


def env(spiders: Path) -> dict[str, str]:
    out = {**os.environ, "NEWSARCHIVE_SPIDERS": str(spiders), "no_proxy": "*"}
    out.pop("http_proxy", None)
    return out


def args(targets: list[str], db: Path, extra: list[str]) -> list[str]:
    return [sys.executable, "-m", "newsarchive", "crawl", *targets, "--db", str(db), *FAST,
            *extra]


def crawl(targets: list[str], db: Path, spiders: Path, *extra: str,
          **kw: Any) -> subprocess.CompletedProcess:
    return subprocess.run(args(targets, db, list(extra)), cwd=ROOT, capture_output=True,
                          text=True, env=env(spiders), timeout=120, **kw)


def start_crawl(targets: list[str], db: Path, spiders: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(args(targets, db, list(extra)), cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env(spiders))


def logs(db: Path) -> str:
    """Everything the quiet runs logged under the archive's folder."""
    return "".join(p.read_text(errors="replace") for p in sorted((db.parent / "logs").glob("*")))
