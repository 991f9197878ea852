"""Fast dates for comments and teasers: as shown on the page -> ISO 8601.

Regex-only on purpose: a page can have hundreds of comment dates, and dateparser costs
milliseconds per call. Handles ISO, DD.MM.YYYY[ HH:MM], YYYY/MM/DD, "December 11, 2025 at 2:03
pm", "11. Dezember 2025", "11 снежня 2025", and relative dates ("2 hours ago", "vor 3 Tagen",
"3 дня назад", "yesterday", "учора") against `now`.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

# Month-name prefixes by number; the longest matching prefix wins ("červenec" is July,
# "červen" June; "marras" Finnish November, "mar" March).
_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("jan", "ene", "gen", "sty", "led", "tammi", "ianu", "ocak", "jaan", "январ", "януар",
        "јануар", "студз", "січ", "ιαν"),
    2: ("feb", "fév", "fev", "lut", "úno", "helmi", "şub", "veebr", "феврал", "февруар",
        "фебруар", "лют", "φεβ"),
    3: ("mar", "mär", "mrz", "maa", "bře", "maalis", "már", "мар", "сакав", "берез", "μαρ"),
    4: ("apr", "ápr", "avr", "abr", "kwi", "dub", "huhti", "nisan", "апрел", "април", "крас",
        "квіт", "απρ"),
    5: ("may", "mai", "mei", "mag", "maj", "máj", "kvě", "touko", "мая", "май", "мај", "трав",
        "траў", "μαΐ", "μαϊ", "μαι"),
    6: ("jun", "jún", "jūn", "juun", "juin", "giu", "cze", "červen", "června", "kesä", "iuni",
        "haziran", "июн", "юни", "јун", "чэрв", "черв", "ιουν"),
    7: ("jul", "júl", "jūl", "juul", "juil", "lug", "lip", "červenec", "července", "heinä",
        "iuli", "temmuz", "июл", "юли", "јул", "ліп", "лип", "ιουλ"),
    8: ("aug", "avg", "aoû", "aou", "ago", "agu", "sie", "srp", "elo", "ağu", "август", "жні",
        "серп", "αυγ"),
    9: ("sep", "set", "szep", "wrz", "zář", "syys", "eylül", "сентябр", "септем", "верас",
        "верес", "σεπ"),
    10: ("oct", "okt", "ott", "out", "paź", "říj", "loka", "ekim", "октябр", "октом", "октоб",
         "кастр", "жовт", "οκτ"),
    11: ("nov", "noie", "lis", "marras", "kasım", "ноябр", "ноем", "новем", "ліст", "листоп",
         "νοε"),
    12: ("dec", "dez", "déc", "dic", "dis", "des", "dets", "gru", "pro", "joulu", "aralık",
         "декабр", "декем", "децем", "снеж", "груд", "δεκ"),
}
_PREFIXES = sorted(((p, n) for n, ps in _MONTHS.items() for p in ps), key=lambda x: -len(x[0]))


def month_number(word: str) -> int | None:
    w = word.lower().strip(".")
    if len(w) < 3:
        return None
    for prefix, num in _PREFIXES:
        if w.startswith(prefix):
            return num
    return None


# a byline's name glued to the date that follows it ("By Tim ClarkMarch 16, 2024": name and
# date in sibling elements without a space between them)
_GLUED = re.compile(r"(?<=[^\W\d_])(?=[A-ZÀ-ÞА-ЯЁ][^\W\d_A-ZÀ-ÞА-ЯЁ]{2,}$)")


def _month(m: re.Match[str]) -> tuple[int, int] | None:
    """(month number, where the month name starts) for a match with a `mon` group; a name
    glued in front of the month is skipped."""
    if num := month_number(m["mon"]):
        return num, m.start("mon")
    parts = _GLUED.split(m["mon"])
    if len(parts) == 2 and (num := month_number(parts[1])):
        return num, m.start("mon") + len(parts[0])
    return None


# "p.m.", "PM" and the Spanish "p. m."
_TIME = (r"(?:\D{0,6}?(?P<H>[01]?\d|2[0-3])[:.h](?P<M>[0-5]\d)(?::(?P<S>[0-5]\d))?"
         r"\s*(?P<ampm>[aApP]\.?\s?[mM]\.?)?)?")
# unpadded parts too, as some CMSs write them ("2022-5-6T12:00:00.000Z", "2022-05-11T4:10:00")
_ISO = re.compile(
    r"(?P<y>\d{4})-(?P<m>[01]?\d)-(?P<d>[0-3]?\d)(?!\d)(?:[T ](?P<t>[0-2]?\d:\d\d(?::\d\d)?)"
    r"(?:\.\d+)?(?P<z>Z|[+-]\d\d:?\d\d)?)?"
)
# "4. 2. 2022": the spaced form German style guides prescribe (four-digit year only)
_DMY = re.compile(r"(?<!\d)(?P<d>[0-3]?\d)(?:[./-]|\. )(?P<m>[0-3]?\d)(?:[./-](?P<y>\d{4}|\d\d)"
                  r"|\. (?P<y4>\d{4}))(?!\d)" + _TIME)
# 2019年6月24日 (Chinese, Japanese), 2023년 11월 7일 (Korean)
_CJK = re.compile(r"(?P<y>\d{4})\s*[年년]\s*(?P<m>[01]?\d)\s*[月월]\s*(?P<d>[0-3]?\d)\s*[日일]"
                  r"(?:\s*(?P<H>[01]?\d|2[0-3])\s*[:時시]\s*(?P<M>[0-5]\d))?")
_YMD = re.compile(r"(?<!\d)(?P<y>\d{4})[./](?P<m>[01]?\d)[./](?P<d>[0-3]?\d)(?!\d)" + _TIME)
# "7 de mayo del 2022": Latin American Spanish writes "del" before the year
_D_MONTH_Y = re.compile(
    r"(?<!\d)(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\.?\s*(?:de\s+)?(?P<mon>[^\W\d_]{3,12})\.?,?\s*"
    r"(?:del?\s+)?(?P<y>\d{4})(?!\d)" + _TIME
)
_MONTH_D_Y = re.compile(
    r"(?P<mon>[^\W\d_]{3,12})\.?\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})(?!\d)" + _TIME
)
# "2022. május 4." (Hungarian: year, month name, day)
_Y_MONTH_D = re.compile(
    r"(?<!\d)(?P<y>\d{4})\.\s*(?P<mon>[^\W\d_]{3,12})\.?\s+(?P<d>[0-3]?\d)\.(?!\d)" + _TIME
)
_RELATIVE = re.compile(
    r"(?<![\d,.])\b(?P<n>\d+|an?|one|ein(?:e|em|er)?|un[ea]?)\s*(?P<unit>[^\W\d_]+)\s*(?:ago|назад|тому)"
    r"|(?:vor|il y a|hace|há|fa)\s+(?P<n2>\d+|einem|einer|un[ea]?)\s*(?P<unit2>[^\W\d_]+)",
    re.I,
)
_UNITS = (
    (("sec", "sek", "сек", "s"), timedelta(seconds=1)),
    (("min", "мин", "хв"), timedelta(minutes=1)),
    (("hour", "hr", "stund", "heure", "hora", "ora", "час", "гадз", "годин", "h"),
     timedelta(hours=1)),
    (("day", "tag", "jour", "día", "dia", "giorn", "дн", "ден", "день", "дзён", "дні"),
     timedelta(days=1)),
    (("week", "woche", "semaine", "semana", "недел", "тыд", "тиж"), timedelta(weeks=1)),
    (("month", "monat", "mois", "mes", "мес", "меся"), timedelta(days=30)),
    (("year", "jahr", "an", "año", "ano", "год", "лет", "гад", "рік", "рок"), timedelta(days=365)),
)
_YESTERDAY = re.compile(r"\b(yesterday|gestern|hier|ayer|ieri|wczoraj)\b|вчера|учора|вчора", re.I)
_TODAY = re.compile(r"\b(today|heute|aujourd'hui|hoy|oggi|dzisiaj|dziś)\b|сегодня|сёння|сьогодні",
                    re.I)


def _hm(m: re.Match[str]) -> str | None:
    if not m.groupdict().get("H"):
        return None
    hour = int(m.group("H"))
    ampm = (m.groupdict().get("ampm") or "").lower().replace(".", "").replace(" ", "")
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    sec = m.groupdict().get("S")
    return f"{hour:02d}:{m.group('M')}" + (f":{sec}" if sec else "")


def _iso(year: int, month: int, day: int, hm: str | None) -> str | None:
    if year < 100:
        year += 2000 if year < 70 else 1900
    try:
        datetime(year, month, day)
    except ValueError:
        return None
    out = f"{year:04d}-{month:02d}-{day:02d}"
    return f"{out}T{hm}" if hm else out


def _unit(word: str) -> timedelta | None:
    w = word.lower()
    for prefixes, delta in _UNITS:
        if any(w.startswith(p) for p in prefixes if len(p) > 1) or w in prefixes:
            return delta
    return None


def parse_date(text: str | None, now: datetime | None = None, *,
               month_first: bool = False) -> str | None:
    """The first date in `text` as ISO 8601 (date, or date-time when a time is shown)."""
    if not text:
        return None
    text = re.sub(r"\s+", " ", text).strip()
    m = _ISO.search(text)
    if m:
        t = "0" + m["t"] if m["t"] and m["t"].index(":") == 1 else m["t"]
        iso = _iso(int(m["y"]), int(m["m"]), int(m["d"]), t)
        if iso and m["t"] and m["z"]:
            z = m["z"]
            iso += "+00:00" if z == "Z" else (z if ":" in z else z[:3] + ":" + z[3:])
        if iso:
            return iso
    m = _YMD.search(text)
    if m:
        return _iso(int(m["y"]), int(m["m"]), int(m["d"]), _hm(m))
    m = _DMY.search(text)
    if m:
        day, month = int(m["d"]), int(m["m"])
        # "/" dates are US month-first when the site says so or the day cannot be a month
        if month > 12 or (month_first and "/" in m.group(0) and day <= 12):
            day, month = month, day
        return _iso(int(m["y"] or m["y4"]), month, day, _hm(m))
    m = _CJK.search(text)
    if m:
        return _iso(int(m["y"]), int(m["m"]), int(m["d"]), _hm(m))
    for pattern in (_D_MONTH_Y, _MONTH_D_Y, _Y_MONTH_D):
        for m in pattern.finditer(text):
            if found := _month(m):
                return _iso(int(m["y"]), found[0], int(m["d"]), _hm(m))
    if now is None:
        return None
    m = _RELATIVE.search(text)
    if m:
        n_raw = (m["n"] or m["n2"] or "1").lower()
        delta = _unit(m["unit"] or m["unit2"] or "")
        if delta is not None:
            n = int(n_raw) if n_raw.isdigit() else 1
            when = now - n * delta
            if delta >= timedelta(days=1):
                return when.date().isoformat()
            return when.replace(microsecond=0).isoformat()
    for pattern, days in ((_YESTERDAY, 1), (_TODAY, 0)):
        m = pattern.search(text)
        if m:
            tm = re.search(r"(?P<H>[01]?\d|2[0-3]):(?P<M>[0-5]\d)(?::(?P<S>[0-5]\d))?"
                           r"\s*(?P<ampm>[ap]\.?\s?m\.?)?", text[m.end():], re.I)
            day = (now - timedelta(days=days)).date()
            return _iso(day.year, day.month, day.day, _hm(tm) if tm else None)
    return None


def find_date_text(text: str) -> str | None:
    """The substring of `text` that looks like a date (for `published_raw`)."""
    for pattern in (_ISO, _YMD, _DMY, _CJK, _D_MONTH_Y, _MONTH_D_Y, _Y_MONTH_D):
        for m in pattern.finditer(text):
            if "mon" not in pattern.groupindex:
                return m.group(0).strip(" ,")
            if found := _month(m):
                start = found[1] if pattern is _MONTH_D_Y else m.start()
                return text[start:m.end()].strip(" ,")
    m = _RELATIVE.search(text)
    return m.group(0).strip() if m else None


def is_relative(text: str) -> bool:
    """A date only read against the fetch time ("2 hours ago", "gestern"): right on a page
    fetched as it is published, wrong on an older copy and in "latest news" boxes."""
    return parse_date(text) is None and parse_date(text, datetime(2000, 1, 1)) is not None


_WORD = re.compile(r"[^\W\d_]{2,}")
# "This story was first published on March 3, 2024 by ...": a sentence, but about the page
_PUBLISHED_WORD = re.compile(r"publi|posted|veröffentlicht|erschien|pubblicat|gepubliceerd",
                             re.I)


def in_sentence(text: str, shown: str) -> bool:
    """`shown` (a date found in `text`) sits inside a sentence of running text ("Der nächste
    Stammtisch findet am Mi. 5. Februar 2020 ab 19 Uhr im ..."): an event the text is about,
    not a dateline. A dateline leads with the date, or names people and places around it
    ("Von Max Muster und Erika Beispiel, Redaktion Wirtschaft, 12.03.2024"); a sentence has a
    few words before the date and mostly lowercase words around it (nouns are capitalized in
    German, its function words are not)."""
    at = text.find(shown)
    if at < 0 or _PUBLISHED_WORD.search(text[:at]):
        return False
    before = _WORD.findall(text[:at])
    words = before + _WORD.findall(text[at + len(shown):])
    lower = sum(w[0].islower() for w in words)
    return len(before) >= 3 and len(words) >= 8 and 2 * lower >= len(words)
