"""Publication and modification dates: every declared candidate, the date shown at the headline,
then one choice.

Declared candidates come from JSON-LD, OpenGraph, microdata and other meta, in that order. The
date a reader sees next to the headline settles disagreements: when it names the same day as one
of the declared dates (often the og:published_time while JSON-LD carries a first draft's date,
or a dateModified the site shows as the publication date), that one wins; when the only
declared dates are generic meta ones (<meta name=date>, dc.date), the shown day wins outright.
UTC stamps are read in the publisher's own offset or zone before any day is compared.

With nothing declared, the generic layers run from the surest to the last resort (headline
date, hAtom, <time>, date-classed text, embedded JSON, the URL's news sitemap or feed
entry, URL, first written date, htmldate); a
relative date ("vor 5 Stunden", read against the fetch time) yields to any absolute one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from newsarchive.extract import dates
from newsarchive.extract.dates_local import is_relative
from newsarchive.extract.generic import MODIFIED_META, PUBLISHED_META
from newsarchive.extract.metadata_generic import (
    article_date,
    date_texts,
    first_date,
    script_date,
    shown_date,
    time_stamps,
)

if TYPE_CHECKING:
    from newsarchive.extract.metadata import _Page

Found = tuple[Any, str] | None


# Publication and modification metas of Dublin Core's colon spelling, share and analytics
# plugins and CMSs, beyond the common ones (generic.PUBLISHED_META); the meta layer is the last
# declared one, and a date shown at the headline wins over it
_MORE_PUBLISHED = (
    "dcterms:created", "dcterms:issued", "dcterms:date", "dc:date", "dc:date.issued",
    "dc:date.created", "dc:created", "dc.created", "dc.date.publication", "publication_date",
    "publicationdate", "publication-date", "prism.publicationdate", "date_published",
    "published-date", "article:published_date", "article:post_date", "og:article:published",
    "og:pubdate", "og:publish_date", "og:datepublished", "bt:pubdate",
    "shareaholic:article_published_time", "mediator_published_time", "vr:published_time",
    "vr:published-time", "twt-published-at", "dcsext.articlefirstpublished",
    "analyticsattributes.articledate", "cxenseparse:publishtime", "sw-pubdate",
)
_MORE_MODIFIED = (
    "dcterms:modified", "dc:modified", "dc:date.modified", "article:modified",
    "article:updated_time", "og:modified_time", "date_modified", "modified_time",
    "shareaholic:article_modified_time", "cxenseparse:recs:modifiedtime",
)


@dataclass
class Candidate:
    iso: str
    raw: str
    layer: str
    published: bool
    declared_iso: str = ""  # as the data says it (UTC stays UTC), for modified_at

    @property
    def day(self) -> str:
        return self.iso[:10]


def declared(p: _Page) -> list[Candidate]:
    """Every parseable declared date of the page, published ones and modified ones, in layer
    order, UTC stamps moved to the publisher's offset. Computed once a page."""
    if p.date_candidates is not None:
        return p.date_candidates
    doc = p.doc
    raw: list[tuple[str | None, str, bool]] = []
    raw += [(p.ld_str(k), "json-ld", True) for k in ("datePublished", "dateCreated",
                                                     "uploadDate")]
    raw.append((p.ld_str("dateModified"), "json-ld", False))
    raw.append((doc.meta_first("article:published_time"), "opengraph", True))
    raw.append((doc.meta_first("article:modified_time"), "opengraph", False))
    raw += [(p.itemprop(k), "microdata", True) for k in ("datePublished", "dateCreated")]
    raw.append((p.itemprop("dateModified"), "microdata", False))
    raw += [(doc.meta_first(k), "meta", True) for k in PUBLISHED_META[1:] + _MORE_PUBLISHED]
    raw += [(doc.meta_first(k), "meta", False) for k in MODIFIED_META[1:] + _MORE_MODIFIED]
    out: list[Candidate] = []
    seen: set[tuple[str, bool]] = set()
    for value, layer, published in raw:
        if not value or (value, published) in seen:
            continue
        seen.add((value, published))
        if iso := dates.parse(value, p.now, lang=p.lang):
            out.append(Candidate(iso, value, layer, published, iso))
    if any(c.iso.endswith("+00:00") for c in out):
        stamps = [v for vs in doc.meta.values() for v in vs if "T" in v][:50] + [
            v for o in doc.jsonld for k, v in o.items()
            if isinstance(v, str) and k.startswith("date")][:20]
        offset = dates.local_offset(stamps)
        zone = None if offset else dates.publisher_zone(urlsplit(doc.url).hostname or "",
                                                        p.lang)
        if not offset and not zone:  # the offset of the <time datetime> stamps the page shows
            offset = dates.local_offset([str(v) for v in doc.tree.xpath("//time/@datetime")[:20]])
        for c in out:
            c.iso = dates.to_offset(c.iso, offset) if offset else dates.to_zone(c.iso, zone)
    p.date_candidates = out
    return out


