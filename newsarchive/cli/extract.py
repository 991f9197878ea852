"""`newsarchive extract`: the record of a saved page, or of every page in a manifest."""

from __future__ import annotations

import gzip
import json
import sys
import time
from pathlib import Path
from typing import Any

import click

from newsarchive.extract import PageError, extract
from newsarchive.profiles import ProfileError, find_by_url, load_profiles


def _read_page(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" or data[:2] == b"\x1f\x8b" else data


def _dump(obj: dict[str, Any]) -> str:
    # one record per line even for readers that also split on U+2028/U+2029/NEL
    text = json.dumps(obj, ensure_ascii=False)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace(
        "\x85", "\\u0085")



@click.command("extract")
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


COMMANDS = [extract_cmd]
