"""Generic body rules (body6): each one on a small page shaped like the real ones it came from."""

from __future__ import annotations

import pytest
from snippets import body_of

from newsarchive.extract.body_clean import clean_lines

URL = "https://news.example.com/health/2024/03/12/always-tired"


def para(n: int) -> str:
    return (f"<p>Paragraph {n} of the story explains what doctors look at first when a patient "
            "is tired all day, and which tests they order before anything else.</p>")


def fill(html: str, headline: str) -> str:
    return body_of(html, URL, headline)


# The headline sits in a hero band above the content area; the standfirst is in the post's
# header, inside the same wrapper as the body (a WordPress theme's main > header + content).
HERO_PAGE = f"""<html><head><title>Always tired: what it can mean</title></head><body>
<div class="hero"><h1>Always tired: what it can mean</h1></div>
<div class="site-content"><main class="site-main">
  <header class="entry-header">
    <p class="entry-byline">Written by Jane Roe, health editor, who has covered medicine
    for this magazine since the year it was founded in Hamburg.</p>
    <div class="lead">Are you tired all the time for no visible reason? It need not be the
    season: it can be a symptom, and these are the illnesses behind it.</div>
  </header>
  <div class="entry-content"><article class="article-body">
    {para(1)}{para(2)}{para(3)}{para(4)}
  </article></div>
</main></div>
</body></html>"""


def test_standfirst_inside_a_wrapper_of_the_body_is_recovered() -> None:
    text = fill(HERO_PAGE, "Always tired: what it can mean")
    assert text.startswith("Are you tired all the time for no visible reason?")
    assert "Paragraph 4 of the story" in text
    # inside that wrapper only a block named as a standfirst counts, not the byline
    assert "Written by Jane Roe" not in text


# Same shape, but what sits before the body in the wrapper is an unnamed author note and a
# caption-like line: neither is a standfirst.
NO_LEAD_PAGE = HERO_PAGE.replace(
    '<div class="lead">', '<div class="note">').replace(
    'class="entry-byline"', 'class="about"')


def test_unnamed_blocks_inside_the_wrapper_stay_out() -> None:
    text = fill(NO_LEAD_PAGE, "Always tired: what it can mean")
    assert text.startswith("Paragraph 1 of the story")
    assert "Are you tired all the time" not in text and "Written by Jane Roe" not in text


@pytest.mark.parametrize("line", [
    "Dennoch unterstützen wir dieses Volksbegehren, da es besser ist als der Status quo.",
    "Photovoltaik kann auch Gasbrennwert-Heizsysteme unterstützen: ein Heizstab nutzt den Strom.",
    "Auch Herbert Grönemeyer gehört zu den Unterstützern der Initiative.",
    "If at any time you would like to unsubscribe from receiving future emails, write to us.",
])
def test_sentences_that_only_mention_support_or_unsubscribing_stay(line: str) -> None:
    text = f"First paragraph of real text.\n{line}\nLast paragraph of real text."
    assert line in clean_lines(text)


@pytest.mark.parametrize("line", [
    "Unterstütze RosaMag bereits mit 2,50!",
    "Bereits mit 2,50 Euro kannst du unsere Arbeit unterstützen.",
    "Subscribe now to our eNATION edition for the full story.",
    "If you enjoyed reading this post – would you consider supporting our work? Click here.",
])
def test_support_and_subscribe_pitches_still_go(line: str) -> None:
    text = f"First paragraph of real text.\n{line}\nLast paragraph of real text."
    assert clean_lines(text) == "First paragraph of real text.\n\nLast paragraph of real text."


def test_a_news_paragraph_ending_with_its_source_stays() -> None:
    line = ("Wie der SWR berichtet, wurden die Defekte nicht durch Sabotage ausgelöst. Vielmehr "
            "lagen in beiden Fällen technische Mängel vor. Die Ermittlungen gehen weiter. "
            "(Quelle: SWR)")
    text = f"First paragraph of real text.\n{line}\nLast paragraph of real text."
    assert line in clean_lines(text)
    # a caption credited to its source still goes
    caption = "Eva M. Welskop-Deffaa / Web / Quelle: DCV"
    assert caption not in clean_lines(f"First paragraph of real text.\n{caption}")


def row(n: int, paras: int = 1) -> str:
    text = "".join(f"<p>Answer {n}.{i} compares what a car loan and a lease cost over four "
                   "years, with the interest, the deposit and the residual value that the "
                   "dealer sets at the start of the contract.</p>" for i in range(paras))
    return f'<div class="row"><h2>Question {n}</h2>{text}</div>'


