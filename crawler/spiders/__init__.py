"""One module (or package) per source; each spider subclasses ``base.SourceSpider``."""
