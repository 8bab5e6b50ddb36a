"""The SEDIA request: a hand-built multipart body whose parts are JSON "files".

The API rejects (HTTP 500) or silently ignores anything else — a urlencoded form or a JSON body
returns the unfiltered index with status 200 — and Scrapy has no multipart request class, so the
body is built here byte by byte, exactly as the portal's front end sends it.
"""

from __future__ import annotations

import json
import uuid
from typing import Any
from urllib.parse import urlencode

PAGE_SIZE = 100  # the API never returns more per page, whatever pageSize says
TYPES = ("1", "2", "8")  # grant topics, external-action calls, cascade calls
STATUSES = ("31094501", "31094502")  # forthcoming, open
PROGRAMME_PERIOD = "2021 - 2027"  # with spaces, as the index spells it
DATASOURCE = "SEDIA"  # the live index; SEDIA_PRD_CENTRICITY is a stale archive copy
LANGUAGES = ("en",)

SEARCH_QUERY: dict[str, Any] = {
    "bool": {
        "must": [
            {"terms": {"type": list(TYPES)}},
            {"terms": {"status": list(STATUSES)}},
            {"terms": {"programmePeriod": [PROGRAMME_PERIOD]}},
            {"terms": {"DATASOURCE": [DATASOURCE]}},
        ]
    }
}
# Sorting by a unique field keeps the pageNumber walk deterministic between replicas.
SORT = {"field": "identifier", "order": "ASC"}


def multipart_json(parts: dict[str, Any], boundary: str | None = None) -> tuple[bytes, str]:
    """Body and Content-Type of a multipart request whose every part is an application/json file."""
    boundary = boundary or uuid.uuid4().hex
    chunks = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="blob"\r\n'
        f"Content-Type: application/json\r\n\r\n{json.dumps(value, separators=(',', ':'))}\r\n"
        for name, value in parts.items()
    ]
    chunks.append(f"--{boundary}--\r\n")
    return "".join(chunks).encode("utf-8"), f"multipart/form-data; boundary={boundary}"


def search_body() -> tuple[bytes, str]:
    return multipart_json({"query": SEARCH_QUERY, "languages": list(LANGUAGES), "sort": SORT})


def facet_body() -> tuple[bytes, str]:
    return multipart_json({"query": SEARCH_QUERY, "languages": list(LANGUAGES)})


def page_url(search_url: str, page: int) -> str:
    params = {"apiKey": "SEDIA", "text": "***", "pageSize": PAGE_SIZE, "pageNumber": page}
    return f"{search_url}?{urlencode(params)}"


def facet_url_for(search_url: str) -> str:
    """The facet endpoint sits beside the search endpoint (…/rest/search → …/rest/facet)."""
    base, _, _last = search_url.rstrip("/").rpartition("/")
    return f"{base}/facet?{urlencode({'apiKey': 'SEDIA', 'text': '***'})}"
