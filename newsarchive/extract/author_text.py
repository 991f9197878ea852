"""Authors in running text: the names under labels ("By", "Ein Beitrag von", "Redaktion:",
"责任编辑："), a press release's contact, a script's JSON state; and the helpers every author
rule shares (where names are not the article's, splitting a byline).

These rules read text, not structure: metadata_authors asks them when structured data and
byline-classed elements named nobody.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any

from lxml import etree

from newsarchive.extract.generic import BYLINE_START, BYLINE_WORDS
from newsarchive.extract.text import clean, fold, looks_like_name, split_names

if TYPE_CHECKING:
    from newsarchive.extract.document import Document

_EXCLUDED_CLASS = re.compile(r"comment|related|sidebar|photo-?author|photo_author|photographer",
                             re.I)
# "with-sidebar", "has-double-sidebar", "layoutTwoColumnsRightSidebar", "two-column-sidebar"
# mark a layout that has a sidebar, not the sidebar itself
_LAYOUT_TOKEN = re.compile(r"(?:^|\s)(?:(?:with|has|no)-[\w-]*sidebar|"
                           r"[\w-]*(?:layout|columns?)[\w-]*sidebar[\w-]*)", re.I)
_EXCLUDED_ID = re.compile(r"comment", re.I)
_EXCLUDED_TAGS = {"form", "input", "figcaption", "nav"}
DIGIT = re.compile(r"\d")
_TEXTS = etree.XPath("//body//text()")
# a handle or an e-mail address after a name ("Jane Doe @janedoe", "Jane Doe (@janedoe)",
# "Jane Doe jane.doe@example.com") ends that name: the next one may follow ("By Jane Doe
# @janedoe John Roe")
_HANDLE = re.compile(r"(?:^|\s+)(?:\(\s*)?(?:[\w.+-]+@[\w-]+(?:\.[\w-]+)+|@\w+)\)?")
ORG_WORDS = re.compile(r"\b(?:gmbh|ag|inc|ltd|llc|verlag|media|medien|news|zeitung|group|"
                       r"gruppe|e\.?\s?v|s\.?a|press|presse|online|magazin|redaktion|team)\b",
                       re.I)


def excluded(el: etree._Element) -> bool:
    """Inside a comment thread, a related or sidebar block, a form, a caption or a photo
    credit: names there are not the article's authors."""
    node: etree._Element | None = el
    while node is not None:
        tag = node.tag
        if tag in _EXCLUDED_TAGS:
            return True
        if tag not in ("body", "html", "article", "main"):
            cls, ident = node.get("class"), node.get("id")
            if ident and _EXCLUDED_ID.search(ident):
                return True
            if cls and (m := _EXCLUDED_CLASS.search(cls)):
                if m.group(0).lower() != "sidebar":
                    return True
                # a page wrapper named for its sidebar layout holds the headline too
                if (_EXCLUDED_CLASS.search(_LAYOUT_TOKEN.sub(" ", cls))
                        and node.find(".//h1") is None):
                    return True
        node = node.getparent()
    return False


# "Jane Doe, PhD", "John Roe, MD": a degree after the comma is not a second author
_DEGREE = re.compile(r"(?:ph\.?\s?d|m\.?d|d\.?o|m\.?sc?|b\.?sc?|m\.?a|b\.?a|mba|mph|"
                     r"r\.?d\.?n?|r\.?n|ll\.?m|dipl\.?[\w.-]*)\.?", re.I)
_OXFORD_AND = re.compile(r",\s+(?:and|und|et|y|e|&)\s+", re.I)  # "A, B, and C"
# "A im Gespräch mit B", "A in conversation with B": both are the piece's authors
_CONVERSATION = re.compile(r"\s+(?:im gespräch mit|im interview mit|in conversation with|"
                           r"en conversation avec|in conversazione con|talks? (?:to|with))\s+",
                           re.I)
# "jdoe on August 3, 2019", "Jane Doe am 3. Mai 2020": the date after the name
_ON_DATE = re.compile(r"\s+(?:on|am|le|el|il)\s+(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|"
                      r"nov|dec|mär|okt|dez)[a-zä]*\.?\s+)?\d.*$", re.I)


