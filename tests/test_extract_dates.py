"""Publication dates: the parser of dates as shown, and the choice among a page's dates.
Small hand-written pages, one behaviour per test."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from snippets import NOW, PARA, ld, page

from newsarchive.extract import extract
from newsarchive.extract.dates_local import find_date_text, parse_date


def run(html: str, url: str = "https://news.example.com/story"):
    return extract(html, url, fetched_at=NOW)


@pytest.mark.parametrize("shown, iso", [
    ("Von Redaktion 4. 2. 2022.", "2022-02-04"),  # spaced German style
    ("2019年6月24日 11時30分", "2019-06-24T11:30"),
    ("2023년 11월 7일", "2023-11-07"),
    ("04 de mayo 2022, 12:00 a. m.", "2022-05-04T00:00"),
    ("May 10, 2022 01:52:54 PM", "2022-05-10T13:52:54"),
    ("15 Ağustos 2021", "2021-08-15"),
    ("3 Μαΐου 2021", "2021-05-03"),
    ("12 noiembrie 2021", "2021-11-12"),
    ("sábado 07 de mayo del 2022", "2022-05-07"),  # Latin American "del" before the year
    ("2022. május 4. 10:15", "2022-05-04T10:15"),  # Hungarian year-month-day
    ("12 юни 2021", "2021-06-12"),  # Bulgarian
    ("3 септембар 2021", "2021-09-03"),  # Serbian
    ("3. avgust 2021", "2021-08-03"),  # Slovenian
    ("4. mája 2021", "2021-05-04"),  # Slovak
    ("1. jaanuar 2020", "2020-01-01"),  # Estonian
    ("2022-05-11T4:10:00", "2022-05-11T04:10:00"),  # unpadded ISO parts some CMSs write
    ("2022-5-6T12:00:00.000Z", "2022-05-06T12:00:00+00:00"),
])
def test_local_formats(shown: str, iso: str) -> None:
    assert parse_date(shown, NOW) == iso


def test_a_name_glued_to_the_date_after_it() -> None:
    # byline name and date in sibling elements, read without a space between them
    assert parse_date("By Tim ClarkMarch 16, 2024", NOW) == "2024-03-16"
    assert find_date_text("By Tim ClarkMarch 16, 2024") == "March 16, 2024"
    assert find_date_text("2022. május 4.") == "2022. május 4."
    # a word that merely ends in a capital-led tail is still no month
    assert parse_date("iPhoneX 16, 2024", NOW) is None


def test_a_number_with_a_thousands_separator_is_no_relative_date() -> None:
    # "1,000 years ago" in a story is not a date 0 years ago
    assert parse_date("the tree was planted 1,000 years ago", NOW) is None
    assert find_date_text("planted 1,000 years ago") is None
    assert parse_date("3 years ago", NOW) == "2021-03-13"


def test_utc_stamp_in_the_offset_of_the_time_stamps_the_page_shows() -> None:
    # no meta offset, no country or language zone: the <time datetime> says where it is
    head = ld({"@type": "NewsArticle", "datePublished": "2022-05-04T03:37:37+00:00"})
    body = ('<h1>Headline of the story</h1><time class="updated" '
            'datetime="2022-05-03T23:40:00-04:00">May 3, 2022</time>')
    rec = run(page(head, body, lang="en-US"))
    assert rec.published_at == "2022-05-03T23:37:37-04:00"
    assert rec.published_raw == "2022-05-04T03:37:37+00:00"


def test_a_shown_date_wins_over_a_generic_meta_date() -> None:
    # <meta name="date"> is often when the page was generated or last edited
    head = '<meta name="date" content="2021-10-15">'
    body = '<div><h1>Headline of the story</h1><p>13.10.2021</p></div>'
    rec = run(page(head, body, lang="de"))
    assert rec.published_at == "2021-10-13"
    assert (rec.published_raw, rec.provenance["published_at"]) == ("13.10.2021", "generic")
    # ... and so does the page's first <time> stamp
    body = '<h2>Other</h2><p>x</p><time datetime="2022-01-25T08:00:00+01:00">25.01.</time>'
    rec = run(page('<meta name="dc.date" content="2022-01-21T09:43+01:00">', body, lang="de"))
    assert rec.published_at == "2022-01-25T08:00:00+01:00"
    # a publisher's og:published_time is not overruled by a day no declared date names
    head = '<meta property="article:published_time" content="2021-10-15T10:00:00+02:00">'
    body = '<div><h1>Headline of the story</h1><p>13.10.2021</p></div>'
    assert run(page(head, body, lang="de")).published_at == "2021-10-15T10:00:00+02:00"
    # nor is a generic meta date by an "Updated" label or a relative date
    body = '<div><h1>Headline of the story</h1><p>Aktualisiert: vor 2 Tagen</p></div>'
    assert run(page('<meta name="date" content="2021-10-15">', body)).published_at == (
        "2021-10-15")


def test_an_absolute_date_wins_over_a_relative_one() -> None:
    # "vor 16 Jahren" next to the headline is read against the fetch time: a written date
    # elsewhere in the page is the better evidence
    body = ('<div><h1>Headline of the story</h1><span>vor 16 Jahren</span></div>'
            '<div class="post-date">Feb 18, 2009</div>')
    rec = run(page(body=body, lang="de"))
    assert (rec.published_at, rec.published_raw) == ("2009-02-18", "Feb 18, 2009")
    # alone, or on the day the URL names, the relative date stands
    body = '<div><h1>Headline of the story</h1><span>vor 2 Stunden</span></div>'
    assert run(page(body=body, lang="de")).published_at == "2024-03-12T10:00:00+00:00"
    body = ('<div><h1>Headline of the story</h1><span>vor 2 Stunden</span></div>'
            '<div class="post-date">Feb 18, 2009</div>')
    assert run(page(body=body), "https://n.example.com/2024/03/12/story").published_at == (
        "2024-03-12T10:00:00+00:00")


def test_hatom_updated_element_at_the_headline_is_an_update() -> None:
    # a theme prints the hidden hAtom "updated" stamp before the shown publication day
    head = ld({"@type": "BlogPosting", "datePublished": "2022-12-25T11:00:02+00:00",
               "dateModified": "2022-12-07T09:10:52+00:00"})
    body = ('<div><h1>Headline of the story</h1><div class="meta"><span class="updated hidden">'
            '2022-12-07T10:10:52+01:00</span><span>25. Dezember 2022</span></div></div>')
    rec = run(page(head, body, lang="de"), "https://blog.example.de/eintrag/")
    assert rec.published_at[:10] == "2022-12-25"
    assert rec.provenance["published_at"] == "json-ld"


def test_date_split_over_elements_is_read_with_a_space() -> None:
    # calendar-style badges: <span>Feb 18</span><span>2009</span>
    body = ('<div class="post"><h2>Entry title</h2><div class="post-date"><span class="m">'
            'Feb 18</span><span class="y">2009</span></div></div>')
    rec = run(page(body=body), "https://blog.example.net/")
    assert rec.published_at == "2009-02-18"


def test_a_members_registration_day_is_no_publication_date() -> None:
    body = ('<div class="post"><dl class="profile"><dd><strong>Registriert:</strong> 18.09.2008, '
            '05:56</dd></dl><p class="author">von <b>r23</b> » 21.01.2009, 05:42</p>'
            + PARA + "</div>")
    rec = run(page(body=body, lang="de"), "https://forum.example.org/viewtopic.php?t=1")
    assert rec.published_at == "2009-01-21T05:42:00"


def test_a_date_in_a_menu_entry_is_no_dateline() -> None:
    body = ('<div id="main"><ul class="menu"><li class="menu-item"><a href="/aktion">Aktionstag '
            '12. Mai 2012</a></li></ul><div class="widget"><h1>Headline of the story</h1></div>'
            '<p>Publiziert am <span>13. Januar 2014</span></p></div>')
    rec = run(page(body=body, lang="de"), "https://blog.example.de/")
    assert (rec.published_at, rec.published_raw) == ("2014-01-13", "13. Januar 2014")


def test_a_comments_time_stamp_is_not_the_articles() -> None:
    body = ('<div><div><header><h1>Headline of the story</h1></header></div></div>' + PARA
            + '<div><p>von Marianne am 20.09.2020</p></div><div id="comments"><div '
            'class="comment"><time datetime="2020-09-23T18:19:06+02:00">23.09.20</time>'
            '<p>Danke!</p></div></div>')
    rec = run(page(body=body, lang="de"), "https://rezepte.example.de/tipp/1")
    assert (rec.published_at, rec.published_raw) == ("2020-09-20", "20.09.2020")


def test_url_date_provenance_and_raw_segment() -> None:
    rec = run(page(), "https://n.example.com/meldungen/29-10-2021")
    assert (rec.published_at, rec.published_raw) == ("2021-10-29", "29-10-2021")
    assert rec.provenance["published_at"] == "url"
    rec = run(page(), "https://blog.example.com/2014/05/18/may-news/")
    assert (rec.published_at, rec.published_raw) == ("2014-05-18", "2014/05/18")


def test_hatom_published_title_gives_the_time_too() -> None:
    body = ('<div class="hentry"><h3><a href="/p">Entry</a></h3>' + PARA + '<div class="footer">'
            'Posted at <abbr class="published" title="2019-10-16T14:33:00-07:00">2:33 PM</abbr>'
            '</div></div>')
    rec = run(page(body=body), "https://blog.example.com/2019/10/entry.html")
    assert rec.published_at == "2019-10-16T14:33:00-07:00"
    assert rec.published_raw == "2019-10-16T14:33:00-07:00"


def test_htmldate_is_the_last_resort_and_named_as_such() -> None:
    html = page('<meta property="rnews:datePublished" content="2019-03-04">')
    rec = run(html, "https://n.example.com/x")
    assert (rec.published_at, rec.provenance["published_at"]) == ("2019-03-04", "htmldate")


def test_a_dated_byline_naming_the_modified_day_picks_it() -> None:
    # nothing dated at the headline; the byline shows the day JSON-LD calls dateModified
    head = ld({"@type": "NewsArticle", "datePublished": "2021-03-16T16:16:10Z",
               "dateModified": "2021-03-20T14:00:17Z"})
    body = ('<div><div><header><h1>Headline of the story</h1></header></div></div>' + PARA
            + '<div class="article-date">20. März 2021 - 15:00 Uhr</div>')
    rec = run(page(head, body, lang="de"), "https://tv.example.de/bericht-123")
    assert rec.published_at == "2021-03-20T15:00:17+01:00"
    assert rec.provenance["published_at"] == "json-ld"
    # a byline naming neither declared day changes nothing
    body = body.replace("20. März", "18. März")
    rec = run(page(head, body, lang="de"), "https://tv.example.de/bericht-123")
    assert rec.published_at == "2021-03-16T17:16:10+01:00"


def test_shown_modified_itemprop_is_an_update_not_the_publication() -> None:
    # a shop's blog prints the hidden dateModified before the published stamp
    body = ('<div><h1>Headline of the story</h1><time itemprop="dateModified" class="hidden">'
            '2018-08-29 14:15:57</time><time itemprop="datePublished" datetime="2018-06-22 '
            '10:20:00">22.06.2018 10:20</time></div>')
    rec = run(page(body=body, lang="de"), "https://shop.example.de/blog-eintrag")
    assert rec.published_at[:10] == "2018-06-22"


def test_a_date_in_the_article_element_wins_over_a_generic_meta_date() -> None:
    head = '<meta name="date" content="2021-12-20T11:02:44+01:00">'
    body = ('<div class="article" itemscope itemtype="http://schema.org/Article">'
            '<h2>Riesling posts win</h2><span class="date">27.01.2022</span></div>')
    rec = run(page(head, body, lang="de"), "https://wein.example.de/meldungen/riesling")
    assert (rec.published_at, rec.provenance["published_at"]) == ("2022-01-27", "generic")
    # the page header's "today" box beside the logo is not the article's date
    body = ('<header><h1><a href="/">Radiofunk</a></h1><span class="site-date">'
            'Mittwoch, 26.02.2020</span></header>')
    rec = run(page(head, body, lang="de"), "https://www.radiofunk.de/sendung-1")
    assert rec.published_at == "2021-12-20T11:02:44+01:00"


def test_first_written_date_naming_the_modified_day_picks_it() -> None:
    # microdata says published 2004 and modified 2019; the page only shows the 2019 day
    body = ('<div itemscope itemtype="http://schema.org/Recipe">'
            '<meta itemprop="datePublished" content="01/01/2004">'
            '<meta itemprop="dateModified" content="06/13/2019">'
            '<div><div><header><h1>Easy upside-down cake</h1></header></div></div><p>'
            + "A cake for every day. " * 10 + '</p></div><div><p>Updated June 13, 2019</p></div>')
    rec = run(page(body=body), "https://recipes.example.com/cake")
    assert rec.published_at == "2019-06-13"
    # a written day naming no declared date changes nothing
    rec = run(page(body=body.replace("June 13", "June 14")), "https://recipes.example.com/cake")
    assert rec.published_at == "2004-01-01"


def test_a_dated_h1_gives_its_first_date_in_document_order() -> None:
    # Two datelines marked up inside the h1: the first one, in every run (they were read from
    # a set of elements, whose order follows memory addresses).

    from newsarchive.extract.document import Document
    from newsarchive.extract.metadata_generic import shown_date

    page = ("<html><body><article><h1><span class='date'>3 March 2021</span> Harbour news"
            " <time datetime='2021-03-05'>5 March</time></h1><p>Text.</p></article>"
            "</body></html>")
    doc = Document(page, "https://example.org/news/1")
    found = shown_date(doc, datetime(2025, 1, 1, tzinfo=UTC), "en")
    assert found is not None and found[0].startswith("2021-03-03")


def test_a_last_changed_label_marks_an_update_at_the_headline() -> None:
    # "Letzte Änderung" (last change) before "Erschienen am" (published) under the headline
    body = ('<div><h1>Headline of the story</h1><p>Letzte Änderung: 31.10.2023 - 14:49:39<br>'
            'Erschienen am: 01.11.2023</p></div>')
    rec = run(page(body=body, lang="de"), "https://magazin.example.de/beitrag,1.html")
    assert (rec.published_at, rec.published_raw) == ("2023-11-01", "01.11.2023")


def test_a_page_headers_today_box_is_not_the_articles_date() -> None:
    # the site header (no h1, outside <main>) shows the day the page was rendered
    body = ('<header class="site"><div class="top"><span class="today"><time '
            'datetime="2023-11-01T13:56:20+01:00">Mittwoch, 01. November 2023</time></span>'
            '</div></header><main><div class="intro"><h2>Kolumne</h2><p><span class="datum">'
            '31. Oktober 2023.</span> Der Text beginnt hier.</p></div>' + PARA + "</main>")
    rec = run(page(body=body, lang="de"), "https://theater.example.de/kolumne/eins")
    assert rec.published_at == "2023-10-31"


def test_an_article_headers_time_stamp_still_counts() -> None:
    body = ('<main><header><h2>Kolumne</h2><time datetime="2023-10-31T09:00:00+01:00">'
            '31.10.2023</time></header>' + PARA + "</main>")
    rec = run(page(body=body, lang="de"), "https://theater.example.de/kolumne/zwei")
    assert rec.published_at == "2023-10-31T09:00:00+01:00"


def test_dated_teasers_in_a_mega_menu_are_not_the_articles_date() -> None:
    body = ('<ul class="main-menu"><li class="dropdown"><div class="widget-menu"><div '
            'class="newsitem"><a href="/news/2">Andere Meldung</a><span class="newsitem-time">'
            '29.11.2022</span></div></div></li></ul><div class="content"><h2>Preise</h2><p>'
            '(21. November 2022) Die Preise steigen weiter.</p></div>')
    rec = run(page(body=body, lang="de"), "https://verband.example.de/news/1")
    assert (rec.published_at, rec.published_raw) == ("2022-11-21", "21. November 2022")


def test_a_print_stamp_is_no_publication_date() -> None:
    # "gedruckt am" (printed on) is the day the page was rendered
    body = ('<div class="printinfo"><p><strong>gedruckt am:</strong> Freitag, 7. Oktober 2016'
            '</p></div><div class="content"><h2>Luft</h2><p>(21. November 2015) Die Luft in den '
            'Städten wird besser.</p></div>')
    rec = run(page(body=body, lang="de"), "https://lernen.example.at/thema/luft")
    assert (rec.published_at, rec.published_raw) == ("2015-11-21", "21. November 2015")


def test_a_utc_stamp_at_local_midnight_keeps_its_local_day() -> None:
    # the CMS stores a day as local midnight in UTC and prints that UTC stamp in a <time>:
    # 2022-11-06T23:00Z is 7 November in Germany, the day the article is dated
    head = '<meta property="article:published_time" content="2022-11-06T23:00:00.000Z">'
    body = ('<div><h1>Reisen in die Provence</h1><p class="meta">Tipps von Marie '
            '<time datetime="2022-11-06T23:00:00.000Z">6.11.22</time></p></div>')
    rec = run(page(head, body, lang="de"), "https://magazin.example.de/artikel/provence")
    assert rec.published_at == "2022-11-07T00:00:00+01:00"
    # a UTC stamp at any other hour still gives the UTC day the page shows beside it
    rec = run(page(head.replace("23:00:00", "23:30:00"), body.replace("23:00:00", "23:30:00"),
                   lang="de"), "https://magazin.example.de/artikel/provence")
    assert rec.published_at == "2022-11-06T23:30:00+00:00"


def test_hidden_schema_time_stamps_are_not_the_shown_date() -> None:
    # a press release: hidden microdata stamps (the draft's creation day) before the h1, the
    # dateline a reader sees under it names the day of the declared modification
    body = ('<div style="display:none" itemscope itemtype="https://schema.org/NewsArticle">'
            '<time itemprop="datePublished" datetime="2021-10-27T20:35:36+01:00">'
            '2021-10-27T20:35:36+01:00</time><time itemprop="dateModified" '
            'datetime="2021-10-28T13:21:30+01:00">2021-10-28T13:21:30+01:00</time></div>'
            '<header><h1>Immer mehr Menschen auf Hilfe angewiesen</h1></header><div>'
            '<p class="article-meta">Berlin, 28.10.2021, 058/21</p></div>')
    rec = run(page(body=body, lang="de"), "https://www.verband.example.de/presse/meldung/1")
    assert rec.published_at is not None and rec.published_at[:10] == "2021-10-28"
    # shown, the same stamp is the date at the headline
    rec = run(page(body=body.replace(' style="display:none"', ""), lang="de"),
              "https://www.verband.example.de/presse/meldung/1")
    assert rec.published_at == "2021-10-27T20:35:36+01:00"


def test_dublin_core_colon_and_plugin_metas_are_declared_dates() -> None:
    # nothing dated on the page but a share plugin's and Dublin Core's (colon spelling) metas
    head = ('<meta property="shareaholic:article_published_time" '
            'content="2017-06-07T11:19:22+02:00">'
            '<meta name="shareaholic:article_modified_time" content="2017-06-09T08:00:00+02:00">')
    rec = run(page(head, "<h2>Sorgfaltspflicht</h2>", lang="de"), "https://blog.example.de/p/1")
    assert (rec.published_at, rec.provenance["published_at"]) == (
        "2017-06-07T11:19:22+02:00", "meta")
    assert rec.modified_at == "2017-06-09T08:00:00+02:00"
    head = '<meta name="dcterms:created" content="2015-01-28">'
    rec = run(page(head, "<h2>Ein Bericht</h2>", lang="de"), "https://blog.example.de/p/2")
    assert rec.published_at == "2015-01-28"


def test_a_day_only_meta_yields_to_the_same_day_shown_with_its_time() -> None:
    head = '<meta name="dcterms:created" content="2015-01-28">'
    body = ('<div><h1>Headline of the story</h1><span class="posted-on"><time '
            'datetime="2015-01-28T15:41:20+01:00">28. Januar 2015</time></span></div>')
    rec = run(page(head, body, lang="de"), "https://blog.example.de/p/3")
    assert (rec.published_at, rec.provenance["published_at"]) == (
        "2015-01-28T15:41:20+01:00", "generic")


def test_a_date_inside_the_opening_sentence_is_no_dateline() -> None:
    # a wiki page: h1 and text share one parent; the first paragraph names an event's day,
    # the footer says when the page was last changed
    body = ('<div id="content"><h1>Stammtisch</h1><p>Der nächste Stammtisch findet am Mi. '
            '5. Februar 2020 ab 19 Uhr im <a href="/ort">Café</a> statt.</p>' + PARA +
            '<div id="footer"><p>Diese Seite wurde zuletzt am 29. Januar 2020 um 13:22 Uhr '
            'geändert.</p></div></div>')
    rec = run(page(body=body, lang="de"), "https://wiki.example.de/Stammtisch")
    assert rec.published_at == "2020-01-29T13:22:00"


@pytest.mark.parametrize("text, shown, sentence", [
    ("Der nächste Stammtisch findet am Mi. 5. Februar 2020 ab 19 Uhr im", "5. Februar 2020",
     True),
    ("The new fares, which the board approved, take effect on March 3, 2024 across the region",
     "March 3, 2024", True),
    # datelines and bylines around a date
    ("Von Max Muster und Erika Beispiel, Redaktion Wirtschaft, 12.03.2024", "12.03.2024", False),
    ("29.11.2022 – Mehrfach und vehement hatte die Branche die Nachteile des Gesetzes",
     "29.11.2022", False),
    ("Posted on September 21, 2020 by Adi Tzlil", "September 21, 2020", False),
    ("This article was originally published on March 3, 2024 by the regional paper",
     "March 3, 2024", False),
])
def test_in_sentence(text: str, shown: str, sentence: bool) -> None:
    from newsarchive.extract.dates_local import in_sentence

    assert in_sentence(text, shown) is sentence
