"""Scrapy project: one spider per source, items as plain dicts of ``Programme`` fields, one store pipeline."""
