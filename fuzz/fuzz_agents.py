"""atheris harness: PETRARCH agent dictionaries (``*.agents.txt``), strict and lenient.

    python fuzz/fuzz_agents.py -max_total_time=60 CORPUS_DIR fuzz/seeds/agents
"""

from __future__ import annotations

from pathlib import Path

import atheris

with atheris.instrument_imports(include=["blocwatch"]):
    from blocwatch.petrarch.dictionaries import AgentEntry, read_agents

from _harness import fuzz, our_errors_only, write


def check(data: bytes, scratch: Path) -> None:
    path = write(scratch, "fuzz.agents.txt", data)
    for strict in (True, False):
        with our_errors_only():
            for entry in read_agents(path, [], strict=strict):
                assert isinstance(entry, AgentEntry), entry
                assert entry.phrase and all(isinstance(w, str) and w for w in entry.phrase)
                assert isinstance(entry.code, str) and isinstance(entry.prefix, bool), entry
                assert all(0 <= i < len(entry.phrase) for i in entry.loose), entry


if __name__ == "__main__":
    fuzz(check)
