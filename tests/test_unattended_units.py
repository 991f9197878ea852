"""The pieces of unattended crawling that need no server: schedule, Retry-After, lock, config."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsarchive.lock import ArchiveLock, ArchiveLocked
from newsarchive.middlewares import retry_after
from newsarchive.profiles import ProfileError, parse_profile
from newsarchive.schedule import RevisitPolicy, parse_duration

NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)
H, D = timedelta(hours=1), timedelta(days=1)


def test_default_revisits_decay_with_age() -> None:
    policy = RevisitPolicy.from_mapping(None)
    assert policy.interval(2 * H) == H
    assert policy.interval(3 * D) == D
    assert policy.interval(10 * D) == 7 * D
    assert policy.interval(400 * D) == 30 * D
    born = NOW - 2 * H
    assert policy.next_visit(born, NOW - 2 * H, NOW) == NOW - H  # due an hour ago
    assert policy.next_visit(NOW - 400 * D, NOW - D, NOW) == NOW + 29 * D
    assert policy.next_visit(born, None, NOW) == NOW  # never fetched: now


def test_a_site_file_sets_its_own_schedule_and_can_stop_revisits() -> None:
    policy = RevisitPolicy.from_mapping({"6h": "30m", "older": "never"})
    assert policy.interval(H) == timedelta(minutes=30)
    assert policy.next_visit(NOW - 2 * D, NOW - D, NOW) is None
    assert parse_duration("1w") == 7 * D and parse_duration(90) == timedelta(seconds=90)
    with pytest.raises(ValueError, match="bad duration"):
        parse_duration("soon")
    base = {"name": "x", "hosts": ["x.example"]}
    assert parse_profile({**base, "revisit": {"1d": "2h"}}).revisit == {"1d": "2h"}
    with pytest.raises(ProfileError, match="revisit: bad duration"):
        parse_profile({**base, "revisit": {"1d": "often"}})


def test_retry_after_in_seconds_or_as_a_date() -> None:
    assert retry_after(b"120") == 120
    assert retry_after(b"Sun, 01 Jun 2025 12:00:30 GMT", NOW) == 30
    assert retry_after(b"Sun, 01 Jun 2025 11:00:00 GMT", NOW) == 0  # in the past: now
    assert retry_after(b"whenever") is None and retry_after(None) is None


def test_the_archive_lock_admits_one_holder_at_a_time(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with ArchiveLock(db):
        with pytest.raises(ArchiveLocked, match="another crawl is running.*held by pid"):
            ArchiveLock(db).acquire()
    with ArchiveLock(db):  # released on exit
        pass
