"""Captions and photo credits of an article image: the caption element near the picture
(figcaption, caption-classed, a credit line right after it), split into caption and credit,
then a credit-classed element beside the caption or an IPTC-like data attribute."""

from __future__ import annotations

import re

from lxml import etree

from newsarchive.extract import generic as g
from newsarchive.extract.credits import CREDIT_LABELS, is_credit, split_credit, strip_credit_label
from newsarchive.extract.site import text_of

Node = etree._Element


def tokens(el: Node) -> str:
    return f"{el.get('id') or ''} {el.get('class') or ''}"


_CREDIT_CHILD = frozenset(("div", "p", "small", "span", "em", "i", "cite"))


def split_caption(caption_el: Node | None, img: Node) -> tuple[str | None, str | None]:
    """Caption element -> (caption, credit): credit-classed parts first, then text patterns."""
    if caption_el is None:
        return None, None
    credit_els = [el for el in caption_el.iter() if el is not caption_el
                  and isinstance(el.tag, str) and g.CREDIT_CLASS.search(tokens(el))]
    if not credit_els:  # "<figcaption><div>©5 Minuten</div> Caption.</figcaption>": the credit
        credit_els = [el for el in caption_el if el.tag in _CREDIT_CHILD  # line comes first
                      and is_credit(text_of(el)) and text_of(el) != text_of(caption_el)][:1]
    # "<span class=credit><span class=credit-label>Credit</span>: X</span>": the outer one
    outer = [el for el in credit_els if not any(a in credit_els for a in el.iterancestors())]
    credit = " ".join(text_of(el) for el in outer if text_of(el)) or None
    skip = set(credit_els)
    parts = []
    for el in caption_el.iter():
        if any(a in skip for a in el.iterancestors()) or el is img:
            continue
        if el in skip:  # the caption may go on after the credit: "<span>Photo: X</span> Text"
            parts.append(el.tail or "")
            continue
        if el.text and isinstance(el.tag, str) and el.tag not in ("script", "style"):
            parts.append(el.text)
        if el is not caption_el and el.tail:
            parts.append(el.tail)
    text = re.sub(r"\s+", " ", " ".join(parts)).strip()
    caption, found = split_credit(text)
    if credit:
        # "(Bild: )": a credit-classed element holding only its label credits nobody
        return caption and caption.rstrip(" |–—-:,;"), _label_only(strip_credit_label(credit))
    return caption, found


def _label_only(credit: str) -> str | None:
    """None for a credit that is only a label ('(Bild: )', 'Foto:', '©'), else the credit."""
    bare = credit.strip(" ()[]:©")
    if not bare or re.fullmatch(rf"(?:{CREDIT_LABELS})\.?", bare, re.I):
        return None
    return credit


def caption_for(img: Node) -> Node | None:
    """figcaption, a caption-classed element near the image, or a credit line right after it."""
    anc = img
    for _ in range(4):
        anc = anc.getparent()
        if anc is None:
            return None
        if anc.tag == "figure":
            cap = anc.find(".//figcaption")
            if cap is not None:
                return cap
        if anc.tag in ("body", "html", "main", "article") or len(text_of(anc)) > 600:
            break  # a caption sits in a small wrapper around the picture, not anywhere on the page
        for el in anc.iter():
            if el is not anc and isinstance(el.tag, str) and el.tag != "img" \
                    and (g.CAPTION_CLASS.search(tokens(el)) or el.tag == "figcaption") \
                    and img not in el.iterdescendants() and 0 < len(text_of(el)) < 400:
                return el  # (an empty one is a "show caption" button, not the caption)
        if len(text_of(anc)) > 0:
            break  # the wrapper holds more than the picture: stop widening
    # seed style: <p><img></p><p>Caption. Photo: Credit</p>
    wrapper = img
    while wrapper.getparent() is not None and not text_of(wrapper.getparent()) \
            and wrapper.getparent().tag in ("a", "p", "span", "div", "picture", "figure"):
        wrapper = wrapper.getparent()
    nxt = wrapper.getnext()
    if nxt is not None and isinstance(nxt.tag, str) and 0 < len(text_of(nxt)) <= 300:
        txt = text_of(nxt)
        if is_credit(txt) or split_credit(txt)[1] or g.CREDIT_CLASS.search(tokens(nxt)) \
                or (len(nxt) == 1 and nxt[0].tag in ("em", "i", "small")
                    and text_of(nxt[0]) == txt):
            return nxt
    return None


# Classes of a credit beside the caption: generic.CREDIT_CLASS without author/byline (next to
# an avatar those hold the article's byline and reading time), plus "origin-notice",
# "bildherkunft", "bildnachweis"
_CREDIT_BESIDE = re.compile(r"credit|copyright|source|photographer|rights|quelle|fotograf|"
                            r"(?:^|[\s_-])(?:origin|herkunft|bildherkunft|bildnachweis)"
                            r"(?:$|[\s_-])", re.I)
# "Bild 2 von 4 © X", "Image 2 of 4 © X": a gallery counter before the credit
_COUNTER = re.compile(r"^\w+\s+\d+\s*(?:von|of|de|/)\s*\d+\s*", re.I)


def _credit_class(el: Node) -> bool:
    return bool(_CREDIT_BESIDE.search(tokens(el)))


def credit_beside(img: Node, caption_el: Node | None) -> str | None:
    """A credit-classed element next to the caption, in the small box holding picture and
    caption (<figure><img><span class=credit>..</span><figcaption>..</figcaption></figure>)."""
    box = None
    for anc in img.iterancestors():
        if anc.tag in ("body", "html", "main", "article") or len(text_of(anc)) > 600:
            return None
        if (caption_el is not None and caption_el in anc.iterdescendants()) \
                or (caption_el is None and anc.tag == "figure"):
            box = anc
            break
    if box is None:
        return None
    for el in box.iterdescendants():
        if not isinstance(el.tag, str) or not _credit_class(el) \
                or img in el.iterdescendants() or el is caption_el:
            continue
        if caption_el is not None and caption_el in el.iterancestors():
            continue  # credits inside the caption were split off with it
        text = text_of(el)
        if 0 < len(text) <= 120:
            return _label_only(strip_credit_label(_COUNTER.sub("", text)))
    return None


_CREDIT_ATTRS = ("data-credit", "data-copyright", "data-photographer", "data-image-credit",
                 "data-photo-credit")


def credit_attr(img: Node) -> str | None:
    """IPTC-like data attributes on the picture, its link or its wrapper:
    <img data-copyright="© Dieter Mayr (KNA)">, <a data-fancybox data-credit="Foto: X">."""
    el: Node | None = img
    for _ in range(3):
        if el is None or el.tag in ("body", "article", "main"):
            return None
        for attr in _CREDIT_ATTRS:
            value = " ".join((el.get(attr) or "").split())
            if 0 < len(value) <= 120:
                return _label_only(strip_credit_label(value))
        el = el.getparent()
    return None