_SLASH = "_slash_"  # a word character to split_names, which splits on "/"
_CREDIT_SLASH = re.compile(r"([^,;/|&]{1,30})/([^,;/|&]{1,30})")
_PERSON = re.compile(r"(?!(?i:the|die|der|das|le|la|el)\s)[^\W\d_][^\W\d_'’.-]*[a-zà-ÿ]"
                     r"(?:\s+[^\W\d_][\w'’.-]*)+")


def _join_credit(m: re.Match[str]) -> str:
    """"dpa/lno", "AFP/The Local" stay one credit; "Jane Doe/dpa" is a person and an agency."""
    left, right = m.group(1), m.group(2)
    if left[-1:].isspace() or right[:1].isspace() or any(
            _PERSON.fullmatch(side.strip()) for side in (left, right)):
        return m.group(0)
    return left + _SLASH + right


# "A, B and C - Chrome Safe Browsing team": the team all of them belong to, after a dash at
# the end ("Jane Doe - dpa" credits an agency, "DITIB - Türkisch-Islamische Union" names one)
_TEAM_TAIL = re.compile(r"\s+[-–—]\s+[^,;/|]*\b(?i:team|desk|newsroom|redaktion|ressort)$")
# "Author:" in languages split_names' "By"/"Von"/"Autor:" list leaves out: Turkish, Hungarian,
# Finnish, Swedish, Danish/Norwegian, Indonesian/Malay, Lithuanian, Latvian, Greek, Vietnamese
_LABEL_WORD = re.compile(r"^\s*(?:yazar|yazan|szerző|kirjoittaja|teksti|författare|skribent|"
                         r"forfatter|tekst|skrevet\s+af|skrevet\s+av|penulis|oleh|autorius|"
                         r"autors|συντάκτης|συγγραφέας|tác\s+giả)\s*[:：]\s*", re.I)
# Korean and Japanese bylines put the role after the name: "홍길동 기자" (reporter), "山田太郎記者"
_CJK_ROLE = re.compile(r"\s*(?:기자|특파원|선임기자|記者|特派員|編集委員)(?=\s*(?:[,;/|·]|$))")
_SOCIAL_URL = re.compile(r"(?:facebook|twitter|instagram|linkedin|x)\.com/", re.I)


def byline_names(values: list[str]) -> list[str]:
    """split_names after dropping Twitter handles ("Jane Doe @janedoe") and degrees."""
    out = []
    for value in values:
        if "&" in value and ";" in value:
            value = html.unescape(value)  # JSON-LD written with entities ("Redacci&oacute;n")
        value = _CJK_ROLE.sub("", _LABEL_WORD.sub("", value))
        stripped = _OXFORD_AND.sub(", ", _HANDLE.sub(", ", _TEAM_TAIL.sub("", value)))
        stripped = _ON_DATE.sub("", _CONVERSATION.sub(", ", stripped))
        out.append(stripped if stripped.strip() else value)
    out = [v for v in out if not _SOCIAL_URL.search(v)]
    if any("/" in v for v in out):
        # "dpa/lno", "AFP/The Local": one credit (desk and agency), as the page prints it
        out = [_CREDIT_SLASH.sub(_join_credit, v) for v in out]
        return [n.replace(_SLASH, "/") for n in split_names(out) if _kept(n)]
    return [n for n in split_names(out) if _kept(n)]


# What a template prints where no name was filled in: a field placeholder ("Name", "Your
# name"), the label alone ("Article by", "Ein Beitrag von"), a link to the list of members
_PLACEHOLDER = re.compile(r"(?:your |ihr |votre |su )?name|vorname nachname|first ?name "
                          r"last ?name|(?:member|author|user)s? list|(?:mitglieder|autoren)liste|"
                          r"all (?:authors|members)|alle (?:autoren|mitglieder)", re.I)
_LABEL_ONLY = re.compile(r"\s(?:by|von|par|por|door)$", re.I)


_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def _kept(name: str) -> bool:
    # a year is no part of a name: "Jane Doe, IFZ, Oktober 2008" ends with the date
    return not (_DEGREE.fullmatch(name) or _PLACEHOLDER.fullmatch(name)
                or _LABEL_ONLY.search(name) or _YEAR.search(name))


