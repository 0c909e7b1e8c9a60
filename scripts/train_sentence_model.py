"""Train blocwatch's learned sentence model
(src/blocwatch/knowledge/data/learned/sentence_model.npz).

    .venv/bin/python scripts/train_sentence_model.py [--folds K --out DIR]

Training data, read by path from the shared data folder ($BLOCWATCH_SHARED, default
../shared; nothing of it is copied into the project, only the fitted weights):

- ConfliBERT's 1,349 sentences labelled with Phoenix classes 0-4 (gold-dev/conflibert);
  a sentence's root is the root of the rules' most salient event when that event's class
  is the gold class (otherwise it trains the class head only);
- the cameo-raters sentences (gold-dev/cameo-raters): the class and root of their most
  salient majority root, ``none`` when no root has a majority;
- text the rules label (silver): Reuters-21578 sentences where the rules find no event
  (``none``: 1987 business and economic wire copy), and Guardian sentences where
  blocwatch's own lexicon codes an event (its class and root).

``--folds K`` trains K models instead, each without one K-th of the development sentences
(by a hash of the sentence text, so a sentence falls in the same fold in every set), into
``--out``; scripts/accuracy_report.py scores each sentence with the model that never saw
it (cross-validated figures).  Needs scikit-learn (a dev dependency).
"""

from __future__ import annotations

import argparse
import os
import pickle
import random
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpora import guardian, reuters  # noqa: E402

from blocwatch import Coder  # noqa: E402
from blocwatch.coding.learned import (  # noqa: E402
    CLASSES,
    MODEL_FILE,
    PHOENIX_CLASS,
    ROOTS,
    SentenceModel,
    features,
    save_model,
)
from blocwatch.evaluation.crossval import fold_of  # noqa: E402
from blocwatch.evaluation.gold import read_quadclass, read_raters  # noqa: E402
from blocwatch.knowledge.lexicon import load_codes  # noqa: E402
from blocwatch.records import Article, Event  # noqa: E402
from blocwatch.settings import Settings  # noqa: E402
from blocwatch.text.clean import clean  # noqa: E402

OUT = ROOT / "src" / "blocwatch" / "knowledge" / "data" / "learned"
VERSION = "1"
SILVER_NEGATIVES = 2000  # Reuters sentences with no event
SILVER_POSITIVES = 1500  # Guardian sentences with an event of blocwatch's own lexicon
MIN_COUNT = 2  # sentences a feature must occur in
C = 4.0  # inverse L2 strength, chosen by 5-fold cross-validation (macro F1 of the classes)


@dataclass(frozen=True)
class Row:
    words: tuple[str, ...]
    label: str  # one of CLASSES
    root: str | None
    dev: bool  # a development sentence (folds split these); silver rows always train


def salient(events: Iterable[Event]) -> Event | None:
    events = list(events)
    if not events:
        return None
    top = max(abs(e.goldstein) for e in events)
    return next(e for e in events if abs(e.goldstein) == top)


def conflibert_rows(shared: Path, coder: Coder) -> Iterator[tuple[str, Row]]:
    cases = list(read_quadclass(shared / "gold-dev/conflibert/cameo_class_train.tsv"))
    articles = [Article(id=c.id, text=c.text) for c in cases]
    for case, coded in zip(cases, coder.code_articles(articles), strict=True):
        best = salient(coded.events)
        root = best.root if best is not None and PHOENIX_CLASS[best.root] == case.label \
            else None
        yield case.text, Row(_words(coder, case.text), str(case.label), root, True)


def raters_rows(shared: Path, coder: Coder) -> Iterator[tuple[str, Row]]:
    codes = load_codes()
    for case in read_raters(shared / "gold-dev/cameo-raters"):
        roots = sorted(case.majority(), key=lambda r: -abs(codes[r].goldstein))
        root = roots[0] if roots else None
        label = str(PHOENIX_CLASS[root]) if root else "none"
        yield case.text, Row(_words(coder, case.text), label, root, True)


def silver_rows(coder: Coder, seed: int = 1) -> list[Row]:
    """Reuters sentences without events (none) and Guardian sentences with an event of
    the lexicon (not the base layer, not the model)."""
    rng = random.Random(seed)
    negatives = [Row(w, "none", None, False)
                 for w, events in _sentences(coder, reuters(limit=3000)) if not events]
    positives = []
    for words, events in _sentences(coder, guardian()):
        ours = [e for e in events if not e.rule.startswith(("base:", "learned:"))]
        best = salient(ours)
        if best is not None:
            positives.append(Row(words, str(PHOENIX_CLASS[best.root]), best.root, False))
    rng.shuffle(negatives)
    rng.shuffle(positives)
    return negatives[:SILVER_NEGATIVES] + positives[:SILVER_POSITIVES]


