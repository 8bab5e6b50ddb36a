"""The application's settings as Scrapy settings, for `foerderradar crawl` and `scrapy crawl` alike.

`foerderradar crawl NAME` passes them to the runner explicitly. `scrapy crawl NAME`, run from the
repository root, reads `crawler/settings.py` only; the ``ApplicationDefaults`` add-on named there
fills in the same values from `core.settings` (environment `FOERDERRADAR_*`, `.env`), so both
commands store into the same database and archive with the same politeness.
"""

from __future__ import annotations

from typing import Any

from scrapy.settings import BaseSettings

from core.settings import Settings, get_settings


def application_settings(settings: Settings) -> dict[str, Any]:
    """Scrapy settings taken from the application settings (politeness, identity, timeouts, archive)."""
    return {
        "USER_AGENT": settings.crawl_user_agent,
        "DOWNLOAD_DELAY": settings.crawl_download_delay,
        "AUTOTHROTTLE_ENABLED": settings.crawl_autothrottle,
        "ROBOTSTXT_OBEY": settings.crawl_robots_obey,
        "DOWNLOAD_TIMEOUT": settings.crawl_timeout_seconds,
        "RETRY_TIMES": settings.crawl_retry_times,
        "LOG_LEVEL": settings.crawl_log_level,
        "FOERDERRADAR_ARCHIVE_DIR": str(settings.archive_dir),
        "FOERDERRADAR_ARCHIVE_WEEKS": settings.archive_weeks,
        "FOERDERRADAR_ARCHIVE_MAX_BYTES": settings.archive_max_mb * 1024 * 1024,
    }


class ApplicationDefaults:
    """A Scrapy add-on: without a database chosen by the application shell, take the application's."""

    def update_settings(self, settings: BaseSettings) -> None:
        if settings.get("FOERDERRADAR_DATABASE_URL"):
            return  # run by `foerderradar crawl`: the runner has set everything
        from store.db import init_database

        app = get_settings()
        init_database(app.database_url)  # as `foerderradar crawl` does before it crawls
        for name, value in {**application_settings(app), "FOERDERRADAR_DATABASE_URL": app.database_url}.items():
            settings.set(name, value, priority="project")
