"""daily-herald.example, a modern CMS: JSON-LD NewsArticle, <figure> with separate caption and
credit spans, WordPress threaded comments, paginated section pages, tag and author pages, a
sitemap and an RSS feed, share bars and a newsletter box inside the content (boilerplate)."""

from __future__ import annotations

import json
from datetime import datetime
from email.utils import format_datetime

from newsarchive.demo import content
from newsarchive.demo.model import DAILY_HERALD, DemoArticle, DemoComment, DemoImage
from newsarchive.demo.render_common import body_with_images, esc, slugify
from newsarchive.demo.responses import Response, html, not_found, xml

HOST = f"http://{DAILY_HERALD}"
PAGE_SIZE = 3
WIRE_ID = "10261"  # its agency copy is also served under /wire/... without rel=canonical
FLAKY_ID = "10257"  # the first request for it gets a 503 (a crawler's retry must fetch it)
SHARE = ('<div class="share-bar"><span>Share</span> <a href="#">Facebook</a> '
         '<a href="#">X</a> <a href="#">WhatsApp</a> <a href="#">Email</a></div>')
NEWSLETTER = ('<div class="newsletter-signup"><h3>Get the Morning Briefing</h3><p>The stories '
              'you need to know, in your inbox before 7am.</p><form action="/subscribe/">'
              '<input type="email" name="email"><button>Sign up</button></form></div>')


def truncated_path() -> str:
    return content.special_article("truncated").path


def _when(iso: str) -> str:
    dt = datetime.fromisoformat(iso)
    return f"{dt.day} {dt:%B %Y, %H:%M}"


