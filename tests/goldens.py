"""Golden records for the demo pages: `python tests/goldens.py` regenerates them all.

Each case is tests/sites/<site file>/<case>/ with page.html (bytes as served), meta.json (URL,
headers, fixed fetch time) and expected.json (the record). Review the regenerated files as a
git diff before committing: a changed golden is a changed extraction.
"""

from __future__ import annotations

import json
import shutil
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITES = ROOT / "tests" / "sites"
FETCHED_AT = "2026-01-15T12:00:00+00:00"  # "now" for relative dates, so goldens are stable

sys.path.insert(0, str(ROOT))

from newsarchive.demo import content  # noqa: E402
from newsarchive.demo.site import respond  # noqa: E402
from newsarchive.extract import extract  # noqa: E402
from newsarchive.profiles import find_by_url, load_profiles  # noqa: E402


def demo_pages() -> list[tuple[str, str]]:
    """(case name, URL) for every demo article page and the syndicated wire copy."""
    out = []
    for art in content.articles():
        out.append((f"{art.id}-{art.lang}", art.url))
    for art in content.articles(publisher="daily-herald.example"):
        wire = f"http://{art.publisher}{content.wire_path(art)}"
        if respond(art.publisher, content.wire_path(art)).status == 200:
            out.append((f"{art.id}-wire", wire))
    return out


def load_case(case_dir: Path) -> tuple[bytes, dict]:
    return (case_dir / "page.html").read_bytes(), json.loads((case_dir / "meta.json").read_text())


def extract_case(case_dir: Path) -> dict:
    page, meta = load_case(case_dir)
    profiles = load_profiles(ROOT / "spiders")
    prof = profiles.get(meta["site_profile"]) if meta.get("site_profile") else None
    rec = extract(page, meta["url"], profile=prof, headers=meta.get("headers"),
                  fetched_at=datetime.fromisoformat(meta["fetched_at"]))
    return rec.to_dict()


def regenerate() -> int:
    profiles = load_profiles(ROOT / "spiders")
    if SITES.exists():
        shutil.rmtree(SITES)
    count = 0
    for case, url in demo_pages():
        host, _, path = url.removeprefix("http://").partition("/")
        resp = respond(host, "/" + path, hit=2)  # hit 2: past the flaky first 503
        if resp.status != 200:
            continue
        prof = find_by_url(url, profiles)
        case_dir = SITES / (prof.name if prof else host) / case
        case_dir.mkdir(parents=True)
        (case_dir / "page.html").write_bytes(resp.body)
        meta = {"url": url, "site_profile": prof.name if prof else None,
                "fetched_at": FETCHED_AT, "headers": {"Content-Type": resp.content_type}}
        (case_dir / "meta.json").write_text(json.dumps(meta, indent=2) + "\n")
        rec = extract_case(case_dir)
        (case_dir / "expected.json").write_text(
            json.dumps(rec, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
        count += 1
    return count


if __name__ == "__main__":
    print(f"regenerated {regenerate()} golden records under {SITES.relative_to(ROOT)}")
