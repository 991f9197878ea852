"""Scrapy settings for newsarchive (`scrapy.cfg` points here), in the project template's order.

Polite by default: robots.txt obeyed, AutoThrottle on, an identifying User-Agent. Every value
can be overridden per site (`[settings]` in the site file) or per run (`-s NAME=VALUE`).
"""

from newsarchive.pipelines import ITEM_PIPELINES as _PIPELINES

BOT_NAME = "newsarchive"

SPIDER_LOADER_CLASS = "newsarchive.spider_loader.ProfileSpiderLoader"
SPIDER_MODULES: list[str] = []

# An identifying User-Agent; set NEWSARCHIVE_CONTACT to a URL or e-mail operators can reach.
# `newsarchive crawl -s NEWSARCHIVE_CONTACT=...` rebuilds USER_AGENT unless USER_AGENT is set too.
NEWSARCHIVE_CONTACT = "https://github.com/newsarchive/newsarchive"
USER_AGENT_FORMAT = "newsarchive/0.1 (+{contact})"
USER_AGENT = USER_AGENT_FORMAT.format(contact=NEWSARCHIVE_CONTACT)

ROBOTSTXT_OBEY = True

CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.25
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024

COOKIES_ENABLED = False

# Scrapy starts CONCURRENT_ITEMS asyncio tasks per response to handle its callback's output
# (default 100: ~2 ms of the reactor per page here). A page yields one item at most, which may
# wait for its store batch (pipelines.py), and its new links: two tasks let the links go on
# while the item waits (8 -> 2: crawl process 5.25 -> 5.12 ms/page, medians of 4 paired
# bench runs under load: within the noise; 6 fewer tasks made per page).
CONCURRENT_ITEMS = 2
# Parse + extract in worker processes: a number, 0 (in this process) or "auto" (see pages.py).
NEWSARCHIVE_EXTRACT_PROCESSES = "auto"
NEWSARCHIVE_EXTRACT_TIMEOUT = 120  # seconds per page in a worker before it is killed

RETRY_ENABLED = True
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 10

# 304 answers are recorded before validation; fetch state with the record, in the store's
# transaction (see revisit.py); the health check sees every extracted page, including those
# validation will reject.
ITEM_PIPELINES = {
    **_PIPELINES,
    "newsarchive.revisit.NotModifiedPipeline": 50,
    "newsarchive.health.SiteHealthPipeline": 60,
}

# Retries wait for Retry-After (or back off exponentially); no off-site request even via a
# redirect; redirect loops are logged with a reason (newsarchive/middlewares.py).
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "newsarchive.middlewares.RetryAfterMiddleware": 550,
    "newsarchive.middlewares.HostGuardMiddleware": 51,  # right after OffsiteMiddleware (50)
    "newsarchive.middlewares.RedirectLoopMiddleware": 610,  # outside RedirectMiddleware (600)
    # Raw WARC captures of every response (newsarchive/captures.py), next to the downloader.
    "newsarchive.captures.CaptureMiddleware": 950,
    # Scrapy's, cheaper per response (middlewares.py), in their places.
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "newsarchive.middlewares.MetaRefreshMiddleware": 580,
    "scrapy.downloadermiddlewares.httpproxy.HttpProxyMiddleware": None,
    "newsarchive.middlewares.HttpProxyMiddleware": 750,
}
NEWSARCHIVE_CAPTURES = True  # off: NEWSARCHIVE_CAPTURES=False or --no-captures
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
NEWSARCHIVE_RETRY_BACKOFF = 1.0
NEWSARCHIVE_RETRY_AFTER_MAX = 120.0

EXTENSIONS = {"newsarchive.extensions.Progress": 500}
NEWSARCHIVE_PROGRESS = False  # `newsarchive crawl` turns it on for a terminal
NEWSARCHIVE_PROGRESS_INTERVAL = 5.0

# Revisit schedule: article age -> interval (see newsarchive/schedule.py); a site file's
# [revisit] table overrides it. NEWSARCHIVE_REFRESH = True revisits every known article now.
NEWSARCHIVE_REVISIT = {"1d": "1h", "7d": "1d", "30d": "7d", "older": "30d"}
NEWSARCHIVE_REFRESH = False

# Broken-site detection (newsarchive/health.py).
NEWSARCHIVE_BROKEN_BASELINE = 0.8
NEWSARCHIVE_BROKEN_MISSING = 0.5
NEWSARCHIVE_BROKEN_MIN_PAGES = 5
NEWSARCHIVE_BROKEN_MIN_STORED = 10

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
