"""Generic body rules (body7): each one on a small page shaped like the real ones it came from."""

from __future__ import annotations

from snippets import body_of

from newsarchive.extract.body_clean import clean_lines

URL = "https://news.example.com/law/2024/03/12/search-engines-must-delete"


def para(n: int) -> str:
    return (f"<p>Paragraph {n} of the story explains what a user can ask a search engine to "
            "delete, and how long the company may take before it answers the request.</p>")


def fill(html: str, headline: str) -> str:
    return body_of(html, URL, headline)


# A guest column closes with a box whose only label is "AUTOR" (class names say nothing:
# "highlight", "content wide"); the bio under it is not the column.
AUTHOR_LABEL_PAGE = f"""<html><head><title>Search engines must delete</title></head><body>
<article><h1>Search engines must delete</h1>
<div class="entry">{"".join(para(n) for n in range(1, 7))}
  <div class="highlight clearfix"><div class="content wide">
    <div class="header">AUTOR</div>
    <h3>Dr. Thomas Roe</h3>
    <p>ist Gründungspartner der Kanzlei Roe und Partner in Berlin. Zu seinen
    Tätigkeitsfeldern zählen Bankrecht, Verbraucherschutzrecht und Internetrecht.</p>
  </div></div>
</div></article></body></html>"""


def test_a_closing_box_labelled_author_is_left_out() -> None:
    text = fill(AUTHOR_LABEL_PAGE, "Search engines must delete")
    assert "Paragraph 6 of the story" in text
    assert "Tätigkeitsfeldern" not in text and "Gründungspartner" not in text


def test_bare_author_labels_end_the_text_only_in_its_second_half() -> None:
    story = [f"Sentence {n} of a long enough paragraph of the article." for n in range(6)]
    closing = clean_lines("\n".join([*story, "Artikel von", "Jane Roe",
                                     "Leiterin Redaktion Gesundheit"]))
    assert "Sentence 5" in closing and "Jane Roe" not in closing
    # "Autor" as the first line is a byline label, not the end of the article
    opening = clean_lines("\n".join(["Autor:", "Jane Roe", *story]))
    assert "Sentence 5" in opening
    # a "Zur Person" box sits mid-article in guest pieces; the text after it stays
    mid = clean_lines("\n".join([*story, "Zur Person", "Jane Roe founded a leasing market.",
                                 "Who likes to switch cars often should lease."]))
    assert "Who likes to switch cars often should lease." in mid


# A donation box after the column: its heading (split by a <br>) sits over a PayPal form; an
# address's last short line right before a rating form is still the article's.
FORM_LABEL_PAGE = f"""<html><head><title>Search engines must delete</title></head><body>
<div class="main"><h1>Search engines must delete</h1>
<div class="text">{"".join(para(n) for n in range(1, 7))}
  <p>Roe &amp; Partner</p><p>Ottostraße 14<br>26899 Rhede</p>
  <form action="/rate" method="post"><input type="hidden" name="r" value="0"></form>
  {para(7)}
  <div class="formular" id="donate">
    <h3>Sie lesen gern Example News?<br>Zeigen Sie Ihre Wertschätzung!</h3>
    <form action="https://www.paypal.com/cgi-bin/webscr" method="post">
      <input type="hidden" name="cmd" value="_s-xclick"><button>via Paypal</button></form>
  </div>
</div></div></body></html>"""


def test_a_heading_over_a_form_is_its_label_not_text() -> None:
    text = fill(FORM_LABEL_PAGE, "Search engines must delete")
    assert "Paragraph 7 of the story" in text
    assert "26899 Rhede" in text
    assert "Sie lesen gern" not in text and "Wertschätzung" not in text


def test_the_prompt_over_a_letters_page_is_not_a_letter() -> None:
    text = clean_lines("\n".join([
        "Submit your letter to the editor via this form. Read more Letters to the Editor.",
        "Alameda County DA is coddling criminals",
        "It should not surprise anyone that the district attorney dropped the charges.",
        "Readers submitted letters about the bridge all week, and we print three of them."]))
    assert not text.startswith("Submit your letter")
    assert "It should not surprise anyone" in text
    assert "Readers submitted letters about the bridge" in text
