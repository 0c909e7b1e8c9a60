"""blocwatch's quotations against textacy's ``direct_quotations`` on the PolNeAR
development split, with the same scorer (``blocwatch.evaluation.evaluate.score_attribution``).

    .venv/bin/python benchmarks/quotes_textacy.py [--limit N]

textacy (a dev dependency) parses each whole article with the same spaCy model and
yields (speaker, cue, content) triples, one per pair of quotation marks; it gives up on
an article with an odd number of quotation marks (its ValueError), which then has no
quotes.  Its speaker text is the speaker's tokens (with conjuncts and compounds) joined
by spaces.  It finds direct quotes only, so its ``attributions`` figure counts them
against every gold attribution.  Prints both tables; ``tests/test_quotes_textacy.py``
runs the same comparison on the accuracy gate's documents.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from blocwatch import Coder
from blocwatch.evaluation.evaluate import Report, score_attribution
from blocwatch.evaluation.gold import read_attribution
from blocwatch.records import Article, CodedArticle, Quote, Speaker
from blocwatch.settings import Settings
from blocwatch.text.clean import clean
from blocwatch.text.parse import load_model

ROOT = Path(__file__).resolve().parents[1]
SPLIT = "gold-dev/polnear/train"


class TextacyQuotes:
    """An ``ArticleCoder`` whose quotes are textacy's direct quotations."""

    def __init__(self, nlp=None) -> None:  # type: ignore[no-untyped-def]
        self.nlp = nlp if nlp is not None else load_model(Settings().model, exclude=())

    def code_articles(self, articles: Iterable[Article], *,
                      every_sentence: bool = False) -> Iterator[CodedArticle]:
        from textacy.extract.triples import direct_quotations

        for art in articles:
            doc = self.nlp(art.text)
            try:
                triples = list(direct_quotations(doc))
            except ValueError:  # an odd number of quotation marks: textacy bails out
                triples = []
            quotes = []
            for t in triples:
                sent_index = next(i for i, s in enumerate(doc.sents)
                                  if s.start <= t.content.start < s.end)
                quotes.append(Quote(art.id, sent_index, t.content.text,
                                    Speaker(None, " ".join(tok.text for tok in t.speaker)),
                                    t.content.start_char, t.content.end_char, "direct",
                                    " ".join(tok.text for tok in t.cue)))
            yield CodedArticle(clean(art), (), tuple(quotes))


def compare(shared: Path, limit: int | None, coder: Coder | None = None
            ) -> tuple[Report, Report]:
    """(blocwatch's report, textacy's report) on the first ``limit`` documents."""
    docs = list(read_attribution(shared / SPLIT))[:limit]
    ours = coder or Coder()
    return score_attribution(docs, ours), score_attribution(docs, TextacyQuotes(ours.nlp))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=100,
                        help="documents (the accuracy gate scores the first 100)")
    args = parser.parse_args()
    shared = Path(os.environ.get("BLOCWATCH_SHARED", ROOT.parent / "shared"))
    start = time.perf_counter()
    ours, theirs = compare(shared, args.limit)
    for name, report in (("blocwatch", ours), ("textacy 0.13 direct_quotations", theirs)):
        print(f"## {name}\n")
        print(report.to_markdown().split("## Worst")[0])
    print(f"{time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
