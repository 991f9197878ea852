"""URL identity: normalization, tracking parameters, registrable domain."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url, safe_url_string

# Query parameters that never change what a page shows (analytics, campaign, share ids).
TRACKING_PARAMS = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|mc_cid|mc_eid|igshid|_ga|_gl|"
    r"ref|ref_src|ref_url|referrer|source|src|cmpid|cmp|ito|itm_\w+|ns_\w+|mkt_tok|"
    r"share|shared|from|via|spm|scid|ocid|CMP|at_\w+|pk_\w+|piwik_\w+|hsa_\w+|oly_\w+|"
    r"rss|output|amp|outputType)$",
    re.I,
)


def absolutize(href: str | None, base: str) -> str | None:
    if not href:
        return None
    href = href.strip()
    if not href or href.startswith(("javascript:", "mailto:", "tel:", "data:", "#")):
        return None
    try:
        # exact str keys: a cached lxml "smart string" would keep its whole tree alive
        # (href.strip() above already returns an exact str)
        return _joined(str(base), href)
    except ValueError:
        return None


# Both are pure and cost ~7 us a call (w3lib parses the URL the WHATWG way in Python): a page
# names the same link twice (thumbnail and headline), and a site's pages the same related,
# "most read" and image URLs, so the joined URLs repeat across a crawl's pages (at most ~1 MB
# held: a few hundred bytes an entry).
@lru_cache(maxsize=2048)
def _joined(base: str, href: str) -> str:
    return _safe_url(urljoin(base, href))


@lru_cache(maxsize=4096)
def _safe_url(url: str) -> str:
    return safe_url_string(url)


def normalize_url(url: str) -> str:
    """One spelling per page: lowercase host, no fragment, sorted query without tracking
    parameters, no default port, no trailing `index.html`. Path case and trailing slash are
    kept (servers treat them as different resources); redirects and rel=canonical merge those.
    """
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not TRACKING_PARAMS.match(k)]
    path = re.sub(r"/(index|default)\.(html?|php|aspx?)$", "/", parts.path) or "/"
    netloc = (parts.hostname or "").lower()
    if parts.port and not (
        (parts.scheme == "http" and parts.port == 80)
        or (parts.scheme == "https" and parts.port == 443)
    ):
        netloc += f":{parts.port}"
    rebuilt = urlunsplit((parts.scheme.lower(), netloc, path, urlencode(query), ""))
    return canonicalize_url(rebuilt, keep_fragments=False)


@lru_cache(maxsize=4096)
def registrable_domain(host_or_url: str) -> str:
    """nashaniva.com for https://www.nashaniva.com/en/1 (bundled Public Suffix List, offline)."""

    host = urlsplit(host_or_url).hostname if "//" in host_or_url else host_or_url
    host = (host or "").lower().strip(".")
    if not host:
        return ""
    if re.fullmatch(r"[\d.]+|\[?[0-9a-f:]+\]?", host):
        return host  # IP address
    ext = _EXTRACT(host)
    if ext.domain and ext.suffix:
        return f"{ext.domain}.{ext.suffix}"
    return host.removeprefix("www.")


def _make_extractor():
    import tldextract

    # suffix_list_urls=() : never fetch the list from the network, use the bundled snapshot
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


class _Lazy:
    _fn = None

    def __call__(self, host: str):
        if self._fn is None:
            self._fn = _make_extractor()
        return self._fn(host)


_EXTRACT = _Lazy()


def same_site(url: str, other: str) -> bool:
    return registrable_domain(url) == registrable_domain(other)


# Already in normalize_url's form: lowercase http(s) host of plain labels, no port, query,
# fragment, escapes, dot segments or index page. Returned as is (w3lib costs ~50 us a URL and
# most addresses stored are clean); tests/test_import.py checks equality by property.
_CLEAN = re.compile(r"https?://(?:[a-z0-9]+(?:-[a-z0-9]+)*\.)*[a-z0-9]+(?:-[a-z0-9]+)*"
                    r"(?:/|(?:/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)+/?)")
_INDEX_PAGE = re.compile(r"/(index|default)\.(html?|php|aspx?)$")  # as normalize_url


@lru_cache(maxsize=65536)  # related links repeat across articles; normalize_url is pure
def normalize_url_cached(url: str) -> str:
    """normalize_url's value, cached, for an exact str (never an lxml smart string: the
    cache would keep its tree alive); the spider, the store and the fetch state normalize
    the same addresses again and again."""
    if _CLEAN.fullmatch(url) and not _INDEX_PAGE.search(url):
        return url
    return normalize_url(url)
