"""`newsarchive browse`, for real: Datasette's test client on an archive built by `newsarchive
demo`, every page and canned query, the article and crawl-run pages, search, facets, links.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import sqlite3
import subprocess
import sys
import tomllib
from html import unescape
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT

from newsarchive.datasette import plugin
from newsarchive.datasette.config import make_datasette
from newsarchive.datasette.plugin import fts_query

META = yaml.safe_load((ROOT / "data" / "metadata.yml").read_text())
QUERIES = list(META["databases"]["archive"]["queries"])
TABLES = ["articles", "article_urls", "images", "comments", "related_blocks", "related_links",
          "crawl_runs"]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("browse") / "archive.db"
    proc = subprocess.run([sys.executable, "-m", "newsarchive", "demo", "--db", str(db)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return db


class Client:
    """Datasette's in-process client, synchronous for the tests."""

    def __init__(self, db: Path) -> None:
        self.ds = make_datasette(db)
        self.name = db.stem

    def get(self, path: str, status: int = 200) -> Any:
        resp = asyncio.run(self.ds.client.get(path.replace("/DB", f"/{self.name}", 1)))
        assert resp.status_code == status, (path, resp.text[-2000:])
        assert "message-error" not in resp.text, (path, re.findall(r"message-error.*", resp.text))
        return resp

    def html(self, path: str) -> str:
        return self.get(path).text

    def rows(self, path: str) -> list[dict[str, Any]]:
        sep = "&" if "?" in path else "?"
        return self.get(f"{path}{sep}_shape=array").json()


@pytest.fixture(scope="module")
def client(archive: Path) -> Client:
    return Client(archive)


def one(db: Path, sql: str, params: tuple = ()) -> Any:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchone()


def test_every_table_and_canned_query_answers(client: Client, archive: Path) -> None:
    for path in ["/", "/DB", *[f"/DB/{t}" for t in TABLES], *[f"/DB/{q}" for q in QUERIES]]:
        client.get(path)
    for rid in range(1, one(archive, "select count(*) from crawl_runs")[0] + 1):
        assert f"Crawl run {rid}:" in client.html(f"/DB/crawl_runs/{rid}")
    with sqlite3.connect(archive) as conn:
        ids = [r[0] for r in conn.execute("select id from articles")]
    assert len(ids) >= 30
    for aid in ids:
        assert 'class="na-article"' in client.html(f"/DB/articles/{aid}")
    home = client.html(f"/DB/articles/{ids[0]}")  # the stylesheet the pages link to is served
    css = re.search(r'href="(/-/static-plugins/[^"]+/newsarchive\.css)"', home)
    assert css and ".na-article" in client.get(css.group(1)).text


def test_article_page_shows_what_the_site_showed(client: Client, archive: Path) -> None:
    aid, credit = one(archive, "select article_id, credit from images where credit like ?",
                      ("%/Reuters",))
    page = unescape(client.html(f"/DB/articles/{aid}"))
    headline, author = one(archive, "select headline, json_extract(authors, '$[0]')"
                                    " from articles where id = ?", (aid,))
    assert f'<h1 class="na-headline">{headline}</h1>' in page
    assert author in page.split('class="na-byline"')[1].split("</p>")[0]
    assert f"Photo: {credit}" in page
    first_para = one(archive, "select body from articles where id = ?", (aid,))[0].split("\n\n")[0]
    assert f"<p>{first_para}</p>" in page
    # A reply sits inside its parent's nested list.
    parent, reply = one(archive, "select p.text, c.text from comments c join comments p on"
                                 " p.article_id = c.article_id and p.comment_id = c.parent_id"
                                 " where c.article_id = ?", (aid,))
    thread = page.split('class="na-comments"')[1]
    nested = thread.split(parent)[1].split("</li>")[0]
    assert 'class="na-thread na-replies"' in nested and reply in nested
    # Related blocks as shown: title, link text, comment count; archived targets link locally.
    block, title, count = one(archive, "select block_title, title, comment_count from"
                                       " related_links where article_id = ? and comment_count"
                                       " is not null", (aid,))
    related = page.split('class="na-related"')[1]
    assert f"<h3>{block}</h3>" in related and title in related and f"{count} comments" in related
    assert "archived copy" in related
    for (url,) in sqlite3.connect(archive).execute(
            "select url from article_urls where article_id = ?", (aid,)):
        assert url in page.split('class="na-urls"')[1]
    revisions = page.split('class="na-revisions"')[1]  # one version so far, with its headline
    headline = one(archive, "select headline from articles where id = ?", (aid,))[0]
    assert "<h2>Revisions" in page and headline in revisions
    where = re.search(r'Linked (\d+) times? from related blocks.*?href="([^"]+)">see where', page)
    assert where, "the article is a link target in the demo"
    linked = client.rows(where.group(2).replace("&amp;", "&").replace("?", ".json?", 1))
    assert len(linked) == int(where.group(1))