def _local_midnight(c: Candidate) -> bool:
    """A UTC stamp that is exactly midnight in the publisher's offset ("2022-11-06T23:00Z" on a
    German page) is a day-only date the CMS stored as local midnight: its local day is the
    date, even where the page prints the UTC day beside it."""
    return c.iso != c.declared_iso and c.iso[10:19] == "T00:00:00"


def _site(p: _Page, key: str) -> Found:
    if found := p.site_texts(key):
        iso = dates.parse(found[0], p.now, lang=p.lang)
        if iso:
            return (iso, found[0]), "site"
    return None


def _majority(pubs: list[Candidate]) -> Candidate:
    """The first declared publication date, unless at least two other layers agree on another
    day among themselves and none repeats the first one's (a JSON-LD or microdata date left
    from a first draft or an older version while og:published_time and meta say otherwise)."""
    first = pubs[0]
    days: dict[str, list[Candidate]] = {}
    for c in pubs:
        days.setdefault(c.day, []).append(c)
    if len(days[first.day]) > 1:
        return first
    other = max(days.values(), key=len)
    return other[0] if len(other) >= 2 else first


def _stamp(p: _Page) -> tuple[str, str] | None:
    """The first <time datetime> of the page (publication-labelled first, updates last)."""
    for raw in time_stamps(p.doc)[:1]:
        if iso := dates.parse(raw, p.now, lang=p.lang, slow=False):
            return iso, raw
    return None


def _first_text(p: _Page, in_article: bool = False) -> tuple[str, str] | None:
    """The first absolute date in a date-, byline- or meta-classed element."""
    for raw in date_texts(p.doc, in_article):
        if (iso := dates.parse(raw, p.now, lang=p.lang, slow=False)) and not is_relative(raw):
            return iso, raw
    return None


