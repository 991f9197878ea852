"""`newsarchive import`: load JSONL records into the archive (see newsarchive/importer.py)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from newsarchive.cli.common import db_option


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True,
                                        path_type=Path))
@click.option("--site", help="Site of records that have none (the schema requires one).")
@click.option("--batch", default=500, show_default=True, help="Records per transaction.")
@db_option
def import_cmd(file: Path, site: str | None, batch: int, db: str) -> None:
    """Load records (JSONL, as `export --format jsonl` and `extract --from` write them) into
    the archive, deduplicated like crawled pages. Importing the same file again changes
    nothing. Bad lines are reported with their number and skipped (exit 1); an archive that
    cannot be written stops the import (exit 2; every committed batch stays).

    Example: newsarchive import old-archive.jsonl --db data/archive.db
    """
    from newsarchive.archive import Archive, ArchiveError
    from newsarchive.importer import ImportReport, import_lines

    def progress(report: ImportReport) -> None:
        if sys.stderr.isatty():
            click.echo(f"\rimported {report.stored} records", err=True, nl=False)

    stdin = str(file) == "-"
    mtime = None if stdin else file.stat().st_mtime
    seen_at = datetime.fromtimestamp(mtime or datetime.now(UTC).timestamp(), UTC).isoformat(
        timespec="seconds")
    try:
        archive = Archive(db)
    except (ArchiveError, OSError) as exc:
        click.echo(f"newsarchive: {exc}", err=True)
        sys.exit(2)
    with archive:
        archive.db.execute("PRAGMA synchronous = NORMAL")  # as the crawl (pipelines.py)
        if stdin:
            report = import_lines(archive, sys.stdin, site, seen_at, batch, progress)
        else:
            with open(file, encoding="utf-8") as fh:
                report = import_lines(archive, fh, site, seen_at, batch, progress)
    if sys.stderr.isatty():
        click.echo("", err=True)
    for number, why in report.bad:
        click.echo(f"  line {number}: {why}", err=True)
    counts = ", ".join(f"{report.outcomes[o]} {o}" for o in ("new", "updated", "unchanged",
                                                             "merged"))
    status = "stopped: archive not writable" if report.stopped else (
        "finished with bad lines" if report.bad else "ok")
    click.echo(f"newsarchive import: {status}: {report.lines} records read, {counts}, "
               f"{len(report.bad)} bad")
    sys.exit(2 if report.stopped else 1 if report.bad else 0)


COMMANDS = [import_cmd]