# "04.02.2022 | 13:10 Uhr | Jane Doe", "25.10.2022 - Jane Doe", "06.11.2023 13:30 von Jane Doe"
_DATE_THEN_NAME = re.compile(
    r"^\s*\d{1,2}\.\d{1,2}\.\d{2,4}(?:\s*[|,-]?\s*\d{1,2}[:.]\d\d(?:\s*uhr)?)?\s*"
    r"(?:[|–—-]|von|by)\s*(?P<name>[^\W\d_][^\d|:]{2,40}?)\s*$", re.I)
# What a byline calls the piece or its writing: "Ein Beitrag von", "Blog post by", "Written by"
_PIECE = (r"(?:(?:ein|eine|a|an|un|une)\s+)?(?:[^\W\d_]+\s)?\w*(?:artikel|beitrag|bericht|"
          r"kommentar|article|story|blog\s?post|column|essay|analyse|analysis|reportage|"
          r"rezension|review)|written|posted|reported|geschrieben|verfasst|eingestellt|"
          r"words|text")
# ... in front of the name a byline-classed element holds: "Pressemitteilung von Jane Doe" (in
# text, "Blog post by Jane Doe (Update)" may be a linked post title: after_label decides)
PIECE_LEAD = re.compile(r"^\s*(?:" + _PIECE + r"|pressemitteilung|pressemeldung|press\s+release|"
                         r"im\s+wortlaut)\s+(?:von|by|de|par|por)\s+(?=[^\W\d_])", re.I)
# The piece, then its author: "Ein Beitrag von Jane Doe", "Blog post by Jane Doe"
_PIECE_BY = re.compile(r"(?:" + _PIECE + r")\s+(?:von|by|de|par|por)\s+(?P<name>[^\W\d_].*)",
                       re.I)
# ... or the name in the next element: "Ein Artikel von <strong>", "Written by: <a>"
_LABEL_END = re.compile(r"(?:" + _PIECE + r")\s+(?:von|by|par|por|door)\s*:?", re.I)
# A label and the name in one text: "Redaktion: Jane Doe", "Text und Interview: Jane Doe"
_LABEL_COLON = re.compile(
    r"[-–|]?\s*(?:redaktion|interview|text(?:\s+und\s+interview)?|reportage|words|"
    r"reporting)\s*:\s*(?P<name>.*)", re.I)
# Chinese bylines: "作者：", "记者 ", "责任编辑：" (author, reporter, editor in charge)
_CJK_LABEL = re.compile(r"[\[【（(]?\s*(?:作者|记者|記者|责任编辑|責任編輯|编辑|編輯|撰文)"
                        r"\s*[:：]\s*(?:记者|記者)?\s*(?P<name>[^\s\]】）)|｜]{2,12})")
# WordPress's Classic theme: "Filed under: <a>News</a> — jdoe @ 00:11" (the author, then the
# time of posting)
_DASH_AT_TIME = re.compile(r"[—–]\s*(?P<name>[^\W\d_][\w.' -]{1,40}?)\s*@\s*\d{1,2}:\d\d\b")
# Footer credits that read like bylines: "Theme by X", "Powered by X", "Photos by X"
_NOT_AUTHOR_LABEL = re.compile(
    r"theme|powered|design|hosted|hosting|photo|foto|bild|image|develop|built|made|sponsor|"
    r"present|brought|translat|übersetz|illustr|video|kamera|camera|musi[ck]|grafik|graphic|"
    r"template|plugin|code|support|unterstützt|proudly", re.I)


# "Pressekontakt", "Kontakt:", "Media contact": on a press release, the person who answers
# for it, named on the next line above a phone number or an e-mail address
_CONTACT = re.compile(r"(?:(?:presse|medien)kontakt(?:\s+für\s+(?:die\s+)?(?:medien|presse|"
                      r"journalisten))?|(?:press|media)\s+contacts?|contact\s+presse):?|"
                      r"kontakt:", re.I)  # a bare "Kontakt" is a menu item; "Kontakt:" a label
