"""When a declared comment count is the page's own: hidden counters, closed sections, and
counters that belong to other items.

A count is what the page shows or declares. Three things look like a count and are not:
- a counter the page hides (`class="comment-count hide-count-amount"`, `style="display:none"`,
  `hidden` on the counter itself): a placeholder that a script fills or reveals, so its "0"
  says nothing;
- `commentCount: 0` in JSON-LD on a page with no open comment section: SEO plugins write it on
  every page, whether or not comments are enabled ("Comments are closed." is no section);
- counters of several comment boxes that disagree: each belongs to one teaser or one section of
  the page ("0 Diskussionen", "8 Diskussionen", ... beside each chapter), none is the page's.
"""

from __future__ import annotations

import re

from lxml import etree

from newsarchive.extract.site import text_of

Node = etree._Element

# class tokens that hide an element in common CSS frameworks and site styles; "hide-*" covers
# state classes like "hide-count-amount". Responsive ones ("hidden-xs") hide on some screens only.
_HIDING_TOKENS = frozenset(("hidden", "hide", "is-hidden", "d-none", "display-none", "invisible"))
_HIDING_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# "Comments are closed.", "Kommentare sind geschlossen", "Les commentaires sont fermés"
_CLOSED = re.compile(r"closed|disabled|geschlossen|deaktiviert|fermés?|cerrados?|chiusi|"
                     r"gesloten|zamknięte|закрыты", re.I)


def hidden(el: Node) -> bool:
    """True when the counter itself is hidden by attribute, inline style or a hiding class
    ("<a class='comment-count hide-count-amount'>0 comments</a>"). Its ancestors are not asked:
    a collapsed comments box that a button opens is `display:none` too, and its "2 Kommentare"
    heading is still the count."""
    if el.get("hidden") is not None:
        return True
    style = el.get("style")
    if style and _HIDING_STYLE.search(style):
        return True
    cls = el.get("class")
    return bool(cls) and any(t in _HIDING_TOKENS or t.startswith("hide-") for t in cls.split())


def closed_only(area: Node) -> bool:
    """An area that only says the comments are closed: no section, no count."""
    shown = text_of(area)
    return len(shown) < 150 and bool(_CLOSED.search(shown))


def open_section(areas: list[Node]) -> bool:
    return any(not closed_only(a) for a in areas)


def agreed(counts: list[int]) -> int | None:
    """The count several comment boxes show, when they agree; None when they do not (each box
    counts its own teaser or chapter) or when none shows one."""
    return counts[0] if counts and len(set(counts)) == 1 else None
