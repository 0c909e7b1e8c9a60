"""The learned sentence model: features, inference, the model file, the shipped model, and
what the coder does with it (filter and fallback), with a model whose answers are fixed."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

from blocwatch import Coder
from blocwatch.coding.learned import (
    CLASSES,
    ROOTS,
    Prediction,
    SentenceModel,
    features,
    load_sentence_model,
    read_model,
    save_model,
)
from blocwatch.errors import KnowledgeBaseError
from blocwatch.evaluation.crossval import FoldCoder, fold_of
from blocwatch.records import Article


@pytest.mark.parametrize(("words", "expected"), [
    (["Russia", "attacked", "Kyiv"], {"russia", "attacked", "kyiv", "russia attacked",
                                      "attacked kyiv"}),
    (["In", "2022", ",", "troops"], {"in", "0000", "troops", "in 0000", "0000 troops"}),
    ([",", ".", "--"], set()),
])
def test_features(words: list[str], expected: set[str]) -> None:
    got = features(words)
    assert set(got) == expected
    if got:  # unit length
        assert abs(sum(v * v for v in got.values()) - 1.0) < 1e-9


def fixed_model(label: str, root: str, *, word: str = "attacked",
                strength: float = 8.0) -> SentenceModel:
    """A model that gives ``label``/``root`` to sentences with ``word`` and ``none``
    otherwise."""
    classes = np.zeros((1, len(CLASSES)), dtype=np.float32)
    classes[0, CLASSES.index(label)] = strength
    roots = np.zeros((1, len(ROOTS)), dtype=np.float32)
    roots[0, ROOTS.index(root)] = strength
    class_bias = np.zeros(len(CLASSES), dtype=np.float32)
    class_bias[0] = 1.0  # "none" unless the word is there
    return SentenceModel({word: 0}, classes, class_bias, roots,
                         np.zeros(len(ROOTS), dtype=np.float32), "test")


def test_predict_and_round_trip() -> None:
    model = fixed_model("4", "19")
    hit = model.predict(["Rebels", "attacked", "the", "town"])
    assert hit.label == "4" and hit.root_in(4) == "19" and hit.confidence > 0.5
    assert model.predict(["Prices", "rose"]).label == "none"
    buffer = io.BytesIO()
    save_model(model, buffer)
    again = read_model(io.BytesIO(buffer.getvalue()))
    assert again.vocab == model.vocab and again.version == "test"
    assert again.predict(["attacked"]).classes == pytest.approx(model.predict(
        ["attacked"]).classes)


def test_bad_model_file(tmp_path: Path) -> None:
    bad = tmp_path / "model.npz"
    bad.write_bytes(b"not a model")
    with pytest.raises(KnowledgeBaseError, match="train_sentence_model.py"):
        read_model(str(bad))


@pytest.mark.parametrize(("sentence", "label"), [
    ("Russian troops shelled the city of Kharkiv, killing five civilians.", "4"),
    ("The two leaders agreed to hold talks on trade next month.", "1"),
    ("The company said quarterly profit rose 5 pct on higher sales.", "none"),
])
def test_shipped_model(coder: Coder, sentence: str, label: str) -> None:
    model = load_sentence_model()
    assert model.predict([t.text for t in coder.nlp.tokenizer(sentence)]).label == label


def _coder(coder: Coder, model: SentenceModel) -> Coder:
    return Coder(coder.settings, nlp=coder.nlp, lexicon=coder.lexicon, knowledge=coder.kb,
                 sentence_model=model)


@pytest.mark.parametrize(("sentence", "label", "root", "expected"), [
    # the rules code nothing here (no target): the model's class and root do
    ("The Nigerian army attacked in the night.", "4", "19", ("NGAMIL", "190", None)),
    ("Someone attacked in the night.", "4", "19", None),  # no actor as subject: nothing
    ("Rebels attacked in the night.", "4", "19", ("---REB", "190", None)),  # no country
    # a hypothetical act is not made an event from words alone
    ("The Nigerian army may have attacked in the night.", "4", "19", None),
    # class 0 (statements) and none make no fallback
    ("The Nigerian army attacked in the night.", "0", "01", None),
])
def test_fallback(coder: Coder, sentence: str, label: str, root: str,
                  expected: tuple | None) -> None:  # type: ignore[type-arg]
    events = _coder(coder, fixed_model(label, root)).code_text(sentence, date="2024-01-01")
    got = [(e.source.code, e.cameo, e.target.code if e.target else None) for e in events]
    assert got == ([expected] if expected else [])
    assert all(e.rule == f"learned:{label}:{root}" for e in events)


@pytest.mark.parametrize(("sentence", "word", "label", "root", "expected"), [
    # a subject that undergoes the act is no source: victims, refugees
    ("About 530 Syrian civilians have died since the barrage began.", "died", "4", "19",
     None),
    ("Some 2,000 Syrian civilians fled Baghuz on Tuesday.", "fled", "4", "19", None),
    ("Thousands of Kurds fled to the mountains.", "fled", "2", "07", None),
    # the same model on a verb of doing codes
    ("Syrian soldiers stormed the town on Tuesday.", "stormed", "4", "19",
     ("SYRMIL", "190", None)),
    # a relative or adverbial clause is background, not the sentence's event
    ("The blast hit a restaurant where US troops had regularly gathered.", "gathered",
     "4", "19", None),
    ("Civilians were stranded after Turkish troops advanced.", "advanced", "4", "19", None),
])
def test_fallback_subject_must_act(coder: Coder, sentence: str, word: str, label: str,
                                   root: str, expected: tuple | None) -> None:  # type: ignore[type-arg]
    model = fixed_model(label, root, word=word, strength=20.0)
    events = _coder(coder, model).code_text(sentence, date="2024-01-01")
    got = [(e.source.code, e.cameo, e.target.code if e.target else None) for e in events]
    assert got == ([expected] if expected else [])


@pytest.mark.parametrize(("strength", "root", "expected"), [
    (20.0, "19", ("IRQINS", "190")),  # the model sure: its root on a pattern-only verb
    (8.0, "19", None),  # unsure (about 0.5): no targetless event on a pattern-only verb
    (8.0, "14", ("IRQINS", "140")),  # ... unless the root is one-actor (protest)
])
def test_fallback_targetless_needs_a_sure_model(coder: Coder, strength: float, root: str,
                                                expected: tuple | None) -> None:  # type: ignore[type-arg]
    from blocwatch.coding.fallback import FALLBACK_CONFIDENCE, TARGETLESS_CONFIDENCE

    sentence = "Isis fighters staged a last stand in the fields."  # "stage": patterns only
    model = fixed_model("4", root, word="staged", strength=strength)
    confidence = model.predict([t.text for t in coder.nlp.tokenizer(sentence)]).confidence
    assert FALLBACK_CONFIDENCE <= confidence  # the fallback runs in every row
    assert (confidence >= TARGETLESS_CONFIDENCE) == (strength > 10)
    events = _coder(coder, model).code_text(sentence, date="2024-01-01")
    got = [(e.source.code, e.cameo) for e in events]
    assert got == ([expected] if expected else [])


def test_filter_keeps_the_lexicon(coder: Coder) -> None:
    """A sure class drops base-layer events of another class, never the lexicon's."""
    sentence = "Russia attacked Ukraine."
    model = fixed_model("1", "04")
    events = _coder(coder, model).code_text(sentence, date="2024-01-01")
    assert [(e.source.code, e.cameo, e.rule) for e in events] == [
        ("RUS", "190", "attack")]


