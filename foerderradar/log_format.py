"""Log lines for operators in German: the level names of ``logging`` translated.

The messages of the project's own code are German already; Scrapy's stay as Scrapy writes them.
"""

from __future__ import annotations

import logging

GERMAN_LEVELS = {
    "DEBUG": "DEBUG",
    "INFO": "INFO",
    "WARNING": "WARNUNG",
    "ERROR": "FEHLER",
    "CRITICAL": "KRITISCH",
}


class GermanLevelFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        shown = logging.makeLogRecord(record.__dict__)
        shown.levelname = GERMAN_LEVELS.get(record.levelname, record.levelname)
        return super().format(shown)
