"""Headline choice on small realistic pages (generic layer: find_title and titles.py)."""

from __future__ import annotations

from snippets import NOW, URL, ld, page

from newsarchive.extract import extract


def headline(html: str, url: str = URL) -> str | None:
    return extract(html, url, fetched_at=NOW).headline


def test_css_in_js_style_inside_the_h1_is_no_headline_text() -> None:
    # emotion / styled-components render <style> elements inside the heading; the kicker
    # behind a visually hidden colon is cut as usual (og:title names only the section)
    html = page('<meta property="og:title" content="Press releases">'
                "<title>Vaccination stays open everywhere until February</title>",
                '<h1 class="css-3003lo"><style data-emotion="css umyvef">.css-umyvef{font-size:'
                "16px;font-weight:400;line-height:1.0625;color:#707070;margin-bottom:12px;"
                "display:block;}</style><span class=\"css-umyvef\">Press release of the "
                'health department <style data-emotion="css 1ftw">.css-1ftw{border:0;'
                "clip:rect(0 0 0 0);height:1px;margin:-1px;overflow:hidden;padding:0;"
                "position:absolute;"
                'white-space:nowrap;width:1px;}</style><span class="css-1ftw">:</span></span>'
                "Vaccination stays open everywhere until February</h1>")
    assert headline(html) == "Vaccination stays open everywhere until February"


def test_a_declared_site_name_is_cut_even_when_a_short_headline_is_left() -> None:
    html = page('<meta property="og:site_name" content="Stardew Valley Wiki">'
                '<meta property="og:title" content="Penny - Stardew Valley Wiki">'
                "<title>Penny - Stardew Valley Wiki</title>",
                '<h1 class="firstHeading">Penny</h1>')
    assert headline(html) == "Penny"


def test_site_name_bound_by_an_unspaced_separator_in_a_cjk_title() -> None:
    html = page('<meta property="og:site_name" content="NEWS WEB EASY">'
                '<meta property="og:title" content="NEWS WEB EASY|'
                '子どもへの体罰を禁止する法律ができる">',
                lang="ja")
    assert headline(html) == "子どもへの体罰を禁止する法律ができる"
    html = page('<meta property="og:site_name" content="新华网">'
                "<title>武汉的声音：有英勇的你，才有英雄的城！-新华网</title>", lang="zh")
    assert headline(html) == "武汉的声音：有英勇的你，才有英雄的城！"


def test_a_hyphen_inside_a_word_does_not_bound_a_site_name() -> None:
    # the domain's name 'spiegel' starts the headline's first word: nothing is cut there
    html = page("<title>Spiegel-Affäre: Was 1962 geschah | DER SPIEGEL</title>")
    assert headline(html, "https://www.spiegel.de/geschichte/spiegel-affaere-a-1.html") == \
        "Spiegel-Affäre: Was 1962 geschah"


def test_front_page_link_h1_names_the_blog_and_is_cut_with_its_tagline() -> None:
    html = page("<title>A walk to the lake :  Notes from the garden | Ideas about plants | "
                "Since 2005</title>",
                '<h1 class="vcard"><a href="https://news.example.com/" class="fn">Notes from '
                "the garden</a></h1>")
    assert headline(html) == "A walk to the lake"
    # the same h1 agrees with the title tag, yet it is the site's name
    html = page("<title>Enchufla figures - Salsa figures - Rueda in Berlin</title>",
                '<div id="header"><h1><a href="/"><span>Salsa figures - Rueda in Berlin</span>'
                "</a></h1></div>")
    assert headline(html) == "Enchufla figures"


def test_a_section_h2_the_title_merely_contains_is_no_headline() -> None:
    html = page("<title>Enchufla figures - Salsa figures - Rueda in Berlin</title>",
                '<div id="toc"><h2>Enchufla</h2></div>')
    assert headline(html) == "Enchufla figures"
    # an h2 holding the meta title and more (a dash the title tag's cut split at) still wins
    html = page("<title>Dignity of life – a project | Big questions</title>",
                "<h2>Dignity of life – a project</h2>")
    assert headline(html) == "Dignity of life – a project"


def test_an_h1_in_an_aside_is_no_headline() -> None:
    # a related-articles widget in the sidebar heads itself with an h1; the headline is an h2
    html = page("<title>Polar air reaches the south, the north stays warm - La Gazzetta</title>",
                '<main><h2 class="entry__title">Polar air reaches the south, the north stays '
                'warm</h2><aside class="sidebar__widget"><h1 class="sidebar__title">Related '
                "articles</h1></aside></main>")
    assert headline(html) == "Polar air reaches the south, the north stays warm"


