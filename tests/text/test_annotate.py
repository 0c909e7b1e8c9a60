"""The cached attribute rules and lemmatiser (blocwatch.text.annotate) give the stock
pipeline's annotations token for token: on sentences that reach every kind of rule, and on
real news (the Guardian sample and Reuters-21578, read by path)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from spacy.attrs import DEP, HEAD, LEMMA, MORPH, POS, TAG

from blocwatch.coding.coder import Coder
from blocwatch.settings import Settings
from blocwatch.text import annotate
from blocwatch.text.clean import clean
from blocwatch.text.parse import load_model

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

ATTRS = [TAG, POS, MORPH, LEMMA, DEP, HEAD]


@pytest.fixture(scope="module")
def stock():  # type: ignore[no-untyped-def]
    return load_model(Settings.from_env().model, cached_rules=False)


def _rows(doc) -> list[tuple[str, str, str, str, str, str]]:  # type: ignore[no-untyped-def]
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_) for t in doc]


def test_coder_pipeline_has_the_cached_rules(coder: Coder) -> None:
    names = coder.nlp.pipe_names
    assert annotate.FACTORY in names
    assert annotate.RULER not in names and annotate.LEMMATIZER not in names
    assert annotate.rule_lemmatizer(coder.nlp) is not None


def test_stock_pipeline_kept_on_request(stock) -> None:  # type: ignore[no-untyped-def]
    assert annotate.FACTORY not in stock.pipe_names
    assert annotate.RULER in stock.pipe_names and annotate.LEMMATIZER in stock.pipe_names


# each reaches rules of a different kind: tag only, tag and word, dependency, several
# tokens ("gon na", "got ta", "let 's", "ai n't", "there is"), spaces, pronoun lemmas
SENTENCES = [
    "North Korea accused the United States of building an Asian-style NATO.",
    "We're gonna need a bigger boat, and I gotta say it ain't easy.",
    "Let's see whether there is anything they could've done about it.",
    "There were  two   protests  in Paris  and Berlin yesterday .",
    "She told him that nobody had been arrested, but the police didn't confirm it.",
    "Those were the days; this is what y'all wanted, isn't it?",
    "I'd have gone if you'd asked me, but I can't and won't.",
    "The ministers met, talked and signed three agreements on Tuesday.",
    "Gets better: he got promoted and they are being praised for themselves.",
    "\n\nSomething happened.\tEveryone saw it.\n",
]


@pytest.mark.parametrize("text", SENTENCES)
def test_same_annotations_as_stock(coder: Coder, stock, text: str) -> None:  # type: ignore[no-untyped-def]
    assert _rows(coder.nlp(text)) == _rows(stock(text))


def test_cached_twice_same(coder: Coder) -> None:
    first = [_rows(d) for d in coder.nlp.pipe(SENTENCES)]
    assert [_rows(d) for d in coder.nlp.pipe(SENTENCES)] == first


@pytest.mark.parametrize("corpus,limit", [("guardian", 12), ("reuters", 150)])
def test_same_annotations_on_real_news(coder: Coder, stock, shared: Path,  # type: ignore[no-untyped-def]
                                       corpus: str, limit: int) -> None:
    import corpora

    articles = list(getattr(corpora, corpus)(limit))
    texts = [p.text for a in articles for p in clean(a).paragraphs]
    sentences = [s.text for doc in stock.pipe(texts) for s in doc.sents]
    assert len(sentences) > 300
    for ours, theirs in zip(coder.nlp.pipe(sentences), stock.pipe(sentences), strict=True):
        assert (ours.to_array(ATTRS) == theirs.to_array(ATTRS)).all(), _diff(ours, theirs)


def _diff(ours, theirs) -> list[tuple[object, object]]:  # type: ignore[no-untyped-def]
    return [(a, b) for a, b in zip(_rows(ours), _rows(theirs), strict=True) if a != b]


def test_unsupported_pattern_keeps_stock(stock) -> None:  # type: ignore[no-untyped-def]
    nlp = load_model(Settings.from_env().model, cached_rules=False)
    nlp.get_pipe(annotate.RULER).add([[{"LOWER": "a"}, {"OP": "+"}]], {"LEMMA": "x"})
    assert annotate.install(nlp) is False
    assert annotate.RULER in nlp.pipe_names and annotate.FACTORY not in nlp.pipe_names


def test_caches_stay_bounded() -> None:
    nlp = load_model(Settings.from_env().model, cached_rules=False)
    annotator = annotate.CachedAnnotator(nlp.get_pipe(annotate.RULER),
                                         nlp.get_pipe(annotate.LEMMATIZER), cache_size=5)
    with nlp.select_pipes(disable=[annotate.RULER, annotate.LEMMATIZER]):
        docs = [annotator(d) for d in nlp.pipe(SENTENCES)]
    assert len(docs) == len(SENTENCES)
    assert len(annotator._lemmas) <= 6
    assert len(annotator._lowers) <= 6 + max(len(d) for d in docs)