def test_every_url_that_led_to_an_article_is_listed(client: Client, archive: Path) -> None:
    aid, url = one(archive, "select article_id, url from article_urls where kind = 'redirect'")
    urls = client.html(f"/DB/articles/{aid}").split('class="na-urls"')[1]
    assert f'<span class="na-kind">redirect</span> <a href="{url}"' in unescape(urls)


def test_removed_comments_and_revisions_are_shown_when_the_archive_has_them(
        archive: Path, tmp_path: Path) -> None:
    db = tmp_path / "history.db"
    shutil.copy(archive, db)
    aid, cid, text = one(db, "select article_id, comment_id, text from comments limit 1")
    with sqlite3.connect(db) as conn:  # what the history tables hold after an edit
        conn.execute("update comments set removed_at = '2024-04-01T00:00:00+00:00'"
                     " where article_id = ? and comment_id = ?", (aid, cid))
        conn.execute("delete from revisions where article_id = ?", (aid,))
        conn.executemany("insert into revisions (article_id, revision, fetched_at,"
                         " revision_hash, content) values (?, ?, ?, ?, ?)",
                         [(aid, 1, "2024-03-01", "h1",
                           json.dumps({"headline": "First headline", "body": "x" * 500})),
                          (aid, 2, "2024-03-02", "h2",
                           json.dumps({"headline": "Second headline", "body": "y" * 500}))])
    client = Client(db)
    page = unescape(client.html(f"/DB/articles/{aid}"))
    removed = page.split(f'id="comment-{cid}"')[1].split("</li>")[0]
    assert "removed from the page 2024-04-01" in removed and text in removed
    assert 'class="na-comment na-removed"' in page
    revisions = page.split('class="na-revisions"')[1]
    assert "First headline" in revisions and "Second headline" in revisions
    assert "y" * 500 not in revisions  # long fields are cut, the table keeps them whole
    assert [r["article_id"] for r in client.rows("/DB/most_revised.json")] == [aid]
    changed = client.rows("/DB/changed_after_publication.json")
    assert changed and "revisions" in changed[0]


def test_search_highlights_matches_and_links_articles(client: Client, archive: Path) -> None:
    aid, headline = one(archive, "select id, headline from articles where headline like ?",
                        ("%Storm Imogen%",))
    html = client.html("/DB/search?q=imogen&site=&section=&language=&month=&author=")
    assert f'href="/archive/articles/{aid}">' in html
    assert "<mark>Imogen</mark>" in html
    rows = client.rows("/DB/search.json?q=imogen&site=&section=&language=&month=&author=")
    assert rows[0]["article_id"] == aid and "\ue000" in rows[0]["snippet"]
    # Narrowing fields, and search over the body (Porter stemming: "brace" -> "braced").
    site = one(archive, "select site from articles where id = ?", (aid,))[0]
    assert client.rows(f"/DB/search.json?q=imogen&site={site}&section=&language=&month="
                       "2024-03&author=")
    assert not client.rows("/DB/search.json?q=imogen&site=nowhere&section=&language=&month="
                           "&author=")
    author = one(archive, "select json_extract(authors, '$[0]') from articles where id = ?",
                 (aid,))[0]
    assert client.rows(f"/DB/search.json?q=imogen&site=&section=&language=&month=&author="
                       f"{author}")[0]["article_id"] == aid
    assert "facets by site, section" in html  # the link to the faceted table search


@pytest.mark.parametrize("q", ['storm "coastal', "a-b (c", "OR", "x AND", "*", '""', ""])
def test_any_search_input_is_a_valid_query(client: Client, q: str) -> None:
    client.get(f"/DB/search?q={q}&site=&section=&language=&month=&author=")


def test_fts_query() -> None:
    assert fts_query('storm "coastal towns" imo* OR x') == '"storm" "coastal towns" "imo"* OR "x"'
    assert fts_query("") == '""'  # matches nothing, where '' would be a syntax error
    assert fts_query("OR") == '"OR"' and fts_query("a OR") == '"a"'  # a lone OR is a word


