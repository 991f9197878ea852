"""Reader comments: WordPress threads, Drupal, microdata, seed-like lists, declared counts."""

from __future__ import annotations

from datetime import UTC, datetime

from newsarchive.extract import comments
from newsarchive.extract.document import Document
from newsarchive.extract.site import Node
from newsarchive.record import Record

NOW = datetime(2025, 12, 14, 12, 0, tzinfo=UTC)
ARTICLE = ("<article><h1>Headline</h1><p>" + "Body text of the article. " * 20 + "</p></article>")


def run(html: str, fields: dict | None = None) -> tuple[Record, list[Node]]:
    doc = Document(f"<html><body>{ARTICLE}{html}</body></html>", "https://ex.com/2025/12/post")
    rec = Record(url=doc.url, canonical_url=doc.url, site="ex.com")
    return rec, comments.fill_comments(doc, rec, None, fields or {}, NOW)


WORDPRESS = """
<div id="comments" class="comments-area">
 <h2 class="comments-title">3 thoughts on &ldquo;Headline&rdquo;</h2>
 <ol class="comment-list">
  <li id="comment-12" class="comment depth-1 parent">
   <article id="div-comment-12" class="comment-body">
    <footer class="comment-meta">
     <div class="comment-author vcard"><img class="avatar" src="a.png"/><b class="fn">Alice</b>
      <span class="says">says:</span></div>
     <div class="comment-metadata"><a href="#comment-12"><time datetime="2019-06-19T17:13:56+00:00">
      June 19, 2019 at 5:13 pm</time></a></div>
    </footer>
    <div class="comment-content"><p>First comment text.</p></div>
    <div class="reply"><a class="comment-reply-link">Reply</a></div>
   </article>
   <ol class="children">
    <li id="comment-13" class="comment depth-2">
     <article id="div-comment-13" class="comment-body">
      <footer class="comment-meta"><div class="comment-author vcard"><b class="fn">Bob</b></div>
       <div class="comment-metadata"><time datetime="2019-06-20T08:00:00+00:00">June 20</time></div>
      </footer>
      <div class="comment-content"><p>A reply.</p></div>
      <div class="reply"><a class="comment-reply-link">Reply</a></div>
     </article>
    </li>
   </ol>
  </li>
  <li id="comment-14" class="comment depth-1">
   <article id="div-comment-14" class="comment-body">
    <footer class="comment-meta"><div class="comment-author vcard"><b class="fn">Carol</b></div>
      </footer>
    <div class="comment-content"><p>Third.</p><p>Second paragraph.</p></div>
   </article>
  </li>
 </ol>
 <div id="respond" class="comment-respond"><h3>Leave a Reply</h3><form><textarea></textarea>
   </form></div>
</div>"""


def test_wordpress_threaded() -> None:
    rec, areas = run(WORDPRESS)
    assert [(c.id, c.parent_id, c.author) for c in rec.comments] == [
        ("12", None, "Alice"), ("13", "12", "Bob"), ("14", None, "Carol")]
    assert rec.comments[0].text == "First comment text."
    assert rec.comments[0].published_at == "2019-06-19T17:13:56+00:00"
    assert "June 19, 2019" in (rec.comments[0].published_raw or "")
    assert rec.comments[2].text == "Third.\nSecond paragraph."
    assert rec.comment_count == 3
    assert len(areas) == 1 and areas[0].get("id") == "comments"
    assert all("Headline" not in c.text and "Body text" not in c.text for c in rec.comments)


def test_drupal_comments() -> None:
    html = """<section id="comments" class="comment-section">
      <article id="comment-7" class="js-comment comment" typeof="schema:Comment">
        <footer><h6>Heidemarie Heim | Di, 21. April 2020 - 16:40
          <span property="schema:dateCreated" content="2020-04-21T14:40:07+00:00"></span></h6>
            </footer>
        <div class="field--name-comment-body"><p><a class="permalink" href="#c7">Title</a></p></div>
        <div property="schema:text" class="field field--name-comment-body"><p>Vielen Dank!</p></div>
      </article></section>"""
    rec, _ = run(html)
    assert len(rec.comments) == 1
    c = rec.comments[0]
    assert (c.id, c.author, c.text) == ("7", "Heidemarie Heim", "Vielen Dank!")
    assert c.published_at == "2020-04-21T14:40:07+00:00"


