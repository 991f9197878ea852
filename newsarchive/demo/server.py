"""The demo news server: three fictional publishers on 127.0.0.1, as an HTTP forward proxy.

Scrapy runs with `http_proxy=http://127.0.0.1:PORT`, so requests arrive as
`GET http://daily-herald.example/path HTTP/1.1`; the absolute URI names the publisher. Plain
requests are routed by their Host header. URLs stay the same on every run whatever the port,
and nothing ever leaves the machine (other hosts get a 404; CONNECT is refused).

    with start_demo_server() as server:      # port 0: a free port
        opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({"http": server.proxy_url}))
        opener.open("http://nasha-niva.example/en/380114")

    python -m newsarchive.demo [--port N]   # prints http://127.0.0.1:PORT, then serves
"""

from __future__ import annotations

import argparse
import socket
import sys
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import urlsplit

from newsarchive.demo import content
from newsarchive.demo.site import respond


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive; every response has a Content-Length
    server: _Server

    def _serve(self, send_body: bool) -> None:
        if self.path.startswith(("http://", "https://")):  # proxied: absolute URI
            parts = urlsplit(self.path)
            host = parts.netloc
            target = parts.path + (f"?{parts.query}" if parts.query else "")
        else:
            host, target = self.headers.get("Host", ""), self.path
        url = f"http://{host.lower().split(':')[0]}{target}"
        with self.server.lock:
            self.server.hits[url] += 1
            hit = self.server.hits[url]
        resp = respond(host, target, self.server.edition, hit)
        etag = resp.headers.get("ETag")
        if etag and etag == self.headers.get("If-None-Match"):
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(resp.status)
        self.send_header("Content-Type", resp.content_type)
        self.send_header("Content-Length", str(len(resp.body)))
        for name, value in resp.headers.items():
            self.send_header(name, value)
        if resp.truncate_at is not None:
            self.send_header("Connection", "close")
        self.end_headers()
        if not send_body:
            return
        if resp.truncate_at is None:
            self.wfile.write(resp.body)
            return
        # promise the whole body, send half, then drop the connection
        self.wfile.write(resp.body[: resp.truncate_at])
        self.wfile.flush()
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._serve(True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(False)

    def do_CONNECT(self) -> None:  # noqa: N802
        self.send_error(405, "The demo proxy does not tunnel (no HTTPS, no network access)")

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        if self.server.verbose:
            super().log_message(format, *args)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, edition: int, verbose: bool) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.edition = edition
        self.verbose = verbose
        self.hits: Counter[str] = Counter()
        self.lock = threading.Lock()


class DemoServer:
    """A running demo server. `hits` counts requests by URL (http://host/path?query)."""

    def __init__(self, port: int = 0, edition: int = 1, verbose: bool = False) -> None:
        content.articles(edition)  # fail early on an unknown edition
        self._server = _Server(port, edition, verbose)
        # a short poll interval keeps stop() fast (tests start and stop servers often)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        name="newsarchive-demo", daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def proxy_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def hits(self) -> Counter[str]:
        return self._server.hits

    @property
    def edition(self) -> int:
        return self._server.edition

    def start(self) -> DemoServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> DemoServer:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def start_demo_server(port: int = 0, edition: int = 1, verbose: bool = False) -> DemoServer:
    """Start the demo server in a background thread on 127.0.0.1 (port 0: a free port)."""
    return DemoServer(port, edition, verbose).start()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the newsarchive demo news sites.")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--edition", type=int, default=1)
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)
    server = DemoServer(args.port, args.edition, args.verbose)
    print(server.proxy_url, flush=True)  # the mock-server convention: one line, the URL
    try:
        server._server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server._server.server_close()
    sys.exit(0)


if __name__ == "__main__":
    main()
