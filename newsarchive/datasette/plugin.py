"""Datasette plugin: the article page, the crawl-run page, links to articles from every row that
names one, highlighted search snippets, and `fts_query()`, the SQL function that makes any
search input a valid FTS5 query. Every other canned query in data/metadata.yml is plain SQL.

A search in a table view (`/DB/articles?_search=`) is bounded: when more than
TABLE_SEARCH_SAMPLE articles match, it covers that many of them (see `filters_from_request`).

Registered through the `datasette` entry point (pyproject.toml) as the `newsarchive.datasette`
package, so its `templates/` override Datasette's: `row.html` turns the row page of `articles`
into a reading view and the row page of `crawl_runs` into a report; every other table keeps
Datasette's page. Everything here reads the archive only.
"""

from __future__ import annotations

import re
import sqlite3
from typing import TYPE_CHECKING, Any

from datasette import hookimpl
from datasette.utils import await_me_maybe
from markupsafe import Markup, escape

# Datasette imports this plugin (entry point) while `datasette.app` is still importing:
# a runtime import of it here would be circular.
if TYPE_CHECKING:
    from datasette.app import Datasette

from newsarchive.datasette.pages import article_context, run_context

# snippet()/highlight() in the search query wrap matches in these private-use characters; the
# cell is escaped first and the markers become <mark>, so article text can never inject HTML.
MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"
_TOKEN = re.compile(r'"[^"]*"?|\S+')


def fts_query(text: str | None) -> str:
    """A user's search words as a safe FTS5 query: every word must match (prefix with a
    trailing *), "quoted phrases" stay phrases, OR between words is kept. Nothing else in the
    input is FTS syntax, so no input can raise a syntax error."""
    parts: list[str] = []
    for tok in _TOKEN.findall(text or ""):
        if tok == "OR" and parts and parts[-1] != "OR":
            parts.append("OR")
            continue
        prefix = tok.endswith("*") and not tok.startswith('"')
        word = tok.strip('"*').replace('"', "")
        if word:
            parts.append(f'"{word}"' + ("*" if prefix else ""))
    while parts and parts[-1] == "OR":
        parts.pop()
    # An empty phrase matches nothing, where an empty MATCH string would be a syntax error.
    return " ".join(parts) or '""'


# The most matches a table-view search covers. The table page looks up every match in
# `articles` (a rowid seek each) for its rows, its count and each facet, ~6 passes: a word
# found in nearly every article took 4.4 s on a million articles; at 20,000 the heaviest table
# searches there answer in 0.2-0.7 s (bench/README.md). The same sample as the search page,
# which ranks in one pass and so allows 50,000.
TABLE_SEARCH_SAMPLE = 20_000
# The clause Datasette's own `_search` / `_search_<column>` filter writes (datasette.filters).
_DATASETTE_SEARCH = re.compile(
    r"(?P<pk>\S+) in \((?P<sub>select rowid from (?P<fts>\S+) where \S+ match"
    r" (?:escape_fts\(:search(?:_\d+)?\)|:search(?:_\d+)?))\)")


@hookimpl(wrapper=True)
def filters_from_request(request: Any, database: str, table: str, datasette: Datasette) -> Any:
    """Wraps every `filters_from_request` result (Datasette's search filter among them) so that
    a search matching more than TABLE_SEARCH_SAMPLE rows covers the TABLE_SEARCH_SAMPLE matches
    with the lowest rowids (ids are URL hashes: a sample spread over the whole archive), like
    the search page does, and says so in the page's description. Below that, nothing changes.
    The sample is taken among the search's matches alone: other filters narrow it further."""
    results = yield
    return [_bounded_search(result, database, datasette) for result in results]


def _bounded_search(result: Any, database: str, datasette: Datasette) -> Any:
    async def inner() -> Any:
        args = await await_me_maybe(result)
        if args is None or not any(
                _DATASETTE_SEARCH.fullmatch(c) for c in args.where_clauses):
            return args
        db = datasette.get_database(database)
        limit = TABLE_SEARCH_SAMPLE
        clauses = []
        for i, clause in enumerate(args.where_clauses):
            m = _DATASETTE_SEARCH.fullmatch(clause)
            if m is None:
                clauses.append(clause)
                continue
            # FTS5 returns matches in rowid order: this is the rowid of match limit + 1.
            try:
                beyond = (await db.execute(f"{m['sub']} limit 1 offset {int(limit)}",
                                           args.params)).first()
            except sqlite3.Error:  # a raw-mode query FTS rejects: Datasette reports it
                beyond = None
            if beyond is None:
                clauses.append(clause)
                continue
            key = f"na_search_below_{i}"
            args.params[key] = beyond[0]
            clauses.append(f"{m['pk']} in ({m['sub']} and rowid < :{key})")
            args.human_descriptions.append(
                f"{m['pk']} is among the {limit:,} lowest that match (a sample: more than"
                f" {limit:,} rows match, add words to narrow the search)")
        args.where_clauses = clauses
        return args

    return inner


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    conn.create_function("fts_query", 1, fts_query, deterministic=True)


