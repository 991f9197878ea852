"""Metadata layers on small hand-written pages: one behaviour per test."""

from __future__ import annotations

import pytest
from snippets import NOW, PARA, URL, ld, page

from newsarchive.extract import extract
from newsarchive.extract.metadata import normalize_lang, trusted_canonical
from newsarchive.extract.text import split_names, strip_site_name
from newsarchive.profiles import parse_profile


def run(html: str, url: str = URL, **kw: object):
    return extract(html, url, fetched_at=NOW, **kw)  # type: ignore[arg-type]


def test_jsonld_author_list_and_dates() -> None:
    rec = run(page(ld({"@context": "https://schema.org", "@type": "NewsArticle",
                       "headline": "Storm hits the coast",
                       "author": [{"@type": "Person", "name": "Jane Doe"},
                                  {"@type": "Person", "name": "John Roe"}],
                       "datePublished": "2024-03-12T09:30:00+01:00",
                       "dateModified": "2024-03-12T10:00:00Z",
                       "articleSection": "World", "keywords": "storm, weather"})))
    assert rec.authors == ["Jane Doe", "John Roe"]
    assert rec.provenance["authors"] == "json-ld"
    assert rec.published_at == "2024-03-12T09:30:00+01:00"  # the offset is kept
    assert rec.published_raw == "2024-03-12T09:30:00+01:00"
    assert rec.modified_at == "2024-03-12T10:00:00+00:00"
    assert rec.section == "World"
    assert rec.tags == ["storm", "weather"]


def test_jsonld_author_by_id_reference_in_graph() -> None:
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "Article", "headline": "X", "author": {"@id": "#p1"}},
        {"@type": "Person", "@id": "#p1", "name": "Anna Example"}]}
    assert run(page(ld(graph))).authors == ["Anna Example"]


def test_organization_author_yields_to_a_person_byline() -> None:
    html = page(ld({"@type": "NewsArticle", "author": {"@type": "Organization",
                                                         "name": "Example News"}}),
                '<div class="byline">By Max Muster</div>')
    assert run(html).authors == ["Max Muster"]


def test_bad_jsonld_and_odd_values_never_raise() -> None:
    head = ('<script type="application/ld+json">{"@type": "NewsArticle", "author": 42, '
            '"datePublished": "not a date", "headline": ["x"],</script>'
            + ld({"@type": "Article", "author": [None, {"name": ["A", "B"]}],
                  "datePublished": {"bad": 1}, "keywords": 7}))
    rec = run(page(head))
    assert rec.published_at is None or rec.published_at.startswith("20")


def test_h1_beats_og_title_with_site_suffix() -> None:
    html = page('<meta property="og:title" content="Storm hits the coast | Example News">'
                "<title>Storm hits the coast | Example News</title>",
                "<h1>Storm hits the coast</h1>")
    rec = run(html)
    assert rec.headline == "Storm hits the coast"
    assert rec.provenance["headline"] == "generic"


def test_h1_kicker_is_dropped_when_meta_title_repeats_the_headline() -> None:
    html = page('<meta property="og:title" content="Storm hits the coast - Example">',
                '<h1><span class="kicker">Weather</span> <span>Storm hits the coast</span></h1>')
    assert run(html).headline == "Storm hits the coast"


def test_title_tag_without_site_name_when_no_h1() -> None:
    html = page("<title>Storm hits the coast | Example News</title>")
    assert run(html).headline == "Storm hits the coast"
    assert strip_site_name("Kicker - A long enough headline | Site", ["Site"]) == \
        "A long enough headline"


@pytest.mark.parametrize("shown, iso", [
    ("12.03.2024, 14:05", "2024-03-12T14:05:00"),
    ("12 марта 2024, 14:05", "2024-03-12T14:05:00"),
    ("March 11, 2024", "2024-03-11"),
    ("2 hours ago", "2024-03-12T10:00:00+00:00"),  # relative to the fetch time
])
def test_shown_dates(shown: str, iso: str) -> None:
    rec = run(page(body=f'<h1>Headline of the story</h1><span class="date">{shown}</span>'))
    assert rec.published_at == iso
    assert rec.published_raw == shown


