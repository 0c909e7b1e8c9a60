"""Property tests: any input in, never an exception; offsets always inside the sentence."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blocwatch.errors import InputError
from blocwatch.records import Article, DocumentError
from blocwatch.text.clean import clean, join_wrapped_lines, split_dateline
from blocwatch.text.read import read_inputs

NEWSY = st.lists(st.sampled_from([
    "North Korea", "accused", "the United States", "of", "attacking", "Japan", ",", ".",
    '"', "said", "it", "would", "not", "meet", "NATO", "in", "Spain", "the ministry",
    "Russia's", "troops", "may", "strike", "Kyiv", "and", "\n", "JAKARTA -", "rejected",
    "the offer", "Yoon", "talks", "with", "sanctions", "on", "Iran", "\u201c", "\u00a0",
]), max_size=40).map(" ".join)
TEXT = st.one_of(st.text(max_size=300), NEWSY)
# CI machines are small and shared: slow generation is not a failure of the code.
SLOW_OK = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]


@settings(max_examples=150, deadline=None, suppress_health_check=SLOW_OK)
@given(st.binary(max_size=2000), st.sampled_from([".txt", ".jsonl", ".html"]))
def test_readers_never_raise(tmp_path_factory, data: bytes, suffix: str) -> None:
    path = Path(tmp_path_factory.mktemp("fuzz")) / f"input{suffix}"
    path.write_bytes(data)
    for item in read_inputs([str(path)]):
        assert isinstance(item, (Article, DocumentError))
        if isinstance(item, DocumentError):
            assert item.message and "\n" not in item.message


@settings(max_examples=100, deadline=None, suppress_health_check=SLOW_OK)
@given(st.lists(st.dictionaries(st.sampled_from(["id", "text", "date", "title", "x"]),
                                st.one_of(st.text(max_size=30), st.integers(), st.none(),
                                          st.lists(st.integers(), max_size=2))), max_size=5))
def test_jsonl_records_never_raise(tmp_path_factory, records: list) -> None:
    path = Path(tmp_path_factory.mktemp("fuzz")) / "input.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records))
    items = list(read_inputs([str(path)]))
    assert len(items) == max(1, len(records))  # one result per line; an empty file: one error


@settings(max_examples=300, deadline=None, suppress_health_check=SLOW_OK)
@given(TEXT)
def test_cleaning_never_raises(text: str) -> None:
    art = clean(Article(id="x", text=text or " ", title=text[:20] or None))
    assert all(p.text == p.text.strip() for p in art.paragraphs)
    join_wrapped_lines(text)
    split_dateline(text)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[*SLOW_OK, HealthCheck.function_scoped_fixture])
@given(TEXT)
def test_coder_never_raises_and_offsets_fit(coder, text: str) -> None:
    try:
        events = coder.code_text(text, date="2022-06-27")
    except InputError as err:  # a documented refusal (e.g. not English): one clear line
        assert "\n" not in str(err) and str(err)
        return
    for event in events:
        for part in (event.source, event.target, event.verb):
            if part is not None:
                assert 0 <= part.start <= part.end <= len(event.sentence)
                assert event.sentence[part.start:part.end] == part.text
