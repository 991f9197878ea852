"""`newsarchive browse`: Datasette on the archive, with the project's metadata and plugin."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from newsarchive.cli.common import DEFAULT_DB


@click.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False))
@click.option("--port", default=8001, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
def browse(db: str, port: int, host: str) -> None:
    """Open the archive in Datasette: search with highlighted snippets, facets, article and
    crawl-run pages, canned research queries.

    Example: newsarchive browse --db data/archive.db --port 8001
    """
    if not Path(db).exists():
        click.echo(f"newsarchive: no archive at {db}; run `newsarchive demo` or a crawl first",
                   err=True)
        sys.exit(2)
    import uvicorn

    from newsarchive.datasette.config import make_datasette

    # In-process rather than `datasette serve`: the same Datasette (metadata re-keyed to this
    # file, settings, plugin) that the tests and bench/bench_browse.py open.
    ds = make_datasette(db)
    name = Path(db).stem
    click.echo(f"browse the archive at http://{host}:{port}/{name} "
               f"(search: http://{host}:{port}/{name}/search?q=...); Ctrl-C stops", err=True)
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on")


COMMANDS = [browse]
