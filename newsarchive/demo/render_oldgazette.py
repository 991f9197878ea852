"""old-gazette.example, a legacy site: table layout, <font>, <br>-separated paragraphs on some
pages, windows-1251 declared only in <meta http-equiv> (the HTTP header has no charset), dates
like "12 марта 2024, 14:05", credits inside the caption text, "Читайте также" as a plain <ul>,
and a PHP page that fails with a 500."""

from __future__ import annotations

from datetime import datetime

from newsarchive.demo import content
from newsarchive.demo.model import OLD_GAZETTE, DemoArticle, DemoImage
from newsarchive.demo.render_common import body_with_images, esc
from newsarchive.demo.responses import Response, html

HOST = f"http://{OLD_GAZETTE}"
PAGE_SIZE = 3
BROKEN_ID = "1099"  # linked from the home page; the script dies with a database error (500)
ENCODING = "windows-1251"
MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
          "сентября", "октября", "ноября", "декабря")


def _when(iso: str) -> str:
    dt = datetime.fromisoformat(iso)
    return f"{dt.day} {MONTHS[dt.month - 1]} {dt.year}, {dt:%H:%M}"


def _cp1251(text: str, status: int = 200, modified: str | None = None) -> Response:
    # the header deliberately names no charset: only the page's <meta> says windows-1251
    return html(text, status=status, encoding=ENCODING, content_type="text/html",
                modified=modified)


def _page(title: str, main: str, path: str = "") -> str:
    rubrics = {a.section_slug: a.section for a in content.articles(publisher=OLD_GAZETTE)}
    menu = "<br>\n".join(f'<a href="/rubric.php?id={s}">{esc(n)}</a>'
                         for s, n in sorted(rubrics.items()))
    return f"""<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">
<title>Старая газета :: {esc(title)}</title>
<link rel="stylesheet" href="/style.css" type="text/css">
</head>
<body bgcolor="#FFFFFF" leftmargin="0" topmargin="0" marginwidth="0" marginheight="0">
<table width="100%" border="0" cellpadding="0" cellspacing="0">
<tr><td colspan="2" class="top"><a href="/"><img src="/images/logo.gif" alt="Старая газета"
 border="0" width="400" height="60"></a><br><font size="1">Общественно-политическая газета
 г. Заречинска. Выходит с 1991 года.</font></td></tr>
<tr><td width="180" valign="top" class="menu" bgcolor="#EEEEEE"><b>Рубрики</b><br>
{menu}<br><br><b>Архив</b><br><a href="/">Свежий номер</a></td>
<td valign="top" class="content">
{main}
</td></tr></table>
<center><font size="1">© «Старая газета», 1991–2024. Перепечатка без ссылки запрещена.<br>
<img src="/cgi-bin/counter.gif?page={esc(path)}" width="88" height="31" alt=""></font></center>
</body>
</html>"""


def _figure(img: DemoImage) -> str:
    caption = esc(img.caption) + (f" ({esc(img.credit)})" if img.credit else "")
    return (f'<table class="foto" align="right" border="0" cellpadding="3"><tr><td>'
            f'<img src="{esc(img.src)}" border="0" width="300"></td></tr>'
            f'<tr><td class="podpis"><font size="1">{caption}</font></td></tr></table>')


def _body(a: DemoArticle) -> str:
    lead = "".join(_figure(i) for i in a.images if i.after == 0)
    if int(a.id) % 2:  # odd ids come from the old editor: paragraphs are just <br><br>
        parts = [esc(b.text) if b.kind == "p" else f"<b>{esc(b.text)}</b>" for b in a.blocks]
        joined = body_with_images(a, [p + "<br><br>\n" for p in parts], _figure)
        return lead + '<div class="text">' + "".join(joined) + "</div>"
    parts = [f"<p>{esc(b.text)}</p>" if b.kind == "p" else f"<p><b>{esc(b.text)}</b></p>"
             for b in a.blocks]
    return lead + '<div class="text">' + "\n".join(body_with_images(a, parts, _figure)) + "</div>"


