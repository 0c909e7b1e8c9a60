"""atheris harness: CSV record files (``blocwatch ingest corpus.csv``), with the default
columns and with ``--field text=body --field id=guid``.

    python fuzz/fuzz_csv.py -max_total_time=60 CORPUS_DIR fuzz/seeds/csv
"""

from __future__ import annotations

from pathlib import Path

import atheris

with atheris.instrument_imports(include=["blocwatch"]):
    from blocwatch.store.sources import FieldMap, ReadOptions, read_sources

from _harness import check_results, fuzz, our_errors_only, write

OPTIONS = (ReadOptions(), ReadOptions(fields=FieldMap.parse(["text=body", "id=guid"]),
                                      default_date="2022-06-27"))


def check(data: bytes, scratch: Path) -> None:
    path = write(scratch, "fuzz.csv", data)
    for options in OPTIONS:
        with our_errors_only():
            check_results(read_sources([str(path)], options))


if __name__ == "__main__":
    fuzz(check)