def _prediction(**probs: float) -> Prediction:
    classes = [probs.get(f"c{c}" if c != "none" else "none", 0.0) for c in CLASSES]
    return Prediction(tuple(classes), tuple(1 / len(ROOTS) for _ in ROOTS))


@pytest.mark.parametrize(("probs", "root", "main", "kept"), [
    ({"c4": 0.7, "c3": 0.25, "none": 0.05}, "11", True, True),  # a second class allowed
    ({"c4": 0.7, "c3": 0.2, "none": 0.1}, "11", True, True),  # at the bar
    ({"c4": 0.8, "c3": 0.1, "none": 0.1}, "11", True, False),  # below it: dropped
    ({"c4": 0.7, "c3": 0.25, "none": 0.05}, "11", False, False),  # not the main clause
    ({"c4": 0.8, "c3": 0.1, "none": 0.1}, "19", False, True),  # the sentence's own class
    ({"c4": 0.5, "c0": 0.3, "none": 0.2}, "01", True, True),  # statements are class 0
    ({"c4": 0.5, "c0": 0.1, "none": 0.4}, "01", True, False),
])
def test_filter_keeps_a_second_class(probs: dict[str, float], root: str, main: bool,
                                     kept: bool) -> None:
    """A sentence may hold a second event: the filter drops a base-layer event of another
    class unless it is the main clause's and the model gives its class SECOND_CLASS."""
    from blocwatch.coding.fallback import SECOND_CLASS, fits

    assert SECOND_CLASS == 0.2
    prediction = _prediction(**probs)
    assert fits(root, int(prediction.label), prediction, main) is kept


def test_switch_off(coder: Coder) -> None:
    from blocwatch.settings import Settings

    off = Coder(Settings.from_env(learned=False), nlp=coder.nlp, lexicon=coder.lexicon,
                knowledge=coder.kb)
    assert off.learned is None
    assert off.code_text("The Nigerian army attacked in the night.") == []


@pytest.mark.parametrize("text", ["Russia attacked Ukraine.", "  russia   ATTACKED ukraine. "])
def test_fold_of_is_stable(text: str) -> None:
    assert fold_of(text, 5) == fold_of("Russia attacked Ukraine.", 5)


def test_fold_coder_routes_by_text(coder: Coder) -> None:
    text = "The Nigerian army attacked in the night."
    k = fold_of(text, 3)
    models = [fixed_model("4", "19") if i == k else fixed_model("none", "01")
              for i in range(3)]
    folds = FoldCoder(coder, models)
    [coded] = list(folds.code_articles([Article(id="a", text=text, date="2024-01-01")]))
    assert [e.rule for e in coded.events] == ["learned:4:19"]


@pytest.mark.parametrize(("sentence", "verb", "expected"), [
    ("The army carried out air strikes, killing dozens of Islamic State fighters.", "carried",
     {"dozens", "fighters"}),
    ("The president lifted restrictions on Olmert.", "lifted", {"Olmert"}),
])
def test_fallback_targets_a_level_deeper(coder: Coder, sentence: str, verb: str,
                                         expected: set[str]) -> None:
    from blocwatch.coding import fallback

    doc = coder.nlp(sentence)
    tok = next(t for t in doc if t.text == verb)
    slots = [c for c in tok.children if c.dep_ == "dobj"]
    assert {t.text for t in fallback._deeper(slots, tok)} == expected
