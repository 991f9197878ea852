"""Scrapy settings for newsarchive (`scrapy.cfg` points here), in the project template's order.

Polite by default: robots.txt obeyed, AutoThrottle on, an identifying User-Agent. Every value
can be overridden per site (`[settings]` in the site file) or per run (`-s NAME=VALUE`).
"""

from newsarchive.pipelines import ITEM_PIPELINES as _PIPELINES

BOT_NAME = "newsarchive"

SPIDER_LOADER_CLASS = "newsarchive.spiders.ProfileSpiderLoader"
SPIDER_MODULES: list[str] = []

# An identifying User-Agent; set NEWSARCHIVE_CONTACT to a URL or e-mail operators can reach.
NEWSARCHIVE_CONTACT = "https://github.com/newsarchive/newsarchive"
USER_AGENT = f"newsarchive/0.1 (+{NEWSARCHIVE_CONTACT})"

ROBOTSTXT_OBEY = True

CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.25
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024

COOKIES_ENABLED = False

RETRY_ENABLED = True
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 10

ITEM_PIPELINES = _PIPELINES
# Raw WARC captures of every response (newsarchive/captures.py); off: NEWSARCHIVE_CAPTURES=False.
DOWNLOADER_MIDDLEWARES = {"newsarchive.captures.CaptureMiddleware": 950}
NEWSARCHIVE_CAPTURES = True

AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

# Generic crawls of an unknown site stop after this many link hops from the start URL.
NEWSARCHIVE_GENERIC_DEPTH = 3
# Where records go (relative paths are relative to the working directory).
NEWSARCHIVE_DB = "data/archive.db"

LOG_FORMATTER = "newsarchive.logformatter.NewsLogFormatter"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
