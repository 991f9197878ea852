"""Routing for the demo: (host, path?query) -> Response, with no sockets involved.

Each publisher's pages come from its renderer; robots.txt, the sitemap and images are common.
Unknown hosts get a 404 that says so: the demo never forwards anything to the network.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl, urlsplit

from newsarchive.demo import content, render_common
from newsarchive.demo import render_dailyherald as dh
from newsarchive.demo import render_nashaniva as nn
from newsarchive.demo import render_oldgazette as og
from newsarchive.demo.model import DAILY_HERALD, NASHA_NIVA, OLD_GAZETTE, PUBLISHERS
from newsarchive.demo.responses import Response, image, not_found, text, xml

Handler = Callable[[str, dict[str, str], int, int], Response]
HANDLERS: dict[str, Handler] = {NASHA_NIVA: nn.handle, DAILY_HERALD: dh.handle,
                                OLD_GAZETTE: og.handle}
IMAGE_EXT = (".jpg", ".jpeg", ".png", ".gif", ".svg", ".webp", ".ico")


def special_urls() -> dict[str, str]:
    """The failure-mode URLs, each linked from a listing page so a crawl meets them."""
    wire = next(a for a in content.articles(publisher=DAILY_HERALD) if a.id == dh.WIRE_ID)
    flaky = next(a for a in content.articles(publisher=DAILY_HERALD) if a.id == dh.FLAKY_ID)
    return {
        "redirect": f"http://{NASHA_NIVA}/380201",  # 301 -> /be/380201
        "not_found": f"http://{NASHA_NIVA}{nn.REMOVED}",
        "server_error": f"http://{OLD_GAZETTE}/article.php?id={og.BROKEN_ID}",
        "truncated": f"http://{DAILY_HERALD}{dh.truncated_path()}",
        "flaky": flaky.url,  # 503 on the first request, 200 after
        "syndicated": f"http://{DAILY_HERALD}{content.wire_path(wire)}",
        "syndicated_of": wire.url,
    }


def start_urls() -> dict[str, list[str]]:
    return {
        NASHA_NIVA: [f"http://{NASHA_NIVA}/", f"http://{NASHA_NIVA}/en/",
                     f"http://{NASHA_NIVA}/ru/", f"http://{NASHA_NIVA}/be_latn/"],
        DAILY_HERALD: [f"http://{DAILY_HERALD}/", f"http://{DAILY_HERALD}/sitemap.xml",
                       f"http://{DAILY_HERALD}/feed.xml"],
        OLD_GAZETTE: [f"http://{OLD_GAZETTE}/"],
    }


def respond(host: str, target: str, edition: int = 1, hit: int = 1) -> Response:
    """`target` is the request's path and query; `hit` counts requests for this URL so far
    (including this one), for pages that fail only the first time."""
    host = host.lower().split(":")[0]
    if host not in PUBLISHERS:
        return not_found(f"The demo server only serves {', '.join(PUBLISHERS)}; "
                         f"{host or 'this host'} is not one of them. Nothing is forwarded.")
    parts = urlsplit(target)
    path = parts.path or "/"
    if path == "/robots.txt":
        return text(render_common.robots(host))
    if path == "/sitemap.xml":
        arts = content.articles(edition, host)
        return xml(render_common.sitemap([(a.url, a.modified or a.published) for a in arts]))
    if path.lower().endswith(IMAGE_EXT):
        return image(path)
    return HANDLERS[host](path, dict(parse_qsl(parts.query)), edition, hit)
