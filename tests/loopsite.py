"""A generated news site on 127.0.0.1 (port 0) that counts every hit, for distributed crawls.

    python tests/loopsite.py [--articles N] [--delay S]

prints `http://127.0.0.1:PORT` and serves until killed. `/` links listing pages `/list/K`
(10 articles each); each article `/news/a-I.html` also links three other articles, so many
workers discover the same URLs. `GET /_hits` returns {path: [User-Agent of each hit, ...]};
`GET /_reset` forgets them.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from faultserver import article

PER_LIST = 10


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Server

    def log_message(self, *args: object) -> None:
        pass

    def send(self, status: int, body: str, ctype: str = "text/html; charset=utf-8") -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802
        srv, path = self.server, self.path.split("?")[0]
        if path == "/_hits":
            with srv.lock:
                return self.send(200, json.dumps(srv.hits), "application/json")
        if path == "/_reset":
            with srv.lock:
                srv.hits.clear()
            return self.send(200, "{}", "application/json")
        with srv.lock:
            srv.hits[path].append(self.headers.get("User-Agent", ""))
        n, lists = srv.articles, (srv.articles + PER_LIST - 1) // PER_LIST
        if path == "/robots.txt":
            return self.send(200, "User-agent: *\nAllow: /\n", "text/plain")
        if path == "/" or path.startswith("/list/"):
            k = int(path.rsplit("/", 1)[1]) if path != "/" else -1
            links = [f"/list/{i}" for i in range(lists)] + [
                f"/news/a-{i}.html" for i in range(max(k, 0) * PER_LIST,
                                                   min(n, (max(k, 0) + 1) * PER_LIST))
                if k >= 0]
            items = "".join(f'<li><a href="{u}">Headline {u}</a></li>' for u in links)
            return self.send(200, '<html><head><meta property="og:type" content="website">'
                             f"<title>Loop News {path}</title></head><body><h1>Loop News</h1>"
                             f"<ul>{items}</ul></body></html>")
        if path.startswith("/news/a-") and path.endswith(".html"):
            i = int(path[len("/news/a-"):-len(".html")])
            if i >= n:
                return self.send(404, "not found")
            if srv.delay:
                time.sleep(srv.delay)
            more = "".join(f'<li><a href="/news/a-{(i + d) % n}.html">More {(i + d) % n}</a>'
                           "</li>" for d in (1, 7, 13))
            html = article(f"a-{i}", i, False).replace(
                "</article>", f"</article><aside><ul>{more}</ul></aside>")
            return self.send(200, html)
        return self.send(404, "not found")


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, articles: int, delay: float) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.articles, self.delay = articles, delay
        self.lock = threading.Lock()
        self.hits: dict[str, list[str]] = defaultdict(list)

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a killed worker hanging up is the point of the tests


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()
    server = Server(args.articles, args.delay)
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
