"""The atheris harnesses of ``fuzz/`` (PETRARCH dictionaries, CSV/JSONL records, feeds, HTML),
each fuzzed for a bounded time from its seed corpus: no harness may find a crash, i.e. every
reader returns typed records or raises blocwatch's own errors.  The inputs that crashed a
reader once are a regression table, run through the same checks in this process.

The fuzzing runs once for the module (``fuzz/run.py``: blocwatch instrumented and imported
once, each harness in a forked child, two at a time); its figures (executions, coverage)
are printed in the test output.  ``BLOCWATCH_FUZZ_SECONDS`` sets the time per harness."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FUZZ = ROOT / "fuzz"
NAMES = ("actors", "agents", "verbs", "discards", "csv", "jsonl", "feed", "html")
SECONDS = int(os.environ.get("BLOCWATCH_FUZZ_SECONDS", "5"))

# Inputs on which a harness once found a crash (now each a clear error or a skipped line).
REGRESSIONS = [
    # str.isdigit() took "²" for a digit and int() failed on it (and Arabic-Indic digits,
    # which int() reads, passed as a date)
    ("actors", b"X [ABC 202\xc2\xb20101]\n"),
    ("actors", b"X [ABC < \xd9\xa3\xd9\xa3\xd9\xa3\xd9\xa3\xd9\xa3\xd9\xa3]\n"),
    # a line of only a [code] inside a verb block: a verb form without a verb
    ("verbs", b"--- BLOCK [010] ---\n [010]\n"),
    ("verbs", b"--- BLOCK [010] ---\n{BROKE BROKEN}\n"),
    # an RFC 2822 date with a 20-digit year: OverflowError in email.utils
    ("csv", b"text,date\nRussia met Ukraine.,Mon 27 Jun 99999999999999999999 10:00:00 +0000\n"),
    ("jsonl", b'{"text": "Russia met Ukraine.", "date": "Mon, 27 Jun 99999999999999999999 '
              b'10:00:00 +0000"}\n'),
    # an XML declaration whose encoding name is not UTF-8: feedparser's UnicodeDecodeError
    ("feed", b'<?xml version="1.0" encoding="\xf5"?><rss></rss>'),
]


def harness(name: str):  # type: ignore[no-untyped-def]
    if str(FUZZ) not in sys.path:
        sys.path.insert(0, str(FUZZ))
    return importlib.import_module(f"fuzz_{name}")


@pytest.fixture(scope="module")
def fuzz_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:  # type: ignore[type-arg]
    work = tmp_path_factory.mktemp("atheris")
    report = work / "outcomes.json"
    done = subprocess.run(
        [sys.executable, str(FUZZ / "run.py"), "--seconds", str(SECONDS), "--jobs", "2",
         "--work", str(work), "--json", str(report)],
        capture_output=True, text=True, timeout=SECONDS * len(NAMES) + 240, cwd=ROOT)
    assert report.exists(), done.stdout + done.stderr
    return {o["name"]: o for o in json.loads(report.read_text())}


@pytest.mark.parametrize("name", NAMES)
def test_harness_finds_no_crash(fuzz_runs: dict[str, dict], name: str,  # type: ignore[type-arg]
                                capsys: pytest.CaptureFixture[str]) -> None:
    o = fuzz_runs[name]
    with capsys.disabled():
        print(f"\natheris {name}: {o['runs']} executions in {o['seconds']} s, "
              f"coverage {o['coverage']}, crashes {len(o['crashes'])}", end="")
    log = Path(o["log"]).read_text(errors="replace")
    crash = log[log.find("=== Uncaught"):][:3000] if "=== Uncaught" in log else log[-2000:]
    assert not o["crashes"] and o["exit_code"] == 0, (
        f"{name}: crash inputs {o['crashes']}: add them to REGRESSIONS and fix the "
        f"reader\n{crash}")
    # it really fuzzed (a busy machine runs the slow readers, trafilatura, a few per second)
    assert o["runs"] >= 10, f"{name}: only {o['runs']} executions\n{log[-2000:]}"


@pytest.mark.parametrize(("name", "data"), REGRESSIONS)
def test_crash_inputs_are_clear_errors_now(name: str, data: bytes, tmp_path: Path) -> None:
    harness(name).check(data, tmp_path)


@pytest.mark.parametrize("name", NAMES)
def test_every_seed_passes_its_harness(name: str, tmp_path: Path) -> None:
    seeds = sorted((FUZZ / "seeds" / name).iterdir())
    assert seeds, f"fuzz/seeds/{name} is empty"
    for seed in seeds:
        harness(name).check(seed.read_bytes(), tmp_path)


@pytest.mark.parametrize(("name", "data", "error"), [
    ("actors", b"X [ABC 202\xc2\xb20101]\n", "is not YYMMDD or YYYYMMDD"),
    ("verbs", b"--- BLOCK [010] ---\n [010]\n", "a verb line without a verb"),
])
def test_strict_reading_names_the_line_and_the_fix(name: str, data: bytes, error: str,
                                                   tmp_path: Path) -> None:
    from blocwatch.errors import KnowledgeBaseError
    from blocwatch.petrarch.dictionaries import load_dictionaries

    (tmp_path / "a.actors.txt").write_bytes(data if name == "actors" else b"X [ABC]\n")
    (tmp_path / "a.verbs.txt").write_bytes(data if name == "verbs" else b"--- A [010] ---\nA\n")
    with pytest.raises(KnowledgeBaseError, match=error) as caught:
        load_dictionaries(tmp_path, strict=True)
    assert str(caught.value).startswith(f"a.{name}.txt:") and "\n" not in str(caught.value)
    lenient = load_dictionaries(tmp_path)
    assert any(error in w for w in lenient.warnings)


def test_a_feed_in_an_undecodable_encoding_is_an_input_error() -> None:
    from blocwatch.errors import InputError
    from blocwatch.store.sources import ReadOptions, _read_feed

    fetcher = harness("feed").FETCHER
    data = next(d for n, d in REGRESSIONS if n == "feed")
    with pytest.raises(InputError, match="not an RSS or Atom feed"):
        list(_read_feed(data, "x.rss", ReadOptions(), fetcher, None))
