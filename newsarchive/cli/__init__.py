"""The `newsarchive` command. Exit codes: 0 ok, 1 finished with page errors, 2 could not run.

Each command lives in its own module of this package and is registered here.
"""

from __future__ import annotations

import click


@click.group()
@click.version_option(package_name="newsarchive")
def main() -> None:
    """newsarchive: crawl news sites into a deduplicated SQLite archive and browse it."""


def _register() -> None:
    from newsarchive.cli import (
        archive_cmds,
        browse,
        crawl,
        distributed,
        evaluate,
        extract,
        importing,
    )

    for module in (extract, crawl, browse, archive_cmds, importing, distributed, evaluate):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
