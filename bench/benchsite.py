"""A generated news site for benchmarks: N article pages of ~85 KB on 127.0.0.1 (port 0).

    python bench/benchsite.py N     # prints http://127.0.0.1:PORT, serves until killed

`/` links /list/0.../list/K (100 articles each), so every article is two hops from the home page.
Pages are built from a template per request (cheap), so the server is not the bottleneck.
"""

from __future__ import annotations

import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PER_LIST = 100
WORDS = ("council harbour budget transport minister river election school hospital market "
         "weather festival library museum police court station bridge tunnel railway").split()


def paragraph(seed: int, i: int) -> str:
    words = [WORDS[(seed * 7 + i * 13 + k * 3) % len(WORDS)] for k in range(90)]
    return "<p>" + " ".join(words).capitalize() + ".</p>"


def article(n: int, total: int) -> str:
    nav = "".join(f'<li><a href="/section/{w}">{w.title()}</a></li>' for w in WORDS * 6)
    related = "".join(f'<li><a href="/news/{(n + k) % total}.html">Story {(n + k) % total}</a>'
                      "</li>" for k in range(1, 6))
    # Every article's text differs (its number in the first paragraph), so none are merged as
    # syndicated copies of another.
    body = f"<p>Report number {n} from the desk.</p>" + "".join(
        paragraph(n, i) for i in range(60))
    script = "<script>var cfg = {" + ",".join(f'"k{i}": {i * n}' for i in range(2200)) + "};"
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Story {n}'
            f'</title><meta property="og:type" content="article"><meta property="article:'
            f'published_time" content="2024-05-{n % 27 + 1:02d}T10:00:00+00:00">{script}'
            f'</script></head><body><header><ul class="nav">{nav}</ul></header><main><article>'
            f"<h1>Story {n}: the {WORDS[n % len(WORDS)]} decision</h1><p class='byline'>By "
            f"Ann Reed</p><figure><img src='/img/{n}.jpg'><figcaption>The {WORDS[n % 5]}. "
            f"Photo: Agency</figcaption></figure>{body}</article><aside><h3>Related</h3><ul>"
            f"{related}</ul></aside></main><footer>{nav}</footer></body></html>")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    total = 0

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        path, total = self.path, self.total
        if path == "/robots.txt":
            html, ctype = "User-agent: *\nAllow: /\n", "text/plain"
        elif path == "/":
            lists = range((total + PER_LIST - 1) // PER_LIST)
            html = "<html><head><meta property='og:type' content='website'></head><body>" + "".join(
                f'<a href="/list/{i}">Page {i}</a> ' for i in lists) + "</body></html>"
            ctype = "text/html"
        elif path.startswith("/list/"):
            i = int(path[6:])
            links = range(i * PER_LIST, min(total, (i + 1) * PER_LIST))
            html = "<html><head><meta property='og:type' content='website'></head><body><ul>" + (
                "".join(f'<li><a href="/news/{n}.html">Story {n}</a></li>' for n in links)
                + "</ul></body></html>")
            ctype = "text/html"
        elif path.startswith("/news/"):
            html, ctype = article(int(path[6:-5]), total), "text/html; charset=utf-8"
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = html.encode()
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def urls(base: str, total: int) -> list[str]:
    """Every page a full crawl fetches: the home page, the lists, the articles."""
    lists = [f"{base}/list/{i}" for i in range((total + PER_LIST - 1) // PER_LIST)]
    return [f"{base}/", *lists, *(f"{base}/news/{n}.html" for n in range(total))]


def main() -> None:
    Handler.total = int(sys.argv[1])
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