def test_a_logo_classed_h1_is_no_headline() -> None:
    html = page(ld({"@type": "NewsArticle", "headline": "For neoliberalism, pensions are "
                    "an archaism"}),
                '<main><h1 class="logo logo-inner"><span>O</span> Opinion</h1></main>')
    assert headline(html) == "For neoliberalism, pensions are an archaism"


def test_an_h1_the_title_tag_shows_beside_only_the_site_name_agrees() -> None:
    html = page("<title>Trails! Ischgl</title>", '<h1 class="h1-responsive">Ischgl</h1>'
                '<h2>Trails nearby</h2>')
    assert headline(html, "https://trails.de/mountainbikeregion/ischgl/") == "Ischgl"


def test_a_one_word_lone_h1_wins_only_over_a_title_naming_just_the_site() -> None:
    html = page("<title>Anwalt Niemeyer</title>", "<main><h1>Willkommen!</h1></main>")
    assert headline(html, "https://anwaltniemeyer.de/index.html") == "Willkommen!"
    # a section's name in the h1 yields to the post's title
    html = page("<title>The ministry informs | Party Lübeck</title>",
                "<main><h1>News</h1></main>")
    assert headline(html, "https://party.example.net/2012/05/31/the-ministry/") == \
        "The ministry informs"


def test_ruby_annotations_are_no_headline_text() -> None:
    html = page('<meta property="og:title" content="やさしいニュース｜子どもへの体罰を禁止">',
                '<article><h1 class="article-main__title"><ruby>子<rt>こ</rt></ruby>どもへの'
                "<ruby>体罰<rt>たいばつ</rt></ruby>を<ruby>禁止<rp>(</rp><rt>きんし</rt>"
                "<rp>)</rp></ruby></h1></article>", lang="ja")
    assert headline(html) == "子どもへの体罰を禁止"


def test_a_slash_kicker_in_the_h1_text_is_cut_when_the_declared_headline_lacks_it() -> None:
    head = (ld({"@type": "NewsArticle", "headline": "Jane Doe is the new council president"})
            + "<title>Jane Doe is the new council president | Example Radio</title>")
    html = page(head, '<nav class="breadcrumb"><a href="/">Home</a> &gt; <a href="/x"><h1>'
                "&quot;Solve the backlog&quot; / Jane Doe is the new council president</h1>"
                "</a></nav>")
    assert headline(html) == "Jane Doe is the new council president"
    # a colon kicker stays: the meta titles leave it out, the headline keeps it
    html = page(ld({"@type": "NewsArticle", "headline": "Kramer misses the Olympic Games"}),
                "<h1>&quot;Pure emptiness&quot;: Kramer misses the Olympic Games</h1>")
    assert headline(html) == '"Pure emptiness": Kramer misses the Olympic Games'


def test_a_listing_date_before_the_headline_is_cut() -> None:
    html = page("<title>23.01.2022 - Wierer wins the last race at home - Biathlon Club</title>",
                '<h1 class="t1">23.01.2022 - Wierer wins the last race at home</h1>', lang="de")
    assert headline(html) == "Wierer wins the last race at home"
    # a date inside the headline stays
    html = page(body="<h1>Report on the situation of 22.04.2020 – what is the state waiting "
                     "for?</h1>")
    assert headline(html) == "Report on the situation of 22.04.2020 – what is the state " \
        "waiting for?"


def test_a_chinese_site_name_ending_in_wang_is_cut_without_a_declared_name() -> None:
    html = page("<title>武汉的声音：有英勇的你，才有英雄的城！-新华网</title>", lang="zh")
    assert headline(html, "http://www.xinhuanet.com/local/2020-02/19/c_1.htm") == \
        "武汉的声音：有英勇的你，才有英雄的城！"
    # a hyphen between places in the headline is no site separator
    html = page("<title>北京-上海高铁开通_新浪网</title>", lang="zh")
    assert headline(html, "https://news.sina.com.cn/c/2011-06-30/1.shtml") == "北京-上海高铁开通"


def test_a_front_page_titled_only_by_the_site_name_keeps_it_whole() -> None:
    html = page("<title>Gaby’s - Colours of the Soul</title>",
                '<h1><a href="/">Gaby’s - Colours of the Soul</a></h1>')
    assert headline(html, "http://www.colours.example.net/") == "Gaby’s - Colours of the Soul"