def test_page_text_cannot_inject_html_into_snippets(archive: Path, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    shutil.copy(archive, db)
    with sqlite3.connect(db) as conn:
        conn.execute("update articles set body = '<script>alert(1)</script> zebra' where id ="
                     " (select min(id) from articles)")
    html = Client(db).html("/DB/search?q=zebra&site=&section=&language=&month=&author=")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>zebra</mark>" in html
    assert "<script>alert(1)" not in html


def test_facets_sorting_and_date_filters(client: Client, archive: Path) -> None:
    data = client.get("/DB/articles.json?_facet_array=authors").json()
    assert {"site", "section", "language", "published_month", "authors"} <= set(
        data["facet_results"])
    month, n = one(archive, "select published_month, count(*) from articles group by 1"
                            " order by 2 desc")
    months = {f["value"]: f["count"] for f in data["facet_results"]["published_month"]["results"]}
    assert months[month] == n
    rows = client.rows(f"/DB/articles.json?published_month={month}&_sort_desc=published_at"
                       "&_col=published_at")
    assert len(rows) == n and [r["published_at"] for r in rows] == sorted(
        (r["published_at"] for r in rows), reverse=True)
    since = client.rows("/DB/articles.json?published_at__gte=2025-01-01&_col=published_at")
    assert since and all(r["published_at"] >= "2025-01-01" for r in since)
    searched = client.get("/DB/articles.json?_search=imogen&_facet_array=authors").json()
    assert searched["filtered_table_rows_count"] >= 1 and searched["facet_results"]["authors"]


def test_a_table_search_matching_too_many_rows_covers_a_bounded_sample(
        client: Client, archive: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A word in nearly every article made the table view look up every match for its rows,
    count and facets (4.4 s on a million): beyond TABLE_SEARCH_SAMPLE matches it covers the
    matches with the lowest ids, and says so; below, Datasette's search is untouched."""
    with sqlite3.connect(archive) as conn:
        conn.execute("create virtual table temp.vocab using fts5vocab(main, articles_fts, row)")
        word = conn.execute("select term from temp.vocab order by doc desc limit 1").fetchone()[0]
        matches = [r[0] for r in conn.execute(
            "select rowid from articles_fts where articles_fts match ? order by rowid",
            (f'"{word}"',))]
    assert len(matches) > 3
    monkeypatch.setattr(plugin, "TABLE_SEARCH_SAMPLE", 3)
    data = client.get(f"/DB/articles.json?_search={word}&_facet=site&_size=max").json()
    ids = sorted(dict(zip(data["columns"], row, strict=True))["id"] for row in data["rows"])
    assert ids == matches[:3] and data["filtered_table_rows_count"] == 3
    assert sum(f["count"] for f in data["facet_results"]["site"]["results"]) == 3
    assert "among the 3 lowest that match" in data["human_description_en"]
    assert "more than 3 rows match" in unescape(client.html(f"/DB/articles?_search={word}"))
    # page 2 of a sampled search stays in the sample
    two = client.get(f"/DB/articles.json?_search={word}&_size=2").json()
    rest = client.get(f"/DB/articles.json?_search={word}&_size=2&_next={two['next']}").json()
    assert len(two["rows"]) + len(rest["rows"]) == 3
    # a raw FTS query that FTS rejects is reported by Datasette as before
    bad = client.get(f'/DB/articles.json?_search="{word}&_searchmode=raw', status=400).json()
    assert bad["error"] == "unterminated string"
    monkeypatch.setattr(plugin, "TABLE_SEARCH_SAMPLE", len(matches))
    data = client.get(f"/DB/articles.json?_search={word}&_size=max").json()
    assert data["filtered_table_rows_count"] == len(matches) == len(data["rows"])
    assert "lowest" not in data["human_description_en"]
    assert data["query"]["sql"].count("rowid <") == 0


def test_rows_that_name_an_article_link_to_its_page(client: Client, archive: Path) -> None:
    aid, headline = one(archive, "select a.id, a.headline from articles a join comments c"
                                 " on c.article_id = a.id limit 1")
    link = f'<a href="/archive/articles/{aid}">'
    for table in ("comments", "images", "related_links", "related_blocks", "article_urls"):
        html = client.html(f"/DB/{table}?article_id={aid}")
        assert link in html, table
    assert link in client.html("/DB/articles")  # the id column of the table
    for query in ("most_commented", "changed_after_publication", "most_linked"):
        html = client.html(f"/DB/{query}")
        assert re.search(r'<a href="/archive/articles/\d+">', html), query
    assert '<a href="/archive/crawl_runs/1">' in client.html("/DB/latest_runs")


def test_canned_queries_answer_the_research_questions(client: Client, archive: Path) -> None:
    day = client.rows("/DB/articles_per_day.json?site=&since=")
    total = one(archive, "select count(*) from articles where published_at is not null")[0]
    assert sum(r["articles"] for r in day) == total
    site = day[0]["site"]
    assert {r["site"] for r in client.rows(f"/DB/articles_per_day.json?site={site}&since=")} == {
        site}
    top = client.rows("/DB/most_commented.json")[0]
    best = one(archive, "select max(max(coalesce(comment_count, 0), (select count(*) from"
                        " comments c where c.article_id = a.id))) from articles a")[0]
    assert max(top["declared_comments"] or 0, top["archived_comments"]) == best
    credits = {r["agency"]: r for r in client.rows("/DB/photo_credits.json")}
    assert {"Reuters", "AFP", "Sputnik / RIA Novosti", "other"} <= set(credits)
    assert credits["Reuters"]["images"] == one(
        archive, "select count(*) from images where credit like '%Reuters%'")[0]
    linked = client.rows("/DB/most_linked.json")
    target = linked[0]
    assert target["article_id"] and target["links"] == one(
        archive, "select count(*) from related_links where url_key in"
                 " (select url from article_urls where article_id = ?)", (target["article_id"],))[0]
    changed = client.rows("/DB/changed_after_publication.json")
    assert changed and all(r["modified_at"] > r["published_at"] for r in changed)
    assert len(client.rows("/DB/latest_runs.json")) == one(
        archive, "select count(*) from crawl_runs")[0]


CREDITS = {
    "Nadia Petrescu/Reuters": "Reuters", "AP Photo/Jane Doe": "AP", "Jane Doe / AP": "AP",
    "John Smith/AFP via Getty Images": "AFP", "Getty Images": "Getty Images",
    "EPA-EFE/Someone": "EPA", "Sputnik, Kremlin Pool Photo via AP": "Sputnik / RIA Novosti",
    "РИА Новости": "Sputnik / RIA Novosti", "Reuters/Иван Петров": "Reuters",
    "Мария Иванова": "other", "PA Wire": "PA", "Pablo Diaz": "other", "Capable Photos": "other",
    "Chip Somodevilla via Getty Images": "Getty Images", "Xinhua/Li Wei": "Xinhua",
}


def test_photo_credits_are_grouped_by_agency(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    with sqlite3.connect(db) as conn:
        conn.execute("create table images (article_id, position, credit)")
        conn.executemany("insert into images values (?, ?, ?)",
                         [(i, 0, c) for i, c in enumerate([*CREDITS, "  ", None, "AFP"])])
        sql = META["databases"]["archive"]["queries"]["photo_credits"]["sql"]
        got = {r[0]: r[1] for r in conn.execute(sql)}
    want: dict[str, int] = {}
    for agency in [*CREDITS.values(), "AFP"]:
        want[agency] = want.get(agency, 0) + 1
    assert got == want


def test_crawl_run_page_reports_what_the_run_did(client: Client, archive: Path) -> None:
    run = one(archive, "select id, spider, pages, new, errors from crawl_runs order by errors"
                       " desc limit 1")
    page = client.html(f"/DB/crawl_runs/{run[0]}")
    assert f"Crawl run {run[0]}: {run[1]}" in page
    counts = re.findall(r"<td[^>]*>(\d+)</td>", page.split('class="na-counts"')[1])
    assert [int(x) for x in counts[:2]] == [run[2], run[3]] and int(counts[6]) == run[4]
    assert "stored/new" in page and "articles first archived while this run" in page


def test_default_views_and_queries_use_indexes(archive: Path) -> None:
    """What keeps a million-article archive fast (bench/README.md): no plain table scan of
    articles, comments, images or related links in the default views and canned queries."""
    sqls = [q["sql"] for q in META["databases"]["archive"]["queries"].values()]
    sqls += ["select * from articles order by published_at desc limit 51",
             "select published_month, count(*) from articles group by published_month",
             "select site, count(*) from articles group by site",
             "select * from articles order by comment_count desc limit 51"]
    conn = sqlite3.connect(archive)
    make_datasette(archive)  # registers the plugin, whose functions the queries call
    from newsarchive.datasette.plugin import prepare_connection
    prepare_connection(conn)
    for sql in sqls:
        params = {k: "" for k in re.findall(r":(\w+)", sql)}
        plan = [r[3] for r in conn.execute("explain query plan " + sql, params)]
        scans = [p for p in plan if re.match(r"SCAN (articles|comments|images|related_links|a|c)"
                                             r"\b(?!.*INDEX)", p)]
        assert not scans, (sql, plan)


def test_metadata_is_keyed_to_any_file_name_and_the_plugin_is_an_entry_point(
        archive: Path, tmp_path: Path) -> None:
    other = tmp_path / "my-news.db"
    shutil.copy(archive, other)
    client = Client(other)
    assert "Search articles" in client.html("/DB/search")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["entry-points"]["datasette"]["newsarchive"] == "newsarchive.datasette"