def _page(title: str, head: str, main: str, aside: str = "") -> str:
    sections = {a.section_slug: a.section for a in content.articles(publisher=DAILY_HERALD)}
    nav = "".join(f'<li><a href="/section/{s}/">{esc(n)}</a></li>' for s, n in sections.items())
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="og:site_name" content="The Daily Herald">
<link rel="alternate" type="application/rss+xml" title="The Daily Herald" href="/feed.xml">
{head}</head>
<body class="wp-site">
<header id="masthead"><a class="site-title" href="/">The Daily Herald</a>
<nav class="primary-menu"><ul>{nav}<li><a href="/section/wire/">Wire</a></li></ul></nav>
<a class="subscribe-button" href="/subscribe/">Subscribe</a></header>
<div id="content" class="site-content">
<main id="main" class="site-main">
{main}
</main>
<aside id="secondary" class="widget-area">{aside}</aside>
</div>
<footer id="colophon"><p>© 2024 The Daily Herald. All rights reserved.</p>
<a href="/about/">About us</a> <a href="/privacy/">Privacy</a></footer>
</body></html>"""


def _figure(img: DemoImage, lead: bool = False) -> str:
    credit = f'<span class="credit">{esc(img.credit)}</span>' if img.credit else ""
    return (f'<figure class="wp-block-image{" lead-image" if lead else ""}">'
            f'<img src="{esc(img.src)}" alt="{esc(img.alt)}" loading="lazy" width="1200" '
            f'height="675"><figcaption><span class="caption">{esc(img.caption)}</span> '
            f'{credit}</figcaption></figure>')


def _jsonld(a: DemoArticle) -> str:
    data = {
        "@context": "https://schema.org", "@type": "NewsArticle",
        "mainEntityOfPage": a.url, "headline": a.headline,
        "author": [{"@type": "Person", "name": n} for n in a.authors],
        "datePublished": a.published, "dateModified": a.modified or a.published,
        "articleSection": a.section, "keywords": a.tags, "inLanguage": "en",
        "image": [{"@type": "ImageObject", "url": i.src, "caption": i.caption,
                   "creditText": i.credit} for i in a.images],
        "publisher": {"@type": "Organization", "name": "The Daily Herald",
                      "logo": {"@type": "ImageObject", "url": f"{HOST}/static/logo.png"}},
    }
    if a.subheadline:
        data["description"] = a.subheadline
    return ('<script type="application/ld+json">'
            + json.dumps(data, ensure_ascii=False).replace("</", "<\\/") + "</script>")


def _comment(c: DemoComment, replies: dict[str | None, list[DemoComment]], depth: int) -> str:
    kids = replies.get(c.id, [])
    children = ('<ul class="children">' + "".join(_comment(k, replies, depth + 1) for k in kids)
                + "</ul>") if kids else ""
    num = c.id.removeprefix("comment-")
    likes = f' <span class="like-count">{c.likes}</span>' if c.likes is not None else ""
    return (f'<li id="{c.id}" class="comment depth-{depth}{" parent" if kids else ""}">'
            f'<article id="div-comment-{num}" class="comment-body"><footer class="comment-meta">'
            f'<div class="comment-author vcard"><img class="avatar" src="/wp-content/avatars/'
            f'{num}.png" alt="" width="40"><b class="fn">{esc(c.author)}</b> '
            f'<span class="says">says:</span></div><div class="comment-metadata">'
            f'<a href="#{c.id}"><time datetime="{c.date}">{_when(c.date)}</time></a></div>'
            f'</footer><div class="comment-content"><p>{esc(c.text)}</p></div>'
            f'<div class="comment-actions"><button class="like">Like{likes}</button> '
            f'<a class="comment-reply-link" href="#respond">Reply</a></div></article>'
            f'{children}</li>')


def _comments(a: DemoArticle) -> str:
    replies: dict[str | None, list[DemoComment]] = {}
    for c in a.comments:
        replies.setdefault(c.parent, []).append(c)
    title = (f'<h2 class="comments-title"><span class="comments-number">{a.comment_count}'
             f'</span> comments</h2>' if a.comment_count else
             '<h2 class="comments-title">Be the first to comment</h2>')
    thread = "".join(_comment(c, replies, 1) for c in replies.get(None, []))
    return (f'<div id="comments" class="comments-area">{title}<ol class="commentlist">{thread}'
            f'</ol><div id="respond"><h3>Leave a Reply</h3><form action="/wp-comments-post.php">'
            f'<textarea name="comment"></textarea></form></div></div>')


def _related(a: DemoArticle) -> tuple[str, str]:
    inline, side = "", ""
    for title, links in content.related(a):
        if title == content.DH_RELATED:
            items = "".join(f'<li><a href="{o.path}">{esc(o.headline)}</a></li>' for o, _ in links)
            inline = (f'<aside class="related-posts"><h2 class="related-title">{title}</h2>'
                      f'<ul>{items}</ul></aside>')
        else:
            items = "".join(
                f'<li><a href="{o.path}">{esc(o.headline)}</a>'
                + (f' <span class="comment-count">{n}</span>' if n else "") + "</li>"
                for o, n in links)
            side = (f'<section class="widget most-read"><h2 class="widget-title">{title}</h2>'
                    f'<ol>{items}</ol></section>')
    return inline, side


def render_article(a: DemoArticle, wire: bool = False) -> Response:
    blocks = [f"<h2>{esc(b.text)}</h2>" if b.kind == "h" else f"<p>{esc(b.text)}</p>"
              for b in a.blocks]
    if not wire and len(blocks) > 2:  # the newsletter plug sits between paragraphs
        blocks[1] += NEWSLETTER
    authors = " and ".join(f'<a class="author url fn" rel="author" href="/author/'
                           f'{slugify(n)}/">{esc(n)}</a>' for n in a.authors)
    updated = (f' <time class="updated" datetime="{a.modified}">Updated {_when(a.modified)}'
               f'</time>' if a.modified else "")
    sub = f'<p class="standfirst">{esc(a.subheadline)}</p>' if a.subheadline else ""
    header = ('<header class="entry-header">'
              + ("" if wire else f'<a class="cat-links" rel="category tag" href="/section/'
                 f'{a.section_slug}/">{esc(a.section)}</a>')
              + f'<h1 class="entry-title">{esc(a.headline)}</h1>{sub}'
              f'<div class="byline">By {authors}</div><time class="entry-date published" '
              f'datetime="{a.published}">{_when(a.published)}</time>{updated}</header>')
    if wire:
        main = (f'<article class="wire-story">{header}<div class="entry-content">'
                f'{"".join(blocks)}</div><p class="wire-note">Distributed by Herald Wire '
                f'Service.</p></article>')
        return html(_page(f"{a.headline} | Herald Wire", "", main), modified=a.published)
    lead = "".join(_figure(i, True) for i in a.images if i.after == 0)
    content_html = "".join(body_with_images(a, blocks, _figure))
    tags = "".join(f'<a rel="tag" href="/tag/{slugify(t)}/">{esc(t)}</a> ' for t in a.tags)
    inline, side = _related(a)
    head = "\n".join([
        f'<link rel="canonical" href="{a.url}">', '<meta property="og:type" content="article">',
        f'<meta property="og:title" content="{esc(a.headline)}">',
        f'<meta property="og:url" content="{a.url}">',
        f'<meta name="description" content="{esc(a.subheadline or a.blocks[0].text[:150])}">',
        *([f'<meta property="og:image" content="{esc(a.images[0].src)}">'] if a.images
          else []),
        f'<meta name="author" content="{esc(", ".join(a.authors))}">', _jsonld(a), ""])
    main = (f'<article id="post-{a.id}" class="post type-post status-publish">{header}{SHARE}'
            f'{lead}<div class="entry-content">{content_html}</div><footer class="entry-footer">'
            f'<span class="tags-links">Tags: {tags}</span></footer>{SHARE}</article>'
            f'{inline}{_comments(a)}')
    return html(_page(f"{a.headline} | The Daily Herald", head, main, side),
                modified=a.modified or a.published)


def _teaser(a: DemoArticle, href: str | None = None) -> str:
    img = (f'<img class="thumb" src="{esc(a.images[0].src)}?w=300" alt="">' if a.images else "")
    return (f'<article class="teaser">{img}<h3 class="teaser-title"><a href="{href or a.path}">'
            f'{esc(a.headline)}</a></h3><p class="teaser-meta">{_when(a.published)}</p></article>')


def _listing(title: str, arts: list[DemoArticle], base: str, page: int,
             extra: str = "") -> Response:
    arts = content.latest(arts)
    pages = max(1, -(-len(arts) // PAGE_SIZE))
    if page < 1 or page > pages:
        return not_found("No such page.")
    chunk = arts[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    nav = "".join(f'<a class="page-numbers" href="{base}?page={n}">{n}</a>' if n != page else
                  f'<span class="page-numbers current">{n}</span>' for n in range(1, pages + 1))
    main = (f'<h1 class="archive-title">{esc(title)}</h1>'
            + "".join(_teaser(a) for a in chunk) + extra
            + (f'<nav class="pagination">{nav}</nav>' if pages > 1 else ""))
    return html(_page(f"{title} | The Daily Herald", "", main))


def _home() -> Response:
    arts = content.latest(content.articles(publisher=DAILY_HERALD))
    # teasers on the home page carry campaign parameters, as many CMS homepages do
    teasers = "".join(_teaser(a, f"{a.path}?utm_source=homepage&utm_medium=teaser")
                      for a in arts[:6])
    broken = content.special_article("truncated")
    extra = _teaser(broken)
    main = f'<h1 class="screen-reader-text">Latest news</h1>{teasers}{extra}'
    return html(_page("The Daily Herald — news you can trust", "", main))


def _feed() -> Response:
    items = "".join(
        f"<item><title>{esc(a.headline)}</title>"
        f"<link>{a.url}?utm_source=rss&amp;utm_medium=feed</link>"
        f'<guid isPermaLink="false">{HOST}/?p={a.id}</guid>'
        f"<pubDate>{format_datetime(datetime.fromisoformat(a.published))}</pubDate>"
        f"<category>{esc(a.section)}</category>"
        f"<description>{esc(a.subheadline or a.blocks[0].text)}</description></item>\n"
        for a in content.latest(content.articles(publisher=DAILY_HERALD)))
    return xml('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
               f"<title>The Daily Herald</title><link>{HOST}/</link>"
               f"<description>Latest news</description><language>en</language>\n"
               f"{items}</channel></rss>\n", "application/rss+xml; charset=utf-8")


def handle(path: str, query: dict[str, str], edition: int, hit: int) -> Response:
    arts = content.articles(edition, DAILY_HERALD)
    page = int(query.get("page", "1")) if query.get("page", "1").isdigit() else 0
    if path == "/":
        return _home()
    if path == "/feed.xml":
        return _feed()
    for a in arts:
        if path == a.path:
            if a.id == FLAKY_ID and hit == 1:
                return Response(503, b"<h1>503 Service Unavailable</h1>",
                                headers={"Retry-After": "1"})
            return render_article(a)
        if a.id == WIRE_ID and path == content.wire_path(a):
            return render_article(a, wire=True)
    if path == truncated_path():
        resp = render_article(content.special_article("truncated"))
        resp.truncate_at = len(resp.body) // 2
        return resp
    parts = [p for p in path.split("/") if p]
    if len(parts) == 2 and parts[0] == "section":
        if parts[1] == "wire":
            wire = [a for a in arts if a.id == WIRE_ID]
            links = "".join(f'<article class="teaser"><h3><a href="{content.wire_path(a)}">'
                            f'{esc(a.headline)}</a></h3></article>' for a in wire)
            return html(_page("Wire | The Daily Herald", "", f"<h1>Wire</h1>{links}"))
        found = [a for a in arts if a.section_slug == parts[1]]
        if found:
            return _listing(found[0].section, found, path, page)
    if len(parts) == 2 and parts[0] in ("tag", "author"):
        key = (lambda a: a.tags) if parts[0] == "tag" else (lambda a: a.authors)
        found = [a for a in arts if any(slugify(v) == parts[1] for v in key(a))]
        if found:
            name = next(v for v in key(found[0]) if slugify(v) == parts[1])
            return _listing(name, found, path, page)
    return not_found("Sorry, we couldn't find that page.")
