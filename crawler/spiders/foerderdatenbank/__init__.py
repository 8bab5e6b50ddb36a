"""Förderdatenbank des Bundes: bulk export spider (primary), HTML spider (fallback), shared parsers."""
