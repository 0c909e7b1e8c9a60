"""atheris harness: JSONL record files, through both readers: ``blocwatch code`` /
``read_inputs`` (:mod:`blocwatch.text.read`) and ``blocwatch ingest``
(:mod:`blocwatch.store.sources`, also with ``--field`` mappings).

    python fuzz/fuzz_jsonl.py -max_total_time=60 CORPUS_DIR fuzz/seeds/jsonl
"""

from __future__ import annotations

from pathlib import Path

import atheris

with atheris.instrument_imports(include=["blocwatch"]):
    from blocwatch.store.sources import FieldMap, ReadOptions, read_sources
    from blocwatch.text.read import read_inputs

from _harness import check_results, fuzz, our_errors_only, write

OPTIONS = (ReadOptions(), ReadOptions(fields=FieldMap.parse(["text=body", "date=published"])))


def check(data: bytes, scratch: Path) -> None:
    path = write(scratch, "fuzz.jsonl", data)
    # read_inputs turns every problem into a DocumentError: nothing may escape it
    assert check_results(read_inputs([str(path)], default_date="2022-06-27")) >= 1
    for options in OPTIONS:
        with our_errors_only():
            check_results(read_sources([str(path)], options))


if __name__ == "__main__":
    fuzz(check)
