"""newsarchive: a research-grade news archiver (Scrapy, pure extraction, SQLite, Datasette)."""

__version__ = "0.1.0"
