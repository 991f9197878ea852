"""Authors at the edges of a page, read only when nothing else named one: a name signed
under the article, the agency its opening dateline credits, a person named as the copyright
holder of a personal site or of the text itself.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from newsarchive.extract.author_text import ORG_WORDS, excluded
from newsarchive.extract.text import clean, fold, looks_like_name
from newsarchive.extract.urls import registrable_domain

if TYPE_CHECKING:
    from newsarchive.extract.document import Document

_DIGIT = re.compile(r"\d")
_COPYRIGHT = re.compile(
    r"(?:©|\(c\)|copyright)\s*(?:\(c\)|©)?\s*(?:\d{4}\s*(?:[-–]\s*(?:\d{4})?)?\s*)?(?:by\s+)?"
    r"([^\W\d_][^|•·.,©\d]{2,40}?)\s*(?:$|[|•·.,]|\d|all rights|alle rechte)", re.I)

_EMPHASIS = {"strong", "b", "em", "i"}
_WRAPPERS = _EMPHASIS | {"font", "span"}
_RIGHT = re.compile(r"^right;|text-align\s*:\s*right", re.I)
_TEXT_BLOCKS = {"p", "ul", "ol", "dl", "table", "blockquote", "pre"}


_SOURCE_LABEL = re.compile(r"^(?:quelle|source|fuente)\s*:\s*", re.I)


def signature(doc: Document) -> list[str]:
    """A name signed under the article: the last paragraph of its block holding only a
    bold or italic two- or three-word name ("<p><strong>Jane Doe</strong></p>"). Read only
    when no other rule found an author."""
    for para in doc.tree.iter("p"):
        if len(para) != 1 or (para.text or "").strip() or (para[0].tail or "").strip():
            continue
        inner, emphasized = para[0], False
        # "<em><font size="2">Jane Doe</font></em>": old sites wrap the name in a font tag too
        while inner.tag in _WRAPPERS and len(inner) == 1 and not (inner.text or "").strip():
            emphasized = emphasized or inner.tag in _EMPHASIS
            inner = inner[0]
        if not (emphasized or inner.tag in _EMPHASIS) or inner.tag not in _WRAPPERS:
            continue
        # "Quelle: dpa/ls" signed under the article: the agency credit is the byline
        text = _SOURCE_LABEL.sub("", clean(para.text_content()))
        # a comma separates items ("Monday, Sunday, Thursday"), not a first and last name
        if (not 2 <= len(text.split()) <= 3 or _DIGIT.search(text) or "," in text
                or excluded(para)):
            continue
        later = para.getnext()
        while later is not None and not clean(later.text_content()):
            later = later.getnext()
        if later is not None and later.tag in _TEXT_BLOCKS and not _RIGHT.search(
                (para.get("align") or "") + ";" + (para.get("style") or "")):
            # more text follows: a subheading ("<b>Example costs</b><ul>"), no signature; a
            # name set flush right is signed, and footnotes may follow it
            continue
        name = text.title() if text.isupper() else text
        if looks_like_name(name) and not ORG_WORDS.search(name):
            return [name]
    return []


def _name_case(text: str) -> str:
    """"Kazım TÜRKMEN" -> "Kazım Türkmen": a surname set in capitals, as signatures do."""
    return " ".join(w.title() if w.isupper() and len(w) > 1 else w for w in text.split())


def signed_with_role(doc: Document) -> list[str]:
    """A closing paragraph of two lines, a name and the signer's role ("<p>Jane DOE<br>
    Chairwoman</p>") right after the text's paragraphs: a statement's or a letter's
    signature. Read only when no other rule found an author."""
    for br in doc.tree.iter("br"):
        para = br.getparent()
        if para is None or para.tag != "p" or len(para) != 1 or excluded(para):
            continue
        first, role = clean(para.text or ""), clean(br.tail or "")
        if not first or not role or len(role.split()) > 4 or _DIGIT.search(role + first) or (
                "@" in role or role.endswith((".", ":", "!", "?"))):
            continue
        name = _name_case(first)
        if not 2 <= len(name.split()) <= 3 or not looks_like_name(name) or ORG_WORDS.search(
                name) or not all(_PERSON_WORD.fullmatch(w) for w in name.split()):
            continue
        before, later = para.getprevious(), para.getnext()
        while later is not None and not clean(later.text_content()):
            later = later.getnext()
        if (before is not None and before.tag == "p" and len(clean(before.text_content())) > 40
                and (later is None or later.tag not in _TEXT_BLOCKS)):
            return [name]
    return []


# "Hamburg (dpa/lno) – ...", "WASHINGTON (AP) — ...", "Paris (AFP) - ...": the dateline that
# opens an agency report credits the agency (a place of one to three words, the credit in
# parentheses, a dash)
_DATELINE = re.compile(r"^[^\W\d_][\w.'’-]*(?:[ -][^\W\d_][\w.'’-]*){0,2}\s*"
                       r"\((?P<credit>[^\W\d_][\w-]{1,11}(?:\s?/\s?[^\W\d_][\w-]{1,11}){0,2})\)"
                       r"\s*[-–—]\s")


def dateline_agency(doc: Document) -> list[str]:
    """The agency an article's opening dateline credits, among the page's first paragraphs
    (not a teaser's in a related or sidebar block)."""
    for n, para in enumerate(doc.tree.iter("p")):
        if n >= 60:
            break
        text = clean(para.text_content())[:80]
        if (m := _DATELINE.match(text)) and _agency_code(m.group("credit")) and not excluded(
                para):
            return [m.group("credit").replace(" ", "")]
    return []


def _agency_code(credit: str) -> bool:
    """"dpa/lno", "AFP", "dpa-AFX", "epdÖ": agency codes are written in lower or upper case;
    "Berlin (Germany) – ..." or "Python (Software) – ..." explain a word instead."""
    return all(piece.islower() or piece.isupper() or (piece[:-1].islower() and piece[-1].isupper())
               for piece in re.split(r"\s?[/-]\s?", credit))


# a person's name: capitalized words of letters (no "/" of a photo credit "Jane Doe/Agency",
# no acronym "LBV", no initial "J" left from a cut "David J.")
_PERSON_WORD = re.compile(r"[^\W\d_][^\W\d_'’-]*[^\W\d_]")


# picture agencies named in a photo's copyright line
_PICTURE_WORDS = re.compile(r"\b(?:images?|photos?|fotos?|pictures?|bilder|stock|getty|imago|"
                            r"shutterstock|istock|alamy|picture-alliance)\b", re.I)


def _person_name(name: str, publishers: Container[str]) -> bool:
    words = name.split()
    return (2 <= len(words) <= 3 and looks_like_name(name) and not ORG_WORDS.search(name)
            and not _PICTURE_WORDS.search(name)
            and name not in publishers and "copyright" not in name.lower() and all(
                _PERSON_WORD.fullmatch(w) and not w.isupper() for w in words))


def _ascii_key(text: str) -> str:
    folded = unicodedata.normalize("NFKD", fold(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[\W_]+", "", folded)


def _named_in_url(name: str, url: str) -> bool:
    """A name the site's domain spells, first and last name ("gregoryszorc.com"), or a path
    segment of the page names ("/team/andre-loibl/", "/blog/johannes/"): the site or the page
    is the person's own. One word of the domain is not enough: "Stadt Stuttgart" on
    stuttgart.de is the site's owner, not a writer."""
    words = [_ascii_key(w) for w in name.split()]
    domain = _ascii_key(registrable_domain(url).split(".")[0])
    if all(len(w) >= 3 and w in domain for w in (words[0], words[-1])):
        return True
    segments = {_ascii_key(s) for s in urlsplit(url).path.split("/") if s}
    return bool(segments & {*words, "".join(words)} - {""})


def _signed_paragraph(text: Any) -> bool:
    """"<p>© 2019 Jane Doe</p>" right after the article's paragraphs: the text's own
    copyright line, not the site's footer."""
    para = text.getparent()
    if para is None or para.tag != "p" or clean(para.text_content()) != clean(str(text)):
        return False
    before = para.getprevious()
    return before is not None and before.tag == "p" and len(clean(before.text_content())) > 80


def copyright_holder(doc: Document, publishers: Container[str]) -> list[str]:
    """A person named as the copyright holder: the author of a personal site (the name is in
    its host or the page's path) or of a text signed with its own copyright line. Footer
    lines elsewhere name companies, agencies and photographers ("© Getty Images", "©
    Procter & Gamble", "© PP Mannheim") far more often than the writer."""
    for text in doc.tree.xpath("//body//text()[contains(., '©') or contains(., '(c)') or "
                               "contains(., 'Copyright') or contains(., 'COPYRIGHT') or "
                               "contains(., '(C)')]")[-3:]:
        m = _COPYRIGHT.search(clean(str(text)))
        if not m:
            continue
        name = clean(m.group(1))
        if name.isupper():
            name = name.title()
        if _person_name(name, publishers) and (
                _named_in_url(name, doc.url) or _signed_paragraph(text)):
            return [name]
    return []
