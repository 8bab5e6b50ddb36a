"""Scrapy settings: polite defaults for every spider, in one place.

The application shell overrides User-Agent, delay and robots handling from its own settings;
tests override delay, AutoThrottle and retries to run fast against 127.0.0.1.
"""

BOT_NAME = "foerderradar"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = "FoerderradarRuhr/0.1 (+https://www.rvr.ruhr; foerderradar@rvr.ruhr)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 4
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 5.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 5.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
DOWNLOAD_TIMEOUT = 300
DOWNLOAD_MAXSIZE = 256 * 1024 * 1024
DOWNLOAD_WARNSIZE = 128 * 1024 * 1024
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
HTTPCACHE_ENABLED = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "WARNING"

# Health first: it must also see the items the store rejects.
ITEM_PIPELINES = {"crawler.health.HealthPipeline": 400, "crawler.pipelines.StorePipeline": 500}

# Downloader side of every built-in middleware: the archive sees each response as it came over the
# wire (still compressed, redirects and retried errors included).
DOWNLOADER_MIDDLEWARES = {"crawler.archive.ResponseArchiveMiddleware": 950}

# Set by the runner: where the pipeline stores items. Left empty (`scrapy crawl NAME` from the
# repository root), the add-on below takes it and the rest from the application settings.
FOERDERRADAR_DATABASE_URL = ""
ADDONS = {"crawler.app_settings.ApplicationDefaults": 0}
# Set by the application shell (core.settings archive_*): the response archive; empty = off.
FOERDERRADAR_ARCHIVE_DIR = ""
FOERDERRADAR_ARCHIVE_WEEKS = 8
FOERDERRADAR_ARCHIVE_MAX_BYTES = 2048 * 1024 * 1024
