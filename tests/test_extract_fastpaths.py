"""The extraction fast paths give the answers of the slower code they replaced.

Each replaced XPath / regex is kept here as the reference: hand-written pages with the odd
cases (mixed-case attribute values, empty attributes, several matches), then a sample of the
shared corpus when it is present.
"""

from __future__ import annotations

import _sre
import re
import sys
from pathlib import Path
from re._casefix import _EXTRA_CASES

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive.evaluate import load_gold, page_url, read_page
from newsarchive.extract import (
    body,
    body_clean,
    body_generic,
    comment_areas,
    images,
    metadata,
    metadata_authors,
    metadata_generic,
    related_links,
    related_words,
    text,
    walk,
)
from newsarchive.extract.document import Document, PageError
from newsarchive.extract.generic import BREADCRUMB_XPATH, PAYWALL_WORDS
from newsarchive.extract.metadata_generic import _LEAD_XPATH, _classed_in_body
from newsarchive.extract.related import _HEADINGS
from newsarchive.extract.related_words import head_class as _head_class
from newsarchive.extract.site import text_of

PAGE = """<html lang="en"><head><base href=" https://cdn.example.com/x/ ">
<meta http-equiv="Content-Language" content="de"><meta http-equiv="content-LANGUAGE" content="en">
<link rel="alternate" href="/feed"><link rel="Canonical  stylesheet" href="/wrong">
<link rel="shortlink CANONICAL" href="/story-1">
<script type="application/ld+json">{"@type": "NewsArticle", "headline": "H"}</script>
<script type="text/javascript">var x = 1;</script></head>
<body><div id="top-breadcrumbs"><a href="/">Home</a> <a href="/world">World</a></div>
<ol itemscope itemtype="https://schema.org/BreadcrumbList"><li>Home</li></ol>
<h1>Headline here</h1><p class="">empty class</p><p class="lead intro">The standfirst of the
story, long enough to count as one.</p><span class="Title">Not lower</span>
<div class="block-head"><h3>Related stories</h3></div><div class="label">x</div>
<div hidden><p>hidden text</p></div><div style="DISPLAY: NONE">upper-case style</div>
<div style="visibility: hidden">gone</div><div style="color: red">kept</div>
<span itemprop="commentCount">12</span><a rel="tag" href="/t/a">Tag A</a>
<a href="/x#comments">3 Comments</a><a href="/y#respond">Reply</a>
<li class="post-Comments">5 Kommentare</li></body></html>"""


def _docs() -> list[Document]:
    return [Document(PAGE, "https://news.example.com/world/story-1")]


CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "trafilatura-eval"


def _corpus_docs(limit: int = 60) -> list[Document]:
    if not (CORPUS / "gold.jsonl").exists():
        return []
    out = []
    for gold in load_gold(CORPUS, limit):
        try:
            out.append(Document.from_bytes(read_page(CORPUS, gold["page"]), page_url(gold)))
        except PageError:
            pass
    return out


@pytest.fixture(scope="module")
def docs() -> list[Document]:
    return _docs() + _corpus_docs()


def test_split_folds_what_the_whitespace_regex_folds() -> None:
    spaces = "".join(chr(c) for c in range(sys.maxunicode + 1) if re.match(r"\s", chr(c)))
    assert all(c.isspace() for c in spaces)
    text = f"{spaces}a{spaces}b\u00a0c\u2009d{spaces}"
    assert text_of(text) == re.sub(r"\s+", " ", text).strip() == "a b c d"


def test_elements_are_every_element_in_order(docs: list[Document]) -> None:
    for doc in docs:
        want = [(el, el.tag, el.get("id") or "", el.get("class") or "")
                for el in doc.tree.iter() if isinstance(el.tag, str)]
        assert walk.elements(doc) == want


def test_tree_lookups_match_their_xpaths(docs: list[Document]) -> None:
    for doc in docs:
        tree = doc.tree
        base = tree.xpath("string(//head/base/@href)").strip() or doc.url
        assert doc.base_url == base
        lang = next(iter(tree.xpath("//meta[translate(@http-equiv, 'LANGUAGE', 'language')="
                                    "'content-language']/@content")), None)
        assert metadata._http_equiv_language(doc) == lang
        canon = next(iter(tree.xpath(
            "//link[contains(concat(' ', translate(@rel, 'CANONICAL', 'canonical'), ' '),"
            " ' canonical ')]/@href")), None)
        assert metadata._canonical_link(doc) == canon
        assert metadata._breadcrumbs(doc) == tree.xpath(BREADCRUMB_XPATH)[:1]
        assert [n for n, _ in _classed_in_body(doc)] == tree.xpath(_LEAD_XPATH)[:4000]
        scripts = [n for n in tree.iter("script") if "ld+json" in (n.get("type") or "")]
        assert scripts == tree.xpath('//script[contains(@type, "ld+json")]')
        dead = body_generic._dead_nodes(tree.find("body"), []) if tree.find("body") is not None \
            else set()
        want: set = set()
        for node in tree.xpath("//body//*[@hidden or contains(@style, 'none') "
                               "or contains(@style, 'hidden')]"):
            if node.get("hidden") is not None or body_generic._HIDDEN.search(
                    node.get("style") or ""):
                want.update(node.iter())
        for node in tree.find("body").iter(*body_generic._DEAD) \
                if tree.find("body") is not None else ():
            want.update(node.iter())
        assert dead == want