def test_microdata_comments() -> None:
    html = """<div class="discussion-wrap"><div itemprop="comment" itemscope
        itemtype="https://schema.org/Comment">
        <span itemprop="author">Dana</span> <span itemprop="dateCreated">2024-03-01</span>
        <p itemprop="text">Great piece.</p></div>
      <div itemprop="comment" itemscope itemtype="https://schema.org/Comment">
        <span itemprop="author">Eve</span> <span itemprop="dateCreated">2024-03-02</span>
        <p itemprop="text">I disagree.</p></div></div>"""
    rec, areas = run(html)
    assert [(c.author, c.published_at, c.text) for c in rec.comments] == [
        ("Dana", "2024-03-01", "Great piece."), ("Eve", "2024-03-02", "I disagree.")]
    assert areas


def test_seed_like_declared_more_than_shown_with_local_dates() -> None:
    html = """<div class="comments"><div class="comments-title">Comments<span>4</span></div><ul>
      <li><div class="c-name">Ёсік</div><div class="c-date">11.12.2025</div>
          <div class="c-text">Усе дыктатары застаюцца сам на сам.</div></li>
      <li><div class="c-name">Все вместе</div><div class="c-date">11.12.2025</div>
          <div class="c-text">Поможем лайками</div></li>
      <li><div class="c-name">Миша Зеф</div><div class="c-date">12.12.2025 14:03</div>
          <div class="c-text">Надеюсь, что не придут.</div></li></ul></div>"""
    rec, _ = run(html)
    assert rec.comment_count == 4
    assert [c.author for c in rec.comments] == ["Ёсік", "Все вместе", "Миша Зеф"]
    assert [c.published_at for c in rec.comments] == ["2025-12-11", "2025-12-11",
                                                      "2025-12-12T14:03"]
    assert rec.comments[0].published_raw == "11.12.2025"
    assert rec.comments[1].text == "Поможем лайками"
    assert len({c.id for c in rec.comments}) == 3  # stable hashes, distinct


def test_declared_counts_in_many_languages() -> None:
    parse = comments._parse_count
    assert parse("Comments4") == 4
    assert parse("4 comments") == 4
    assert parse("Каментары 4") == 4
    assert parse("Комментарии (12)") == 12
    assert parse("12 Kommentare") == 12
    assert parse("One thought on “X”") == 1
    assert parse("Schreibe einen Kommentar") is None
    # thousands groups, and "un"/"one" after a verb is an article, not a count
    assert parse("1.977 commentaires") == 1977
    assert parse("1,234 Comments") == 1234
    assert parse("Ajouter un commentaire") is None
    assert parse("Deja un comentario") is None
    assert parse("Un commentaire sur « X »") == 1


def test_jsonld_count_when_no_comments_rendered() -> None:
    doc = Document('<html><head><script type="application/ld+json">{"@type": "NewsArticle", '
                   '"commentCount": 17}</script></head><body>' + ARTICLE + "</body></html>",
                   "https://ex.com/a")
    rec = Record(url=doc.url, canonical_url=doc.url, site="ex.com")
    assert comments.fill_comments(doc, rec, None, {}, NOW) == []
    assert rec.comment_count == 17 and rec.comments == []


def test_site_layer() -> None:
    html = """<div id="talk"><div class="c" data-id="a1"><b>Ann</b><i>01.02.2024</i><p>Hi</p>
      <div class="c" data-id="a2"><b>Ben</b><i>02.02.2024</i><p>Hello</p></div></div>
      <span class="n">Комментарии (5)</span></div>"""
    spec = {"container": "#talk", "item": "div.c", "id": "::attr(data-id)", "author": "b",
            "date": "i", "text": ":scope > p", "count": "span.n"}
    rec, areas = run(html, {"comments": spec})
    assert [(c.id, c.parent_id, c.author, c.published_at, c.text) for c in rec.comments] == [
        ("a1", None, "Ann", "2024-02-01", "Hi"), ("a2", "a1", "Ben", "2024-02-02", "Hello")]
    assert rec.comment_count == 5 and rec.provenance["comments"] == "site"
    assert areas[0].get("id") == "talk"


def test_no_comments_and_counter_link_not_an_area() -> None:
    rec, areas = run('<p><a class="comments-link" href="#respond">Leave a comment</a></p>')
    assert rec.comments == [] and areas == [] and rec.comment_count is None


