"""The spider's link dedupe key (spiders.SiteSpider._follow): normalize_url's value, however it
is computed (a cached fast path for URLs already in normal form, w3lib otherwise)."""

from __future__ import annotations

from scrapy.http import HtmlResponse, Request
from scrapy.settings import Settings

from newsarchive.extract.urls import normalize_url
from newsarchive.spiders import SiteSpider


def test_each_link_is_requested_once_under_its_normal_form() -> None:
    spider = SiteSpider(url="http://www.example.com/")
    spider.settings = Settings({"NEWSARCHIVE_GENERIC_DEPTH": 3})
    home = HtmlResponse("http://www.example.com/", body=b"",
                        request=Request("http://www.example.com/"))
    links = ["http://WWW.Example.com:80/news/a.html?utm_source=feed#top",
             "http://www.example.com/news/a.html",  # the same page, already in normal form
             "https://www.example.com/news/b",
             "http://www.example.com:8080/news/c.html",
             "http://www.example.com/news/index.html",
             "http://www.example.com/news/"]  # what index.html normalizes to
    out = [r.url for link in links for r in spider._follow(link, home)]
    assert out == [normalize_url(links[i]) for i in (0, 2, 3, 4)]
    assert out[0] == "http://www.example.com/news/a.html"
    assert out[2] == "http://www.example.com:8080/news/c.html"
    assert out[3] == "http://www.example.com/news/"