def test_hand_page_answers() -> None:
    doc = _docs()[0]
    assert doc.base_url == "https://cdn.example.com/x/"
    assert metadata._http_equiv_language(doc) == "en"  # 'Content-' is not translated
    assert metadata._canonical_link(doc) == "/wrong"  # first rel with a canonical token
    assert [el.get("id") for el in metadata._breadcrumbs(doc)] == ["top-breadcrumbs"]
    assert len(doc.jsonld) == 1


def test_related_heading_candidates_match_the_xpath(docs: list[Document]) -> None:
    xpath = ("//h2|//h3|//h4|//h5|//h6|//*[contains(@class,'title') or "
             "contains(@class,'head') or contains(@class,'label')]")
    for doc in docs:
        want = [el for el in doc.tree.xpath(xpath)
                if el.tag in _HEADINGS or _head_class(el.get("class") or "")]
        got = [el for el, tag, _i, cls in walk.elements(doc)
               if tag in _HEADINGS or (cls and ("title" in cls or "head" in cls
                                                or "label" in cls) and _head_class(cls))]
        assert got == want


def _role_reference(token: str) -> frozenset[str]:
    return comment_areas.role.__wrapped__(token)


def test_role_prefilter_only_drops_tokens_without_a_role() -> None:
    tokens = ["comment", "Comments", "comment-list", "mtbnewsCommentList", "kb-comment",
              "allCommentsArea", "c12", "comment_12", "msg-4", "komentarze", "Kommentare",
              "каментары", "reacties", "disqus_thread", "dsq-comments", "reviews", "review",
              "responses", "replies", "discussion", "leserbriefe", "post", "entry-content",
              "nav", "menu-item-12", "sidebar", "COMMENT-AUTHOR", "comment-author-jane"]
    for token in tokens:
        if not comment_areas._MAY_HAVE_ROLE.search(token):
            assert not _role_reference(token), token
        assert comment_areas.role(token) == _role_reference(token)


def test_lowered_line_filters_agree_with_the_case_insensitive_ones() -> None:
    lines = ["Photo: Jane Doe", "FOTO: AFP", "Lesen Sie auch: Der Sturm", "Read More",
             "Related Articles", "3:59 PM", "11 Jan 2019", "Sign up for our newsletter",
             "Follow us on Twitter", "© Reuters", "Die Meinung des Autors wieder", "Mehr zum Thema",
             "Beitrag enthält Werbung", "À LIRE AUSSI", "Lee también", "Vergrößern Sie",
             "Cancel anytime", "The storm hit the coast on Tuesday.", "Quelle: dpa",
             "Über den Autor", "ÜBER DEN AUTOR", "Copyright 2020 by X", "(AP Photo/John Smith)"]
    lines += [f(x) for x in list(lines) for f in (str.upper, str.lower, str.title,
                                                   str.swapcase)]
    for line in lines:
        assert not body_clean._NOT_LATIN.search(line), line
        for slow, fast in zip(body_clean._FILTERS_I, body_clean._FILTERS_LOW, strict=True):
            assert bool(slow.match(line)) == bool(fast.match(line.lower())), (line, slow)
            assert bool(slow.search(line)) == bool(fast.search(line.lower())), (line, slow)
    for odd in ("İmage: x", "ıllustration", "ſource: x", "µg", "Фото: ТАСС"):
        assert body_clean._NOT_LATIN.search(odd)


def test_latin_letters_lower_case_as_re_ignorecase_compares() -> None:
    """Why the lowered filters are exact on U+0000-U+024F minus µ İ ı ſ."""
    twins = set(_EXTRA_CASES)
    for values in _EXTRA_CASES.values():
        twins.update(values)
    for cp in range(0x250):
        if chr(cp) in "\u00b5\u0130\u0131\u017f":
            continue
        low = chr(cp).lower()
        assert len(low) == 1 and ord(low) == _sre.unicode_tolower(cp), hex(cp)
        assert ord(low) < 128 or ord(low) not in twins, hex(cp)


_FOLDED = [metadata_authors._BYLINE_WORD, metadata_authors._AUTHOR_HREF_SEARCH,
           metadata_generic._LEAD_WORD, comment_areas._MAY_ROLE, related_words.CHROME_WORD,
           related_words.RELATED_WORD, body_generic._CAPTION_WORD, body_generic._BOILERPLATE_WORD,
           images._IMG_SKIP, images._IMG_SKIP_AREA]


