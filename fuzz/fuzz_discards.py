"""atheris harness: PETRARCH discard lists (``*.discards.txt``), strict and lenient.

    python fuzz/fuzz_discards.py -max_total_time=60 CORPUS_DIR fuzz/seeds/discards
"""

from __future__ import annotations

from pathlib import Path

import atheris

with atheris.instrument_imports(include=["blocwatch"]):
    from blocwatch.petrarch.dictionaries import Discard, read_discards

from _harness import fuzz, our_errors_only, write


def check(data: bytes, scratch: Path) -> None:
    path = write(scratch, "fuzz.discards.txt", data)
    for strict in (True, False):
        with our_errors_only():
            for entry in read_discards(path, [], strict=strict):
                assert isinstance(entry, Discard), entry
                assert entry.phrase and all(isinstance(w, str) and w for w in entry.phrase)
                assert isinstance(entry.story, bool), entry


if __name__ == "__main__":
    fuzz(check)
