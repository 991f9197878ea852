"""Photo credit lines -> the agency behind them, for the `photo_credits` canned query.

Credits are free text ("Nadia Petrescu/Reuters", "AP Photo/Jane Doe", "Reuters/Иван Петров",
"Sputnik, Kremlin Pool Photo via AP"). The agency is recognised by pattern; in "X via Y" the
picture comes from X and Y only distributed it, so X is tried first.
"""

from __future__ import annotations

import re

AGENCIES: list[tuple[str, re.Pattern[str]]] = [
    (name, re.compile(pattern, re.I))
    for name, pattern in [
        ("Reuters", r"reuters|рейтер"),
        ("AFP", r"\bafp\b|agence france|\bафп\b"),
        ("AP", r"\bap\b|associated press|\bап\b"),
        ("Getty Images", r"getty"),
        ("EPA", r"\bepa\b|\bepa-efe\b"),
        ("Sputnik / RIA Novosti", r"sputnik|спутник|ria novosti|\bриа\b"),
        ("TASS", r"\btass\b|\bтасс\b"),
        ("Xinhua", r"xinhua|синьхуа"),
        ("Anadolu", r"anadolu"),
        ("dpa", r"\bdpa\b"),
        ("PA", r"^pa$|\bpa (wire|media|images)\b"),
        ("Bloomberg", r"bloomberg"),
        ("Shutterstock", r"shutterstock"),
        ("BelTA", r"belta|белта"),
    ]
]
OTHER = "other"


def _match(text: str) -> str | None:
    return next((name for name, rx in AGENCIES if rx.search(text)), None)


def credit_agency(credit: str | None) -> str | None:
    """The agency a credit line names, OTHER when it names none, None for no credit."""
    if credit is None or not credit.strip():
        return None
    origin = re.split(r"\s+via\s+", credit, maxsplit=1, flags=re.I)[0]
    return _match(origin) or _match(credit) or OTHER
