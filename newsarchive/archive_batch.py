"""Storing many pages in one transaction, with the rows of new articles written in bulk.

`Archive.store_many` must give exactly the rows and outcomes that storing the same items one by
one gives. It does so by walking the items in order with the same identity rules as
`Archive._identify`, answered from lookups made once per batch (`IN (...)` queries) plus what the
earlier items of the batch wrote:

- a page that is a new article (the common case of imports and first crawls) has its rows built
  in memory (`NewRows`) and written with one `executemany` per table;
- a syndicated copy (found by content hash or an alias URL) is merged on the batch's state
  (`BatchWriter._merge_copy`: alias URLs, last_seen, capture link), nothing flushed;
- any other page of an article that exists (a re-crawl, a duplicate within the batch) goes
  through the one-item path `Archive._store`, after the pending new rows are written, so it
  sees exactly what it would have seen one by one; the lookups are then brought up to date with
  what it wrote.

Writing order inside each table is item order (articles aside: by id, their rowid), so
autoincremented ids (`revisions.id`, `minhashes.seq`) come out the same as one by one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from newsarchive.archive_children import ChildRows, child_rows
from newsarchive.archive_clusters import NO_CLUSTER, assign_new
from newsarchive.revisions import REVISION_SQL, comment_key

if TYPE_CHECKING:
    from newsarchive.archive import Archive, Outcome, _Page

def by_known_url(page: _Page, known: Mapping[str, tuple[int, str]]) -> tuple[int, str] | None:
    """Rule (1) of `Archive._identify` on the article_urls rows `known` (url -> (id, kind)).
    A page reached under an alias URL is the syndicated copy again, not a new version."""
    if page.canonical in known:
        aid, kind = known[page.canonical]
        return aid, "copy" if kind == "alias" else "url"
    for url in page.urls:
        if url in known and known[url][1] != "redirect":
            aid, kind = known[url]
            return aid, "copy" if kind == "alias" else "url"
    return None


ROW_COLUMNS = (
    "canonical_url", "url", "site", "language", "headline", "subheadline", "section",
    "published_at", "published_raw", "modified_at", "modified_raw", "body", "comment_count",
    "access", "site_profile", "authors", "tags", "provenance", "is_article", "content_hash",
    "version_hash", "revision_hash", "capture_id", "fetched_at")
ARTICLE_SQL = (f"INSERT INTO articles (id, {', '.join(ROW_COLUMNS)}, first_seen, last_seen,"
               f" revision_count, cluster_id, duplicate_of, similarity)"
               f" VALUES ({', '.join('?' * (len(ROW_COLUMNS) + 7))})")
URL_SQL = "INSERT INTO article_urls (url, article_id, kind, first_seen) VALUES (?, ?, ?, ?)"
COMMENT_SQL = ("INSERT INTO comments (article_id, comment_id, parent_id, author, published_at,"
               " published_raw, text, likes, position, last_seen, removed_at, first_seen, edits)"
               " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, 0)")
VERSION_SQL = ("INSERT INTO comment_versions (article_id, comment_id, version, seen_at, author,"
               " published_at, text) VALUES (?, ?, 1, ?, ?, ?, ?)")
COUNT_SQL = ("INSERT INTO comment_counts (article_id, first_seen, last_seen, comment_count,"
             " comments_shown) VALUES (?, ?, ?, ?, ?)")
CAPTURE_SQL = "UPDATE captures SET article_id = ? WHERE id = ?"
CHUNK = 500  # values per IN (...) lookup


def chunks(values: list[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def url_kind(url: str, page: _Page, canonical: str | None) -> str:
    """How a URL of a page relates to the article it is stored under (not for aliases)."""
    if url in (canonical, page.canonical):  # the page may have moved its canonical
        return "canonical"
    return "fetched" if url == page.fetched else "redirect"


def page_rows(aid: int, page: _Page) -> tuple[Any, ...]:
    """The rows a new article `aid` gets from `page`, but its URLs (they depend on what the
    archive knows): article, children (by table), revision 1, comments, their first versions,
    the first comment count or None, the capture's link or None. Reads nothing from the
    archive, so the importer makes them ahead for the id the page most likely gets."""
    row, seen, item = page.row, page.seen_at, page.item
    article = (aid, *[row[c] for c in ROW_COLUMNS], seen, seen, 1)
    revision = (aid, 1, row["fetched_at"], row["revision_hash"], row["content_hash"],
                row["capture_id"], page.revision_json)
    comments = list(item.get("comments") or [])
    rows: list[tuple[Any, ...]] = []
    versions: list[tuple[Any, ...]] = []
    shown: set[str] = set()
    for position, c in enumerate(comments):  # revisions.merge_comments, nothing existing
        cid = comment_key(c)
        if cid in shown:
            continue
        shown.add(cid)
        author, published, text = c.get("author"), c.get("published_at"), c.get("text")
        rows.append((aid, cid, c.get("parent_id"), author, published, c.get("published_raw"),
                     text, c.get("likes"), position, seen, seen))
        versions.append((aid, cid, seen, author, published, text))
    count = None
    if row["comment_count"] is not None or comments:  # revisions.record_comment_count
        count = (aid, seen, seen, row["comment_count"], len(comments))
    capture = (aid, row["capture_id"]) if row["capture_id"] is not None else None
    return article, child_rows(aid, item), revision, rows, versions, count, capture


class NewRows:
    """The rows of new articles, written together: each article joins its near-duplicate
    cluster (in item order, its cluster columns written with its row); then articles, URLs,
    children, revision 1, comments with their first versions, the first comment count,
    captures' links; then the signatures and bucket rows."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self._reset()

    def _reset(self) -> None:
        self.articles: list[tuple[Any, ...]] = []
        self.position: dict[int, int] = {}  # article id -> its row in `articles`
        self.urls: list[tuple[Any, ...]] = []
        self.children = ChildRows()
        self.revisions: list[tuple[Any, ...]] = []
        self.comments: list[tuple[Any, ...]] = []
        self.versions: list[tuple[Any, ...]] = []
        self.counts: list[tuple[Any, ...]] = []
        self.captures: list[tuple[Any, ...]] = []
        self.bodies: list[tuple[int, str | None, str | None]] = []  # (aid, body, first_seen)

    def __bool__(self) -> bool:  # copies merged in the batch add URLs and captures only
        return bool(self.articles or self.urls or self.captures)

    def add(self, aid: int, page: _Page, known: dict[str, tuple[int, str]]) -> None:
        """Rows of `page` as the new article `aid`; `known` (URL -> (article, kind)) gets the
        URLs it claims."""
        ready = getattr(page, "ready", None)  # made by the importer's helper process
        article, children, revision, comments, versions, count, capture = (
            ready[1] if ready is not None and ready[0] == aid else page_rows(aid, page))
        self.position[aid] = len(self.articles)
        self.articles.append(article)
        seen = page.seen_at
        for url in page.urls:
            if url in known:
                continue  # first owner wins (a URL that only redirected elsewhere)
            kind = url_kind(url, page, page.canonical)
            self.urls.append((url, aid, kind, seen))
            known[url] = (aid, kind)
        for table, rows in children.items():
            self.children.rows[table] += rows
        self.revisions.append(revision)
        self.comments += comments
        self.versions += versions
        if count is not None:
            self.counts.append(count)
        if capture is not None:
            self.captures.append(capture)
        self.bodies.append((aid, page.item.get("body"), seen))

    def write(self) -> None:
        if not self:
            return
        conn = self.archive.db.conn
        # Near-duplicate clusters first: their columns go into the articles' INSERT (an UPDATE
        # afterwards rewrote each whole row, body included); signatures and bucket rows,
        # which reference the articles, are written last (`finish`).
        clusters, finish = assign_new(self.archive, self.bodies)
        # In id order: the full-text index (FTS5) writes its pending terms to a new segment
        # whenever a rowid (the id) is lower than the previous one, so ids in hash order made
        # one tiny segment (and later merges) per row or two. `id` is the rowid: the order of
        # the inserts changes no row.
        if self.articles:
            conn.executemany(ARTICLE_SQL, sorted(
                ((*row, *clusters.get(row[0], NO_CLUSTER)) for row in self.articles),
                key=itemgetter(0)))
        for sql, rows in ((URL_SQL, self.urls), (REVISION_SQL, self.revisions),
                          (COMMENT_SQL, self.comments), (VERSION_SQL, self.versions),
                          (COUNT_SQL, self.counts), (CAPTURE_SQL, self.captures)):
            if rows:
                conn.executemany(sql, rows)
        self.children.write(self.archive.db)
        finish()
        self._reset()