def test_future_and_ancient_dates_are_rejected() -> None:
    html = page('<meta property="article:published_time" content="2031-01-01">'
                '<meta name="date" content="1970-01-01">')
    assert run(html, "https://news.example.com/story").published_at is None
    assert run(html).published_at == "2024-03-12"  # the URL's date is the last resort


def test_date_shown_at_the_headline_picks_among_declared_dates() -> None:
    # JSON-LD carries an older draft date; og and the page header show the publication day
    head = (ld({"@type": "NewsArticle", "datePublished": "2024-03-01T10:00:00+01:00"})
            + '<meta property="article:published_time" content="2024-03-10T10:00:00+01:00">')
    body = '<header><h1>Headline of the story</h1><span>10.03.2024</span></header>'
    rec = run(page(head, body), "https://news.example.com/story")
    assert rec.published_at == "2024-03-10T10:00:00+01:00"
    assert rec.provenance["published_at"] == "opengraph"
    # a shown day no declared date names changes nothing
    body = '<header><h1>Headline of the story</h1><span>05.03.2024</span></header>'
    assert run(page(head, body), "https://news.example.com/story").published_at[:10] == (
        "2024-03-01")


def test_updated_label_at_the_headline_yields_to_the_published_one() -> None:
    body = ('<div><h1>Headline of the story</h1><time class="updated" '
            'datetime="2024-03-11T09:00:00+01:00">11.03.</time><time class="published" '
            'datetime="2024-03-10T09:00:00+01:00">10.03.</time></div>')
    head = ld({"@type": "NewsArticle", "datePublished": "2024-03-10T09:00:00+01:00",
               "dateModified": "2024-03-11T09:00:00+01:00"})
    assert run(page(head, body), "https://n.example.com/s").published_at[:10] == "2024-03-10"
    assert run(page(body=body), "https://n.example.com/s").published_at[:10] == "2024-03-10"


def test_a_date_inside_the_h1_is_part_of_the_title() -> None:
    body = '<div><h1>Results of the race, 19.5.2007</h1><p>20.5.2007</p></div>'
    assert run(page(body=body), "https://n.example.com/s").published_at == "2007-05-20"


def test_utc_stamp_is_read_in_the_publisher_zone() -> None:
    head = '<meta property="article:published_time" content="2022-11-06T23:00:00Z">'
    rec = run(page(head, lang="de"), "https://zeitung.example.de/artikel")
    assert rec.published_at == "2022-11-07T00:00:00+01:00"
    assert rec.published_raw == "2022-11-06T23:00:00Z"
    # no country, no language that says where: UTC stays UTC
    rec = run(page(head, lang="en"), "https://news.example.com/story")
    assert rec.published_at == "2022-11-06T23:00:00+00:00"


def test_two_layers_agreeing_outvote_a_lone_jsonld_date() -> None:
    head = (ld({"@type": "NewsArticle", "datePublished": "2021-12-06T14:36:00+01:00"})
            + '<meta property="article:published_time" content="2022-12-15T09:13:00+01:00">'
            + '<meta name="date" content="2022-12-15">')
    assert run(page(head), "https://n.example.com/s").published_at[:10] == "2022-12-15"
    # one other layer is not a majority
    head = (ld({"@type": "NewsArticle", "datePublished": "2021-12-06T14:36:00+01:00"})
            + '<meta property="article:published_time" content="2022-12-15T09:13:00+01:00">')
    assert run(page(head), "https://n.example.com/s").published_at[:10] == "2021-12-06"


def test_shown_utc_day_keeps_the_stamp_as_declared() -> None:
    head = '<meta property="article:published_time" content="2019-12-26T23:07:45+00:00">'
    body = ('<div><h1>Headline of the story</h1><time datetime="2019-12-26T23:07:45+00:00">'
            '26/12/2019</time></div>')
    rec = run(page(head, body, lang="de"), "https://zeitung.example.de/artikel")
    assert rec.published_at == "2019-12-26T23:07:45+00:00"