def test_an_h2_the_title_repeats_wins_over_a_lone_h1_breadcrumb() -> None:
    # the page header's h1 shows the section's label; the article's h2 is the headline the
    # <title> repeats
    html = page("<title>Deutschland, Frankreich und die Rückkehr der Ressentiments</title>",
                '<header><div class="breadcrumb"><h1>Corona: Report von der '
                "deutsch-französischen Grenze</h1></div></header>"
                '<div class="content"><h2><span class="kicker">Grenzschließungen</span> '
                "<span>Deutschland, Frankreich und die Rückkehr der Ressentiments</span></h2>"
                "<p>Seit Wochen sind die Grenzen zu.</p></div>")
    assert headline(html) == "Deutschland, Frankreich und die Rückkehr der Ressentiments"


def test_a_deck_h2_right_under_the_lone_h1_does_not_replace_it() -> None:
    # SEO titles often reuse the deck: the h1 above it stays the headline
    html = page("<title>Ann Cotten verwebt Lokales und Globales</title>",
                '<div class="content"><h1>Vom Boden aus gedacht</h1>'
                "<h2>Ann Cotten verwebt Lokales und Globales</h2><p>Eine Rezension.</p></div>")
    assert headline(html) == "Vom Boden aus gedacht"


def test_a_title_tail_holding_the_words_of_the_domain_is_the_site_name() -> None:
    # no og:site_name: the site spells its name in the <title> unlike its domain; the h1 is
    # the site's name too, and the h2 the rest of the title repeats is the headline
    html = page("<title>Offshore-Windenergie – Sauberer Strom vom Meer | Stiftung "
                "OFFSHORE-WINDENERGIE</title>",
                "<header><h1>Stiftung Offshore Windenergie</h1></header>"
                '<section><header class="teaser"><h2>Offshore-Windenergie – Sauberer Strom vom '
                "Meer</h2></header></section>")
    assert headline(html, "https://www.offshore-stiftung.de/offshore-windenergie") == \
        "Offshore-Windenergie – Sauberer Strom vom Meer"


def test_a_short_headline_stays_when_the_title_tail_names_the_site_by_its_domain() -> None:
    html = page("<title>Geschichte - St. Georgs Chorknaben Ulm</title>",
                "<h1>Chorgeschichte</h1>")
    assert headline(html, "https://www.chorknaben-ulm.de/geschichte.html") == "Chorgeschichte"


def test_one_word_of_the_domain_in_the_title_tail_cuts_nothing() -> None:
    # 'spiegel' alone is a word of many a headline on spiegel.de
    html = page("<title>Wahl - Der Spiegel-Effekt bei jungen Wählern</title>")
    assert headline(html, "https://www.spiegel.de/politik/wahl.html") == \
        "Der Spiegel-Effekt bei jungen Wählern"


def test_an_h2_the_title_repeats_wins_over_a_section_label_h1_in_main() -> None:
    html = page('<meta property="og:title" content="„Wir haben bereits die Zusage“ - CORRECTIV">',
                '<main><section class="hero"><h1>Aktuelle Artikel</h1>'
                "<h2>Alle Artikel zu unseren Recherchen</h2></section>"
                '<div class="list"><header><h2>„Wir haben bereits die Zusage“</h2></header>'
                "</div></main>")
    assert headline(html, "https://correctiv.org/aktuelles/2019/05/14/zusage") == \
        "„Wir haben bereits die Zusage“"


def test_a_deck_h2_under_an_h1_in_the_article_does_not_replace_it() -> None:
    html = page("<title>Ann Cotten verwebt Lokales und Globales</title>",
                "<main><h1>Vom Boden aus gedacht</h1>"
                "<h2>Ann Cotten verwebt Lokales und Globales</h2><p>Eine Rezension.</p></main>")
    assert headline(html) == "Vom Boden aus gedacht"


def test_a_dangling_separator_left_by_an_empty_title_template_is_dropped() -> None:
    html = page("<title>Über André Loibl |</title>")
    assert headline(html) == "Über André Loibl"


def test_a_closing_guillemet_ending_a_quoted_headline_stays() -> None:
    html = page("<title>« Les privatisations sont au profit d’intérêts privés »</title>")
    assert headline(html) == "« Les privatisations sont au profit d’intérêts privés »"


def test_an_h2_showing_a_short_part_of_the_title_beats_the_longer_unknown_site_name() -> None:
    html = page("<title>Feuerwehr Oldenburg - Ausbildung</title>",
                "<div><h2>Bootsdienst Ausbildung</h2>"
                "<p>Die Ausbildung dauert zwei Jahre.</p></div>")
    assert headline(html, "http://feuerwehrtaucher-oldenburg.de/bootsdienst/ausbildung.html") \
        == "Bootsdienst Ausbildung"
