"""Article dates: any shown or declared date -> ISO 8601, fast path first.

The regex parser in `dates_local` (ISO, DD.MM.YYYY, month names in many languages, relative
dates against `now`) handles nearly every page in microseconds; dateparser (milliseconds a call,
a second to warm up) only sees what it could not read. Values outside 1990..now+2 days are
rejected: they are copyright years, birthdays or template placeholders, not publication dates.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta

from newsarchive.extract.dates_local import find_date_text
from newsarchive.extract.dates_local import parse_date as _fast_parse

log = logging.getLogger(__name__)
_EPOCH = re.compile(r"^\d{10}(?:\d{3})?$")
_HAS_DIGIT = re.compile(r"\d")


def _plausible(iso: str, now: datetime) -> bool:
    try:
        year, month, day = int(iso[:4]), int(iso[5:7]), int(iso[8:10])
        when = datetime(year, month, day, tzinfo=UTC)
    except ValueError:
        return False
    return year >= 1990 and when <= now + timedelta(days=2)


def _with_offset(iso: str) -> str:
    """Normalize '2024-03-12T14:05:00.000Z' -> '2024-03-12T14:05:00+00:00' (keeps the offset)."""
    try:
        dt = datetime.fromisoformat(iso.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return iso
    if dt.hour == dt.minute == dt.second == 0 and len(iso) <= 10:
        return dt.date().isoformat()
    return dt.replace(microsecond=0).isoformat()


def _dateparser(raw: str, now: datetime, languages: list[str] | None) -> str | None:
    try:
        import dateparser

        settings = {"RELATIVE_BASE": now.replace(tzinfo=None), "PREFER_DAY_OF_MONTH": "first",
                    "RETURN_AS_TIMEZONE_AWARE": False, "DATE_ORDER": "DMY",
                    "PARSERS": ["timestamp", "relative-time", "custom-formats",
                                "absolute-time"]}
        dt = dateparser.parse(raw[:80], languages=languages, settings=settings)  # type: ignore
    except Exception as exc:  # noqa: BLE001 - dateparser raises many things on odd input
        log.debug("dateparser failed on %r: %s", raw, exc)
        return None
    if dt is None:
        return None
    if dt.hour == dt.minute == dt.second == 0:
        return dt.date().isoformat()
    return dt.replace(microsecond=0).isoformat()


def parse(raw: str | None, now: datetime, *, lang: str | None = None,
          slow: bool = True, month_first: bool = False) -> str | None:
    """`raw` (a meta value, a datetime attribute or text as shown) -> ISO 8601 or None."""
    if not raw:
        return None
    raw = raw.strip()
    if not raw or not _HAS_DIGIT.search(raw) and not slow:
        return None
    if _EPOCH.match(raw):
        secs = int(raw[:10])
        iso = datetime.fromtimestamp(secs, UTC).replace(microsecond=0).isoformat()
        return iso if _plausible(iso, now) else None
    try:
        iso = _fast_parse(raw[:200], now, month_first=month_first)
    except (ValueError, OverflowError):
        iso = None
    if iso and "T" in iso:
        iso = _with_offset(iso)
    if iso is None and slow and len(raw) <= 80 and re.search(r"[^\W\d_]", raw):
        iso = _dateparser(raw, now, [lang.split("-")[0]] if lang else None)
    return iso if iso and _plausible(iso, now) else None


def find_in_text(text: str, now: datetime, lang: str | None = None) -> tuple[str, str] | None:
    """The first date shown in a short text (a byline, a dateline): (iso, as shown)."""
    shown = find_date_text(text)
    if not shown:
        return None
    iso = parse(shown, now, lang=lang, slow=False)
    return (iso, shown) if iso else None
