"""The declared comment count: only what the page itself shows or declares for this article."""

from __future__ import annotations

import json

from tests.test_extract_comments import run

YOAST_ZERO = ('<script type="application/ld+json">'
              + json.dumps({"@context": "https://schema.org", "@graph": [
                  {"@type": "Article", "headline": "Headline", "commentCount": 0}]})
              + "</script>")


def test_jsonld_zero_without_a_comment_section_is_no_count() -> None:
    # SEO plugins write commentCount 0 on every page, comments enabled or not
    rec, _ = run(YOAST_ZERO + "<footer><p>© 2024 Example Verlag</p></footer>")
    assert rec.comment_count is None


def test_jsonld_zero_beside_a_closed_notice_is_no_count() -> None:
    rec, _ = run(YOAST_ZERO + '<div id="comments" class="comments-area">'
                 '<p class="no-comments">Comments are closed.</p></div>')
    assert rec.comment_count is None


def test_jsonld_zero_beside_an_open_empty_section_is_zero() -> None:
    rec, _ = run(YOAST_ZERO + """
<div id="comments" class="comments-area">
 <div id="respond" class="comment-respond"><h3 class="comment-reply-title">Leave a Reply</h3>
  <form action="/wp-comments-post.php" method="post" class="comment-form">
   <p>Your email address will not be published.</p><textarea name="comment"></textarea>
   <input type="submit" value="Post Comment"/></form></div></div>""")
    assert rec.comment_count == 0


def test_jsonld_count_above_zero_stands_alone() -> None:
    rec, _ = run(YOAST_ZERO.replace('"commentCount": 0', '"commentCount": 7'))
    assert rec.comment_count == 7


def test_a_hidden_placeholder_counter_is_no_count() -> None:
    # the comments load by script; the "0 comments" link is hidden until the script fills it
    rec, _ = run('<div class="meta"><a href="#comments" class="comment-count hide-count-amount">'
                 '<span class="count">0</span> <span class="plural">comments</span></a></div>'
                 '<p>Related topics: politics</p>'
                 '<div id="comments" class="comments"><h2>Comments</h2>'
                 '<p>Share your thoughts and debate the big issues</p></div>')
    assert rec.comment_count is None


def test_a_visible_counter_beside_it_still_counts() -> None:
    rec, _ = run('<div class="meta"><a href="#comments" class="comment-count">'
                 '<span class="count">4</span> <span class="plural">comments</span></a></div>')
    assert rec.comment_count == 4


def test_a_collapsed_comment_box_keeps_its_heading_count() -> None:
    # display:none on the box a "show comments" button opens: the heading is still the count
    rec, _ = run('<section class="comments" style="display: none">'
                 '<h2>2 Kommentare</h2><a href="#">Kommentar schreiben</a></section>')
    assert rec.comment_count == 2


CHAPTER = """<section class="subpage"><p>{text}</p>
<aside><ul class="flags"><li class="comments"><a href="/page/doc_{i}/comments.html">
<span class="count">{n}</span> <span class="caption">Diskussionen</span></a></li>
<li class="selections"><a href="/page/doc_{i}/amendment.html">Änderungsvorschläge</a></li>
</ul></aside></section>"""


def test_counters_of_several_chapters_that_disagree_are_no_count() -> None:
    # a paper in chapters, each with its own discussion counter: none is the page's count
    rec, _ = run("".join(CHAPTER.format(text=f"Kapitel {i}. " * 10, i=i, n=n)
                         for i, n in enumerate([0, 8, 0, 3])))
    assert rec.comment_count is None