def _sentences(coder: Coder, articles: Iterable[Article]
               ) -> Iterator[tuple[tuple[str, ...], list[Event]]]:
    for coded in coder.code_articles(articles, every_sentence=True):
        plans = coder.selector.plan(clean(_as_article(coded.article)), every_sentence=True)
        body = [p for p in plans if p.paragraph != -1]
        for index, plan in enumerate(body):
            events = [e for e in coded.events if e.sentence_index == index]
            yield plan.words, events


def _as_article(art) -> Article:  # type: ignore[no-untyped-def]
    text = "\n\n".join(p.text for p in art.paragraphs if p.index != -1)
    return Article(id=art.id, text=text, date=art.date)


def _words(coder: Coder, text: str) -> tuple[str, ...]:
    return tuple(t.text for t in coder.nlp.tokenizer(text))


def fit(rows: list[Row]) -> SentenceModel:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    feats = [features(r.words) for r in rows]
    seen = Counter(k for f in feats for k in f)
    vec = DictVectorizer()  # a feature of a single sentence is noise: left out
    x = vec.fit_transform([{k: v for k, v in f.items() if seen[k] >= MIN_COUNT}
                           for f in feats])
    classes = LogisticRegression(C=C, max_iter=3000).fit(x, [r.label for r in rows])
    rooted = [i for i, r in enumerate(rows) if r.root]
    roots = LogisticRegression(C=C, max_iter=3000).fit(x[rooted], [rows[i].root
                                                                  for i in rooted])
    return SentenceModel(
        vocab={k: i for i, k in enumerate(vec.feature_names_)},
        class_weights=_aligned(classes, CLASSES, x.shape[1], "w"),
        class_bias=_aligned(classes, CLASSES, x.shape[1], "b"),
        root_weights=_aligned(roots, ROOTS, x.shape[1], "w"),
        root_bias=_aligned(roots, ROOTS, x.shape[1], "b"), version=VERSION)


def _aligned(model, labels: tuple[str, ...], n: int, part: str) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Weights (or biases) in the order of ``labels``; a label never seen gets -20."""
    index = {str(c): i for i, c in enumerate(model.classes_)}
    if part == "w":
        out = np.zeros((n, len(labels)), dtype=np.float32)
        for j, label in enumerate(labels):
            if label in index:
                out[:, j] = model.coef_[index[label]]
        return _pruned(out)
    bias = np.full(len(labels), -20.0, dtype=np.float32)
    for j, label in enumerate(labels):
        if label in index:
            bias[j] = model.intercept_[index[label]]
    return bias


def _pruned(weights: np.ndarray) -> np.ndarray:
    weights[np.abs(weights) < 1e-3] = 0.0
    return weights


def _training_rows(shared: Path, cache: Path | None
                   ) -> tuple[list[tuple[str, Row]], list[Row]]:
    if cache is not None and cache.exists():
        with cache.open("rb") as handle:
            return pickle.load(handle)  # type: ignore[no-any-return]
    coder = Coder(Settings.from_env(learned=False))
    rows = ([*conflibert_rows(shared, coder), *raters_rows(shared, coder)],
            silver_rows(coder))
    if cache is not None:
        with cache.open("wb") as handle:
            pickle.dump(rows, handle)
    return rows


def main() -> None:
    shared = Path(os.environ.get("BLOCWATCH_SHARED", ROOT.parent / "shared"))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folds", type=int, default=0)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--cache", type=Path, help="keep the training rows in this file "
                        "(pickle) and read them from it when it exists")
    args = parser.parse_args()
    dev, silver = _training_rows(shared, args.cache)
    print(f"{len(dev)} development rows, {len(silver)} silver rows")
    args.out.mkdir(parents=True, exist_ok=True)
    if not args.folds:
        model = fit([row for _, row in dev] + silver)
        with (args.out / MODEL_FILE).open("wb") as handle:
            save_model(model, handle)
        print(f"wrote {args.out / MODEL_FILE}: {len(model.vocab)} features")
        return
    for k in range(args.folds):
        rows = [row for text, row in dev if fold_of(text, args.folds) != k] + silver
        model = replace(fit(rows), version=f"{VERSION}-fold{k}of{args.folds}")
        with (args.out / f"fold{k}.npz").open("wb") as handle:
            save_model(model, handle)
        print(f"fold {k}: {len(rows)} rows")


if __name__ == "__main__":
    main()