def test_folded_searches_agree_with_the_case_insensitive_ones(docs: list[Document]) -> None:
    values = ["Author", "BYLINE-name", "post__AUTHOR", "vCard", "User__Name", "Standfirst",
              "article-Lead", "LEADER", "/Autoren/jane-doe", "/member.PHP?u=12",
              "/USERS/x?uid=3", "mtbnewsCommentList", "Kommentare", "c12", "Reacties", "x"]
    for doc in docs:
        for el, _tag, ident, cls in walk.elements(doc):
            values += [v for v in (ident, cls, el.get("href") or "") if v]
    values += [v.swapcase() for v in values] + ["ſignature", "İntro", "AUTHOR\u212a"]
    for folded in _FOLDED:
        for value in values:
            assert folded(value) == bool(folded.pattern.search(value)), (folded.pattern, value)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=40))
def test_folded_searches_agree_on_any_ascii(text: str) -> None:
    for folded in _FOLDED:
        for probe in (text, f"{text}author", f"Lead {text}", f"COMMENT{text}", f"/USERS/{text}"):
            assert folded(probe) == bool(folded.pattern.search(probe)), (folded.pattern, probe)


def test_only_the_named_twins_fold_onto_ascii_letters() -> None:
    """Why FoldedSearch may lower-case ASCII text: the only characters re.I matches with an
    ASCII letter, besides its upper/lower case, are the four it refuses in a pattern."""
    for key, others in _EXTRA_CASES.items():
        group = {key, *others}
        if any(c < 128 for c in group):
            assert {chr(c) for c in group if c >= 128} <= text._ASCII_TWINS
    for pattern in (r"Author", r"[A-Z]x", "\u017fig", "(?-i:x)y"):
        with pytest.raises(AssertionError):
            text.FoldedSearch(re.compile(pattern, re.I))


def _short_texts_reference(doc: Document) -> list:
    # the code before the prefix test: every text of 60+ characters folded whole
    out = []
    for el in doc.tree.iter():
        t = el.text
        if not t or len(t) < 4 or not isinstance(el.tag, str) or el.tag in ("script", "style"):
            continue
        if len(t) >= 60 or t != t.strip() or "  " in t:
            t = " ".join(t.split())
            if not 3 < len(t) < 60:
                continue
        out.append((t.lower(), el))
    return out


def test_short_texts_are_the_folded_short_texts(docs: list[Document]) -> None:
    # long raw texts that fold under 60 characters (indentation, runs of blanks) still count
    spaced = "<html><body><h2>\n" + " " * 200 + "Related   stories\n" + "\t" * 90 + "</h2>" \
        + "<p>" + "word " * 30 + "</p><p>" + ("a" + " " * 70) * 3 + "</p></body></html>"
    for doc in [*docs, Document(spaced, "https://example.com/")]:
        assert walk.short_texts(doc) == _short_texts_reference(doc)


def test_related_subtree_ends_are_the_eager_ones(docs: list[Document]) -> None:
    for doc in docs:
        page = related_links.Page(doc)
        nodes = walk.nodes(doc)
        eager: dict = {}
        for el in reversed(nodes):
            eager[el] = eager[el[-1]] if len(el) else page.order[el]
        assert page.order == {el: i for i, el in enumerate(nodes)}
        assert all(page.end[el] == eager[el] for el in nodes)


def _paywall_reference(html: str) -> bool:
    lowered = html.lower()
    for word in PAYWALL_WORDS:
        start = lowered.find(word)
        while start >= 0:
            if body._IN_CLASS.search(lowered, max(0, start - 300), start):
                return True
            start = lowered.find(word, start + len(word))
    return False


def test_paywall_markup_looks_up_every_word(docs: list[Document]) -> None:
    pages = [doc.text for doc in docs]
    for word in PAYWALL_WORDS:
        pages += [f'<div class="x {word.upper()}">', f"<p>{word}</p>", f"<i id='{word}'>",
                  f'<div class="a" data-x="{word}">', f"<script>'<b class=\"{word}\">'</script>"]
    for html in pages:
        assert body._paywall_markup(html) == _paywall_reference(html), html[:80]
    assert body._paywall_markup('<div class="x PayWall">')


def _roles_reference(id_class: str) -> frozenset[str]:
    out: set[str] = set()
    for token in id_class.split():
        out |= _role_reference(token)
    return frozenset(out)


def test_whole_string_role_prefilter(docs: list[Document]) -> None:
    values = ["comment-12 x", "x c12", "c12\u2009x", "c12\x1cx", "post 12a", "msg-4\n",
              "Kommentare", "a b", "", "  ", "x1 ", "item_3\u3000y"]
    for doc in docs:
        values += [f"{ident} {cls}" for _el, _tag, ident, cls in walk.elements(doc)]
    for value in values:
        assert comment_areas._roles_of.__wrapped__(value) == _roles_reference(value), value


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["comment", "c12", "4", "x", "Reply", " ", "\u2009", "\x1c",
                                 "\n", "-", "_", "list", "Kommentar", "a1b"]), max_size=8)
       .map("".join))
def test_whole_string_role_prefilter_any(value: str) -> None:
    assert comment_areas._roles_of.__wrapped__(value) == _roles_reference(value), value
