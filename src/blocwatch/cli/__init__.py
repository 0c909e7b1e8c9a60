"""The command line: a thin layer over the library.  ``app`` is defined once, in
:mod:`blocwatch.cli.common`; each command group lives in its own module, which registers its
commands on ``app`` when imported here (none of them imports this package back)."""

from blocwatch.cli import analysis, code, eval, kb, serve, store  # noqa: F401 - registers commands
from blocwatch.cli.common import app, make_coder

__all__ = ["app", "make_coder"]
