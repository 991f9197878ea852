"""`newsarchive history`, `reextract` and `export`: the archive over time, offline."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from newsarchive.cli.common import db_option


def _open(db: str):  # noqa: ANN202 (Archive imported lazily: keeps `--help` fast)
    from newsarchive.archive import Archive, ArchiveError

    if not Path(db).exists():
        click.echo(f"newsarchive: archive not found: {db}", err=True)
        sys.exit(2)
    try:
        return Archive(db)
    except ArchiveError as exc:
        click.echo(f"newsarchive: {exc}", err=True)
        sys.exit(2)


@click.command()
@click.argument("url_or_id")
@db_option
def history(url_or_id: str, db: str) -> None:
    """Print every revision of an article with a unified diff between consecutive ones, and
    its comment history (added, edited, removed) and declared comment counts.

    Example: newsarchive history http://nasha-niva.example/en/380114 --db data/archive.db
    """
    from newsarchive.history import history_text, resolve

    with _open(db) as archive:
        aid = resolve(archive.db, url_or_id)
        if aid is None:
            click.echo(f"newsarchive: no article for {url_or_id!r} in {db}", err=True)
            sys.exit(2)
        click.echo(history_text(archive.db, aid))


@click.command()
@click.option("--site", help="Only this site (e.g. daily-herald.example).")
@click.option("--since", help="Only articles seen since this date (ISO 8601, e.g. 2025-01-31).")
@click.option("--batch", default=100, show_default=True, help="Articles per transaction.")
@db_option
def reextract(site: str | None, since: str | None, batch: int, db: str) -> None:
    """Rebuild every record from its stored WARC captures with today's extractors, offline.

    Nothing is duplicated or deleted; a field the new extractor no longer finds keeps its old
    value and is listed. Exit code 1 if some captures could not be read.

    Example: newsarchive reextract --site daily-herald.example --db data/archive.db
    """
    from newsarchive.reextract import reextract as run

    def progress(done: int, total: int) -> None:
        click.echo(f"\rre-extracted {done}/{total} articles", err=True, nl=done == total)

    with _open(db) as archive:
        report = run(archive, site=site, since=since, batch=batch, progress=progress)
    click.echo(f"articles: {report.articles}, revisions: {report.revisions}, "
               f"changed: {report.changed_articles} articles / {report.changed_revisions} "
               f"revisions, without capture: {report.no_capture}, errors: {len(report.errors)}")
    click.echo(f"time: re-extraction {report.extract_seconds:.1f} s, writes "
               f"{report.write_seconds:.1f} s", err=True)
    for aid, where, name in report.missing:
        click.echo(f"  no longer found, kept: article {aid} {where}: {name}")
    for aid, error in report.errors:
        click.echo(f"  error: article {aid}: {error}", err=True)
    sys.exit(1 if report.errors else 0)


@click.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet"]),
              default="jsonl", show_default=True)
@click.option("--site", help="Only this site.")
@click.option("--since", help="Only articles seen since this date (ISO 8601).")
@click.option("-o", "--output", default="-", show_default=True,
              help="Output file ('-' = stdout; parquet needs a file).")
@db_option
def export(fmt: str, site: str | None, since: str | None, output: str, db: str) -> None:
    """Stream the archive's articles as records of the shared schema (comments, images and
    related blocks nested in JSONL and parquet; JSON text in CSV).

    Example: newsarchive export --format jsonl --site nasha-niva.example -o nn.jsonl
    """
    from newsarchive import export as ex

    with _open(db) as archive:
        recs = ex.records(archive.db, site=site, since=since)
        if fmt == "parquet":
            if output == "-":
                click.echo("newsarchive: --format parquet needs -o FILE", err=True)
                sys.exit(2)
            n = ex.write_parquet(recs, output)
        else:
            writer = ex.write_jsonl if fmt == "jsonl" else ex.write_csv
            if output == "-":
                n = writer(recs, sys.stdout)
            else:
                with open(output, "w", encoding="utf-8", newline="") as fh:
                    n = writer(recs, fh)
    click.echo(f"exported {n} articles", err=True)


COMMANDS = [history, reextract, export]