# A guide whose text blocks are sibling "row" divs; between two of them a heading, a table of
# figures and a one-line note, none of which weighs anything on its own (short cells).
TABLE_PAGE = f"""<html><head><title>Lease or loan?</title></head><body>
<div class="menu"><a href="/">Home</a></div>
<div class="page">
  <div class="row title"><h1>Lease or loan?</h1></div>
  {row(1)}{row(2, 6)}
  <h3>Example: lease against loan</h3>
  <table class="basic-table"><tr><th>Item</th><th>Lease 4.9%</th><th>Loan 7.9%</th></tr>
    <tr><td>Price</td><td>30'000</td><td>30'000</td></tr>
    <tr><th>Total difference</th><td>1'200</td><td>-</td></tr></table>
  <p>Figures in CHF.</p>
  {row(3)}{row(4)}
</div>
<div class="ad-slot">Advertisement</div>
</body></html>"""


def test_light_blocks_between_chosen_siblings_are_kept() -> None:
    text = fill(TABLE_PAGE, "Lease or loan?")
    assert "Answer 1.0 compares" in text and "Answer 4.0 compares" in text
    assert "Example: lease against loan" in text
    assert "Total difference" in text and "Figures in CHF." in text
    assert "Advertisement" not in text and "Home" not in text


def month(name: str) -> str:
    days = [""] * 3 + [str(d) for d in range(1, 31)] + [""] * 2
    weeks = "".join("<tr>" + "".join(f"<td>{d}</td>" for d in days[i:i + 7]) + "</tr>"
                    for i in range(0, 35, 7))
    return (f'<table class="cal"><caption>{name}</caption><tr><th>Mo</th><th>Di</th><th>Mi</th>'
            f"<th>Do</th><th>Fr</th><th>Sa</th><th>So</th></tr>{weeks}</table>")


# A holiday home's page: the description, then its booking calendar (several month grids),
# then the prices; and a league table whose cells are mostly small numbers but not a month.
CALENDAR_PAGE = f"""<html><head><title>Log cabin for five</title></head><body>
<div class="content">
  <h1>Log cabin for five</h1>
  <p>The bright log cabin sleeps up to five and has a kitchen with a dishwasher, a bathroom
  with a shower and a terrace that looks over the lake towards the forest.</p>
  <h2>Availability</h2>
  {month("März 2021")}{month("April 2021")}
  <h2>Prices</h2>
  <p>Two or three guests pay 55 euros a night, four to six guests pay 65 euros a night, and
  the cabin is let for at least three nights, holidays included.</p>
  <table class="league"><tr><th>Team</th><th>P</th><th>W</th><th>D</th><th>L</th></tr>
  {"".join(f"<tr><td>Team {t}</td><td>30</td><td>{t}</td><td>5</td><td>3</td></tr>"
           for t in range(1, 11))}</table>
</div></body></html>"""


def test_booking_calendars_are_not_text_but_number_tables_are() -> None:
    text = fill(CALENDAR_PAGE, "Log cabin for five")
    assert "The bright log cabin sleeps up to five" in text
    assert "Two or three guests pay 55 euros" in text
    assert "\n\n17\n\n" not in text and "März 2021" not in text
    assert "Team 7" in text  # a table of small numbers with names is data


# An image without <figure>: its caption sits in a span named for the image's description.
IMAGE_NOTE_PAGE = f"""<html><head><title>Care homes lack staff</title></head><body>
<div class="news-text"><h1>Care homes lack staff</h1>
  <span class="image-wrapper"><img src="/care.jpg" alt="Most homes lack carers"></span>
  <span class="image-description">Most homes lack carers</span>
  {para(1)}{para(2)}
  <p class="image-annotation">Federal Press Office | Jane Roe</p>
  {para(3)}
</div></body></html>"""


def test_captions_named_as_image_description_stay_out() -> None:
    text = fill(IMAGE_NOTE_PAGE, "Care homes lack staff")
    assert "Paragraph 3 of the story" in text
    assert "Most homes lack carers" not in text and "Federal Press Office" not in text


# The element named as the article body holds a summary box and the main text block; the
# summary is much lighter than the text, but inside the article body it is the article's.
SUMMARY_BOX_PAGE = f"""<html><head><title>Record fine for the maker</title></head><body>
<article class="article"><h1>Record fine for the maker</h1>
<div class="article_body wysiwyg">
  <div class="article_facts"><p>The maker was ordered on Monday to pay a record two billion
  dollars in damages to a couple who blame its weedkiller for their illness.</p></div>
  <div class="reserved">{"".join(para(n) for n in range(1, 9))}</div>
  <p>Here is a link to the hearing, which lasted twenty minutes.</p>
  <div class="ad-slot">Advertisement</div>
</div></article></body></html>"""


def test_blocks_beside_the_main_text_in_a_named_article_body_are_kept() -> None:
    text = fill(SUMMARY_BOX_PAGE, "Record fine for the maker")
    assert text.startswith("The maker was ordered on Monday")
    assert "Paragraph 8 of the story" in text
    assert "Here is a link to the hearing" in text
    assert "Advertisement" not in text and text.count("Record fine for the maker") <= 1
