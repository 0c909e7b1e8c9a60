"""atheris harness: PETRARCH actor dictionaries (``*.actors.txt``), strict and lenient.

    python fuzz/fuzz_actors.py -max_total_time=60 CORPUS_DIR fuzz/seeds/actors
"""

from __future__ import annotations

from pathlib import Path

import atheris

with atheris.instrument_imports(include=["blocwatch"]):
    from blocwatch.petrarch.dictionaries import ActorEntry, DatedCode, read_actors

from _harness import fuzz, our_errors_only, write


def check(data: bytes, scratch: Path) -> None:
    path = write(scratch, "fuzz.actors.txt", data)
    for strict in (True, False):
        warnings: list[str] = []
        with our_errors_only():
            entries = read_actors(path, warnings, strict=strict)
            for entry in entries:
                assert isinstance(entry, ActorEntry), entry
                assert entry.phrases and all(p and all(isinstance(w, str) and w for w in p)
                                             for p in entry.phrases), entry
                assert all(isinstance(c, DatedCode) and c.code for c in entry.codes), entry
                for code in entry.codes:  # YYYYMMDD (a day after the date for "> date")
                    for day in (code.start, code.end):
                        assert day is None or isinstance(day, int) and 0 <= day < 10**8, code
                entry.codes_on(None)
                entry.codes_on(20220627)
            assert all(isinstance(w, str) for w in warnings)


if __name__ == "__main__":
    fuzz(check)
