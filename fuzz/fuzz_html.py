"""atheris harness: HTML pages, through ``read_inputs`` (``.html`` files) and the corpus
reader's path for fetched pages and WARC records (charset from the Content-Type header or
a meta tag, then trafilatura).

    python fuzz/fuzz_html.py -max_total_time=60 CORPUS_DIR fuzz/seeds/html
"""

from __future__ import annotations

from pathlib import Path

import atheris

with atheris.instrument_imports(include=["blocwatch"]):
    from blocwatch.store.sources import _html_article
    from blocwatch.text.read import read_inputs

from _harness import check_results, fuzz, write

CONTENT_TYPES = ("", "text/html", "text/html; charset=utf-8", "text/html; charset=latin-1",
                 "text/html; charset=no-such-charset")


def check(data: bytes, scratch: Path) -> None:
    path = write(scratch, "fuzz.html", data)
    assert check_results(read_inputs([str(path)])) == 1
    content_type = CONTENT_TYPES[len(data) % len(CONTENT_TYPES)]
    check_results([_html_article(data, content_type, "page", "fuzz.html", "2022-06-27")])


if __name__ == "__main__":
    fuzz(check)
