"""Options and helpers shared by several commands."""

from __future__ import annotations

from pathlib import Path

import click

DEFAULT_DB = "data/archive.db"


def db_option(f):
    return click.option("--db", default=DEFAULT_DB, show_default=True,
                        help="Archive file (SQLite).")(f)


def crawl_options(f):
    f = db_option(f)
    return click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE",
                        help="Any Scrapy setting, as `scrapy crawl -s`.")(f)


def metadata_path() -> Path | None:
    for base in (Path.cwd(), Path(__file__).resolve().parents[2]):
        path = base / "data" / "metadata.yml"
        if path.exists():
            return path
    return None
