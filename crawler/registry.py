"""The source registry: every crawlable source, its spider and the setting holding its base URL.

Add a source by adding one ``SourceEntry``. The CLI (``foerderradar crawl KEY``, ``crawl --all``,
``sources``) and the scheduler read this list; nothing else needs to know the spiders.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any

from core.labels import source_name


@dataclass(frozen=True)
class SourceEntry:
    key: str  # CrawlRun.source_key, also the CLI name
    spider: str  # "module:Class"
    url_setting: str  # name of the foerderradar Settings field with the base/endpoint URL
    url_argument: str = "base_url"  # spider argument that receives that URL
    aliases: tuple[str, ...] = ()
    # A second way into a source that another entry already covers (its runs are recorded under
    # that source's key): crawled only when named, never by `crawl --all`, not listed in health.
    fallback_for: str = ""

    @property
    def name(self) -> str:
        """The German display name (``core.labels.SOURCE_NAMES``)."""
        return source_name(self.key)

    def spider_cls(self) -> type[Any]:
        module, _, name = self.spider.partition(":")
        spider: type[Any] = getattr(import_module(module), name)
        return spider


SOURCES: list[SourceEntry] = [
    SourceEntry(
        "foerderdatenbank",
        "crawler.spiders.foerderdatenbank.export_spider:FdbExportSpider",
        "fdb_export_url",
        url_argument="export_url",
        aliases=("fdb",),
    ),
    SourceEntry(
        "foerderdatenbank_html",
        "crawler.spiders.foerderdatenbank.html_spider:FdbHtmlSpider",
        "fdb_base_url",
        fallback_for="foerderdatenbank",
    ),
    SourceEntry(
        "eu_sedia",
        "crawler.spiders.eu_sedia.spider:SediaSpider",
        "eu_search_url",
        url_argument="search_url",
        aliases=("eu",),
    ),
    SourceEntry("nrwbank", "crawler.spiders.nrw.nrwbank:NrwBankSpider", "nrwbank_base_url"),
    SourceEntry(
        "nrw_mhkbd",
        "crawler.spiders.nrw.mhkbd:MhkbdSpider",
        "nrw_base_url",
        aliases=("mhkbd",),
    ),
    SourceEntry("brms", "crawler.spiders.nrw.brms:BrmsSpider", "brms_base_url"),
    SourceEntry(
        "efre_nrw",
        "crawler.spiders.nrw.efre:EfreSpider",
        "efre_base_url",
        aliases=("efre",),
    ),
    SourceEntry(
        "nki_kommunalrichtlinie",
        "crawler.spiders.federal_calls.nki:NkiSpider",
        "federal_calls_base_url",
        aliases=("nki", "kommunalrichtlinie"),
    ),
    SourceEntry("bmftr", "crawler.spiders.federal_calls.bmftr:BmftrSpider", "bmftr_base_url"),
]


def primary_sources() -> list[SourceEntry]:
    """The sources a full crawl reads and source health reports on."""
    return [entry for entry in SOURCES if not entry.fallback_for]


def find_source(name: str) -> SourceEntry:
    for entry in SOURCES:
        if name == entry.key or name in entry.aliases:
            return entry
    known = ", ".join(entry.key for entry in SOURCES)
    raise KeyError(f"Unbekannte Quelle {name!r}. Bekannte Quellen: {known}")
