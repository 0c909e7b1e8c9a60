"""``python -m blocwatch``: the same as the ``blocwatch`` command."""

from blocwatch.cli import app

app(prog_name="blocwatch")
