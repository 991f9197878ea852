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
from email.utils import parsedate_to_datetime

from newsarchive.extract.dates_local import find_date_text, in_sentence
from newsarchive.extract.dates_local import parse_date as _fast_parse

log = logging.getLogger(__name__)
_EPOCH = re.compile(r"^\d{10}(?:\d{3})?$")
# RFC 2822 with a zone, as RSS pubDate and some meta tags write it ("Tue, 11 Mar 2025 07:15 +0000")
_RFC2822 = re.compile(r"^(?:[A-Z][a-z]{2},\s*)?\d{1,2}\s+[A-Z][a-z]{2}\s+\d{4}\s+\d{1,2}:\d{2}"
                      r"(?::\d{2})?\s+(?:[+-]\d{4}|GMT|UTC?|Z|[ECMP][SD]T)$")
_HAS_DIGIT = re.compile(r"\d")
_TIME_ONLY = re.compile(r"\d{1,2}:\d\d(?::\d\d)?\s*(?:[ap]\.?m\.?|uhr|h)?", re.I)
_URL_DATE = re.compile(
    r"/((?:19|20)\d\d)[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:/|[-_]|$)")
_URL_DMY = re.compile(r"/(0?[1-9]|[12]\d|3[01])-(0?[1-9]|1[0-2])-((?:19|20)\d\d)(?:/|[-_.]|$)")
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
    """The date a URL path spells out (/2024/03/12/, /2024-03-12-..., /12-03-2024...), if any."""
    found = url_date_found(url)
    return found[0] if found else None


def url_date_found(url: str) -> tuple[str, str] | None:
    """(ISO day, the URL's date segment as written) for a URL that spells out a date."""
    m = _URL_DATE.search(url)
    if m:
        year, month, day = m[1], m[2], m[3]
    elif m := _URL_DMY.search(url):
        day, month, year = m[1], m[2], m[3]
    else:
        return None
    try:
        iso = datetime(int(year), int(month), int(day)).date().isoformat()
    except ValueError:
        return None
    return iso, m.group(0).strip("/-_.")


def reconcile_with_url(iso: str, url: str) -> str:
    """A URL's date is the day the article was filed. When structured data says a later day
    in UTC (a timestamp that crossed midnight) or a month later (a modification), the URL's day
    wins; a few days later in the publisher's own offset is a real publication date."""
    day = url_date(url)
    if not day or iso[:10] <= day:
        return iso
    utc = iso.endswith("+00:00")
    try:
        gap = (datetime.fromisoformat(iso[:10]) - datetime.fromisoformat(day)).days
    except ValueError:
        return iso
    return day if utc or gap > 30 else iso


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
    if _RFC2822.match(raw):  # feeds, HTTP-style meta: the offset matters, dateparser drops it
        try:
            dt = parsedate_to_datetime(raw)
        except (TypeError, ValueError):
            dt = None
        if dt is not None:
            iso = dt.replace(microsecond=0).isoformat()
            return iso if _plausible(iso, now) else None
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


def find_in_dateline(text: str, now: datetime,
                     lang: str | None = None) -> tuple[str, str] | None:
    """`find_in_text` for a text beside the headline, unless the date sits inside a sentence
    of running text (an event's date in the opening paragraph is not the page's date)."""
    found = find_in_text(text, now, lang)
    return None if found and in_sentence(text, found[1]) else found