_PERSON_LINE = re.compile(r"(?:(?i:dr|prof)\.\s*)*[^\W\d_][\w'’-]*(?:\s+[^\W\d_][\w'’.-]*){1,3}")
# The labels above and the contact label in one pattern: one match call a text node (a page
# has ~800), where one call a pattern made the scan cost more than all the rules. The piece
# words only after a lookahead finds "von"/"by" in the first words: most texts fail there.
_ANY_LABEL = re.compile("|".join((
    "(?P<contact>(?i:" + _CONTACT.pattern + ")$)",
    BYLINE_START.pattern, "(?i:" + _DATE_THEN_NAME.pattern + ")",
    r"(?i:(?=.{0,40}?\s(?:von|by|de|par|por|door)\b)(?:" + _PIECE + r")\s+(?:von|by|par|por|door)"
    r"\s*:?$)",
    r"(?i:(?=.{0,40}?\s(?:von|by|de|par|por)\s)(?:" + _PIECE + r")\s+(?:von|by|de|par|por)\s+"
    r"[^\W\d_])",
    "(?i:" + _LABEL_COLON.pattern.replace("(?P<name>", "(?:") + ")",
    _CJK_LABEL.pattern.replace("(?P<name>", "(?:"),
    _DASH_AT_TIME.pattern.replace("(?P<name>", "(?:"), "(?i:" + _LABEL_WORD.pattern + ")")))


# the dashes a signature opens with before its byline word ("---- by Jane Doe", "— Von X")
_DASH_BY = re.compile(r"^[-–—]{1,6}\s*(?=(?i:by|von|par|por)\s)")


class TextScan:
    """One pass over the page's short text nodes (stripped: leading whitespace runs made the
    patterns backtrack): those that hold or announce a byline, and press-contact labels, in
    document order."""

    def __init__(self, doc: Document) -> None:
        self.labels: list[Any] = []
        self.contacts: list[Any] = []
        for t in _TEXTS(doc.tree):
            if len(t) >= 200:
                continue
            s = t.strip()
            if not s or len(s) >= 90:
                continue
            if s[0] in "-–—":
                s = _DASH_BY.sub("", s)  # "---- by Jane Doe": a signature's dash rule
            if m := _ANY_LABEL.match(s):
                (self.contacts if m.group("contact") else self.labels).append(t)
            elif (len(s) < 12 and s.lower().rstrip(":") in BYLINE_WORDS
                  and (parent := t.getparent()) is not None
                  and "label" in (parent.get("class") or "")):
                self.labels.append(t)  # "Interview" in <div class="credit-label">, name beside


def _line_texts(node: etree._Element) -> list[str]:
    """The element's text cut into its lines where a <br> breaks them (text_content joins
    them: "Von Jane Doe<br>Kakuma / Kenia" would read as one name)."""
    out: list[str] = []
    for event, el in etree.iterwalk(node, events=("start", "end")):
        if event == "start":
            if el.tag == "br":
                out.append("\n")
            elif isinstance(el.tag, str):  # a comment's text is no part of the page's
                out.append(el.text or "")
        elif el is not node:
            out.append(el.tail or "")
    return "".join(out).split("\n")


def _name_after(text: Any, label: str) -> str:
    """The text after a label that stands alone ("By" in its own span, "Ein Artikel von"):
    the rest of the enclosing element, or of a few elements up; a line break ends it (the
    place or the teaser on the next line is no part of the name)."""
    parent = text.getparent()
    holder = parent if not text.is_tail else parent.getparent()
    for _ in range(4):
        if holder is None:
            break
        rest = clean(holder.text_content())
        cut = rest.find(label)
        if cut >= 0 and len(rest) - cut - len(label) > 2:
            if holder.find(".//br") is not None:
                for line in map(clean, _line_texts(holder)):
                    at = line.find(label)
                    if at >= 0 and len(line) - at - len(label) > 2:
                        return line[at + len(label):at + len(label) + 100]
            return rest[cut + len(label):cut + len(label) + 100]
        holder = holder.getparent()
    return label


# a caption's label: what follows describes a picture ("Bild: Logo des Preises von <em>X")
_CAPTION_LABEL = re.compile(r"(?:bild|foto|photo|image|abb\.?|abbildung|grafik|illustration)"
                            r"\s*:", re.I)
_META_CLASS = re.compile(r"meta|byline|author|posted|entry-info|post-info", re.I)
_USER_NAME = re.compile(r"[a-z][a-z0-9_.-]{3,30}")


_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


