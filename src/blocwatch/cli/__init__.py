"""The command line: a thin layer over the library.  ``app`` is defined once, in
:mod:`blocwatch.cli.common`; each command group lives in its own module, which registers its
commands on ``app`` when imported here (none of them imports this package back).  The order
of the imports is the order of ``blocwatch --help``: ``code`` first."""

# isort: off
from blocwatch.cli import code  # noqa: F401 - registers ``code``
from blocwatch.cli import analysis, eval, kb, serve, store  # noqa: F401 - register the rest
from blocwatch.cli.common import app, make_coder
# isort: on

__all__ = ["app", "make_coder"]
