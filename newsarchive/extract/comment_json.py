"""Comments that a page ships as data, not markup: a JSON state blob in a <script>.

Single-page apps render comments in the browser from a state object the server inlines
(`<script id="__NEXT_DATA__" type="application/json">`, `window.__INITIAL_STATE__ = {...}`,
`<script type="application/json" data-comments>`). The saved HTML then holds no comment
markup but the whole thread as JSON. The shape is read generically: a non-empty list under a
key naming comments ("comments", "commentList", "replies" below a comment), whose objects each
carry a text field and an author or a date. Replies nested in a comment give parent ids.
Used only when the markup gave no comments.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from datetime import UTC, datetime
from typing import Any

from newsarchive.extract import walk
from newsarchive.extract.dates_local import parse_date
from newsarchive.extract.document import Document
from newsarchive.record import Comment

# a key naming comments followed by a list or an object: the only scripts worth parsing
# (led by a literal, which re scans for fast; '"\w*comment' tried a match at every quote)
_KEY = re.compile(r'omment\w*"\s*:\s*[\[{]')
_ASSIGN = re.compile(r"=\s*(?=\{)")  # window.__STATE__ = {...}
_MAX_SCRIPT = 3_000_000
_TEXT_KEYS = ("body", "text", "content", "message", "comment", "commentText", "comment_text",
              "bodyHtml", "body_html", "contentHtml", "content_html", "html", "rendered")
_AUTHOR_KEYS = ("author", "user", "authorName", "author_name", "userName", "username",
                "user_name", "displayName", "display_name", "nickname", "commenter", "name",
                "createdBy", "creator", "profile")
_NAME_KEYS = ("name", "displayName", "display_name", "username", "userName", "nickname",
              "fullName", "full_name", "screenName")
_DATE_KEYS = ("createdAt", "created_at", "dateCreated", "datePublished", "publishedAt",
              "published_at", "postedAt", "posted_at", "date", "created", "createdDate",
              "timestamp", "time", "creationDate")
_ID_KEYS = ("id", "commentId", "comment_id", "_id", "uuid", "key")
_REPLY_KEYS = ("replies", "children", "responses", "comments", "childComments", "answers")
_WIDGET = re.compile(r"recent|latest|popular|top|most|other|related|sidebar")
_TAGS = re.compile(r"<[^>]+>")
_BREAKS = re.compile(r"<br\s*/?>|</p>|</div>|</li>", re.I)


def _plain(value: Any) -> str:
    if isinstance(value, dict):  # {"rendered": "<p>..</p>"}, {"html": ..}, {"text": ..}
        value = next((value[k] for k in _TEXT_KEYS if isinstance(value.get(k), str)), "")
    if not isinstance(value, str):
        return ""
    if "<" in value:
        value = _TAGS.sub("", _BREAKS.sub("\n", value))
    lines = (" ".join(ln.split()) for ln in html.unescape(value).split("\n"))
    return "\n".join(ln for ln in lines if ln)


def _author(obj: dict[str, Any]) -> str | None:
    for key in _AUTHOR_KEYS:
        val = obj.get(key)
        if isinstance(val, dict):
            val = next((val[k] for k in _NAME_KEYS if isinstance(val.get(k), str)), None)
        if isinstance(val, str) and 0 < len(val.strip()) <= 80:
            return val.strip()
    return None


def _date(obj: dict[str, Any], now: datetime) -> tuple[str | None, str | None]:
    for key in _DATE_KEYS:
        val = obj.get(key)
        if isinstance(val, bool) or val is None:
            continue
        if isinstance(val, (int, float)) and 1e9 <= val < 1e13:  # epoch seconds / ms
            secs = val / 1000 if val >= 1e11 else val
            return datetime.fromtimestamp(secs, UTC).isoformat(timespec="seconds"), str(val)
        if isinstance(val, str):
            parsed = parse_date(val, now)
            if parsed:
                return parsed, val
    return None, None


def _is_comment(obj: Any) -> bool:
    if not isinstance(obj, dict):
        return False
    has_text = any(_plain(obj.get(k)) for k in _TEXT_KEYS if k in obj)
    # an article teaser has a headline/url; a comment has who or when but no headline
    return has_text and "headline" not in obj and (
        _author(obj) is not None or any(k in obj for k in _DATE_KEYS))


def _read(items: list[Any], parent: str | None, now: datetime, out: list[Comment],
          depth: int = 0) -> None:
    for obj in items:
        if not _is_comment(obj) or len(out) >= 2000:
            continue
        text = next(t for t in (_plain(obj.get(k)) for k in _TEXT_KEYS if k in obj) if t)
        author = _author(obj)
        published, raw = _date(obj, now)
        ident = next((str(obj[k]) for k in _ID_KEYS
                      if isinstance(obj.get(k), (str, int)) and not isinstance(obj[k], bool)),
                     None)
        cid = ident or "h" + hashlib.sha1(f"{author}|{published}|{text}".encode()).hexdigest()[:12]
        out.append(Comment(cid, parent, author, published, text, published_raw=raw))
        if depth < 20:
            for key in _REPLY_KEYS:
                kids = obj.get(key)
                if isinstance(kids, dict):  # {"replies": {"items": [...]}}
                    kids = next((v for v in kids.values() if isinstance(v, list)), None)
                if isinstance(kids, list):
                    _read(kids, cid, now, out, depth + 1)


def _find(data: Any, now: datetime, under_comments: bool = False, depth: int = 0
          ) -> list[Comment]:
    """The first list of comment objects under a key naming comments (depth-first)."""
    if depth > 40:
        return []
    if isinstance(data, list):
        if under_comments and data and sum(map(_is_comment, data)) * 2 >= len(data):
            out: list[Comment] = []
            _read(data, None, now, out)
            return out
        for item in data[:200]:
            got = _find(item, now, False, depth + 1)
            if got:
                return got
    elif isinstance(data, dict):
        for key, val in data.items():
            if isinstance(val, (dict, list)):
                # "comments": [...] or "comments": {"items"/"edges"/"data": [...]}
                # ("recentComments", "topComments": a widget of other articles' comments)
                low = key.lower()
                named = "comment" in low and not _WIDGET.search(low)
                if "comment" in low and not named:
                    continue
                got = _find(val, now, named or (under_comments and isinstance(val, list)),
                            depth + 1)
                if got:
                    return got
    return []


def _blobs(text: str) -> list[Any]:
    text = text.strip()
    if text.startswith(("{", "[")):
        try:
            return [json.loads(text)]
        except ValueError:
            pass
    found = []
    decoder = json.JSONDecoder()
    for m in list(_ASSIGN.finditer(text))[:5]:
        try:
            found.append(decoder.raw_decode(text, m.end())[0])
        except ValueError:
            continue
    return found


def json_comments(doc: Document, now: datetime) -> list[Comment]:
    # the shared element list, not tree.iter("script"): its proxies exist already (~0.1 ms)
    for node, tag, _id, _cls in walk.elements(doc):
        if tag != "script":
            continue
        text = node.text or ""
        if len(text) < 100 or len(text) > _MAX_SCRIPT or not _KEY.search(text):
            continue
        kind = (node.get("type") or "").lower()
        if "ld+json" in kind:
            continue
        if kind and "json" not in kind and "javascript" not in kind:
            continue  # text/template, text/x-handlebars: markup to come, not data
        for blob in _blobs(text):
            got = _find(blob, now)
            if got:
                return got
    return []
