"""Our own main-text extractor, on the already parsed tree (no copy, no reparse, no mutation).

1. Score: every paragraph-like element (p, pre, blockquote, li, td, dd, h2-h6, and divs with
   text of their own) weighs its text length minus twice its link text; the weight goes to its
   parent in full and to its grandparent by half (readability's scheme), with class/id hints
   (article-body, entry-content, itemprop=articleBody up; comment, sidebar, related down).
   Comment and related containers, nav/aside/footer/figure/form subtrees weigh nothing.
2. Choose: the best-scoring element, plus its siblings that carry a fair share of text too
   (an article body split by an ad or an embed).
3. Walk: one `iterwalk` over the chosen elements, a paragraph per block element, skipping
   figures, captions, credits, hidden and boilerplate-classed blocks (unless they hold much of
   the article: wrappers named "post has-comments"), and link-heavy blocks.

`extract_main` returns the text (paragraphs separated by a blank line) and the container, plus
what share of the page's paragraph weight the container holds, so the caller can fall back to
trafilatura when the result looks weak.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from newsarchive.extract.body_clean import clean_lines
from newsarchive.extract.body_tables import is_calendar
from newsarchive.extract.credits import is_credit
from newsarchive.extract.generic import BOILERPLATE_CLASS, CONTENT_CLASS
from newsarchive.extract.text import FoldedSearch, clean

Node = etree._Element
# compiled once: node.xpath(str) compiles its expression on every call
_STYLED = etree.XPath(".//*[@hidden or @style]")

_PARA = ("p", "pre", "blockquote", "li", "td", "dd", "h2", "h3", "h4", "h5", "h6")
_OWN_TEXT = ("div", "section", "article", "main", "span", "font", "center")
# subtrees that never hold article text (never scored, never walked)
_DEAD = frozenset({"script", "style", "noscript", "template", "figure", "figcaption", "button",
                   "svg", "iframe", "select", "textarea", "input", "nav", "aside", "form",
                   "dialog", "footer", "label", "object", "embed", "video", "audio",
                   "picture", "img", "map", "canvas", "head", "title", "meta", "link",
                   "rt", "rp"})
_BLOCK = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre",
                    "section", "article", "ul", "ol", "dl", "dd", "dt", "table", "tr", "td",
                    "th", "header", "main", "hr", "address", "details", "summary", "center",
                    "caption", "br", "tbody", "thead"})
_INNER_BLOCKS = ("p", "div", "li", "table", "section", "article", "h2", "h3", "h4", "pre")
# link share above which a block is a link list / teaser, not text (a <p> needs more)
LINKED_BLOCK = 0.6
LINKED_P = 0.95
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_GAP_TAGS = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "pre", "table",
                       "dl"})
_CAPTION = re.compile(r"caption|credit|copyright|bildunterschrift|legend|photo-?info|"
                      r"(?:image|img|photo|foto|bild|media)[-_]*(?:annotation|description|"
                      r"desc\b|source)", re.I)
# the class tests every element meets, lower-cased without re.I on ASCII labels (same answers)
_CAPTION_WORD = FoldedSearch(_CAPTION)
_BOILERPLATE_WORD = FoldedSearch(BOILERPLATE_CLASS)
_INTRO = re.compile(r"intro|lead|perex|bajada|standfirst|dek\b|deck|summary|subtitle|subline|"
                    r"einleitung|teaser-?text|excerpt|chapo|chapeau|sapo|abstract", re.I)
_QUOTE = re.compile(r"quote|zitat|citation|cita\b", re.I)
_COMMENTISH = re.compile(r"comment|kommentar|reply|share|social|tweet|twitter", re.I)
_ADDRESS = re.compile(r"://|www\.|@\w")  # a link shown as its address is text, not a teaser
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_NEGATIVE = re.compile(
    r"comment|popup|modal|overlay|popmake|lightbox|cookie|consent|sidebar|related|footer|"
    r"widget|teaser|promo|recommend|popular|trending|newsletter|share|social|banner|advert|"
    r"menu|nav", re.I)


@dataclass
class MainText:
    text: str
    node: Node
    share: float  # the container's share of the page's paragraph weight


def _label(el: Node) -> str:
    cls = el.get("class")
    ident = el.get("id")
    if cls is None and ident is None:
        return ""
    return f"{cls or ''} {ident or ''}"


def _dead_nodes(body: Node, exclude: list[Node]) -> set[Node]:
    dead: set[Node] = set()
    for node in exclude:
        dead.update(node.iter())
    for node in body.iter(*_DEAD):
        if node not in dead:
            dead.update(node.iter())
    # attribute tests only: XPath's contains(@style, ...) cost twice as much as the filter here
    for node in _STYLED(body):
        style = node.get("style") or ""
        if node.get("hidden") is not None or (
                ("none" in style or "hidden" in style) and _HIDDEN.search(style)):
            dead.update(node.iter())
    return dead


def _text_len(el: Node) -> tuple[int, int]:
    total = sum(len(t.strip()) for t in el.itertext())
    links = sum(len(t.strip()) for a in el.iter("a") for t in a.itertext())
    return total, links


def _score(body: Node, dead: set[Node]) -> tuple[dict[Node, float], dict[Node, float]]:
    """(readability score per element, subtree paragraph weight per element)."""
    score: dict[Node, float] = {}
    weight: dict[Node, float] = {}
    for el in body.iter(*_PARA, *_OWN_TEXT):
        if el in dead:
            continue
        tag = el.tag
        holder: Node | None = el.getparent()
        if tag in _OWN_TEXT:
            own = len((el.text or "").strip()) + sum(len((c.tail or "").strip()) for c in el)
            if own < 40:
                continue
            total, links = own, 0
            holder = el  # text of its own: it is the paragraph's container
        else:
            if tag in ("li", "td", "dd", "blockquote") and next(
                    el.iterdescendants(*_INNER_BLOCKS), None) is not None:
                continue  # its inner blocks count
            total, links = _text_len(el)
        if total < 25 and tag not in _HEADINGS:
            continue
        w = total - 2 * links
        if w <= 0 or holder is None:
            continue
        if tag in ("li", "td", "dd"):
            w *= 0.5
        score[holder] = score.get(holder, 0.0) + w
        grand = holder.getparent()
        if grand is not None:
            score[grand] = score.get(grand, 0.0) + w / 2
        if holder is el:
            weight[el] = weight.get(el, 0.0) + w
        for anc in el.iterancestors():
            weight[anc] = weight.get(anc, 0.0) + w
    for node in list(score):
        label = _label(node)
        if node.get("itemprop") == "articleBody":
            score[node] *= 1.6
        elif label and CONTENT_CLASS.search(label):
            score[node] *= 1.3
        elif label and _NEGATIVE.search(label):
            score[node] *= 0.4
    return score, weight


def _boilerplate(el: Node) -> bool:
    label = _label(el)
    return bool(label and _BOILERPLATE_WORD(label))


def _sig(el: Node) -> tuple[str, str | None]:
    return el.tag, el.get("class")


def _choose(body: Node, score: dict[Node, float], weight: dict[Node, float],
            dead: set[Node]) -> list[Node]:
    """The best-scoring element and its siblings worth reading. When an ancestor (up to 3
    levels up) has weighty twins (same tag and class: an article body cut into several
    "column" or "paragraph group" wrappers), the siblings are gathered at that level."""
    # readability: a candidate's score shrinks with its link density (menus, teaser grids)
    top = sorted(score, key=score.__getitem__, reverse=True)[:8]
    adjusted = {}
    for cand in top:
        total, links = _text_len(cand)
        adjusted[cand] = score[cand] * (1 - links / total if total else 0.0)
    best = max(adjusted, key=adjusted.__getitem__)
    if best.tag in ("html", "body"):
        return [best]
    node = best
    anc = best
    floor = max(0.2 * weight.get(best, 0.0), 80.0)
    for level in range(3):
        parent = anc.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        sig = _sig(anc)
        if any(s is not anc and s not in dead and (
                (_sig(s) == sig and weight.get(s, 0.0) >= 50) or
                (weight.get(s, 0.0) >= (floor if level == 0 else 2.5 * floor)
                 and not _boilerplate(s)))
                for s in parent):
            node = anc
        anc = parent
    parent = node.getparent()
    if parent is None:
        return [node]
    sig = _sig(node)
    # inside the element named as the article body, the other blocks are the article's too
    # (a summary box beside the main text, a short closing line); light ones only after the
    # first chosen block (before it they repeat the headline); the walker still judges them
    named = parent.get("itemprop") == "articleBody" or bool(CONTENT_CLASS.search(_label(parent)))
    chosen: list[Node] = []
    for sib in parent:
        if sib is node:
            chosen.append(sib)
        elif not isinstance(sib.tag, str) or sib in dead:
            continue
        elif _sig(sib) == sig and weight.get(sib, 0.0) > 0:
            chosen.append(sib)
        elif named and sib.tag not in ("h1", "header") and not _boilerplate(sib) and (
                weight.get(sib, 0.0) >= 50 or (chosen and sib.tag in _GAP_TAGS)):
            chosen.append(sib)
        elif weight.get(sib, 0.0) >= floor and not _boilerplate(sib):
            chosen.append(sib)
        elif sib.tag == "p":
            total, links = _text_len(sib)
            if total >= 80 and links < 0.25 * total:
                chosen.append(sib)
    if len(chosen) > 2:
        chosen = _fill_gaps(parent, chosen, dead)
    return chosen


def _fill_gaps(parent: Node, chosen: list[Node], dead: set[Node]) -> list[Node]:
    """Siblings between two chosen ones that weigh nothing on their own (a one-line question,
    a paragraph that is mostly a link, a heading) are still the article's: the walker's own
    filters judge them."""
    picked = set(chosen)
    kids = [k for k in parent if isinstance(k.tag, str)]
    where = [i for i, k in enumerate(kids) if k in picked]
    sigs = {_sig(k) for k in chosen}
    out = []
    for k in kids[where[0]:where[-1] + 1]:
        if k in picked or (k not in dead and (k.tag in _GAP_TAGS or _sig(k) in sigs)
                           and not _boilerplate(k)):
            out.append(k)
    return out


class _Walker:
    """Block-level text of the chosen elements, one paragraph per block."""

    def __init__(self, dead: set[Node], weight: dict[Node, float], protect: float) -> None:
        self.dead = dead
        self.weight = weight
        self.protect = protect
        self.paras: list[str] = []
        self.buf: list[str] = []
        self.linked = 0
        self.heading = False
        self.in_heading = 0  # depth: a <br> inside a heading splits it, both parts are heading
        self.in_p = False
        self.kinds: list[bool] = []  # per kept paragraph: is it a heading (or a short label)
        self.tagged: list[bool] = []  # per kept paragraph: was it in an <h2>..<h6>

    def keep(self, text: str, heading: bool, tagged: bool = False) -> None:
        self.paras.append(text)
        self.kinds.append(heading)
        self.tagged.append(tagged)

    def drop_heading(self) -> None:
        """A heading right before a dropped block of links introduces them ("More from X")."""
        if self.kinds and self.kinds[-1]:
            self.paras.pop()
            self.kinds.pop()
            self.tagged.pop()

    def drop_form_label(self) -> None:
        """The headings right before a form label it ("Newsletter", "Sie lesen gern X? Zeigen
        Sie Ihre Wertschätzung!" over a donation form, "Leave a reply"): the form is never
        text, so neither is its label. Only real headings: a short line before a form (the
        last line of an address) stays."""
        self.flush()
        while self.tagged and self.tagged[-1]:
            self.paras.pop()
            self.kinds.pop()
            self.tagged.pop()

    def flush(self) -> None:
        if not self.buf:
            return
        text = clean("".join(self.buf))
        linked, heading, in_p = self.linked, self.heading or self.in_heading > 0, self.in_p
        self.buf.clear()
        self.linked = 0
        self.heading = self.in_p = False
        if not text:
            return
        if not heading and linked >= (LINKED_P if in_p else LINKED_BLOCK) * len(text) \
                and not _ADDRESS.search(text):
            self.drop_heading()
            return  # a link ("Read also: ...") or a list of links
        if len(text) <= 200 and is_credit(text):
            return
        # a short line without a sentence end ("Weitere Informationen", "Kontakt:") is a label
        self.keep(text, heading or (len(text) <= 40 and text[-1] not in ".!?\"”»)"), heading)

    def skip(self, el: Node, tag: str) -> bool:
        if el in self.dead:
            return True
        if tag == "table" and is_calendar(el):
            return True
        label = _label(el)
        if not label:
            return False
        if _CAPTION_WORD(label) and self.weight.get(el, 0.0) < self.protect:
            return True
        if not _BOILERPLATE_WORD(label) or self.weight.get(el, 0.0) >= self.protect:
            return False
        # a pull quote is the article's own text, whatever CMS block name ("widget quote")
        # comes with it; a quoted comment is still a comment
        return not (_QUOTE.search(label) and not _COMMENTISH.search(label))

    def walk(self, root: Node) -> None:
        walker = etree.iterwalk(root, events=("start", "end"))
        in_link = 0
        skipped: set[Node] = set()
        for event, el in walker:
            tag = el.tag if isinstance(el.tag, str) else ""
            if event == "start":
                if tag in _BLOCK:
                    self.flush()
                if not tag or self.skip(el, tag):
                    walker.skip_subtree()
                    skipped.add(el)
                    if tag == "form":
                        self.drop_form_label()
                    continue
                if tag == "a":
                    in_link += 1
                if tag in _HEADINGS:
                    self.heading = True
                    self.in_heading += 1
                elif tag == "p":
                    self.in_p = True
                if el.text:
                    self.buf.append(el.text)
                    if in_link:
                        self.linked += len(el.text.strip())
            else:
                if tag == "a" and in_link and el not in skipped:
                    in_link -= 1
                if tag in _BLOCK:
                    self.flush()
                if tag in _HEADINGS and el not in skipped:
                    self.in_heading -= 1
                if el is not root and el.tail:
                    self.buf.append(el.tail)
                    if in_link:
                        self.linked += len(el.tail.strip())
        self.flush()
        if root.tag not in _HEADINGS:  # a chosen heading of its own introduces the next block
            self.drop_heading()


def _intro(chosen: list[Node], dead: set[Node]) -> list[str]:
    """A standfirst marked by its class (intro, lead, perex, bajada, dek, ...) just before the
    chosen container, within its parent or grandparent: often outside the body wrapper."""
    first = chosen[0]
    parent = first.getparent()
    anc = parent.getparent() if parent is not None else None
    if anc is None or anc.tag in ("html", "body"):
        anc = parent
    if anc is None:
        return []
    inside = set(chosen)
    found: list[str] = []
    for el in anc.iter():
        if el is first:
            break
        if el in dead or el in inside or not isinstance(el.tag, str):
            continue
        label = _label(el)
        if not label or not _INTRO.search(label) or any(a in inside for a in el.iterancestors()):
            continue
        total, links = _text_len(el)
        if 60 <= total <= 1500 and links < 0.3 * total:
            text = clean(" ".join(el.itertext()))
            if not any(text in f for f in found):
                found = [f for f in found if f not in text] + [text]
    return found[-2:]


def extract_main(tree: Node, exclude: list[Node]) -> MainText | None:
    body = tree.find("body")
    if body is None:
        return None
    dead = _dead_nodes(body, exclude)
    score, weight = _score(body, dead)
    if not score:
        return None
    chosen = _choose(body, score, weight, dead)
    total = weight.get(body, 0.0) or 1.0
    held = sum(weight.get(n, 0.0) for n in chosen)
    walker = _Walker(dead, weight, 0.5 * held)
    for node in chosen:
        walker.walk(node)
    text = clean_lines("\n".join(_intro(chosen, dead) + walker.paras))
    node = chosen[0] if len(chosen) == 1 else chosen[0].getparent()
    if node is None or not text:
        return None
    return MainText(text, node, held / total)