# Publisher time zones by country-code TLD and by language, for UTC stamps on pages that state
# no offset anywhere: "2022-11-06T23:00Z" on a German page is the 7th where it was published.
# Only zones where a country (or a language's main readership) has one civil time are listed.
_TZ_BY_COUNTRY = {
    "de": "Europe/Berlin", "at": "Europe/Vienna", "ch": "Europe/Zurich", "fr": "Europe/Paris",
    "it": "Europe/Rome", "es": "Europe/Madrid", "nl": "Europe/Amsterdam", "be": "Europe/Brussels",
    "lu": "Europe/Luxembourg", "pl": "Europe/Warsaw", "cz": "Europe/Prague",
    "sk": "Europe/Bratislava", "hu": "Europe/Budapest", "dk": "Europe/Copenhagen",
    "se": "Europe/Stockholm", "no": "Europe/Oslo", "fi": "Europe/Helsinki",
    "ee": "Europe/Tallinn", "lv": "Europe/Riga", "lt": "Europe/Vilnius", "by": "Europe/Minsk",
    "ua": "Europe/Kyiv", "ro": "Europe/Bucharest", "bg": "Europe/Sofia", "gr": "Europe/Athens",
    "tr": "Europe/Istanbul", "pt": "Europe/Lisbon", "ie": "Europe/Dublin", "uk": "Europe/London",
    "gb": "Europe/London", "si": "Europe/Ljubljana", "hr": "Europe/Zagreb",
    "rs": "Europe/Belgrade", "al": "Europe/Tirane", "jp": "Asia/Tokyo", "kr": "Asia/Seoul",
    "cn": "Asia/Shanghai", "tw": "Asia/Taipei", "hk": "Asia/Hong_Kong", "in": "Asia/Kolkata",
    "il": "Asia/Jerusalem", "br": "America/Sao_Paulo", "ar": "America/Argentina/Buenos_Aires",
    "uy": "America/Montevideo", "pe": "America/Lima", "co": "America/Bogota",
    "cl": "America/Santiago", "ve": "America/Caracas", "ec": "America/Guayaquil",
    "bo": "America/La_Paz", "py": "America/Asuncion", "nz": "Pacific/Auckland",
    "za": "Africa/Johannesburg", "us": "America/New_York",
}
_TZ_BY_LANG = {
    "de": "Europe/Berlin", "fr": "Europe/Paris", "it": "Europe/Rome", "nl": "Europe/Amsterdam",
    "pl": "Europe/Warsaw", "cs": "Europe/Prague", "sk": "Europe/Bratislava",
    "hu": "Europe/Budapest", "da": "Europe/Copenhagen", "sv": "Europe/Stockholm",
    "nb": "Europe/Oslo", "fi": "Europe/Helsinki", "be": "Europe/Minsk", "uk": "Europe/Kyiv",
    "ro": "Europe/Bucharest", "bg": "Europe/Sofia", "el": "Europe/Athens",
    "tr": "Europe/Istanbul", "ja": "Asia/Tokyo", "ko": "Asia/Seoul", "sq": "Europe/Tirane",
    "he": "Asia/Jerusalem",
}
_GENERIC_TLDS = {"com", "org", "net", "info", "eu", "io", "news", "co", "me", "tv", "blog"}


def publisher_zone(host: str, lang: str | None) -> str | None:
    """The IANA zone a page was most likely published in: the country-code TLD, else the
    region of the page language (pt-BR, es-AR), else a language read mainly in one zone."""
    tld = host.rsplit(".", 1)[-1].lower() if "." in host else ""
    if tld and tld not in _GENERIC_TLDS and tld in _TZ_BY_COUNTRY:
        return _TZ_BY_COUNTRY[tld]
    parts = (lang or "").replace("_", "-").split("-")
    if len(parts) > 1 and parts[-1].lower() in _TZ_BY_COUNTRY and parts[-1].lower() != "us":
        return _TZ_BY_COUNTRY[parts[-1].lower()]
    return _TZ_BY_LANG.get(parts[0].lower()) if parts[0] else None


def to_zone(iso: str, zone: str | None) -> str:
    """A UTC timestamp shown in the publisher's zone (same instant, local day)."""
    if not zone or not iso.endswith("+00:00"):
        return iso
    try:
        from zoneinfo import ZoneInfo

        return datetime.fromisoformat(iso).astimezone(ZoneInfo(zone)).isoformat()
    except (ValueError, KeyError, OSError, ImportError):  # no tz database: keep UTC
        return iso
