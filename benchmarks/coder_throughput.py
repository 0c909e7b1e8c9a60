"""Coder throughput against raw spaCy on the same texts, in one run.

    .venv/bin/python benchmarks/coder_throughput.py [--reuters N] [--guardian N]

For each corpus: raw ``nlp.pipe`` over the cleaned paragraphs with the same model and
components (the reference), then blocwatch's ``Coder.code_articles`` end to end; words/s,
articles/s and the ratio; peak memory (RSS) of this process.  Writes a Markdown table to
docs/performance.md.  Corpora are read by path from the shared data folder.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import guardian, reuters  # noqa: E402

from blocwatch import Coder, Settings  # noqa: E402
from blocwatch.clean import clean  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def measure(coder: Coder, name: str, articles: list) -> dict:  # type: ignore[type-arg]
    paragraphs = [p.text for a in articles for p in clean(a).paragraphs]
    words = sum(len(p.split()) for p in paragraphs)
    start = time.perf_counter()
    for _ in coder.nlp.pipe(paragraphs, batch_size=coder.settings.batch_size):
        pass
    raw = time.perf_counter() - start
    start = time.perf_counter()
    events = sum(len(c.events) for c in coder.code_articles(articles))
    ours = time.perf_counter() - start
    return {"corpus": name, "articles": len(articles), "words": words, "events": events,
            "raw_wps": words / raw, "ours_wps": words / ours, "ratio": raw / ours}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reuters", type=int, default=1000)
    parser.add_argument("--guardian", type=int, default=249)
    args = parser.parse_args()
    coder = Coder(Settings.from_env())
    rows = [measure(coder, "guardian-syria", list(guardian(args.guardian))),
            measure(coder, "reuters-21578", list(reuters(args.reuters)))]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = ["# Performance", "",
             "Produced by `benchmarks/coder_throughput.py` (one process, one core); raw spaCy "
             "is `nlp.pipe` with the same model and components over the same cleaned "
             "paragraphs.", "",
             "| corpus | articles | words | events | raw spaCy words/s | blocwatch words/s | "
             "blocwatch / raw |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['corpus']} | {r['articles']} | {r['words']:,} | {r['events']:,} | "
                     f"{r['raw_wps']:,.0f} | {r['ours_wps']:,.0f} | {r['ratio']:.2f} |")
    lines += ["", f"Peak memory of the process: {peak:,.0f} MB."]
    (ROOT / "docs" / "performance.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
