"""`newsarchive browse`: Datasette on the archive, with the project's metadata."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import click

from newsarchive.cli.common import DEFAULT_DB, metadata_path


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


@click.command()
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
    meta = metadata_path()
    if meta:
        cmd += ["--metadata", str(_metadata_for(meta, Path(db)))]
    click.echo(" ".join(cmd), err=True)
    sys.exit(subprocess.call(cmd))


COMMANDS = [browse]
