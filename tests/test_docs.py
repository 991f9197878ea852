"""Every command and option is documented in README.md; README and CI agree on the test command."""

from __future__ import annotations

import re

from conftest import ROOT

from newsarchive.cli import main

README = (ROOT / "README.md").read_text()


def test_every_command_and_option_is_in_the_readme() -> None:
    missing = []
    for name, cmd in main.commands.items():
        section = re.search(rf"### `newsarchive {name}\b.*?(?=\n### |\n## |\Z)", README, re.S)
        if not section:
            missing.append(name)
            continue
        for param in cmd.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--") and opt not in ("--help",) and opt not in section.group(0):
                    missing.append(f"{name} {opt}")
    assert missing == []


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    assert "<!-- test-command -->" in ci and "<!-- test-command -->" in README
    block = README.split("<!-- test-command -->", 1)[1].split("```")[1].strip()
    assert "pytest" in block


def test_docs_archive_names_every_table_and_column(tmp_path) -> None:
    from newsarchive.archive import Archive

    doc = (ROOT / "docs" / "archive.md").read_text()
    with Archive(tmp_path / "a.db") as arc:
        tables = [t for t in arc.db.table_names()
                  if not t.startswith("articles_fts_") and not t.startswith("sqlite_")]
        missing = [f"{t}.{c}" for t in tables
                   for c in [r[1] for r in arc.db.execute(f"pragma table_xinfo([{t}])")]
                   if f"`{t}`" not in doc or f"`{c}`" not in doc]
    assert missing == []
