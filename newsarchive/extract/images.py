"""Article images with caption and credit separated.

Layers: the site file's `fields.images` table, then generic: images in the article (the body
node, widened to the element holding the headline for lead images), og:image / JSON-LD image as
the lead when the page shows it. Not logos, avatars, icons, pixels, ads, share buttons, or
teasers of other stories (images in related blocks or linking to other articles).
Captions: figcaption, caption/credit classes, schema.org ImageObject, or a short line right
after the image; credits are split off with `credits.split_credit`.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from newsarchive.extract import generic as g
from newsarchive.extract.credits import holder, split_credit, strip_credit_label
from newsarchive.extract.document import Document
from newsarchive.extract.image_captions import (
    caption_for,
    credit_attr,
    credit_beside,
    split_caption,
)
from newsarchive.extract.image_captions import tokens as _tokens
from newsarchive.extract.related import blocks_of
from newsarchive.extract.site import first_text, nodes, process, select, text_of
from newsarchive.extract.text import FoldedSearch
from newsarchive.extract.urls import absolutize, normalize_url
from newsarchive.profiles import SiteProfile
from newsarchive.record import Image, Record

Node = etree._Element
# compiled once: node.xpath(str) compiles its expression on every call
_BODY_PROP = etree.XPath("//*[@itemprop='articleBody']")
_ARTICLE = etree.XPath("//article")
_MAIN = etree.XPath("//main")
_SRC_ATTRS = ("data-src", "data-lazy-src", "data-original", "data-lazy", "data-url",
              "data-full-src", "data-hi-res-src", "data-orig-file", "src")
_SRCSET_ATTRS = ("data-srcset", "data-lazy-srcset", "srcset")
_PLACEHOLDER = re.compile(r"^data:|blank|placeholder|spacer|transparent|lazy[-_]?load|"
                          r"1x1|pixel|grey\.gif|loading|"
                          r"\.svg$", re.I)  # (svg is never kept: a lazy image's stand-in)
_SIZE_SUFFIX = re.compile(r"(?:[-_]\d{2,4}x\d{2,4}|[-_@](?:\d+w|\d+x|small|medium|large|thumb))"
                          r"(?=\.\w+$)", re.I)


def _largest_srcset(value: str) -> str | None:
    best, best_w = None, -1.0
    for part in value.split(","):
        bits = part.strip().split()
        if not bits:
            continue
        w = 1.0
        if len(bits) > 1:
            m = re.match(r"([\d.]+)([wx])", bits[1])
            w = float(m.group(1)) if m else 1.0
        if w > best_w:
            best, best_w = bits[0], w
    return best


def image_src(img: Node, base: str) -> str | None:
    """The real image URL behind lazy loading: data-src, srcset, <picture><source>, src."""
    for attr in _SRC_ATTRS:
        val = (img.get(attr) or "").strip()
        if val and not _PLACEHOLDER.search(val):
            return absolutize(val, base)
    sources = [img.get(a) for a in _SRCSET_ATTRS]
    parent = img.getparent()
    if parent is not None and parent.tag == "picture":
        sources += [s.get("srcset") or s.get("data-srcset") for s in parent.iter("source")]
    for val in sources:
        if val and not val.startswith("data:"):
            best = _largest_srcset(val)
            if best:
                return absolutize(best, base)
    return None


def image_key(url: str) -> str:
    """Same picture at other sizes/CDN params -> one key: file name without size suffix."""
    path = urlsplit(url).path.lower().rstrip("/")
    name = path.rsplit("/", 1)[-1]
    return _SIZE_SUFFIX.sub("", name) or path


# lower-cased without re.I on ASCII values (same answers, several times faster)
_IMG_SKIP = FoldedSearch(g.IMG_SKIP)
_IMG_SKIP_AREA = FoldedSearch(g.IMG_SKIP_AREA)


def _skip_img(img: Node, src: str) -> bool:
    if _IMG_SKIP(_tokens(img)) or _IMG_SKIP(urlsplit(src).path):
        return True
    for attr in ("width", "height"):
        m = re.match(r"\s*(\d+)", img.get(attr) or "")
        if m and int(m.group(1)) < 80:
            return True
    if _in_rating_widget(img):
        return True
    return urlsplit(src).path.lower().endswith((".svg", ".ico"))


# star-rating widgets ("Was this useful?" + five star images) are controls, not pictures
_RATING = re.compile(r"(?:^|[\s_-])(?:ratings?|star-?ratings?)(?:$|[\s_-])", re.I)


def _in_rating_widget(img: Node) -> bool:
    el: Node | None = img
    for _ in range(3):  # the star image or its small wrapper says so
        if el is None:
            return False
        if _RATING.search(_tokens(el)):
            return True
        el = el.getparent()
    return False


_HEADER_WORD = re.compile(r"(?:^|[\s_-])header(?:$|[\s_-])", re.I)


def _holds_headline(el: Node) -> bool:
    """An <h1> or a schema.org headline inside: the article's header, not the site banner."""
    return el.find(".//h1") is not None or el.find(".//*[@itemprop='headline']") is not None


