"""SPIDER_LOADER_CLASS: every `spiders/<site>.toml` becomes a named spider, so `scrapy list`
and `scrapy crawl <site>` work as Scrapy users expect; `site` crawls a bare URL."""

from __future__ import annotations

import re
from typing import Self

import scrapy
from scrapy.http import Request
from scrapy.settings import BaseSettings

from newsarchive.profiles import SiteProfile, load_profiles, profiles_dir
from newsarchive.spiders import SiteSpider


def spider_for(profile: SiteProfile) -> type[SiteSpider]:
    cls_name = re.sub(r"\W", "_", profile.name.title()) + "Spider"
    custom = dict(profile.settings)
    if profile.revisit:
        custom["NEWSARCHIVE_REVISIT"] = dict(profile.revisit)
    return type(cls_name, (SiteSpider,), {
        "name": profile.name, "profile": profile, "custom_settings": custom,
    })


class ProfileSpiderLoader:
    """SPIDER_LOADER_CLASS: one spider per site file, plus `site` for generic URL crawls."""

    def __init__(self, settings: BaseSettings) -> None:
        directory = settings.get("NEWSARCHIVE_SPIDERS_DIR") or profiles_dir()
        self._spiders: dict[str, type[scrapy.Spider]] = {"site": SiteSpider}
        for name, prof in load_profiles(directory).items():
            self._spiders[name] = spider_for(prof)

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Self:
        return cls(settings)

    def load(self, spider_name: str) -> type[scrapy.Spider]:
        try:
            return self._spiders[spider_name]
        except KeyError:
            raise KeyError(f"Spider not found: {spider_name}") from None

    def list(self) -> list[str]:
        return sorted(self._spiders)

    def find_by_request(self, request: Request) -> list[str]:
        return [name for name, cls in self._spiders.items()
                if getattr(cls, "profile", None) and cls.profile.allows_host(request.url)]
