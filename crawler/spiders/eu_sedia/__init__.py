"""EU Funding & Tenders Portal: dated EU calls from the SEDIA search API.

``wire`` builds the multipart request the API insists on, ``rows`` turns result rows into store
items (status from dates, cut-offs, budget, municipal signals), ``programmes`` labels programme
codes, ``spider`` walks the pages. See ../shared/sources/eu-funding-tenders/NOTES.md.
"""