def _skip_area(img: Node, stop: Node | None, doc_url: str, excluded: set[Node],
               lead: bool = False) -> bool:
    for anc in img.iterancestors():
        if lead and anc not in excluded and anc.tag != "a":
            continue  # the declared lead image: only teaser links and related blocks disqualify
        if anc in excluded:
            return True
        if anc.tag == "a":
            href = absolutize(anc.get("href"), doc_url) or ""
            # a link to another page around the picture makes it a teaser (lightboxes link images)
            if href and not re.search(r"\.(jpe?g|png|gif|webp|avif)(\?|$)", href, re.I) \
                    and normalize_url(href) != normalize_url(doc_url):
                return True
        if anc is stop:
            return False
        if (anc.tag in ("header", "footer") or _HEADER_WORD.search(_tokens(anc))) \
                and _holds_headline(anc):
            continue  # the article's own header (headline + lead image)
        if anc.tag in ("nav", "header", "footer", "aside") or _IMG_SKIP_AREA(_tokens(anc)):
            return True
    return False


def _jsonld_images(doc: Document) -> dict[str, dict[str, Any]]:
    """ImageObjects by image key: caption, creditText, copyrightHolder, author."""
    out: dict[str, dict[str, Any]] = {}
    stack: list[Any] = list(doc.jsonld)
    while stack:
        obj = stack.pop()
        if isinstance(obj, list):
            stack.extend(obj)
            continue
        if not isinstance(obj, dict):
            continue
        url = obj.get("contentUrl") or obj.get("url")
        if isinstance(url, str) and (obj.get("@type") == "ImageObject" or "caption" in obj):
            out.setdefault(image_key(url), obj)
        for key in ("image", "primaryImageOfPage", "associatedMedia", "@graph"):
            if key in obj:
                stack.append(obj[key])
    return out


