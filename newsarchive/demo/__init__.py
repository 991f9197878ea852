"""The bundled demo news site: three fictional publishers served on 127.0.0.1.

`start_demo_server()` runs it (see `server`); `articles()` and `expected()` (see `content`) are
the truth its pages are rendered from and the records their extraction must yield.
"""

from newsarchive.demo.content import articles, expected
from newsarchive.demo.server import DemoServer, start_demo_server
from newsarchive.demo.site import special_urls, start_urls

__all__ = ["DemoServer", "articles", "expected", "special_urls", "start_demo_server",
           "start_urls"]
