"""One Datasette configuration for `newsarchive browse`, the tests and the benchmark."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from datasette.app import Datasette
from datasette.plugins import pm

# Chosen for a million-article archive (see bench/README.md): facet suggestions run a query per
# column on every table page, so they are off; configured facets get a bounded time each; long
# bodies are cut in table cells (the article page shows them whole).
SETTINGS: dict[str, Any] = {
    "suggest_facets": False,
    "facet_time_limit_ms": 400,
    "sql_time_limit_ms": 3000,
    "truncate_cells_html": 240,
}


def metadata_path() -> Path | None:
    from newsarchive.cli.common import metadata_path as find

    return find()


def metadata_for(db: Path, meta: Path | None = None) -> dict[str, Any]:
    """data/metadata.yml with its `archive` entry re-keyed to this file's database name (stem):
    Datasette keys metadata by database name."""
    meta = meta or metadata_path()
    if meta is None:
        return {}
    data = copy.deepcopy(yaml.safe_load(meta.read_text(encoding="utf-8")) or {})
    dbs = data.get("databases") or {}
    if "archive" in dbs and db.stem != "archive":
        dbs[db.stem] = dbs.pop("archive")
    return data


def register_plugin() -> None:
    """Register the plugin unless its entry point already did (an installed package does;
    `python -m newsarchive` from a source tree may not)."""
    import newsarchive.datasette as plugin

    if not pm.is_registered(plugin):
        pm.register(plugin, name="newsarchive")


def make_datasette(db: str | Path, settings: dict[str, Any] | None = None) -> Datasette:
    db = Path(db)
    register_plugin()
    return Datasette(
        [str(db)],
        metadata=metadata_for(db),
        settings={**SETTINGS, **(settings or {})},
    )
