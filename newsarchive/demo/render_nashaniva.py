"""nasha-niva.example, modelled on the seed page: OpenGraph only (no JSON-LD), language
editions under /en/ID, /ru/ID, /be_latn/ID/ and /be/ID (bare /ID redirects there), a counters
header, credits inside the caption, a declared comment count, and related blocks whose link
titles are followed by a comment count."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote, unquote

from newsarchive.demo import content
from newsarchive.demo.model import NASHA_NIVA, DemoArticle, DemoImage
from newsarchive.demo.render_common import body_with_images, esc
from newsarchive.demo.responses import Response, html, not_found, redirect

HOST = f"http://{NASHA_NIVA}"
LANGS = ("be", "en", "ru", "be_latn")
REMOVED = "/en/379001"  # linked from the English home page; the story was taken down (404)
L10N = {  # kind label, comments heading, credit label, home title, language switch label
    "be": ("Навіны", "Каментары", "Фота:", "Галоўнае", "BE"),
    "en": ("News", "Comments", "Photo:", "Main", "EN"),
    "ru": ("Новости", "Комментарии", "Фото:", "Главное", "RU"),
    "be_latn": ("Naviny", "Kamentary", "Fota:", "Hałoŭnaje", "LAC"),
}


def _home(lang: str) -> str:
    return "/" if lang == "be" else f"/{lang}/"


def _teaser_href(a: DemoArticle, listing: str) -> str:
    """Listings link the aliases real readers meet: bare /ID for Belarusian, and /be_latn/ID
    without its slash on section pages; rel=canonical on the article merges them."""
    if a.lang == "be":
        return f"/{a.id}"
    if a.lang == "be_latn" and listing == "rubric":
        return a.path.rstrip("/")
    return a.path


def _item(a: DemoArticle, href: str, count: int | None) -> str:
    cnt = f'<span class="cnt">{count}</span>' if count else ""
    return f'<div class="news-item"><a href="{esc(href)}">{esc(a.headline)}</a>{cnt}</div>'


def _page(lang: str, title: str, head: str, main: str) -> str:
    nav = " ".join(f'<a href="{_home(code)}">{L10N[code][4]}</a>' for code in LANGS)
    rubrics = {a.section_slug: a.section for a in content.articles(publisher=NASHA_NIVA)
               if a.lang == lang}
    menu = "".join(f'<a href="/{lang}/rubric/{s}">{esc(n)}</a>' for s, n in sorted(rubrics.items()))
    return f"""<!DOCTYPE html>
