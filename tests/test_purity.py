"""Extraction is pure: no Scrapy, no Twisted, no HTTP client, no sockets inside extract/."""

from __future__ import annotations

import ast
import subprocess
import sys

from conftest import ROOT

FORBIDDEN = ("scrapy", "twisted", "requests", "urllib3", "httpx", "aiohttp", "socket",
             "urllib.request", "http.client")


def test_extract_modules_import_no_network_or_scrapy() -> None:
    offenders = []
    for path in sorted((ROOT / "newsarchive" / "extract").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if any(name == f or name.startswith(f + ".") for f in FORBIDDEN):
                    offenders.append(f"{path.name}: {name}")
    assert offenders == []


def test_importing_extract_loads_no_scrapy_or_twisted() -> None:
    code = ("import sys, newsarchive.extract as e; "
            "bad=[m for m in sys.modules if m.split('.')[0] in ('scrapy','twisted')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr

