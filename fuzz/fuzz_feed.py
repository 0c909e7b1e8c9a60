"""atheris harness: RSS/Atom feeds (feed bytes -> articles).  The network is never touched:
the fetcher serves one canned article page for links under ``http://news.invalid/`` and
refuses every other link with an InputError, as a failed fetch would.

    python fuzz/fuzz_feed.py -max_total_time=60 CORPUS_DIR fuzz/seeds/feed
"""

from __future__ import annotations

from pathlib import Path

import atheris

with atheris.instrument_imports(include=["blocwatch"]):
    from blocwatch.errors import InputError
    from blocwatch.store.sources import Fetcher, ReadOptions, _read_feed

from _harness import check_results, fuzz, our_errors_only

PAGE = (b"<html><head><title>Drills</title></head><body><article><h1>Drills</h1>"
        b"<p>North Korea condemned the joint military drills of South Korea and the United "
        b"States on Monday, calling them a rehearsal for invasion.</p>"
        b"<p>The allies said the exercises were defensive.</p></article></body></html>")


class OfflineFetcher(Fetcher):
    """Never opens a connection."""

    def get(self, url: str) -> tuple[bytes, str]:
        if url.startswith("http://news.invalid/"):
            return PAGE, "text/html; charset=utf-8"
        raise InputError(url, "could not fetch (the fuzz harness has no network)")


FETCHER = OfflineFetcher(sleep=lambda _: None)
OPTIONS = ReadOptions(default_date="2022-06-27")


def check(data: bytes, scratch: Path) -> None:
    with our_errors_only():
        check_results(_read_feed(data, "fuzz.rss", OPTIONS, FETCHER, None))


if __name__ == "__main__":
    fuzz(check)
