"""NRW programmes and calls: NRW.BANK products, MHKBD Förderangebote, Bezirksregierung Münster A–Z, EFRE/JTF NRW.

All pages are read by their *headings* (``headings``), never by position: the sites are CMS pages
whose templates drift, and for most of them no real page has been captured yet (the tests use
hand-written pages of the documented structure, tests/fixtures/reconstructed/; one real NRW.BANK
product page is in foerderradar/demo_data/nrwbank/).
"""
