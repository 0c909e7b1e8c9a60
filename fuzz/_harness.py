"""What every harness shares: run a ``check(data, scratch)`` function under atheris, and
the checks of the records a reader returns.

A harness's ``check`` feeds the bytes to one reader and passes when the reader returns
typed records (checked here) or raises one of blocwatch's own errors
(:class:`~blocwatch.errors.BlocwatchError`) with a one-line message; anything else
escapes, and atheris reports it as a crash with the input that caused it."""

from __future__ import annotations

import re
import sys
import tempfile
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import atheris

from blocwatch.errors import BlocwatchError
from blocwatch.records import Article, DocumentError

Check = Callable[[bytes, Path], None]
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def fuzz(check: Check) -> None:
    """Run ``check`` under atheris with the command line's libFuzzer options
    (``-max_total_time=S``, ``-runs=N``, corpus folders...)."""
    with tempfile.TemporaryDirectory(prefix="blocwatch-fuzz-") as folder:
        scratch = Path(folder)
        atheris.Setup(sys.argv, lambda data: check(data, scratch))
        atheris.Fuzz()


@contextmanager
def our_errors_only():
    """Let blocwatch's own errors through (the reader refused the input, as it should),
    after checking that their message is one line; anything else propagates."""
    try:
        yield
    except BlocwatchError as err:
        one_line(str(err))


def one_line(message: str) -> None:
    if not message.strip() or "\n" in message or "\r" in message:
        raise AssertionError(f"an error message must be one non-empty line: {message!r}")


def check_results(items: Iterable[Any]) -> int:
    """Every item is an Article with usable fields or a DocumentError with a one-line
    message; returns how many there were."""
    n = 0
    for item in items:
        n += 1
        if isinstance(item, DocumentError):
            one_line(item.message)
            assert isinstance(item.origin, str) and item.origin, item
        elif isinstance(item, Article):
            check_article(item)
        else:
            raise AssertionError(f"a reader yielded {type(item).__name__}: {item!r}")
    return n


def check_article(article: Article) -> None:
    assert isinstance(article.id, str) and article.id, article
    assert isinstance(article.text, str) and article.text.strip(), article
    for name in ("title", "url", "source"):
        value = getattr(article, name)
        assert value is None or isinstance(value, str), (name, article)
    assert article.date is None or (isinstance(article.date, str)
                                    and _DATE.match(article.date)), article


def write(scratch: Path, name: str, data: bytes) -> Path:
    path = scratch / name
    path.write_bytes(data)
    return path
