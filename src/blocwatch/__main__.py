"""``python -m blocwatch``: the same as the ``blocwatch`` command."""

from .cli import app

app(prog_name="blocwatch")
