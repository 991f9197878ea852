"""Shared test fixtures: paths to ../shared (skip cleanly when absent)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "trafilatura-eval"
SCHEMA = SHARED / "spec" / "article-record.schema.json"


@pytest.fixture(scope="session")
def schema() -> dict:
    if not SCHEMA.exists():
        pytest.skip("../shared is absent")
    return json.loads(SCHEMA.read_text())


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not (CORPUS / "gold.jsonl").exists():
        pytest.skip("../shared corpus is absent")
    return CORPUS
