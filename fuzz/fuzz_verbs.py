"""atheris harness: PETRARCH verb dictionaries (synsets, blocks, verb forms, patterns), read
into a folder with a one-line actors file by ``load_dictionaries`` (strict and lenient) and
compiled into the matcher's index, as ``blocwatch code --petrarch-dictionaries`` does.

    python fuzz/fuzz_verbs.py -max_total_time=60 CORPUS_DIR fuzz/seeds/verbs
"""

from __future__ import annotations

import re
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["blocwatch"]):
    from blocwatch.petrarch.dictionaries import (
        Pattern,
        PetrarchDictionaries,
        VerbBlock,
        load_dictionaries,
    )
    from blocwatch.petrarch.match import compile_index

from _harness import fuzz, our_errors_only, write

ACTORS = b"NORTH_KOREA [PRK]\nUNITED_STATES [USA]\n"


def tokens(text: str) -> list[str]:
    """A stand-in for spaCy's tokenizer: words and single punctuation marks."""
    return re.findall(r"\w+|[^\w\s]", text)


def check(data: bytes, scratch: Path) -> None:
    write(scratch, "fuzz.actors.txt", ACTORS)
    write(scratch, "fuzz.verbs.txt", data)
    for strict in (True, False):
        with our_errors_only():
            dicts = load_dictionaries(scratch, strict=strict)
            assert isinstance(dicts, PetrarchDictionaries)
            for block in dicts.blocks:
                assert isinstance(block, VerbBlock) and block.forms, block
                assert all(0 <= f.verb_index < len(f.words) and all(f.words)
                           for f in block.forms), block
                assert all(isinstance(p, Pattern) and p.code for p in block.patterns), block
            compile_index(dicts, tokens)


if __name__ == "__main__":
    fuzz(check)