def test_url_date_against_declared_date() -> None:
    url = "https://news.example.com/2024/03/02/story"
    utc = '<meta property="article:published_time" content="2024-03-03T02:00:00Z">'
    assert run(page(utc, lang="en"), url).published_at == "2024-03-02"  # crossed midnight
    local = '<meta property="article:published_time" content="2024-03-08T06:00:00-05:00">'
    assert run(page(local, lang="en"), url).published_at == "2024-03-08T06:00:00-05:00"
    late = '<meta property="article:published_time" content="2024-06-08T06:00:00-05:00">'
    assert run(page(late, lang="en"), url).published_at == "2024-03-02"  # a modification


@pytest.mark.parametrize("byline, names", [
    ("By Jane Doe and John Roe, Reuters", ["Jane Doe", "John Roe", "Reuters"]),
    ("Von Max Muster | 12.03.2024, 14:05", ["Max Muster"]),
    ("Jane Doe, Staff Writer", ["Jane Doe"]),
    ("Posted by admin", []),
    ("jane@example.com", []),
    ("Anna Schmidt und Peter Meier", ["Anna Schmidt", "Peter Meier"]),
    ("ByJ.R. Stone Thursday, November 9, 2023", ["J.R. Stone"]),
    ("Jane Doe am Samstag", ["Jane Doe"]),
    ("Tomas Spahn Fr", ["Tomas Spahn"]),
    ("The Mail on Sunday", ["The Mail on Sunday"]),
    ("Registrieren", []),
    ("FOCUS-Online-Experte Robin Tschöpe", ["Robin Tschöpe"]),
])
def test_byline_names(byline: str, names: list[str]) -> None:
    assert split_names([byline]) == names


def test_byline_class_layer_and_comment_authors_ignored() -> None:
    html = page(body='<h1>Headline of the story</h1><div class="comments"><span class="author">'
                     "Troll Person</span></div><p class=\"byline\">By Jane Doe</p>")
    rec = run(html)
    assert rec.authors == ["Jane Doe"]
    assert rec.provenance["authors"] == "generic"


def test_author_in_script_json_state() -> None:
    script = ('<script>window.__STATE__ = {"post": {"id": 7, "postedBy": "Cara Stiles", '
              '"title": "x"}};</script>')
    rec = run(page(body="<h1>Headline of the story</h1>" + script),
              "https://n.example.com/s")
    assert rec.authors == ["Cara Stiles"]
    nested = '<script>var d = {"author": {"id": 3, "name": "Jane Doe"}};</script>'
    assert run(page(body=nested), "https://n.example.com/s").authors == ["Jane Doe"]


def test_byline_after_a_date_in_a_layout_with_a_sidebar() -> None:
    body = ('<section class="wrapper__with-sidebar"><h1>Headline of the story</h1>'
            '<div class="meta-author">Posted on September 21, 2020 by Adi Tzlil</div></section>'
            '<aside class="sidebar"><span class="author">Side Person</span></aside>')
    assert run(page(body=body), "https://n.example.com/s").authors == ["Adi Tzlil"]


def test_canonical_trust_rules() -> None:
    base = "https://news.example.com/world/2024/03/12/some-story"
    assert trusted_canonical("https://www.example.com/world/2024/03/12/some-story", base, None)
    assert not trusted_canonical("https://news.example.com/", base, None)  # home page
    assert not trusted_canonical("https://news.example.com/world", base, None)  # parent section
    assert not trusted_canonical("https://other.org/world/2024/03/12/some-story", base, None)
    prof = parse_profile({"name": "ex", "hosts": ["news.example.com"],
                          "urls": {"article": [r"/\d{4}/\d\d/\d\d/"]}})
    assert not trusted_canonical("https://news.example.com/tag/storm", base, prof)


def test_canonical_relative_href_is_resolved_and_normalized() -> None:
    html = page('<link rel="canonical" href="/world/2024/03/12/some-story?utm_source=x">')
    rec = run(html, URL + "?fbclid=abc")
    assert rec.canonical_url == "https://news.example.com/world/2024/03/12/some-story"


def test_untrusted_canonical_falls_back_to_normalized_url() -> None:
    html = page('<link rel="canonical" href="https://news.example.com/">')
    rec = run(html, URL + "?utm_medium=social#top")
    assert rec.canonical_url == URL
    assert "canonical_url" not in rec.provenance


