"""Federal dated calls: Kommunalrichtlinie / NKI Förderaufrufe, BMFTR Bekanntmachungen, yearly dates.

The Förderdatenbank lists Richtlinien; these sources add the *dates* — application windows,
Skizzen-Stichtage — and ``calendar`` turns yearly recurring dates (Städtebauförderung: "in der
Regel bis zum 30. September") into calendar entries. No real pages are saved yet: the test pages in
tests/fixtures/reconstructed/ are written by hand from the documented structure, so the parsers go
by headings, never positions.
"""
