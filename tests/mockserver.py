"""A small misbehaving news site on 127.0.0.1 (port 0), one resource per failure mode.

Run as `python tests/mockserver.py`: prints `http://127.0.0.1:PORT` and serves until killed,
like Scrapy's own test mockserver. Pages are generic (no site file), so crawls of it exercise
the generic extraction layers.
"""

from __future__ import annotations

import socket
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PARA = ("The city council voted on {n} to approve a new budget for public transport, after a "
        "long debate in which members argued about fares, routes and the cost of new buses. ")


def article(n: int, title: str, extra: str = "", charset_meta: str = "utf-8") -> str:
    paras = "".join(f"<p>{PARA.format(n=f'day {n}.{i}') * 2}</p>" for i in range(5))
    return (f'<!doctype html><html lang="en"><head><meta charset="{charset_meta}">'
            f'<title>{title}</title><meta property="og:type" content="article">'
            f'<meta property="article:published_time" content="2024-05-0{n}T10:00:00+00:00">'
            f'</head><body><nav><a href="/">Home</a></nav><article><h1>{title}</h1>{paras}'
            f'{extra}</article></body></html>')


GOOD = {f"/news/story-{n}.html": article(n, f"Council approves transport budget {n}")
        for n in (1, 2, 3)}
MALFORMED = article(4, "Broken markup still has a story").replace("</p>", "", 3) + "</div></b>"
CYRILLIC = ("<p>" + "Городской совет утвердил новый бюджет на общественный транспорт. " * 6
            + "</p>") * 4
WRONG_META = article(5, "Wrong meta charset", CYRILLIC, charset_meta="windows-1251")
NO_CHARSET_1251 = article(6, "Windows-1251 with no charset", CYRILLIC, charset_meta="")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def send(self, status: int, body: bytes, ctype: str = "text/html") -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802
        path = self.path.split("?")[0]
        if path == "/robots.txt":
            return self.send(200, b"User-agent: *\nAllow: /\n", "text/plain")
        if path == "/":
            links = list(GOOD) + ["/news/malformed.html", "/news/wrong-meta.html",
                                  "/news/cp1251.html", "/news/binary.html", "/news/photo",
                                  "/news/empty.html", "/news/error.html", "/news/slow.html",
                                  "/news/dropped.html", "/news/story-1.html?utm_source=x"]
            items = "".join(f'<li><a href="{u}">Story {i}</a></li>' for i, u in enumerate(links))
            return self.send(200, f"<html><body><h1>News</h1><ul>{items}</ul></body></html>"
                             .encode())
        if path in GOOD:
            return self.send(200, GOOD[path].encode())
        if path == "/news/malformed.html":
            return self.send(200, MALFORMED.encode())
        if path == "/news/wrong-meta.html":  # UTF-8 bytes, meta says windows-1251
            return self.send(200, WRONG_META.encode("utf-8"))
        if path == "/news/cp1251.html":  # windows-1251 bytes, no charset anywhere
            return self.send(200, NO_CHARSET_1251.encode("cp1251"))
        if path == "/news/binary.html":  # PNG bytes labelled as HTML
            return self.send(200, b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
        if path == "/news/photo":
            return self.send(200, b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png")
        if path == "/news/empty.html":
            return self.send(200, b"")
        if path == "/news/error.html":
            return self.send(500, b"<h1>Internal Server Error</h1>")
        if path == "/news/slow.html":
            time.sleep(4)
            return self.send(200, GOOD["/news/story-1.html"].encode())
        if path == "/news/dropped.html":
            self.connection.shutdown(socket.SHUT_RDWR)
            return None
        return self.send(404, b"not found")


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