def _name(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    return str(value).strip() if value else None


def _lead_keys(doc: Document) -> list[str]:
    urls = list(doc.meta.get("og:image", [])) + list(doc.meta.get("twitter:image", []))
    # only the article's image: an Organization/WebSite "image" is the publisher's logo
    for obj in doc.jsonld_of_type(*g.ARTICLE_TYPES[:12]):
        img = obj.get("image")
        img = img[0] if isinstance(img, list) and img else img
        if isinstance(img, dict):
            img = img.get("url") or img.get("contentUrl")
        if isinstance(img, str):
            urls.append(img)
    return [image_key(u) for u in urls if u]


def _scope(doc: Document, article_node: Node | None) -> Node | None:
    if article_node is None:
        found = _BODY_PROP(doc.tree) or _ARTICLE(doc.tree) or _MAIN(doc.tree)
        if found:
            article_node = max(found, key=lambda el: len(text_of(el)))
    if article_node is None:
        # the element whose own paragraphs hold the most text (one pass over <p>)
        totals: dict[Node, int] = {}
        for p in doc.tree.iter("p"):
            parent = p.getparent()
            if parent is not None:
                totals[parent] = totals.get(parent, 0) + len(p.text_content() or "")
        if not totals:
            return None
        article_node = max(totals, key=lambda el: totals[el])
    # widen to the element holding the headline, so lead images above the body count
    anc = article_node
    for _ in range(3):
        parent = anc.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        anc = parent
        if anc.tag == "article" or anc.find(".//h1") is not None:
            return anc
    return article_node


def _generic(doc: Document, article_node: Node | None) -> list[Image]:
    scope = _scope(doc, article_node)
    excluded = set(blocks_of(doc))
    ld = _jsonld_images(doc)
    lead = set(_lead_keys(doc))
    out: list[Image] = []
    seen: set[str] = set()
    imgs = scope.iter("img") if scope is not None else []
    candidates = list(imgs)
    if lead:  # the lead image shown outside the article element (hero above the headline)
        for img in doc.tree.iter("img"):
            src = image_src(img, doc.base_url)
            if src and image_key(src) in lead and not _skip_img(img, src):
                if img not in candidates:
                    candidates.insert(0, img)
                break
    for img in candidates:
        src = image_src(img, doc.base_url)
        if not src or _skip_img(img, src):
            continue
        key = image_key(src)
        if key in seen or _skip_area(img, scope, doc.url, excluded, key in lead):
            continue
        seen.add(key)
        caption_el = caption_for(img)
        caption, credit = split_caption(caption_el, img)
        if credit is None:
            credit = credit_beside(img, caption_el) or credit_attr(img)
        obj = ld.get(key)
        if obj:
            caption = caption or (_name(obj.get("caption")) or None)
            credit = credit or _name(obj.get("creditText")) or _name(
                obj.get("copyrightHolder")) or _name(obj.get("author"))
            if caption and not credit:
                caption, credit = split_credit(caption)
        alt = (img.get("alt") or "").strip() or None
        out.append(Image(src=src, alt=alt, caption=caption, credit=holder(credit)))
    return out


def _site_layer(doc: Document, profile: SiteProfile | None, spec: dict[str, Any]) -> list[Image]:
    out: list[Image] = []
    seen: set[str] = set()
    for box in nodes(doc.tree, spec.get("container", "figure")):
        raw = select(box, spec.get("src", "img::attr(src)"))
        first = raw[0] if raw else None
        if isinstance(first, etree._Element):
            src = image_src(first, doc.base_url)
        else:
            src = absolutize(str(first), doc.base_url) if first else None
        if not src or src in seen:
            continue
        seen.add(src)
        caption = first_text(box, spec["caption"]) if spec.get("caption") else None
        credit = first_text(box, spec["credit"]) if spec.get("credit") else None
        if credit:
            credit = strip_credit_label(process(profile, "credit", credit))
            if caption and caption.endswith(credit):
                caption = caption[: -len(credit)].rstrip(" |–—-:,;") or None
        elif caption:
            caption, credit = split_credit(caption)
        if caption:
            caption = process(profile, "caption", caption)
        alt = first_text(box, spec["alt"]) if spec.get("alt") else None
        out.append(Image(src=src, alt=alt, caption=caption, credit=holder(credit)))
    return out


def fill_images(doc: Document, rec: Record, profile: SiteProfile | None, fields: dict[str, Any],
                article_node: etree._Element | None) -> None:
    """Fill rec.images in page order (site selectors first, then generic rules)."""
    spec = fields.get("images")
    if isinstance(spec, dict):
        rec.images = _site_layer(doc, profile, spec)
        layer = "site"
    else:
        rec.images = _generic(doc, article_node)
        layer = "generic"
    if rec.images:
        rec.provenance["images"] = layer
