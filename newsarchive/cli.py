"""The `newsarchive` command. Exit codes: 0 ok, 1 finished with page errors, 2 could not run."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import click

from newsarchive.extract import PageError, extract
from newsarchive.profiles import ProfileError, find_by_url, load_profiles

DEFAULT_DB = "data/archive.db"


def _read_page(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" or data[:2] == b"\x1f\x8b" else data


def _dump(obj: dict[str, Any]) -> str:
    # one record per line even for readers that also split on U+2028/U+2029/NEL
    text = json.dumps(obj, ensure_ascii=False)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace(
        "\x85", "\\u0085")


def _metadata_path() -> Path | None:
    for base in (Path.cwd(), Path(__file__).resolve().parent.parent):
        path = base / "data" / "metadata.yml"
        if path.exists():
            return path
    return None


def _metadata_for(meta: Path, db: Path) -> Path:
    """Datasette keys metadata by database name (file stem): re-key `archive` to this file."""
    import tempfile

    import yaml

    data = yaml.safe_load(meta.read_text(encoding="utf-8"))
    dbs = data.get("databases") or {}
    if db.stem == "archive" or "archive" not in dbs:
        return meta
    dbs[db.stem] = dbs.pop("archive")
    out = Path(tempfile.mkdtemp(prefix="newsarchive-")) / "metadata.yml"
    out.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out


@click.group()
@click.version_option(package_name="newsarchive")
def main() -> None:
    """newsarchive: crawl news sites into a deduplicated SQLite archive and browse it."""


@main.command("extract")
@click.argument("page", required=False, type=click.Path(exists=True, dir_okay=False,
                                                          path_type=Path))
@click.option("--url", help="The URL the page was fetched from (default: file:// of PAGE).")
@click.option("--from", "manifest", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="JSONL manifest: one {url, page} per line, page relative to its folder.")
@click.option("--site", help="Use this site file's selectors (default: found by URL host).")
def extract_cmd(page: Path | None, url: str | None, manifest: Path | None,
                site: str | None) -> None:
    """Print the record of one saved page as JSON (or JSONL for a manifest).

    Example: newsarchive extract page.html.gz --url https://nashaniva.com/en/123
    """
    if bool(page) == bool(manifest):
        raise click.UsageError("give either PAGE or --from MANIFEST")
    try:
        profiles = load_profiles()
    except ProfileError as exc:
        raise click.ClickException(str(exc)) from exc
    if site and site not in profiles:
        raise click.UsageError(f"unknown site {site!r}")

    def one(path: Path, page_url: str) -> dict[str, Any]:
        prof = profiles[site] if site else find_by_url(page_url, profiles)
        try:
            return extract(_read_page(path), page_url, profile=prof).to_dict()
        except (PageError, OSError, EOFError) as exc:
            return {"url": page_url, "error": str(exc)}

    if page:
        rec = one(page, url or page.resolve().as_uri())
        click.echo(json.dumps(rec, ensure_ascii=False, indent=2))
        sys.exit(1 if "error" in rec else 0)
    assert manifest is not None
    errors = count = 0
    start = time.perf_counter()
    with manifest.open(encoding="utf-8") as lines:
        for lineno, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                page_url, rel = entry["url"], entry["page"]
            except (ValueError, KeyError, TypeError) as exc:
                rec = {"url": None, "error": f"manifest line {lineno}: {exc}"}
            else:
                try:
                    rec = one(manifest.parent / rel, page_url)
                except Exception as exc:  # one bad page never stops the batch
                    rec = {"url": page_url, "error": f"{type(exc).__name__}: {exc}"}
            count += 1
            errors += "error" in rec
            click.echo(_dump(rec))
    secs = time.perf_counter() - start
    click.echo(f"{count} pages, {errors} errors, {count / secs:.1f} pages/s", err=True)


def _crawl_opts(f):
    f = click.option("--db", default=DEFAULT_DB, show_default=True, help="Archive file.")(f)
    f = click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE",
                     help="Any Scrapy setting, as `scrapy crawl -s`.")(f)
    return f


@main.command()
@click.argument("targets", nargs=-1)
@click.option("--all", "all_sites", is_flag=True, help="Crawl every (non-demo) site file.")
@_crawl_opts
def crawl(targets: tuple[str, ...], all_sites: bool, db: str, overrides: tuple[str, ...]) -> None:
    """Crawl sites (names of files in spiders/) or URLs (home, section, sitemap, feed).

    Example: newsarchive crawl dailyherald-demo https://example.com/news/ --db data/archive.db
    """
    from newsarchive.runner import UsageError, project_settings, resolve_targets, run_crawls

    try:
        jobs = resolve_targets(targets, all_sites)
        settings = project_settings(db, overrides)
        Path(db).parent.mkdir(parents=True, exist_ok=True)
    except (UsageError, OSError) as exc:
        click.echo(f"newsarchive: {exc}", err=True)
        sys.exit(2)
    results = run_crawls(jobs, settings)
    failed = False
    for res in results:
        stats = res.stats
        failed |= bool(stats.get("log_count/ERROR"))
        click.echo(f"{res.spider}: {stats.get('response_received_count', 0)} pages, "
                   f"{stats.get('item_scraped_count', 0)} articles stored or checked, "
                   f"rejected: {res.rejected() or 'none'} "
                   f"({stats.get('finish_reason', '?')})", err=True)
    sys.exit(1 if failed else 0)


@main.command()
@_crawl_opts
def demo(db: str, overrides: tuple[str, ...]) -> None:
    """Serve the bundled demo news site on 127.0.0.1, crawl it into the archive, summarize.

    Example: newsarchive demo --db data/archive.db
    """
    from newsarchive.archive import Archive
    from newsarchive.demo.server import start_demo_server
    from newsarchive.runner import project_settings, resolve_targets, run_crawls

    profiles = load_profiles()
    names = [n for n, p in profiles.items() if p.demo]
    if not names:
        click.echo("newsarchive: no demo site files found in spiders/", err=True)
        sys.exit(2)
    Path(db).parent.mkdir(parents=True, exist_ok=True)
    # Demo pages are fast local pages: no throttling. robots.txt is still obeyed.
    fast = ["AUTOTHROTTLE_ENABLED=False", "DOWNLOAD_DELAY=0", "LOG_LEVEL=WARNING"]
    settings = project_settings(db, fast + list(overrides))
    with start_demo_server() as server:
        # The demo hosts (*.example) exist only inside the demo server, used as an HTTP proxy.
        os.environ["http_proxy"] = server.proxy_url
        os.environ.pop("no_proxy", None)
        os.environ.pop("NO_PROXY", None)
        click.echo(f"demo site serving on {server.proxy_url} (as a proxy for "
                   f"{', '.join(sorted(h for n in names for h in profiles[n].hosts))})")
        results = run_crawls(resolve_targets(names), settings)
    summary = Archive(db).summary()
    click.echo(format_summary(summary, results, db))


def format_summary(summary: dict[str, Any], results: list, db: str) -> str:
    rejected: dict[str, int] = {}
    pages = 0
    for res in results:
        pages += res.stats.get("response_received_count", 0)
        for reason, n in res.rejected().items():
            rejected[reason] = rejected.get(reason, 0) + n
    last = summary.get("last_run") or {}
    lines = [
        f"archive: {db}",
        f"  pages fetched:          {pages}",
        f"  articles:               {summary.get('articles', 0)}"
        f"  (this run: {sum(r.stats.get('newsarchive/stored/new', 0) for r in results)} new)",
        f"  URLs merged as aliases: {summary.get('urls_merged', 0)}",
        f"  comments:               {summary.get('comments', 0)}",
        f"  images:                 {summary.get('images', 0)}"
        f" ({summary.get('images_with_credit', 0)} with credits)",
        f"  related blocks/links:   {summary.get('related_blocks', 0)}"
        f" / {summary.get('related_links', 0)}",
        "  pages rejected:         "
        + (", ".join(f"{k}: {v}" for k, v in sorted(rejected.items())) or "none"),
    ]
    if last:
        lines.append(f"  crawl runs:             {summary.get('runs', 0)} (last: {last.get('spider')}, "
                     f"{last.get('pages')} pages, {last.get('new')} new, "
                     f"{last.get('unchanged')} unchanged, {last.get('errors')} errors)")
    lines.append(f"browse it: newsarchive browse --db {db}")
    return "\n".join(lines)


@main.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False))
@click.option("--port", default=8001, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
def browse(db: str, port: int, host: str) -> None:
    """Open the archive in Datasette with data/metadata.yml (search, facets, canned queries).

    Example: newsarchive browse --db data/archive.db --port 8001
    """
    if not Path(db).exists():
        click.echo(f"newsarchive: no archive at {db}; run `newsarchive demo` or a crawl first",
                   err=True)
        sys.exit(2)
    exe = shutil.which("datasette") or str(Path(sys.executable).with_name("datasette"))
    cmd = [exe, "serve", db, "--host", host, "--port", str(port)]
    meta = _metadata_path()
    if meta:
        cmd += ["--metadata", str(_metadata_for(meta, Path(db)))]
    click.echo(" ".join(cmd), err=True)
    sys.exit(subprocess.call(cmd))