def published(p: _Page) -> Found:
    if found := _site(p, "published_at"):
        return found
    cands = declared(p)
    pubs = [c for c in cands if c.published]
    if pubs:
        best = _majority(pubs)
        # generic meta dates ("date", "dc.date", "dcterms.date") are as often the day a page
        # was generated or last edited: a date the page shows (at the headline, else its
        # first <time> stamp) wins over them
        weak = all(c.layer == "meta" for c in pubs)
        # a strong declared date with every declared date (as moved and as declared) on its
        # day: no dateline could change the answer (the branches below only switch to another
        # declared day, or to a shown date over weak ones), so the walk near the h1 is skipped
        # (~0.25 ms a page; the usual article declares one date in JSON-LD or OpenGraph)
        shown = None if not weak and all(
            c.day == best.day and c.declared_iso[:10] == best.day for c in cands) \
            else shown_date(p.doc, p.now, p.lang)
        if shown and shown[0][:10] != best.day:
            # the day shown at the headline names one of the other declared dates: that one
            # (as declared when the page shows the UTC day of a UTC stamp)
            day = shown[0][:10]
            match = next((c for c in cands if c.day == day), None) or next(
                (Candidate(c.declared_iso, c.raw, c.layer, c.published, c.declared_iso)
                 for c in cands if c.declared_iso[:10] == day and not _local_midnight(c)),
                None)
            if match:
                best = match
            elif weak and not shown[2] and not is_relative(shown[1]):
                return shown[:2], "generic"
        elif shown and weak and "T" not in best.iso and "T" in shown[0] and not shown[2]:
            # a day-only meta date and the same day shown with its time: the shown stamp says
            # more ("dcterms:created 2015-01-28" beside "<time datetime=2015-01-28T15:41>")
            return shown[:2], "generic"
        elif not shown:
            # the first <time> stamp, else the first date-classed text in the article's
            # element ("<div itemtype=.../Article>...<span class=date>")
            if weak and (seen := _stamp(p) or _first_text(p, in_article=True)) and (
                    seen[0][:10] != best.day):
                return seen, "generic"
            # no date at the headline, but the page's first <time> or dated byline names the
            # day of a declared modification: the site shows that one as its date
            # (else the first date written in the text: "Updated June 13, 2019" on a recipe)
            mods = {c.day for c in cands if not c.published} - {c.day for c in pubs}
            if mods and (seen := _stamp(p) or _first_text(p) or first_date(
                    p.doc, p.now, p.lang)) and seen[0][:10] in mods:
                best = next(c for c in cands if c.day == seen[0][:10])
        fixed = dates.reconcile_with_url(best.iso, p.doc.url)
        if fixed != best.iso:
            return (fixed, best.raw), "url"
        return (best.iso, best.raw), best.layer
    return _generic(p, shown_date(p.doc, p.now, p.lang))


def _generic(p: _Page, shown: tuple[str, str, bool] | None) -> Found:
    """Shown and written dates when nothing is declared. A relative date ("vor 5 Stunden")
    is read against the fetch time, so any absolute date after it wins, unless the URL
    names the same day."""
    relative: Found = None
    for found, layer in _generic_dates(p, shown):
        if not is_relative(found[1]):
            return found, layer
        if found[0][:10] == dates.url_date(p.doc.url):
            return found, layer
        relative = relative or (found, layer)
    return relative


def _generic_dates(p: _Page, shown: tuple[str, str, bool] | None
                   ) -> Iterator[tuple[tuple[str, str], str]]:
    """((iso, as shown), layer) from the cheapest and surest source to the last resort."""
    if shown:
        yield shown[:2], "generic"
    # hAtom: <abbr class="published" title="2009-08-06T14:12:32+0200">6. August</abbr>
    for abbr in p.doc.tree.iter("abbr"):
        if "published" in (abbr.get("class") or "").split() and (raw := abbr.get("title")):
            if iso := dates.parse(raw, p.now, lang=p.lang, slow=False):
                yield (iso, raw), "generic"
            break
    for raw in time_stamps(p.doc):
        if iso := dates.parse(raw, p.now, lang=p.lang, slow=False):
            yield (iso, raw), "generic"
    for raw in date_texts(p.doc):
        if iso := dates.parse(raw, p.now, lang=p.lang, slow=False):
            yield (iso, raw), "generic"
    if found := script_date(p.doc, p.now):
        yield found, "generic"
    # the publisher's own date for the URL in its news sitemap or feed: surer than a date
    # merely written in the page, and more precise than the URL's day
    if (raw := p.doc.listed_published) and (iso := dates.parse(raw, p.now, lang=p.lang)):
        yield (iso, raw), "listing"
    if found := dates.url_date_found(p.doc.url):
        yield found, "url"
    if found := first_date(p.doc, p.now, p.lang):
        yield found, "generic"
    if found := article_date(p.doc, p.now, p.lang):
        yield found, "htmldate"


def modified(p: _Page) -> Found:
    if found := _site(p, "modified_at"):
        return found
    mods = [c for c in declared(p) if not c.published]
    return ((mods[0].declared_iso, mods[0].raw), mods[0].layer) if mods else None
