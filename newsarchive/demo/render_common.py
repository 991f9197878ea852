"""Small helpers shared by the three publishers' renderers."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from newsarchive.demo.model import DemoArticle


def esc(s: str | None) -> str:
    return escape(s or "", quote=True)


def slugify(s: str) -> str:
    return quote("-".join(s.lower().split()), safe="-")


def body_with_images(a: DemoArticle, block_html: list[str], figure) -> list[str]:
    """Interleave rendered body blocks with the figures placed `after` N blocks (N > 0)."""
    out: list[str] = []
    for i, part in enumerate(block_html, start=1):
        out.append(part)
        out += [figure(img) for img in a.images if img.after == i]
    # figures placed past the last block still belong to the article
    out += [figure(img) for img in a.images if img.after > len(block_html)]
    return out


def sitemap(urls: list[tuple[str, str | None]]) -> str:
    items = "".join(
        f"<url><loc>{esc(u)}</loc>" + (f"<lastmod>{esc(m)}</lastmod>" if m else "") + "</url>\n"
        for u, m in urls)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset '
            'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + items + "</urlset>\n")


def robots(host: str) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: http://{host}/sitemap.xml\n"