class BatchWriter:
    """One batch, inside the caller's transaction (see the module docstring)."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.conn = archive.db.conn
        self.new = NewRows(archive)
        self.known: dict[str, tuple[int, str]] = {}
        self.canonical: dict[str, int] = {}
        self.hashes: dict[tuple[Any, ...], tuple[Any, ...]] = {}  # (site, lang, hash) -> best
        self.pending_hashes: dict[tuple[Any, ...], tuple[Any, ...]] = {}  # not written yet
        self.hashes_stale = False  # an update changed some article's content hash
        self.taken: set[int] = set()
        self.free: set[int] = set()
        self.first_ids: dict[str, int] = {}
        self.one_by_one = False  # lookups and database disagreed: no more bulk in this batch

    def store(self, pages: list[_Page]) -> list[Outcome]:
        self._prefetch(pages)
        outcomes: list[Outcome] = []
        for page in pages:
            found, via = (None, None) if self.one_by_one else self._identify(page)
            if self.one_by_one:
                outcomes.append(self.archive._store(page))
                continue
            if found is None:
                aid = self._free_id(page)
                self.new.add(aid, page, self.known)
                self.taken.add(aid)
                self.canonical.setdefault(page.canonical, aid)
                if page.row["content_hash"]:
                    key = self._hash_key(page)
                    best = (page.seen_at is not None, page.seen_at or "", aid)
                    for table in (self.hashes, self.pending_hashes):
                        if key not in table or best < table[key]:
                            table[key] = best
                outcomes.append("new")
                continue
            if via in ("content", "copy"):  # a syndicated copy: no need to flush
                outcomes.append(self._merge_copy(found, page))
                continue
            self.new.write()
            self.pending_hashes.clear()
            outcome = self.archive._store(page)  # one by one, on an up-to-date database
            self.known.update(self.archive._known_urls(page.urls))
            self.hashes_stale = self.hashes_stale or outcome == "updated"
            self.one_by_one = outcome == "new"  # cannot happen; if it does, stay exact
            outcomes.append(outcome)
        self.new.write()
        return outcomes

    def _prefetch(self, pages: list[_Page]) -> None:
        urls = list(dict.fromkeys(u for p in pages for u in p.urls))
        for part in chunks(urls):
            self.known.update(self.archive._known_urls(part))
        canon = list(dict.fromkeys(p.canonical for p in pages))
        for part in chunks(canon):
            marks = ", ".join("?" * len(part))
            self.canonical.update(self.conn.execute(
                f"SELECT canonical_url, id FROM articles WHERE canonical_url IN ({marks})", part))
        self._add_hash_rows(self.hashes, list(dict.fromkeys(
            self._hash_key(p) for p in pages if p.row["content_hash"])))
        ids = list(dict.fromkeys(self._first_id(p) for p in pages))
        for part in chunks(ids):
            marks = ", ".join("?" * len(part))
            self.taken.update(r[0] for r in self.conn.execute(
                f"SELECT id FROM articles WHERE id IN ({marks})", part))
        self.free.update(i for i in ids if i not in self.taken)

    def _add_hash_rows(self, table: dict[tuple[Any, ...], tuple[Any, ...]],
                       keys: list[tuple[Any, ...]]) -> None:
        """The articles carrying these (site, language, content_hash) keys. One query per key:
        only all three columns reach the index (`content_hash IN (...)` alone scanned the
        whole table per batch, 10 ms a batch at 1,000 articles and growing with the archive);
        a NULL language matches with IS, as in Archive._identify."""
        rows = [row for key in keys for row in self.conn.execute(
            "SELECT site, language, content_hash, first_seen, id FROM articles"
            " WHERE site = ? AND language IS ? AND content_hash = ?", key)]
        for site, lang, chash, first, aid in rows:
            # ORDER BY first_seen, id: NULL first, as SQLite sorts it
            best = (first is not None, first or "", aid)
            key = (site, lang, chash)
            if key not in table or best < table[key]:
                table[key] = best

    @staticmethod
    def _hash_key(page: _Page) -> tuple[Any, ...]:
        return (page.row["site"], page.row["language"], page.row["content_hash"])

    def _identify(self, page: _Page) -> tuple[int | None, str | None]:
        """Archive._identify's rules on the batch's lookups: (article, how) or (None, None)."""
        if found := by_known_url(page, self.known):
            return found
        if page.canonical in self.canonical:
            return self.canonical[page.canonical], "url"
        if not page.row["content_hash"]:
            return None, None
        key = self._hash_key(page)
        if not self.hashes_stale:
            best = self.hashes.get(key)
        else:  # the database as it is now, plus what is not written yet
            live: dict[tuple[Any, ...], tuple[Any, ...]] = {}
            self._add_hash_rows(live, [key])
            options = [b for b in (live.get(key), self.pending_hashes.get(key)) if b]
            best = min(options) if options else None
        return (best[2], "content") if best else (None, None)

    def _merge_copy(self, aid: int, page: _Page) -> Outcome:
        """Archive._merge_copy on the batch's state, nothing flushed: the copy's new URLs
        become aliases (pending rows), the article's last_seen moves, its capture is linked.
        Written in the same order as one by one: URLs and captures after the pending rows
        before them; last_seen of a pending article in its row, of a stored one at once
        (nothing pending touches a stored article's row)."""
        new = self.new
        seen = page.seen_at
        added = 0
        for url in page.urls:
            if url not in self.known:  # first owner wins
                new.urls.append((url, aid, "alias", seen))
                self.known[url] = (aid, "alias")
                added += 1
        at = new.position.get(aid)
        if at is not None:
            row = new.articles[at]
            new.articles[at] = (*row[:-2], max(row[-2] or "", seen), row[-1])
        else:
            self.conn.execute("UPDATE articles SET last_seen = max(coalesce(last_seen, ''), ?)"
                              " WHERE id = ?", [seen, aid])
        if page.row["capture_id"] is not None:
            new.captures.append((aid, page.row["capture_id"]))
        return "merged" if added else "unchanged"

    def _first_id(self, page: _Page) -> int:
        from newsarchive.archive import article_id

        if page.canonical not in self.first_ids:
            self.first_ids[page.canonical] = article_id(page.canonical)
        return self.first_ids[page.canonical]

    def _free_id(self, page: _Page) -> int:
        from newsarchive.archive import ID_SPACE

        aid = self._first_id(page)
        while aid in self.taken or (aid not in self.free and self.conn.execute(
                "SELECT 1 FROM articles WHERE id = ?", [aid]).fetchone()):
            aid = aid % (ID_SPACE - 1) + 1  # Archive._free_id's probe
        return aid
