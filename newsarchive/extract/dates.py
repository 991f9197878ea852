"""Article dates: any shown or declared date -> ISO 8601, fast path first.

The regex parser in `dates_local` (ISO, DD.MM.YYYY, month names in many languages, relative
dates against `now`) handles nearly every page in microseconds; dateparser (milliseconds a call,
a second to warm up) only sees what it could not read. Values outside 1990..now+2 days are
rejected: they are copyright years, birthdays or template placeholders, not publication dates.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta, timezone

from newsarchive.extract.dates_local import find_date_text
from newsarchive.extract.dates_local import parse_date as _fast_parse

log = logging.getLogger(__name__)
_EPOCH = re.compile(r"^\d{10}(?:\d{3})?$")
_HAS_DIGIT = re.compile(r"\d")
_TIME_ONLY = re.compile(r"\d{1,2}:\d\d(?::\d\d)?\s*(?:[ap]\.?m\.?|uhr|h)?", re.I)
_URL_DATE = re.compile(
    r"/((?:19|20)\d\d)[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:/|[-_]|$)")
_OFFSET = re.compile(r"T\d\d:\d\d(?::\d\d)?(?:\.\d+)?([+-]\d\d):?(\d\d)$")


def local_offset(values: list[str]) -> timedelta | None:
    """The publisher's UTC offset, from any timestamp on the page that states a non-zero one."""
    for value in values:
        m = _OFFSET.search(value.strip())
        if m and (m[1], m[2]) not in (("+00", "00"), ("-00", "00")):
            sign = -1 if m[1][0] == "-" else 1
            return sign * timedelta(hours=int(m[1][1:]), minutes=int(m[2]))
    return None


def to_offset(iso: str, offset: timedelta | None) -> str:
    """A UTC timestamp shown in the publisher's own offset (same instant, local day)."""
    if offset is None or not iso.endswith("+00:00"):
        return iso
    try:
        dt = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return dt.astimezone(timezone(offset)).isoformat()


def url_date(url: str) -> str | None:
    """The date a URL path spells out (/2024/03/12/ or /2024-03-12-...), if any."""
    m = _URL_DATE.search(url)
    if not m:
        return None
    try:
        return datetime(int(m[1]), int(m[2]), int(m[3])).date().isoformat()
    except ValueError:
        return None


def reconcile_with_url(iso: str, url: str) -> str:
    """A URL's date is the day the article was filed. When structured data says a later day
    (a modification, or a UTC timestamp that crossed midnight) the URL's day wins."""
    day = url_date(url)
    if not day or iso[:10] == day:
        return iso
    return day if iso[:10] > day else iso


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
    # dateparser reads a bare time ("2:33 PM") as today: only give it text with a date part
    dateish = _TIME_ONLY.sub("", raw)
    if iso is None and slow and len(raw) <= 80 and re.search(r"[^\W\d_]{3,}|\d", dateish):
        iso = _dateparser(raw, now, [lang.split("-")[0]] if lang else None)
    return iso if iso and _plausible(iso, now) else None


def find_in_text(text: str, now: datetime, lang: str | None = None) -> tuple[str, str] | None:
    """The first date shown in a short text (a byline, a dateline): (iso, as shown)."""
    shown = find_date_text(text)
    if not shown:
        return None
    iso = parse(shown, now, lang=lang, slow=False)
    return (iso, shown) if iso else None