def test_definition_list_thread_pairs_header_and_text() -> None:
    # Thesis-style themes: <dt> holds who/when, the following <dd> the text of one comment
    html = """<div id="comments"><dl id="comment_list">
      <dt class="comment depth-1" id="comment-501"><span class="comment_author">Nadia</span>
        <span class="comment_time"><a href="#comment-501">March 3, 2016 at 9:12 am</a></span></dt>
      <dd class="comment depth-1"><div class="format_text"><p>Where is the sequel??</p></div></dd>
      <dt class="comment depth-1" id="comment-502"><span class="comment_author">Omar</span>
        <span class="comment_time"><a href="#comment-502">March 4, 2016 at 1:40 pm</a></span></dt>
      <dd><div class="format_text"><p>Agreed with every point of this, thanks.</p></div></dd>
    </dl></div>"""
    rec, _ = run(html)
    assert [(c.id, c.author, c.published_at, c.text) for c in rec.comments] == [
        ("501", "Nadia", "2016-03-03T09:12", "Where is the sequel??"),
        ("502", "Omar", "2016-03-04T13:40", "Agreed with every point of this, thanks.")]


def test_short_comment_is_text_not_author() -> None:
    # an unmarked short line is a name only when something else is left as the text
    html = """<div class="comment-list">
      <div class="comment" id="comment-1"><div class="meta"><span>12.05.2021</span></div>
        <p>Great read!</p></div>
      <div class="comment" id="comment-2"><div class="meta"><span>13.05.2021</span></div>
        <p>Thanks for the write-up, bookmarked it.</p></div></div>"""
    rec, _ = run(html)
    assert [(c.author, c.text) for c in rec.comments] == [
        (None, "Great read!"), (None, "Thanks for the write-up, bookmarked it.")]


def test_name_dash_date_header_and_short_marked_text() -> None:
    # "Name - Le <date>" header; the marked text is short and must not be taken for the name
    html = """<div class="petition-comments-list">
      <div class="petition-comment-card"><div class="comment-infos">
        <strong>Lucie - Le 22/01/2020 à 12:01:03</strong></div>
        <div class="comment-content">Bravo !</div></div>
      <div class="petition-comment-card"><div class="comment-infos">
        <strong>Paul - Le 23/01/2020 à 08:15:00</strong></div>
        <div class="comment-content">Je signe sans hésiter pour ce projet.</div></div></div>"""
    rec, _ = run(html)
    assert [(c.author, c.published_at, c.text) for c in rec.comments] == [
        ("Lucie", "2020-01-22T12:01:03", "Bravo !"),
        ("Paul", "2020-01-23T08:15:00", "Je signe sans hésiter pour ce projet.")]


def test_text_inside_the_author_block() -> None:
    # a theme that prints the comment's paragraphs inside <div class="comment-author">
    html = """<ol class="commentlist">
      <li class="comment" id="comment-71"><div id="div-comment-71">
        <div class="comment-author vcard"><img class="avatar" src="a.png"/>
          <p>Happy new year to you too, see you soon!</p>
          <p><cite>Comment by <span class="fn">Rita</span> &#8212; 2019-01-01 @ 00:45</cite>
            <span class="reply"> | <a class="comment-reply-link" href="#">Reply</a></span></p>
        </div></div></li>
      <li class="comment" id="comment-72"><div id="div-comment-72">
        <div class="comment-author vcard"><img class="avatar" src="b.png"/>
          <p>Thank you.</p>
          <p><cite>Comment by <span class="fn">Sam</span> &#8212; 2019-01-02 @ 10:00</cite></p>
        </div></div></li></ol>"""
    rec, _ = run(html)
    assert [(c.id, c.author, c.published_at, c.text) for c in rec.comments] == [
        ("71", "Rita", "2019-01-01", "Happy new year to you too, see you soon!"),
        ("72", "Sam", "2019-01-02", "Thank you.")]


