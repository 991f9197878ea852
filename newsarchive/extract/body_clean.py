"""Body helpers: drop named boxes from a tree copy before text extraction, filter extracted
lines, turn an element into block-level text, and find the original element that holds the
extracted text."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from lxml import etree

from newsarchive.extract.generic import (
    CREDIT_LINE,
    DATE_ONLY_LINE,
    NOTICE_LINE,
    PROMO_LINE,
    TAIL_HEADING,
)
from newsarchive.extract.text import clean

Node = etree._Element
# compiled once: node.xpath(str) compiles its expression on every call
_LABELLED = etree.XPath(".//*[@class or @id]")
_IN_ASIDE = etree.XPath("ancestor::figure or ancestor::nav or ancestor::aside or ancestor::footer")
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "section",
          "article", "ul", "ol", "dl", "dd", "dt", "table", "tr", "header", "footer", "main",
          "hr", "address", "details", "summary", "center"}
_SKIP = {"script", "style", "noscript", "template", "figure", "figcaption", "button", "svg",
         "iframe", "select", "textarea", "input", "nav", "aside", "form", "dialog"}


def map_nodes(original: Node, copied: Node, wanted: list[Node]) -> list[Node]:
    """The nodes of `copied` (a deepcopy of `original`) that correspond to `wanted`."""
    if not wanted:
        return []
    ids = {id(n) for n in wanted}
    return [b for a, b in zip(original.iter(), copied.iter(), strict=False) if id(a) in ids]


def _text_len(node: Node) -> int:
    return len("".join(node.itertext()))


# Boxes that sit inside article containers yet never belong to the article: author boxes
# ("cbx-Author", "author-bio"), advertiser/affiliate disclosures and newsletter sign-ups. Only
# these narrow names: dropping every BOILERPLATE_CLASS block (share, caption, related, meta)
# from the trafilatura copy cost more article text than it saved (corpus: 48 snippets lost).
_BOX_CLASS = re.compile(r"disclosure|disclaimer|author-?bio|author-?box|about-?author|"
                        r"autor-?box|\bauthor\b|\bautor\b|newsletter", re.I)


def drop_named_boxes(tree: Node) -> None:
    """Remove author boxes, disclosures and newsletter boxes from a tree *copy*: small nodes
    (< 10% of the page's text) without the headline, so a wrapper that happens to be named
    "post author-xyz" around the whole article stays."""
    body = tree.find("body")
    if body is None:
        return
    total = max(1, _text_len(body))
    doomed: list[Node] = []
    for node in _LABELLED(body):
        label = f"{node.get('class') or ''} {node.get('id') or ''}".lower()
        # substring tests first: the regex on every labelled node cost ~1 ms a page
        if not ("aut" in label or "discl" in label or "newsletter" in label) \
                or not _BOX_CLASS.search(label):
            continue
        if not any(a in doomed for a in node.iterancestors()) \
                and node.find(".//h1") is None and _text_len(node) < 0.1 * total:
            doomed.append(node)
    for node in doomed:
        parent = node.getparent()
        if parent is None:
            continue
        tail, prev = node.tail, node.getprevious()
        parent.remove(node)  # lxml removes the tail with the element: keep that text
        if tail and tail.strip():
            if prev is not None:
                prev.tail = (prev.tail or "") + tail
            else:
                parent.text = (parent.text or "") + tail


_MD_LINK = re.compile(r"\[([^\[\]]*)\]\((?:[^()\s]|\([^()]*\))*\)")
# A line that is one link with headline-length text (not an address, not mailto:).
_ONLY_LINK = re.compile(
    r"^[-•*·>\s]*\[(?!https?:|www\.)([^\[\]]{12,160})\]\((?!mailto:)[^)]*\)[\s|·•]*$")
# A credit or a caption marker anywhere in a short line: "... (Foto: X)", "© AFP / X",
# "(Symbolbild)", "Photo Source: X from Pexels", "... / picture alliance", "Bild via Unsplash",
# "Illustrationen / Fotos: X".
_CREDIT_IN_LINE = re.compile(
    r"©|\((?:foto|photo|bild|image|imagen|credit|crédito)s?\s*:|\b(?:foto|photo|bild|"
    r"credit)s?\s*:\s*\S+(?:\s\S+){0,5}\)?\s*$|"
    # a text source ends a caption, but also a paragraph of news ("... (Quelle: SWR)")
    r"^.{0,80}\b(?:fuente|quelle)s?\s*:\s*\S+(?:\s\S+){0,5}\)?\s*$|"
    r"(?:^|[\s(])(?:symbolbild|symbolfoto|bildrechte|bildnachweis|bildquelle|fotonachweis|"
    r"image credits?|photo ?credits?)\s*(?:[:)]|$)|"
    r"^(?:photo|foto|image|bild)[- ]?(?:credits?|source|quelle|nachweis)\b|"
    r"^(?:illustrationen?|fotos?|photos?|bilder?|grafik)(?:\s*/\s*(?:illustrationen?|fotos?|"
    r"photos?|bilder?|grafik))+\s*:|"
    r"\s/\s?(?:picture[- ]alliance|imago|dpa|getty ?images|istock(?:photo)?|shutterstock|"
    r"adobe ?stock)\b[^.!?]{0,30}$|(?:via|from|on|auf|von|bei)\s+(?:unsplash|pexels|pixabay)\.?$|"
    r"^(?:(?:beitrags|titel|header|cover)?bild(?:er)?|photos?|fotos?|images?)\s+(?:via|by)\s",
    re.I)
# "unterstütze" is the imperative ("Unterstütze uns"), not "unterstützen"/"Unterstützer" in a
# sentence of the article; "unsubscribe" is how to leave a list, not a pitch to join one
_PITCH = re.compile(
    r"newsletter|(?<!un)subscri|abonnier|suscrib|abonnez|sign up|melde dich|jetzt (?:bestellen|"
    r"registrieren|kostenlos)|follow (?:us|\S+ on)|síguenos|folgen sie uns|"
    r"support (?:our|us)|unterstütze\b|(?:unsere|meine) arbeit (?:zu )?unterstützen|"
    r"would you consider supporting|"
    # the prompt over a letters page ("Submit your letter to the editor via this form")
    r"submit your (?:letters?|op-?eds?|news tips?|story tips?)\b", re.I)

_SOCIAL = (r"(?:facebook|twitter|instagram|linkedin|whatsapp|pinterest|xing|telegram|e-?mail|"
           r"reddit|tumblr|flipboard|threads|mastodon|drucken|print|teilen|share|tweet)")
# Page furniture that reaches the text as a line of its own: embed placeholders ("View this
# post on Instagram", "A post shared by X (@x)"), taxonomy lines ("Tags: ...", "Abgelegt
# unter: ..."), pagination ("Seite 1 von 35 1 2 3 »"), PHP errors ("Warning: ... on line
# 407") and share bars that are only network names. Whole-line matches of short lines: a
# sentence about Instagram or page 3 stays.
_UI_LINE = re.compile(
    r"^(?:view this post on instagram|sieh dir diesen beitrag auf instagram an|"
    r"voir cette publication sur instagram|ver esta publicación en instagram|"
    r"visualizza questo post su instagram|a post shared by|ein beitrag geteilt von|"
    r"une publication partagée par|una publicación compartida por|un post condiviso da|"
    r"(?:[^|:]{0,40}\|\s*)?(?:tags?|schlagwörter|schlagworte|stichwörter|kategorien?|"
    r"categories|category|catégories?|categorías?|etiquetas|filed under|posted in|"
    r"abgelegt unter|veröffentlicht in|themen)\s*:|"
    r"(?:seite|page|página|pagina|strona)\s+\d+\s+(?:von|of|de|di|z|sur)\s+\d+\b|"
    r"(?:warning|notice|deprecated|fatal error|parse error|strict standards):\s.*"
    r"\son line \d+\W*$|"  # a PHP error printed into the page
    + _SOCIAL + r"(?:[\s,|·•/]+" + _SOCIAL + r")*\W*$)", re.I)


def _lowered(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """`pattern` without re.I, for lower-cased text (its literals must be lower case)."""
    assert not any(c.isupper() for c in re.sub(r"\\.", "", pattern.pattern)), pattern.pattern
    return re.compile(pattern.pattern, pattern.flags & ~re.I)


# The line filters below, as they run: (TAIL_HEADING, CREDIT_LINE, PROMO_LINE, DATE_ONLY_LINE,
# _UI_LINE, _CREDIT_IN_LINE, _PITCH, NOTICE_LINE). A line of Latin letters (U+0000-U+024F)
# without µ, İ, ı, ſ gets the same answers from the re.I-free twins run on line.lower(): there
# str.lower() is the simple lower case re.I compares and no letter has another re.I twin
# (checked over those code points against re._casefix). 2-6x faster (NOTICE_LINE 18.6 -> 5.5
# us a line).
_FILTERS_I = (TAIL_HEADING, CREDIT_LINE, PROMO_LINE, DATE_ONLY_LINE, _UI_LINE, _CREDIT_IN_LINE,
              _PITCH, NOTICE_LINE)
_FILTERS_LOW = tuple(_lowered(p) for p in _FILTERS_I)
# An author box's label alone on a line in the article's second half ("AUTOR", "Artikel von",
# "The author"): what follows is the bio, contact and the site's teasers, never the story.
# TAIL_HEADING knows the long forms ("Über den Autor"); these are the bare ones. Not "Zur
# Person": that box sits mid-article in guest pieces (corpus: the text after it was lost).
_AUTHOR_LABEL = re.compile(
    r"^\s*(?:(?:the |der |die )?(?:author|autor|autorin|auteur|autore|autora|autorka)|"
    r"artikel von|ein (?:beitrag|artikel) von)\s*:?\s*$")
_NOT_LATIN = re.compile("[^\x00-\u024f]|[\u00b5\u0130\u0131\u017f]")


def clean_lines(text: str, links: bool = False) -> str:
    """Extracted text -> paragraphs separated by a blank line, without credit lines, "read
    also" prompts, subscribe pitches, lines that are nothing but a link (teasers of other
    articles; only known when `links` kept markdown links in `text`) and a trailing
    related/comments section."""
    lines = [clean(x) for x in text.splitlines()]
    lines = [x for x in lines if x]
    out: list[str] = []
    for i, line in enumerate(lines):
        if links:
            if _ONLY_LINK.match(line) and i > 0:
                continue
            line = clean(_MD_LINK.sub(r"\1", line))
            if not line:
                continue
        if len(line) <= 250:
            if _NOT_LATIN.search(line):
                probe, filters = line, _FILTERS_I
            else:
                probe, filters = line.lower(), _FILTERS_LOW
            tail, credit, promo, date_only, ui, credit_in, pitch, notice = filters
            if len(line) <= 60 and i >= 0.5 * len(lines) and len(out) >= 2 and (
                    tail.match(probe) or _AUTHOR_LABEL.match(line.lower())):
                break
            if len(line) <= 200 and (credit.match(probe) or promo.match(probe)
                                     or date_only.match(probe) or ui.match(probe)):
                continue
            if credit_in.search(probe) or pitch.search(probe) or notice.search(probe):
                continue
        out.append(line)
    return "\n\n".join(out)


_CAPTION_CLASS = re.compile(r"caption|credit", re.I)


def block_text(node: Node, skip: set[Node] | None = None) -> str:
    """Block-level text of an element: one paragraph per block element, inline text joined;
    figures, captions, scripts and nodes in `skip` left out."""
    skip = skip or set()
    tag = node.tag
    if not len(node) and tag in _BLOCK and node not in skip:
        # a block without children (a site selector naming each <p>): its own text is the
        # whole result, as the walk below would give it (its tail is never read)
        cls = node.get("class")
        return "" if cls and _CAPTION_CLASS.search(cls) else clean(node.text)
    paras: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        text = clean("".join(buf))
        if text:
            paras.append(text)
        buf.clear()

    def walk(el: Node) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if el in skip or tag in _SKIP or not tag:
            return
        cls = el.get("class")
        if cls and _CAPTION_CLASS.search(cls):
            return
        block = tag in _BLOCK
        if block:
            flush()
        if tag == "br":
            buf.append("\n")
            flush()
        if el.text:
            buf.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                buf.append(child.tail)
        if block:
            flush()

    walk(node)
    flush()
    return "\n\n".join(paras)


def find_article_node(tree: Node, text: str, skip: set[Node]) -> Node | None:
    """The deepest original element holding most of the extracted paragraphs (for the image
    extractor): each text block found in `text` votes for its ancestors."""
    if not text:
        return None
    flat = clean(text)
    votes: Counter[Node] = Counter()
    found = 0
    for el in tree.iter("p", "li", "h2", "h3", "h4", "blockquote", "pre", "td", "dd"):
        snippet = clean(el.text_content())[:80]
        if len(snippet) < 25 or snippet not in flat:
            continue
        found += 1
        for anc in el.iterancestors():
            votes[anc] += 1
    if not found:
        return None
    best = None
    for node, n in votes.items():
        if n >= 0.7 * found and node.tag not in ("html",):
            depth = sum(1 for _ in node.iterancestors())
            if best is None or depth > best[0]:
                best = (depth, node)
    return best[1] if best else None


_NOT_LEAD = re.compile(r"byline|author|date|time|meta|caption|credit|share|social|breadcrumb|"
                       r"related|tag|nav|menu|comment|copyright|advert|promo|newsletter", re.I)
_LEAD_TAGS = {"p", "div", "h2", "span", "strong", "section", "header", "b", "em"}
_STOP_TAGS = {"nav", "figure", "figcaption", "aside", "footer", "form", "ul", "ol", "table",
              "button", "script", "style", "noscript", "time"}


def recover_lead(tree: Node, headline: str | None, text: str, skip: set[Node]) -> list[str]:
    """The standfirst: text blocks after the headline's h1 and before the first block the
    extractor kept. Extractors often drop it because it sits in the header, outside the
    body container. Only link-poor blocks of sentence length, not byline/date/caption.
    Inside a wrapper that holds the body too (a premium box, the post's content area), where
    bylines, captions and teasers sit before the text, only a block named as a standfirst
    (lead, intro, ...) counts; whatever was found before that wrapper stands on its own."""
    if not text:
        return []
    h1s = list(tree.iter("h1"))
    want = clean(headline or "").casefold()
    h1 = next((h for h in h1s if want and want in clean(h.text_content()).casefold()),
              h1s[0] if h1s else None)
    if h1 is None:
        return []
    flat = clean(text)
    first = text.split("\n\n", 1)[0][:60]
    found: list[str] = []
    taken: set[Node] = set()
    outside: list[str] | None = None  # found before entering a wrapper of the body
    wrappers: list[Node] = []
    for seen, el in enumerate(_after(h1)):
        if seen > 150 or el in skip:
            break
        tag = el.tag if isinstance(el.tag, str) else ""
        own = clean(el.text_content())
        nested = any(c.tag in _NESTED for c in el.iterdescendants())
        if first and first in own:
            if nested and not own.startswith(first):
                # a wrapper holding a standfirst and the body: its blocks come next
                if outside is None:  # the old answer had we stopped here
                    outside = list(found) if len(found) <= 3 else []
                wrappers.append(el)
                continue
            # reached the extracted body; more than 3 blocks is a teaser list, not a lead
            return found if len(found) <= 3 else (outside or [])
        if tag in _STOP_TAGS or tag not in _LEAD_TAGS or not own or len(own) < 60:
            continue
        if nested or any(a in taken for a in el.iterancestors()):
            continue  # a wrapper (its blocks come next), or inside a block already taken
        label = (el.get("class") or "") + " " + (el.get("id") or "")
        if _NOT_LEAD.search(label) or _CODE.search(own) or _IN_ASIDE(el):
            continue
        if wrappers and not _named_lead(el, wrappers[-1]):
            continue
        links = sum(len(a.text_content()) for a in el.iter("a"))
        own = clean_lines(own)
        if 60 <= len(own) <= 1500 and links < 0.3 * len(own) and own not in flat \
                and own not in found:
            found.append(own)
            taken.add(el)
    # never reached the body: the h1 is elsewhere, trust nothing (but what came before
    # a wrapper that holds the body was checked as before)
    return outside or []


LEAD_CLASS = re.compile(r"\b(?:lead|intro|standfirst|perex|bajada|summary|teaser-?text|"
                        r"einleitung|chapo|chapeau|sapo|dek|deck|subline|abstract)", re.I)


def _named_lead(el: Node, wrapper: Node) -> bool:
    """`el` or an ancestor of it below `wrapper` is named as a standfirst."""
    for node in (el, *el.iterancestors()):
        if node is wrapper:
            return False
        label = f"{node.get('class') or ''} {node.get('id') or ''}"
        if LEAD_CLASS.search(label):
            return True
    return False


_NESTED = {"p", "div", "section", "ul", "ol", "table", "script", "style", "figure", "h1"}
_CODE = re.compile(r"function\s*\(|[{};]\s*$|window\.|document\.|googletag|^\W*(?:published|"
                   r"updated|veröffentlicht|aktualisiert|publicado|actualizado|stand)\b", re.I)


def _after(node: Node) -> Iterator[Node]:
    """Elements after `node` in document order (not its descendants)."""
    current: Node | None = node
    while current is not None:
        for sib in current.itersiblings():
            yield sib
            yield from sib.iterdescendants()
        current = current.getparent()
