"""Run the harnesses for a bounded time each and report executions and crashes.

    python fuzz/run.py [--seconds 6] [--jobs 2] [--work DIR] [--json FILE] [NAME...]

The harness modules (``fuzz_NAME.py``) are imported, and blocwatch instrumented, once in
this process; each harness then fuzzes in a forked child (``--jobs`` at a time) with its
own copy of its seed corpus (``seeds/NAME``; the copy grows, the seeds never change),
``-max_total_time``, and crash files under ``WORK/NAME/crashes``.  Exit code 0 when no
harness crashed, 1 otherwise.  One harness on its own: ``python fuzz/fuzz_NAME.py``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import shutil
import sys
import tempfile
import traceback
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
NAMES = ("actors", "agents", "verbs", "discards", "csv", "jsonl", "feed", "html")
_DONE = re.compile(r"^Done (\d+) runs in (\d+) second", re.M)
_STAT = re.compile(r"^#(\d+)\s+(?:DONE|pulse|NEW|REDUCE|INITED)\b.*?cov: (\d+)", re.M)


@dataclass(frozen=True)
class Outcome:
    name: str
    runs: int          # executions of the harness
    seconds: int
    coverage: int      # libFuzzer's "cov:" at the end (instrumented edges reached)
    exit_code: int
    crashes: tuple[str, ...]  # crash files atheris wrote
    log: str           # the log file (libFuzzer's stderr)

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.crashes and self.runs > 0


def _child(name: str, seconds: int, work: Path) -> None:
    """Fuzz one harness; never returns (libFuzzer exits)."""
    import atheris

    module = sys.modules[f"fuzz_{name}"]
    corpus, crashes = work / "corpus", work / "crashes"
    log = os.open(work / "log.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(log, 1)
    os.dup2(log, 2)
    scratch = work / "scratch"  # inside the run's folder: libFuzzer's exit cleans nothing
    scratch.mkdir(exist_ok=True)
    argv = [f"fuzz_{name}", f"-max_total_time={seconds}", "-timeout=20", "-rss_limit_mb=3072",
            "-print_final_stats=1", f"-artifact_prefix={crashes}/", str(corpus)]
    atheris.Setup(argv, lambda data: module.check(data, scratch))
    atheris.Fuzz()


def _start(name: str, seconds: int, root: Path) -> int:
    work = root / name
    shutil.rmtree(work, ignore_errors=True)
    (work / "crashes").mkdir(parents=True)
    shutil.copytree(HERE / "seeds" / name, work / "corpus")
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        try:
            _child(name, seconds, work)
        except SystemExit:
            raise  # atheris exits so on a crash; libFuzzer's exit handler saves the input
        except BaseException:
            traceback.print_exc()
        os._exit(70)  # atheris could not start
    return pid


def outcome(name: str, exit_code: int, root: Path) -> Outcome:
    work = root / name
    log = (work / "log.txt").read_text(errors="replace") if (work / "log.txt").exists() else ""
    done = _DONE.findall(log)
    stats = _STAT.findall(log)
    runs = int(done[-1][0]) if done else (int(stats[-1][0]) if stats else 0)
    crashes = tuple(sorted(str(p) for p in (work / "crashes").iterdir()))
    return Outcome(name, runs, int(done[-1][1]) if done else 0,
                   int(stats[-1][1]) if stats else 0, exit_code, crashes,
                   str(work / "log.txt"))


def run(names: list[str], seconds: int, jobs: int, root: Path) -> list[Outcome]:
    for name in names:  # instrument and import everything before forking
        importlib.import_module(f"fuzz_{name}")
    waiting, running, done = list(names), {}, {}
    while waiting or running:
        while waiting and len(running) < jobs:
            name = waiting.pop(0)
            running[_start(name, seconds, root)] = name
        pid, status = os.wait()
        name = running.pop(pid)
        done[name] = outcome(name, os.waitstatus_to_exitcode(status), root)
        print(summary(done[name]), flush=True)
    return [done[n] for n in names]


def summary(o: Outcome) -> str:
    state = "ok" if o.ok else (f"CRASH ({len(o.crashes)} crash file(s), exit {o.exit_code})")
    return f"atheris {o.name}: {o.runs} runs in {o.seconds} s, cov {o.coverage}, {state}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"of {', '.join(NAMES)}")
    parser.add_argument("--seconds", type=int, default=6)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--work", type=Path)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    unknown = sorted(set(args.names) - set(NAMES))
    if unknown:
        parser.error(f"no harness {', '.join(unknown)}: use {', '.join(NAMES)}")
    sys.path.insert(0, str(HERE))
    root = args.work or Path(tempfile.mkdtemp(prefix="blocwatch-fuzz-"))
    outcomes = run(list(args.names) or list(NAMES), args.seconds, args.jobs, root)
    if args.json:
        args.json.write_text(json.dumps([asdict(o) for o in outcomes], indent=1))
    for o in outcomes:
        if not o.ok:
            print(f"{o.name}: see {o.log}; crash inputs: {', '.join(o.crashes) or 'none'}")
    return 0 if all(o.ok for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
