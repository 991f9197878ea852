"""Scrapy middlewares replaced by cheaper ones (newsarchive/middlewares.py): same answers."""

from __future__ import annotations

import pytest
from scrapy.downloadermiddlewares.httpproxy import HttpProxyMiddleware as ScrapyProxy
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware as ScrapyRefresh
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.test import get_crawler

from newsarchive.middlewares import HttpProxyMiddleware, MetaRefreshMiddleware

FILLER = "<p>" + "word " * 5000 + "</p>"
PAGES = {
    "none": f"<html><head><title>t</title></head><body>{FILLER}</body></html>",
    "refresh": '<html><head><meta http-equiv="refresh" content="0; url=/next"></head>'
               f"<body>{FILLER}</body></html>",
    "upper": '<html><head><META HTTP-EQUIV="Refresh" CONTENT="1;URL=/up"></head></html>',
    "late": f"<html><head></head><body>{FILLER}"  # past 4,096 characters: Scrapy ignores it
            '<meta http-equiv="refresh" content="0; url=/late"></body></html>',
    "slow": '<html><head><meta http-equiv="refresh" content="600; url=/x"></head></html>',
    "multibyte": '<html><head><meta http-equiv="refresh" content="0; url=/caf\u00e9">'
                 "</head><body>\u00e9\u00e9</body></html>",
}


def _outcome(result: Request | Response) -> tuple[str, str]:
    return (type(result).__name__, result.url)


@pytest.mark.parametrize("name", sorted(PAGES))
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_meta_refresh_answers_as_scrapys(name: str, encoding: str) -> None:
    crawler = get_crawler()
    ours = MetaRefreshMiddleware.from_crawler(crawler)
    theirs = ScrapyRefresh.from_crawler(crawler)
    body = PAGES[name].encode(encoding)
    outcomes = []
    for mw in (ours, theirs):
        req = Request("http://a.example/page")
        resp = HtmlResponse(req.url, body=body, request=req,
                            headers={"Content-Type": f"text/html; charset={encoding}"})
        outcomes.append(_outcome(mw.process_response(req, resp)))
    assert outcomes[0] == outcomes[1]
    if name in ("refresh", "upper") and encoding == "utf-8":
        assert outcomes[0][0] == "Request"  # the check does find real refreshes


def test_proxy_choice_is_scrapys_with_bypass_asked_once_per_host(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("http_proxy", "http://user:pw@proxy.example:3128")
    monkeypatch.setenv("https_proxy", "http://proxy.example:3129")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost,.internal.example")
    asked: list[str] = []
    from urllib.request import proxy_bypass

    monkeypatch.setattr("newsarchive.middlewares.proxy_bypass",
                        lambda host: asked.append(host) or proxy_bypass(host))
    crawler = get_crawler()
    ours, theirs = HttpProxyMiddleware.from_crawler(crawler), ScrapyProxy.from_crawler(crawler)
    urls = ["http://127.0.0.1:8000/a", "http://127.0.0.1:8000/b", "https://news.example/x",
            "http://news.example/y", "http://a.internal.example/z", "ftp://files.example/f",
            "http://localhost/"]
    for url in urls:
        for meta in ({}, {"proxy": "http://other.example:8080"}, {"proxy": None}):
            reqs = [Request(url, meta=dict(meta)) for _ in range(2)]
            ours.process_request(reqs[0])
            theirs.process_request(reqs[1])
            assert reqs[0].meta.get("proxy") == reqs[1].meta.get("proxy"), (url, meta)
            assert reqs[0].headers.get(b"Proxy-Authorization") == \
                reqs[1].headers.get(b"Proxy-Authorization"), (url, meta)
    assert sorted(asked) == sorted(set(asked))  # each host asked once
    assert "127.0.0.1" in asked
