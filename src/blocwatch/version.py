"""blocwatch's version (one place; the package, the web app and the API report it)."""

__version__ = "0.1.0"