@pytest.mark.parametrize("raw, tag", [("en_us", "en-US"), ("be_BY", "be-BY"), ("EN", "en"),
                                      ("sr-latn-rs", "sr-Latn-RS"), ("und", None), ("", None)])
def test_language_normalization(raw: str, tag: str | None) -> None:
    assert normalize_lang(raw) == tag


def test_language_sources_in_order() -> None:
    html = ('<html><head><meta property="og:locale" content="be_BY"></head><body>'
            f"{PARA}</body></html>")
    assert run(html).language == "be-BY"
    bare = f"<html><body>{PARA}</body></html>"
    prof = parse_profile({"name": "ex", "hosts": ["news.example.com"], "language": "ru"})
    assert run(bare, profile=prof).language == "ru"


def test_section_from_breadcrumbs_and_tags_from_og() -> None:
    html = page('<meta property="article:tag" content="Storms">'
                '<meta property="article:tag" content="Coast">',
                '<nav class="breadcrumb"><a href="/">Home</a><a href="/world">World</a></nav>')
    rec = run(html)
    assert rec.section == "World"
    assert rec.tags == ["Storms", "Coast"]


def test_site_layer_wins_and_is_processed() -> None:
    prof = parse_profile({"name": "ex", "hosts": ["news.example.com"],
                          "fields": {"headline": "h2.title::text", "authors": ".who"},
                          "processors": {"authors": ["strip_by"]}})
    html = page('<meta property="og:title" content="Other">',
                '<h2 class="title">Site headline</h2><span class="who">By Jane Doe</span>')
    rec = run(html, profile=prof)
    assert rec.headline == "Site headline"
    assert rec.authors == ["Jane Doe"]
    assert rec.provenance["headline"] == rec.provenance["authors"] == "site"


def test_bad_site_selector_falls_through_to_generic() -> None:
    prof = parse_profile({"name": "ex", "hosts": ["news.example.com"],
                          "fields": {"headline": "xpath:///[["}})
    rec = run(page(body="<h1>Generic headline here</h1>"), profile=prof)
    assert rec.headline == "Generic headline here"


def test_lone_by_label_takes_the_name_from_the_next_element() -> None:
    body = ('<div class="x1"><span>By</span><span><a href="/about/team/jane-doe">Jane Doe</a>'
            '</span></div>')
    rec = run(page(body=body))
    assert rec.authors == ["Jane Doe"]


def test_twitter_handle_is_dropped_from_a_byline() -> None:
    rec = run(page(body='<div class="post-author-name">Williams Perdomo @wperdomod</div>'))
    assert rec.authors == ["Williams Perdomo"]


def test_author_page_link_and_foreign_profile_links() -> None:
    body = ('<p><a href="https://www.youtube.com/user/somechannel">Youtube</a></p>'
            '<p class="meta-x"><a href="/profil/123/nikolai-huke">Nikolai Huke</a></p>')
    assert run(page(body=body)).authors == ["Nikolai Huke"]


def test_jsonld_user_name_becomes_the_shown_name_and_byline_completes_the_list() -> None:
    head = ld({"@type": "NewsArticle", "author": {"@type": "Person", "name": "edilson.la.rosa"}})
    rec = run(page(head, '<div class="byline">Edilson La Rosa</div>'))
    assert rec.authors == ["Edilson La Rosa"]
    head = ld({"@type": "NewsArticle", "author": {"@type": "Person", "name": "Rudolf Fischer"}})
    rec = run(page(head, '<div class="byline">Rudolf Fischer, Simon Kohler / 3 May 2024</div>'))
    assert rec.authors == ["Rudolf Fischer", "Simon Kohler"]
    rec = run(page(head, '<div class="byline">Rudolf Fischer / Online-Redaktion</div>'))
    assert rec.authors == ["Rudolf Fischer"]


def test_site_name_in_author_meta_yields_to_a_person_byline() -> None:
    head = ('<meta property="og:site_name" content="Makronom">'
            '<meta name="author" content="Makronom">')
    assert run(page(head, '<p>Von Clara Löw und Klaus Jacob</p>')).authors == [
        "Clara Löw", "Klaus Jacob"]
    assert run(page(head)).authors == ["Makronom"]


