"""Every field of every saved demo page matches its golden record (one test per field per case:
a failure reads `nashaniva-demo/380114-en::images`). Regenerate with `python tests/goldens.py`."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
from goldens import SITES, extract_case

from newsarchive.profiles import load_profiles
from newsarchive.record import Record

FIELDS = [f for f in Record.__dataclass_fields__ if f != "fetched_at"]
CASES = sorted(p for p in SITES.glob("*/*") if (p / "expected.json").exists())


@cache
def _actual(case_dir: Path) -> dict:
    return extract_case(case_dir)


@pytest.mark.parametrize("case_dir", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
@pytest.mark.parametrize("field", FIELDS)
def test_field_matches_golden(case_dir: Path, field: str) -> None:
    expected = json.loads((case_dir / "expected.json").read_text())
    assert _actual(case_dir).get(field) == expected.get(field)


def test_there_are_goldens_for_every_site_file_and_layout() -> None:
    assert len(CASES) >= 30
    for name, prof in load_profiles().items():
        cases = [c for c in CASES if c.parent.name == name]
        assert cases, f"site file {name} has no saved page under tests/sites/{name}/"
        for layout in prof.layouts:
            from goldens import load_case

            from newsarchive.extract.document import Document
            from newsarchive.extract.site import select

            matched = [c for c in cases
                       if select(Document.from_bytes(load_case(c)[0], "http://x/").tree,
                                 layout.when)]
            assert matched, f"{name}: layout {layout.name} has no saved page"
