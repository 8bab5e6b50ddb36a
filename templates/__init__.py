"""Jinja2 templates of the mails (``email/``) and the pages (``web/``).

A package, so that the templates ship inside the wheel and are found with Jinja's
``PackageLoader`` wherever the project is installed, not relative to a source checkout.
"""