def test_copyright_holder_on_a_personal_site_is_the_last_resort() -> None:
    body = '<footer><p>Copyright (c) 2012- Gregory Szorc. All rights reserved.</p></footer>'
    assert run(page(body=body), "https://gregoryszorc.example/blog/2020/01/13/post"
               ).authors == ["Gregory Szorc"]
    # on a news site the footer's holder is a company or a photographer, not the writer
    assert run(page(body=body)).authors == []
    body = '<footer><p>© 2024 Example Media GmbH</p></footer>'
    assert run(page(body=body)).authors == []


def test_interview_and_illustration_credits_in_bylines() -> None:
    assert split_names(["Interview: Julia Lauter"]) == ["Julia Lauter"]
    assert split_names(["Text von Christian Seiler Illustration von Markus Roost"]) == [
        "Christian Seiler"]


def test_last_resort_dates_without_htmldate_text_search() -> None:
    # a day-month-year URL
    assert run(page(), "https://n.example.com/meldungen/29-10-2021").published_at == "2021-10-29"
    # publication date in the JSON state a script-rendered page embeds
    state = ('<script>window.__STATE__={"review":{"publishedDate":"2016-11-04T20:37:27Z",'
             '"updatedDate":"2016-11-05T20:39:47Z"}}</script>')
    assert run(page(body=state), "https://n.example.com/r/1").published_at[:10] == "2016-11-04"
    # the first date written in the text, outside navigation and footers
    body = ('<nav>01.01.2020</nav><div><p><strong>01.02.2022 ' + "Long lead text. " * 30
            + '</strong></p></div><footer>© 2024</footer>')
    assert run(page(body=body), "https://n.example.com/x").published_at == "2022-02-01"


def test_signature_under_the_article_when_nothing_else_names_an_author() -> None:
    body = ("<h1>Headline of the story</h1><div>" + PARA
            + "<p><b><i>Stefan Wasmer</i></b></p></div>")
    assert run(page(body=body), "https://n.example.com/s").authors == ["Stefan Wasmer"]
    # a bold line with more text after it is a subheading
    body = ("<h1>Headline of the story</h1><div><p><strong>Stefan Wasmer</strong></p>"
            + PARA + "</div>")
    assert run(page(body=body), "https://n.example.com/s").authors == []


def test_dateline_marked_up_inside_the_headline_h1() -> None:
    head = "<title>Oil report November 2021</title>"
    body = ('<nav><h1 class="aural">Federal Office</h1><ul><li>Advice (until 31.12.2018)</li>'
            '</ul></nav><div><h1><span class="date">27.01.2022</span>Oil report November 2021'
            "</h1></div>")
    rec = run(page(head, body, lang="de"), "https://amt.example.de/meldung")
    assert rec.published_at == "2022-01-27"


def test_company_in_author_meta_yields_to_a_person_byline() -> None:
    head = '<meta name="author" content="Musterstiftung e.V.">'
    body = '<h1>Headline of the story</h1><p class="byline">Von Uta Muster</p>'
    assert run(page(head, body), "https://n.example.com/s").authors == ["Uta Muster"]
    assert run(page(head), "https://n.example.com/s").authors == ["Musterstiftung e.V."]


def test_sidebar_named_page_wrapper_holding_the_h1_is_not_a_sidebar() -> None:
    body = ('<div class="blog-sidebar-position-right"><h1>Headline of the story</h1>'
            '<a class="author-name" rel="author" href="/author/x">reineckefuchs</a>'
            '<div class="page-sidebar"><span class="author">Side Person</span></div></div>')
    assert run(page(body=body), "https://n.example.com/s").authors == ["reineckefuchs"]


@pytest.mark.parametrize("line, names", [
    ("04.02.2022 | 13:10 Uhr | Uta Muster", ["Uta Muster"]),
    ("25.10.2022 - Reiner Muster", ["Reiner Muster"]),
    ("06.11.2023 13:30 von Olga", ["Olga"]),
    ("01.12.2022 | Quelle: Agentur", []),
])
def test_date_then_name_line(line: str, names: list[str]) -> None:
    body = f"<h1>Headline of the story</h1><div><small>{line}</small></div>"
    assert run(page(body=body), "https://n.example.com/s").authors == names