<html lang="{content.language_tag(lang)}">
<head><meta charset="utf-8"><title>{esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="og:site_name" content="Наша Ніва">
{head}<link rel="stylesheet" href="/static/nn.css"></head>
<body>
<header class="site-header"><a class="logo" href="{_home(lang)}">Наша Ніва</a>
<nav class="main-menu">{menu}</nav><nav class="langs">{nav}</nav>
<div class="counters"><span class="online">online 1204</span></div></header>
<main class="page">
{main}
</main>
<footer class="site-footer"><a href="{_home(lang)}">{L10N[lang][3]}</a>
<a href="{_home(lang)}">All news →</a>
<p>© 1906–2025 «Наша Ніва». Пры выкарыстанні матэрыялаў гіперспасылка абавязковая.</p>
</footer>
<div class="error-report" hidden><div class="error-report-title">Заўвага:</div>
<textarea name="note"></textarea><button class="close">Закрыць</button>
<button class="send">Паведаміць</button></div>
</body></html>"""


def _figure(lang: str, img: DemoImage) -> str:
    credit = (f' <span class="photo-author">{L10N[lang][2]} {esc(img.credit)}</span>'
              if img.credit else "")
    alt = f' alt="{esc(img.alt)}"' if img.alt else ""
    return (f'<figure class="news-photo"><img src="{esc(img.src)}"{alt}>'
            f'<figcaption>{esc(img.caption)}{credit}</figcaption></figure>')


def _comments(a: DemoArticle) -> str:
    items = []
    for c in a.comments:
        parent = f' data-parent="{c.parent}"' if c.parent else ""
        shown = ".".join(reversed(c.date[:10].split("-")))
        likes = f'<span class="comment-likes">{c.likes}</span>' if c.likes is not None else ""
        items.append(
            f'<li class="comment{" reply" if c.parent else ""}" data-id="{c.id}"{parent}>'
            f'<div class="comment-author">{esc(c.author)}</div>'
            f'<div class="comment-date">{shown}</div>'
            f'<div class="comment-text">{esc(c.text)}</div>{likes}</li>')
    return (f'<section class="comments" id="comments"><h3 class="comments-header">'
            f'{L10N[a.lang][1]}<span class="comments-count">{a.comment_count or 0}</span></h3>'
            f'<ul class="comments-list">{"".join(items)}</ul>'
            f'<form class="comment-form"><textarea name="text"></textarea></form></section>')


def _related(a: DemoArticle) -> str:
    out = []
    for title, links in content.related(a):
        items = "".join(_item(o, o.path, n) for o, n in links)
        if title == content.NN_TAB_READ:
            # the "liked" tab is filled by a script: an empty panel, not a related block
            out.append(
                f'<div class="news-block tabs"><div class="tabs-head">'
                f'<span class="tab active">{title}</span>'
                f'<span class="tab">{content.NN_TAB_LIKED}</span></div>'
                f'<div class="news-block-body">{items}</div>'
                f'<div class="tab-panel" data-src="/api/liked?lang={a.lang}"></div></div>')
        else:
            more = (f'<a class="more" href="{_home(a.lang)}">{esc(title)} →</a>'
                    if title == content.NN_BLOCKS[a.lang][1] else "")
            out.append(f'<div class="news-block"><div class="news-block-title">{esc(title)}'
                       f'</div><div class="news-block-body">{items}</div>{more}</div>')
    return f'<aside class="news-blocks">{"".join(out)}</aside>'


def _article(a: DemoArticle) -> Response:
    blocks = [f"<h2>{esc(b.text)}</h2>" if b.kind == "h" else f"<p>{esc(b.text)}</p>"
              for b in a.blocks]
    lead = [_figure(a.lang, i) for i in a.images if i.after == 0]
    body = "\n".join(lead + body_with_images(a, blocks, lambda i: _figure(a.lang, i)))
    editions = [e for e in content.articles(publisher=NASHA_NIVA) if e.id == a.id]
    meta = [f'<link rel="canonical" href="{a.url}">',
            *(f'<link rel="alternate" hreflang="{content.language_tag(e.lang)}" href="{e.url}">'
              for e in editions),
            '<meta property="og:type" content="article">',
            f'<meta property="og:title" content="{esc(a.headline)}">',
            f'<meta property="og:url" content="{a.url}">',
            f'<meta property="og:description" content="{esc(a.blocks[0].text[:160])}">',
            f'<meta property="article:published_time" content="{a.published}">',
            *([f'<meta property="og:image" content="{esc(a.images[0].src)}">'] if a.images
              else []),
            *([f'<meta property="article:modified_time" content="{a.modified}">']
              if a.modified else [])]
    when = datetime.fromisoformat(a.published).strftime("%d.%m.%Y, %H:%M")
    sub = f'<div class="news-lead">{esc(a.subheadline)}</div>' if a.subheadline else ""
    authors = "".join(f'<span class="news-author">{esc(n)}</span>' for n in a.authors)
    tags = "".join(f'<a href="/{a.lang}/tag/{quote(t)}">{esc(t)}</a>' for t in a.tags)
    rubric = f'<a class="rubric" href="/{a.lang}/rubric/{a.section_slug}">{esc(a.section)}</a>'
    views = f'<span class="views"><i class="icon-eye"></i>{a.views}</span>'
    date = f'<time class="news-date" datetime="{a.published}">{when}</time>'
    main = f"""<article class="news-full">
<div class="news-meta">{rubric}
<span class="kind">{L10N[a.lang][0]}</span>{views}</div>
<h1 class="news-title">{esc(a.headline)}</h1>
{sub}<div class="news-info">{authors}{date}</div>
<div class="news-body">
{body}
</div>
<div class="news-tags">{tags}</div>
<div class="share"><a href="#">Facebook</a> <a href="#">Telegram</a> <a href="#">X</a></div>
</article>
{_comments(a)}
{_related(a)}"""
    return html(_page(a.lang, f"{a.headline} — Наша Ніва", "\n".join(meta) + "\n", main),
                modified=a.modified or a.published)


def _listing(lang: str, title: str, arts: list[DemoArticle], kind: str,
             extra: str = "") -> Response:
    items = "".join(_item(a, _teaser_href(a, kind), content.shown_count(a))
                    for a in content.latest(arts))
    main = f'<section class="news-list"><h1>{esc(title)}</h1>{items}{extra}</section>'
    return html(_page(lang, f"{title} — Наша Ніва", "", main))


def handle(path: str, query: dict[str, str], edition: int, hit: int) -> Response:
    arts = content.articles(edition, NASHA_NIVA)
    parts = [unquote(p) for p in path.split("/") if p]
    if not parts:
        return _listing("be", L10N["be"][3], [a for a in arts if a.lang == "be"], "home")
    if len(parts) == 1 and parts[0].isdigit():  # bare /ID: the Belarusian edition
        if any(a.id == parts[0] and a.lang == "be" for a in arts):
            return redirect(f"{HOST}/be/{parts[0]}")
        return not_found("Старонка не знойдзена.")
    lang = parts[0]
    if lang not in LANGS:
        return not_found("Старонка не знойдзена.")
    mine = [a for a in arts if a.lang == lang]
    if len(parts) == 1:
        if lang == "be":
            return redirect(f"{HOST}/")
        extra = (f'<div class="news-item"><a href="{REMOVED}">Officials deny plans to close '
                 'the border crossing at Kuźnica</a><span class="cnt">6</span></div>'
                 if lang == "en" else "")
        return _listing(lang, L10N[lang][3], mine, "home", extra)
    if len(parts) == 2 and parts[1].isdigit():
        for a in mine:
            if a.id == parts[1]:  # /be_latn/ID and /be_latn/ID/ both serve the edition
                return _article(a)
        return not_found("Старонка не знойдзена.")
    if len(parts) == 3 and parts[1] == "rubric":
        found = [a for a in mine if a.section_slug == parts[2]]
        if found:
            return _listing(lang, found[0].section, found, "rubric")
    if len(parts) == 3 and parts[1] == "tag":
        found = [a for a in mine if parts[2] in a.tags]
        if found:
            return _listing(lang, f"#{parts[2]}", found, "tag")
    return not_found("Старонка не знойдзена.")
