"""Words that mark related-link blocks and site chrome: heading texts ("Related", "Most read",
"Читайте также"), and id/class words of menus, share bars, tag clouds and related boxes.
Cached per string: a site's menus, labels and class names repeat on every page."""

from __future__ import annotations

import re
from functools import lru_cache

from newsarchive.extract import generic as g
from newsarchive.extract.text import FoldedSearch

HEAD_CLASS = re.compile(r"(?:^|[-_])(?:title|heading|header|head|hdr|caption|label)(?:$|[-_])",
                        re.I)
# the label regexes run lower-cased without re.I (several times faster on every text node)
# (+ "Schon gelesen?", German "already read?" over in-text teaser lists)
RELATED_HEADING_LOW = re.compile(g.RELATED_HEADING.pattern + r"|^\W*schon gelesen\W*$")


def says_related(text: str) -> bool:
    return bool(RELATED_HEADING_LOW.search(text.lower()))


@lru_cache(maxsize=8192)
def related_text(low: str) -> bool:
    """RELATED_HEADING_LOW on a lower-cased short text: its ~80 alternatives cost ~0.4 us a text
    (~250 a page), and a site's menus, footers and teaser labels repeat on every page."""
    return RELATED_HEADING_LOW.search(low) is not None


# (lower-cased without re.I on ASCII: the caches miss on most class strings of a new site)
CHROME_WORD = FoldedSearch(g.CHROME_CLASS)
RELATED_WORD = FoldedSearch(g.RELATED_CLASS)


@lru_cache(maxsize=8192)
def chrome_words(id_class: str) -> bool:
    """id + class words of nav/menus/share bars/tag clouds/comment areas (cached per string)."""
    return bool(id_class.strip()) and (CHROME_WORD(id_class) or any(
        g.COMMENT_AREA.match(t) for t in id_class.split()))


_POST_CLASS = re.compile(r"(?:^|\s)(?:hentry|type-post|type-page|post-\d+)(?:$|\s)")
_TAXONOMY_TOKEN = re.compile(r"(?:^|\s)(?:tag|category)-\S+")


def post_class_free(id_class: str) -> str:
    """WordPress marks each post with 'tag-<slug> category-<slug>' (post_class): on a
    post's element those name its tags, not a tag cloud."""
    if "tag-" in id_class and _POST_CLASS.search(id_class):
        return _TAXONOMY_TOKEN.sub(" ", id_class)
    return id_class


@lru_cache(maxsize=8192)
def head_class(classes: str) -> bool:
    return any(HEAD_CLASS.search(t) for t in classes.split())


@lru_cache(maxsize=8192)
def related_words(id_class: str) -> bool:
    return bool(id_class.strip()) and RELATED_WORD(id_class)


# Headings over links that are no block of related stories: an ad label over a slot
# ("Advertisement", "Anzeige", "Sponsored Posts"), a tag or topic list ("Tags", "Schlagwörter",
# "Themen"). Whole text only: "Verwandte Themen" and "Aus dem Anzeigen-Markt" say more.
_NOT_BLOCK_HEAD = re.compile(
    r"^\W*(?:advertisement|advertising|anzeigen?|werbung|publicidad|publicité|pubblicità|"
    r"reklama|реклама|sponsored(?: (?:posts?|content|stories|links))?|gesponsert|"
    r"promoted(?: stories)?|präsentiert von|presented by|"
    r"tags?|tagged|schlagw[öo]rter|schlagworte|stichw[öo]rter|keywords|themen|topics|"
    r"étiquettes|etiquetas|tagi|теги|метки)\W*$", re.I)
# A recent-comments widget ("Recent Comments", "Neueste Kommentare", "Kommentare") lists the
# stories readers commented on last; "Most commented" / "Meistkommentiert" ranks them
_COMMENTS_HEAD = re.compile(r"\b(?:comments|kommentare|commentaires|comentarios|commenti|"
                            r"reacties|komentarze|комментарии)\W*$", re.I)
_RANKED = re.compile(r"most|meist|más|plus|più|najczęściej|самые|top", re.I)


@lru_cache(maxsize=8192)
def not_a_block_head(text: str) -> bool:
    """True for a heading that names ads, tags or a recent-comments widget (see above)."""
    if _NOT_BLOCK_HEAD.match(text):
        return True
    return bool(_COMMENTS_HEAD.search(text)) and not _RANKED.search(text)
