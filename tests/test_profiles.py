"""Site files load, validate with clear messages, and choose layouts."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsarchive.extract.document import Document
from newsarchive.extract.site import fields_for
from newsarchive.profiles import ProfileError, load_profile, load_profiles


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "s.toml"
    path.write_text(text)
    return path


def test_every_shipped_site_file_loads() -> None:
    profiles = load_profiles()
    assert profiles
    for prof in profiles.values():
        assert prof.hosts and prof.site and (prof.start_urls or prof.sitemaps or prof.feeds)


@pytest.mark.parametrize("text, message", [
    ('name = "x"\nhosts = ["a.com"]\nbogus = 1\n', "unknown keys ['bogus']"),
    ('name = "x"\nhosts = ["a.com"]\n[urls]\narticle = ["(unclosed"]\n', "bad regex"),
    ('name = "x"\n', "needs 'hosts'"),
    ('name = "x"\nhosts = ["a.com"]\n[[layouts]]\nname = "old"\n', "needs a 'when'"),
    ('name = "x"\nhosts = [\n', "s.toml"),
])
def test_bad_site_files_name_the_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ProfileError, match=message.replace("[", r"\[").replace("(", r"\(")):
        load_profile(write(tmp_path, text))


def test_url_patterns_and_hosts(tmp_path: Path) -> None:
    prof = load_profile(write(tmp_path, """
name = "ex"
hosts = ["example.com"]
[urls]
article = ['/\\d{4}/[\\w-]+$']
follow = ['/section/']
deny = ['/2020/']
"""))
    assert prof.site == "example.com"
    assert prof.is_article_url("https://www.example.com/2024/storm-hits")
    assert not prof.is_article_url("https://example.com/2020/old-story")
    assert prof.should_follow("https://example.com/section/world")
    assert prof.allows_host("https://news.example.com/x")
    assert not prof.allows_host("https://example.com.evil.net/x")


def test_layout_switch_overrides_fields(tmp_path: Path) -> None:
    prof = load_profile(write(tmp_path, """
name = "ex"
hosts = ["example.com"]
[fields]
headline = "h1::text"
[[layouts]]
name = "legacy"
when = "table#main"
fields = { headline = "td.hdr b::text" }
"""))
    new = Document("<html><body><h1>New</h1></body></html>", "http://example.com/")
    old = Document("<html><body><table id=main><tr><td class=hdr><b>Old</b></td></tr></table>"
                   "</body></html>", "http://example.com/")
    assert fields_for(prof, new.tree)["headline"] == "h1::text"
    chosen = fields_for(prof, old.tree)
    assert chosen["headline"] == "td.hdr b::text" and chosen["_layout"] == "legacy"
