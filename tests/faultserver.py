"""A news site on 127.0.0.1 (port 0) that misbehaves on purpose, for unattended-crawl tests.

    python tests/faultserver.py [--articles N] [--delay S] [--redesign]

prints `http://127.0.0.1:PORT` and serves until killed. `GET /_hits` returns what it served as
JSON: {path: {"hits": n, "times": [...], "statuses": [...], "agents": [...]}}, so tests check
what a crawl fetched (and did not) from the server's side.

- `/` links every article, each fault URL, an off-site link and a robots-disallowed page, and
  announces `/feed.xml` with <link rel=alternate>; `/robots.txt` lists `/sitemap.xml`.
- `/news/a-I.html` articles (ETag, 304 on If-None-Match), `/news/sitemap-only-I.html` and
  `/news/feed-only-I.html` reachable only through the sitemap / the feed. `--delay` slows every
  article; `--redesign` serves the same articles with new markup (the site file's selectors
  no longer match).
- `/fault/...`: 429 then 200 (Retry-After: 1), 503 then 200, 429 asking for an hour, a redirect
  loop, a response slower than any test timeout, an oversized page, a PDF, a redirect off-site.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PARA = ("The harbour board met on {n} to discuss dredging the channel, after shipping firms "
        "complained that larger vessels now wait for high tide before they can enter port. ")
SITEMAP_ONLY, FEED_ONLY = 3, 3


def article(slug: str, n: int, redesign: bool, size: int = 5) -> str:
    paras = [f"<p>{PARA.format(n=f'{slug} {i}') * 2}</p>" for i in range(size)]
    paras.append(f"<p>Final paragraph. END-OF-ARTICLE {slug}.</p>")
    head = (f'<meta charset="utf-8"><title>Harbour story {slug}</title>'
            f'<meta property="og:type" content="article">')
    fig = (f'<figure><img src="/img/{slug}.jpg" alt="harbour"><figcaption>The channel at low '
           f'tide. Photo: Port Agency</figcaption></figure>')
    if redesign:  # new CMS: none of the old classes
        return (f"<!doctype html><html lang='en'><head>{head}</head><body><main>"
                f"<h2 class='ttl'>Harbour board story {slug}</h2><div class='content'>"
                f"{fig}{''.join(paras)}</div></main></body></html>")
    return (f"<!doctype html><html lang='en'><head>{head}"
            f'<meta property="article:published_time" content="2024-05-{n % 27 + 1:02d}T10:00:00'
            f'+00:00"></head><body><nav><a href="/">Home</a></nav><article>'
            f"<span class='kicker'>Harbour</span><h1 class='headline'>Harbour board story {slug}"
            f"</h1><span class='byline'>By <a href='/author/ann'>Ann Reed</a></span>"
            f"<time class='pub' datetime='2024-05-{n % 27 + 1:02d}T10:00:00+00:00'>May</time>"
            f"<div class='story'>{fig}{''.join(paras)}</div></article></body></html>")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Server

    def log_message(self, *args: object) -> None:
        pass

    def send(self, status: int, body: bytes = b"", ctype: str = "text/html; charset=utf-8",
             headers: dict[str, str] | None = None) -> None:
        self.server.record(self.path, status, self.headers.get("User-Agent", ""))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def page(self, html: str) -> None:
        body = html.encode()
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            return self.send(304, headers={"ETag": etag})
        return self.send(200, body, headers={"ETag": etag})

    def do_GET(self) -> None:  # noqa: N802
        srv, path = self.server, self.path.split("?")[0]
        port = srv.server_address[1]
        if path == "/_hits":
            with srv.lock:
                data = json.dumps(srv.hits).encode()
            return self.send(200, data, "application/json")
        if path == "/robots.txt":
            return self.send(200, (f"User-agent: *\nDisallow: /private/\n"
                                   f"Sitemap: http://127.0.0.1:{port}/sitemap.xml\n").encode(),
                             "text/plain")
        if path == "/":
            links = [f"/news/a-{i}.html" for i in range(srv.articles)] + [
                "/fault/429.html", "/fault/503.html", "/fault/429-hour.html", "/fault/loop-a",
                "/fault/slow.html", "/fault/huge.html", "/fault/document", "/fault/away",
                "/private/secret.html", f"http://localhost:{port}/news/offsite.html"]
            items = "".join(f'<li><a href="{u}">Story {i}</a></li>' for i, u in enumerate(links))
            return self.send(200, (
                '<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml">'
                '<meta property="og:type" content="website"><title>Harbour News</title>'
                f"</head><body><h1>Harbour News</h1><ul>{items}</ul></body></html>").encode())
        if path == "/sitemap.xml":
            locs = "".join(f"<url><loc>http://127.0.0.1:{port}/news/sitemap-only-{i}.html</loc>"
                           "<lastmod>2024-05-02</lastmod></url>" for i in range(SITEMAP_ONLY))
            return self.send(200, ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/'
                                   f'schemas/sitemap/0.9">{locs}</urlset>').encode(), "text/xml")
        if path == "/feed.xml":
            items = "".join(f"<item><title>F{i}</title><link>http://127.0.0.1:{port}/news/"
                            f"feed-only-{i}.html</link></item>" for i in range(FEED_ONLY))
            return self.send(200, (f'<?xml version="1.0"?><rss version="2.0"><channel>'
                                   f"<title>Harbour</title>{items}</channel></rss>").encode(),
                             "application/rss+xml")
        if path.startswith("/news/") and path.endswith(".html") and "offsite" not in path:
            if srv.delay:
                time.sleep(srv.delay)
            slug = path[len("/news/"):-len(".html")]
            n = sum(map(ord, slug))
            return self.page(article(slug, n, srv.redesign))
        return self.fault(path, port)

    def fault(self, path: str, port: int) -> None:
        hits = self.server.hits.get(path, {}).get("hits", 0)
        if path == "/fault/429.html" and hits == 0:
            return self.send(429, b"slow down", headers={"Retry-After": "1"})
        if path == "/fault/503.html" and hits == 0:
            return self.send(503, b"busy")
        if path in ("/fault/429.html", "/fault/503.html"):
            return self.page(article(path.rsplit("/", 1)[1][:-5], 7, self.server.redesign))
        if path == "/fault/429-hour.html":
            return self.send(429, b"come back later", headers={"Retry-After": "3600"})
        if path == "/fault/loop-a":
            return self.send(302, headers={"Location": "/fault/loop-b"})
        if path == "/fault/loop-b":
            return self.send(302, headers={"Location": "/fault/loop-a"})
        if path == "/fault/slow.html":
            time.sleep(3)
            return self.page(article("slow", 1, False))
        if path == "/fault/huge.html":
            return self.page(article("huge", 2, False, size=600))  # ~300 KB
        if path == "/fault/document":
            return self.send(200, b"%PDF-1.4\n" + bytes(2000), "application/pdf")
        if path == "/fault/away":
            return self.send(302, headers={"Location": f"http://localhost:{port}/offsite-r"})
        return self.send(404, b"not found")


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, articles: int, delay: float, redesign: bool) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.articles, self.delay, self.redesign = articles, delay, redesign
        self.lock = threading.Lock()
        self.hits: dict[str, dict[str, Any]] = defaultdict(
            lambda: {"hits": 0, "times": [], "statuses": [], "agents": []})

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients hanging up on slow or oversized pages is the point, not news

    def record(self, path: str, status: int, agent: str) -> None:
        if path == "/_hits":
            return
        with self.lock:
            entry = self.hits[path.split("?")[0]]
            entry["hits"] += 1
            entry["times"].append(time.time())
            entry["statuses"].append(status)
            if agent not in entry["agents"]:
                entry["agents"].append(agent)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=12)
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--redesign", action="store_true")
    args = parser.parse_args()
    server = Server(args.articles, args.delay, args.redesign)
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