def after_label(scan: TextScan) -> list[str]:
    """Bylines in text: a text node that opens with a byline word ("By Jane Doe"), or is only
    the label ("By" in its own span, "Ein Artikel von") followed by the name in the next
    elements."""
    out: list[str] = []
    texts = scan.labels
    dated = [t for t in texts if _DATE_THEN_NAME.match(t)]
    for text in texts[:8]:
        parent = text.getparent()
        if parent is None or excluded(parent):
            continue
        value = _DASH_BY.sub("", clean(str(text)))
        if text.is_tail and (holder := parent.getparent()) is not None:
            whole = clean(holder.text_content())
            before = whole[:max(whole.find(value), 0)]
            if _NOT_AUTHOR_LABEL.search(before[-40:]) or _CAPTION_LABEL.match(before):
                continue  # "Theme: <a>Wilson</a> by Themegraphy", "Bild: Logo des X von <em>Y"
            if value[:1].islower() and (len(whole) > 300 or holder.tag in _HEADINGS):
                continue  # "<h2>Vorteile beim <b>Leasing</b> von Firmenwagen</h2>": prose
        if m := _DASH_AT_TIME.match(value):
            value = m.group("name")
        elif m := _LABEL_WORD.match(value):  # "Yazar: Ayşe Yılmaz", "Szerző:" <b>Kovács Anna
            value = value[m.end():] if len(value) - m.end() > 2 else _name_after(text, value)
        elif m := _DATE_THEN_NAME.match(value):
            if len(dated) > 2:
                continue  # "02.11.2022 - Band - Venue" rows: a listing, not a byline
            value = m.group("name")
        elif m := (_CJK_LABEL.match(value) or _LABEL_COLON.match(value) or (
                parent.tag != "a" and _PIECE_BY.match(value))):  # not a linked post title
            value = m.group("name") or _name_after(text, value)
        elif _LABEL_END.fullmatch(value):
            if _NOT_AUTHOR_LABEL.search(value):
                continue
            value = _name_after(text, value)
        elif fold(value).rstrip(":") in BYLINE_WORDS:
            value = _name_after(text, value)
        # a user name ("jdoe") only in a post's meta line: "Posted in <a>News</a> by jdoe"
        owner = parent.getparent() if text.is_tail else parent
        meta_line = owner is not None and bool(_META_CLASS.search(owner.get("class") or ""))
        names = [n for n in byline_names([value]) if " - " not in n and (
            looks_like_name(n) or (meta_line and _USER_NAME.fullmatch(n)))]
        if names:
            out.append("; ".join(names))
    return out


# Author names in JSON state embedded in scripts (not JSON-LD): "author": "Jane Doe",
# "authors": "...", "postedBy": "...", "author": {"name": "Jane Doe", ...}
_SCRIPT_AUTHOR = re.compile(
    r'"(?:author|authors|authorName|author_name|postedBy|posted_by|byline)"\s*:\s*'
    r'(?:\[\s*)?(?:\{[^{}]{0,200}?"(?:name|display_name|displayName)"\s*:\s*)?"([^"\\]{3,60})"')


def script_author(doc: Document) -> list[str]:
    """The first person named as the author in JSON state a script embeds."""
    for m in _SCRIPT_AUTHOR.finditer(doc.text, 0, 3_000_000):
        names = [n for n in byline_names([m.group(1)])
                 if looks_like_name(n) and not DIGIT.search(n)]
        if names:
            return names
    return []


# from the label's element on, the label first: its tail and what follows, or its own text,
# its children's ("<p>Kontakt:<br>Jane Doe<br>Tel. ...</p>") and what follows
_AFTER_TAIL = etree.XPath("following::text()[normalize-space()][position() <= 5]")
_FROM_TEXT = etree.XPath("(descendant::text() | following::text())[normalize-space()]"
                         "[position() <= 5]")
_PHONE_OR_MAIL = re.compile(r"@|\b(?:tel|telefon|phone|fon|fax|e-?mail|mail)\b|\+?\d[\d /()-]{6,}",
                            re.I)


def press_contact(scan: TextScan) -> list[str]:
    """The contact person of a press release without a byline: the name on the line after a
    "Pressekontakt" label, when a phone number or an e-mail address follows it."""
    for text in scan.contacts:
        after = (_AFTER_TAIL if text.is_tail else _FROM_TEXT)(text.getparent())
        following = [clean(str(t)) for t in after][1:]
        for j, line in enumerate(following[:2]):
            if (_PERSON_LINE.fullmatch(line) and looks_like_name(line)
                    and not ORG_WORDS.search(line)
                    and any(_PHONE_OR_MAIL.search(rest) for rest in following[j + 1:])):
                return [line]
    return []