def test_h1_with_inline_markup_is_one_headline() -> None:
    # <abbr>, <span> or <br> inside the headline split its text; no piece is a kicker
    html = page('<meta property="og:title" content="Tests for the ABC: new rules start">',
                "<h1>Tests for the <abbr title='x'>ABC</abbr>: new rules start</h1>")
    assert run(html).headline == "Tests for the ABC: new rules start"
    html = page('<meta property="og:title" content="Tall trees: a walk in the woods">',
                "<h1><span>Tall trees: a walk <em>in</em> the woods</span> "
                "<small>Where the forest begins again</small></h1>")
    assert run(html).headline == "Tall trees: a walk in the woods"


def test_h1_kicker_behind_a_hidden_separator_is_dropped() -> None:
    head = ld({"@type": "NewsArticle",
               "headline": "Weather – Storm hits the coast tonight"})
    html = page(head, '<h1><span class="kicker">Weather</span><span class="sr"> – </span>'
                      "<span>Storm hits the coast tonight</span></h1>")
    assert run(html).headline == "Storm hits the coast tonight"
    html = page('<meta property="og:title" content="Weather: Storm hits the coast tonight">',
                '<h1><span class="kicker">Weather</span><span>: </span>'
                "<span>Storm hits the coast tonight</span></h1>")
    assert run(html).headline == "Storm hits the coast tonight"


def test_blog_name_h1_loses_to_the_post_h1_the_meta_title_repeats() -> None:
    # the blog's name is in the title tag too, and comes first on the page
    html = page('<meta property="og:title" content="A walk to the lake">'
                "<title>Notes from the kitchen garden: A walk to the lake</title>",
                "<h1>Notes from the kitchen garden</h1><h1>A walk to the lake</h1>")
    assert run(html).headline == "A walk to the lake"
    # the longest part of the title tag is the blog's name: og:title, more trusted, decides
    html = page('<meta property="og:title" content="A walk to the lake">'
                "<title>A walk to the lake | Notes from the kitchen garden</title>",
                "<h1>Notes from the kitchen garden</h1><h1>A walk to the lake</h1>")
    assert run(html).headline == "A walk to the lake"


def test_site_name_after_a_separator_in_the_h1_is_cut() -> None:
    html = page('<meta property="og:site_name" content="Example News">'
                '<meta property="og:title" content="Storm hits the coast">',
                "<h1>Storm hits the coast | Example News</h1>")
    assert run(html).headline == "Storm hits the coast"
    # a kicker before a dash is no site name: the h1 stays whole
    html = page('<meta property="og:title" content="Weather - Storm hits the coast">',
                "<h1>Weather - Storm hits the coast</h1>")
    assert run(html).headline == "Weather - Storm hits the coast"


def test_h2_headline_when_the_h1_is_a_front_page_link() -> None:
    html = page("<title>Blog name » Archive » Interning small numbers</title>",
                '<h1><a href="https://news.example.com/">Blog name</a></h1>'
                "<h2>Interning small numbers</h2>")
    assert run(html).headline == "Interning small numbers"
    # no h1 at all: the h2 keeps a dash the title tag's site-name cut would split at
    html = page("<title>Dignity of life – a project | Big questions</title>",
                "<h2>Dignity of life – a project</h2>")
    assert run(html).headline == "Dignity of life – a project"


def test_lone_h1_still_beats_an_h2_that_agrees_with_the_title_tag() -> None:
    html = page("<title>Thought from the ground - Cotton weaves the local and the global</title>",
                "<h1>Thought from the ground</h1>"
                "<h2>Cotton weaves the local and the global</h2>")
    assert run(html).headline == "Thought from the ground"


def test_lone_h1_kicker_is_dropped_when_the_meta_title_words_it_differently() -> None:
    # the meta title rephrases the kicker, so the whole h1 agrees with no meta; its headline
    # element does
    html = page('<meta property="og:title" content="After the reopening: Shops expect a slow '
                'start | Example">',
                '<h1><span class="kicker">Once again open</span> '
                '<span>Shops expect a slow start</span></h1>')
    assert run(html).headline == "Shops expect a slow start"
