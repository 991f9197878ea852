"""Tables that are never article text (split from body_generic.py to keep it short)."""

from __future__ import annotations

from lxml import etree

Node = etree._Element


def is_calendar(table: Node) -> bool:
    """A month grid (a booking calendar's availability, a date picker): at least 28 distinct
    day numbers, and nearly all cells day numbers or empty. Never article text, and hundreds
    of lines of "1", "2", "3" when several months are shown."""
    if next(table.iterdescendants("table"), None) is not None:
        return False  # a layout table: the grid inside is judged on its own
    cells = [(c.text_content() or "").strip() for c in table.iter("td")]
    days = [c for c in cells if c.isdigit() and len(c) <= 2]
    # a month's days are 28 or more distinct numbers; a table of scores repeats a few
    return len(set(days)) >= 28 and len(days) + cells.count("") >= 0.8 * len(cells)