def _comments(a: DemoArticle) -> str:
    if a.comment_count is None:
        return ""
    rows = "".join(
        f'<tr id="{c.id}" class="msg"><td><b class="nick">{esc(c.author)}</b> '
        f'<font class="msgdate" size="1">{datetime.fromisoformat(c.date):%d.%m.%Y %H:%M}</font>'
        f'<br><span class="msgtext">{esc(c.text)}</span></td></tr>' for c in a.comments)
    return (f'<table class="comments" width="100%" border="0"><tr><td class="comhead">'
            f'<b>Отзывы читателей ({a.comment_count})</b></td></tr>{rows}</table>')


def _article(a: DemoArticle) -> Response:
    related = "".join(
        f"<p><b>{esc(title)}</b></p><ul>"
        + "".join(f'<li><a href="{o.path}">{esc(o.headline)}</a></li>' for o, _ in links)
        + "</ul>" for title, links in content.related(a))
    sub = f'<b class="podzag">{esc(a.subheadline)}</b><br><br>' if a.subheadline else ""
    authors = ", ".join(a.authors)
    crumbs = (f'<a href="/">Главная</a> / <a href="/rubric.php?id={a.section_slug}">'
              f'{esc(a.section)}</a>')
    title = f'<font size="4" face="Arial"><b>{esc(a.headline)}</b></font>'
    main = f"""<font class="path">{crumbs}</font><br>
<font class="date" color="#666666">{_when(a.published)}</font>
<table width="100%"><tr><td class="zag">{title}</td></tr></table>
{sub}{_body(a)}
<p align="right"><i>Автор: {esc(authors)}</i></p>
{related}
{_comments(a)}"""
    return _cp1251(_page(a.headline, main, a.path), modified=a.published)


def _list(arts: list[DemoArticle], tail: str = "") -> str:
    return "".join(f'<font size="1">{_when(a.published)}</font><br><a href="{a.path}{tail}">'
                   f"<b>{esc(a.headline)}</b></a><br><br>\n" for a in arts)


def handle(path: str, query: dict[str, str], edition: int, hit: int) -> Response:
    arts = content.latest(content.articles(edition, OLD_GAZETTE))
    if path in ("/", "/index.php"):
        broken = (f'<font size="1">15 марта 2024, 20:00</font><br><a href="/article.php?id='
                  f'{BROKEN_ID}&amp;from=main"><b>Итоги недели: что изменилось в городе</b>'
                  "</a><br><br>\n")
        main = "<h3>Свежие новости</h3>\n" + broken + _list(arts[:8], "&amp;from=main")
        return _cp1251(_page("Главная", main, path))
    if path == "/article.php":
        if query.get("id") == BROKEN_ID:
            return _cp1251("<br>\n<b>Warning</b>:  mysql_connect(): Too many connections in "
                           "<b>/var/www/gazeta/inc/db.php</b> on line <b>12</b><br>\n"
                           "Ошибка базы данных. Попробуйте позже.", status=500)
        for a in arts:
            if a.id == query.get("id"):
                return _article(a)
    if path == "/rubric.php":
        found = [a for a in arts if a.section_slug == query.get("id")]
        pages = -(-len(found) // PAGE_SIZE)
        page = int(query["page"]) if query.get("page", "").isdigit() else 1
        if found and 1 <= page <= pages:
            nav = " | ".join(f"<b>{n}</b>" if n == page else
                             f'<a href="/rubric.php?id={found[0].section_slug}&amp;page={n}">'
                             f"{n}</a>" for n in range(1, pages + 1))
            chunk = found[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
            main = (f"<h3>{esc(found[0].section)}</h3>\n" + _list(chunk)
                    + f"<br>Страницы: {nav}")
            return _cp1251(_page(found[0].section, main, path))
    return _cp1251(_page("Ошибка", "<h3>Страница не найдена</h3><p>Запрошенная страница "
                         'не существует. <a href="/">На главную</a></p>', path), status=404)