def test_classic_blogger_definition_list() -> None:
    # <dt> "Name said...", <dd> the text, a second <dd> the footer with the date
    html = """<div id="comments"><h4>2 comments:</h4><dl id="comments-block">
      <dt class="comment-author" id="c1111"><a name="c1111"></a>
        <a href="https://www.blogger.com/profile/1">Hannah</a> said...</dt>
      <dd class="comment-body"><p>Lovely photos, the lake looks so calm.</p></dd>
      <dd class="comment-footer"><span class="comment-timestamp">
        <a href="#c1111">March 5, 2012 at 4:10 PM</a></span></dd>
      <dt class="comment-author" id="c2222"><a name="c2222"></a>Anonymous said...</dt>
      <dd class="comment-body"><p>Thanks!</p></dd>
      <dd class="comment-footer"><span class="comment-timestamp">
        <a href="#c2222">March 6, 2012 at 9:00 AM</a></span></dd></dl></div>"""
    rec, _ = run(html)
    assert [(c.id, c.author, c.published_at, c.text) for c in rec.comments] == [
        ("1111", "Hannah", "2012-03-05T16:10", "Lovely photos, the lake looks so calm."),
        ("2222", "Anonymous", "2012-03-06T09:00", "Thanks!")]
    assert rec.comment_count == 2


def test_template_markup_is_not_a_comment() -> None:
    html = """<section class="comments"><template id="tpl"><div class="comment">
        <span class="comment-author">{{name}}</span><p class="comment-text">{{text}}</p></div>
      </template>
      <div class="comment" id="comment-5"><span class="comment-author">Vera</span>
        <time datetime="2020-01-01">1 Jan 2020</time><p class="comment-text">A real one.</p></div>
      <div class="comment" id="comment-6"><span class="comment-author">Wim</span>
        <time datetime="2020-01-02">2 Jan 2020</time><p class="comment-text">Another.</p></div>
    </section>"""
    rec, _ = run(html)
    assert [(c.id, c.author, c.text) for c in rec.comments] == [
        ("5", "Vera", "A real one."), ("6", "Wim", "Another.")]


NEXT_DATA = """<div id="__next"><div class="placeholder">Loading…</div></div>
<script id="__NEXT_DATA__" type="application/json">{"props":{"pageProps":{
 "article":{"id":7,"title":"Headline","commentsEnabled":true},
 "recentComments":[{"id":"r1","author":{"name":"X"},"createdAt":"2023-01-01","body":"Elsewhere."}],
 "comments":{"total":2,"items":[
  {"id":"c-901","author":{"displayName":"Mara K."},"createdAt":"2023-09-14T08:30:00Z",
   "body":"<p>This happened in our town too.</p><p>Twice.</p>",
   "replies":[{"id":"c-902","author":{"displayName":"Tom"},"createdAt":"2023-09-14T09:00:00Z",
               "body":"Same here."}]},
  {"id":"c-903","author":{"displayName":"Ilse"},"createdAt":1694772000000,
   "body":"Thanks &amp; well done."}]}}}}</script>"""


def test_comments_from_a_json_state_blob() -> None:
    rec, areas = run(NEXT_DATA)
    assert [(c.id, c.parent_id, c.author, c.text) for c in rec.comments] == [
        ("c-901", None, "Mara K.", "This happened in our town too.\nTwice."),
        ("c-902", "c-901", "Tom", "Same here."),
        ("c-903", None, "Ilse", "Thanks & well done.")]
    assert rec.comments[0].published_at == "2023-09-14T08:30:00+00:00"
    assert rec.comments[2].published_at == "2023-09-15T10:00:00+00:00"  # epoch milliseconds
    assert rec.provenance["comments"] == "script-json" and areas == []


def test_comments_from_a_js_assignment_and_not_from_templates() -> None:
    html = """<div id="app"></div><script>window.__INITIAL_STATE__ = {"discussion":{
      "comments":[{"commentId":55,"userName":"gerd_h","date":"2022-02-01T12:00:00+01:00",
                   "text":"Endlich wird darüber berichtet."}]}};</script>"""
    rec, _ = run(html)
    assert [(c.id, c.author, c.published_at, c.text) for c in rec.comments] == [
        ("55", "gerd_h", "2022-02-01T12:00:00+01:00", "Endlich wird darüber berichtet.")]
    # markup comments win; a handlebars template or teasers without who/when are not comments
    tpl = """<script type="text/x-handlebars">{"comments":[{"body":"{{text}}","date":"x"}]}
      </script><script>var s = {"comments":[{"title":"Other story","body":"Teaser text"}],
      "related":[]};</script>"""
    rec, _ = run(tpl)
    assert rec.comments == []
