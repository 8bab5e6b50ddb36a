"""EU Funding & Tenders Portal: dated EU calls from the SEDIA search API.

``wire`` builds the multipart request the API insists on, ``rows`` turns result rows into store
items (status from dates, cut-offs, budget), ``municipal`` selects the calls towns can use, ``german``
writes each call's German one-line description, ``programmes`` labels programme codes, ``spider``
walks the pages. The saved real responses the tests use: tests/fixtures/eu-funding-tenders/SOURCES.md.
"""