def _article_url(datasette: Datasette, database: str, article_id: Any) -> str:
    return f"{datasette.urls.table(database, 'articles')}/{int(article_id)}"


def _marked(value: str) -> Markup:
    html = str(escape(value)).replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")
    return Markup(html.replace("\n\n", " ¶ "))


@hookimpl
def render_cell(
    row: Any, value: Any, column: str, table: str | None, database: str, datasette: Datasette
) -> Markup | None:
    if table is not None:  # table pages: Datasette links primary and foreign keys itself
        return None
    # Canned and custom queries: `article_id` / `run_id` columns link to their pages, and a
    # headline next to an article_id links to the article too.
    keys = row.keys() if hasattr(row, "keys") else []
    if column == "article_id" and isinstance(value, int):
        return Markup(f'<a href="{_article_url(datasette, database, value)}">{value}</a>')
    if column == "run_id" and isinstance(value, int):
        href = f"{datasette.urls.table(database, 'crawl_runs')}/{value}"
        return Markup(f'<a href="{href}">{value}</a>')
    if column in ("headline", "headline_hl") and "article_id" in keys:
        aid = row["article_id"]
        if isinstance(aid, int) and value is not None:
            text = _marked(value) if isinstance(value, str) else escape(str(value))
            return Markup(f'<a href="{_article_url(datasette, database, aid)}">{text}</a>')
    if isinstance(value, str) and MARK_OPEN in value:
        return _marked(value)
    return None


@hookimpl
def extra_template_vars(
    view_name: str, table: str | None, database: str | None, request: Any, datasette: Datasette
) -> Any:
    if view_name != "row" or table not in ("articles", "crawl_runs") or request is None:
        return None
    pks = request.url_vars.get("pks", "")

    async def inner() -> dict[str, Any]:
        db = datasette.get_database(database)
        if table == "articles":
            return {"article": await article_context(datasette, db, pks)}
        return {"run": await run_context(datasette, db, pks)}

    return inner


@hookimpl
def extra_css_urls(datasette: Datasette) -> list[str]:
    return [datasette.urls.static_plugins(_static_name(), "newsarchive.css")]


def _static_name() -> str:
    """Datasette mounts static files under the plugin's name: the distribution's name when the
    entry point registered it, the module's name when it was registered from a source tree."""
    from datasette.plugins import get_plugins

    for plugin in get_plugins():
        if plugin["name"] in ("newsarchive", "newsarchive.datasette") and plugin.get(
                "static_path"):
            return plugin["name"]
    return "newsarchive"


# Ordered through the modified_at index: the newest edits first, with their revision counts.
CHANGED_WITH_REVISIONS = """\
select a.id as article_id, a.site, a.headline, a.published_at, a.modified_at,
  round((julianday(a.modified_at) - julianday(a.published_at)) * 24, 1) as hours_later,
  (select count(*) from revisions r where r.article_id = a.id) as revisions
from articles a
where a.modified_at is not null and julianday(a.modified_at) > julianday(a.published_at)
order by a.modified_at desc
limit 200"""
MOST_REVISED = """\
select r.article_id, a.site, a.headline, a.published_at, count(*) as revisions
from revisions r join articles a on a.id = r.article_id
group by r.article_id
having count(*) > 1
order by revisions desc
limit 100"""


@hookimpl
def canned_queries(datasette: Datasette, database: str) -> Any:
    """`changed_after_publication` also counts revisions once the archive has that table
    (issue 4); metadata.yml holds the query for archives without it."""

    async def inner() -> dict[str, Any]:
        db = datasette.get_database(database)
        if not await db.table_exists("revisions"):
            return {}
        cols = await db.table_columns("revisions")
        if "article_id" not in cols:
            return {}
        base = (datasette.metadata("queries", database=database, fallback=False) or {}).get(
            "changed_after_publication") or {}
        if not isinstance(base, dict):
            base = {}
        return {"changed_after_publication": {
            **base, "sql": CHANGED_WITH_REVISIONS,
            "description": "Modified after publication, newest edits first, with the number"
                           " of archived revisions."},
            "most_revised": {"title": "Most revised articles", "sql": MOST_REVISED,
                             "description": "Articles archived in more than one version."}}

    return inner

