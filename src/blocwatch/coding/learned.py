"""Stage 4c — the learned sentence model: where the rules run out.

A small linear model (multinomial logistic regression, trained offline by
``scripts/train_sentence_model.py`` and shipped in ``knowledge/data/learned/``) reads a sentence's
words and gives two distributions: its event class (``none``, or Phoenix's five: 0
statements and appeals, 1 verbal cooperation, 2 material cooperation, 3 verbal conflict,
4 material conflict) and the CAMEO root of its main event.  It runs on the tokenizer's
words alone, so the pre-filter can ask it before anything is parsed.

The coder uses it twice (:class:`LearnedEvents`):

- **Filter**: when the model is sure of the sentence's class, the base layer's events of
  another class are dropped (blocwatch's own lexicon is never overruled).
- **Fallback**: a sentence the rules leave without an event, that the model is sure holds
  one (not ``none``, not class 0), gets one event: the subject actor of its main verb,
  the first actor that verb reaches as target (or none), and the root the model gives
  within that class (its generic code, "190").  Its ``rule`` is ``learned:CLASS``.

Features: lower-case words (digits folded to ``0``) and word pairs, binary, the vector
scaled to unit length.  :func:`features` is the one definition, used by training and
inference alike.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np

from blocwatch.errors import KnowledgeBaseError

CLASSES = ("none", "0", "1", "2", "3", "4")
ROOTS = tuple(f"{n:02d}" for n in range(1, 21))
PHOENIX_CLASS = {"01": 0, "02": 0, "03": 1, "04": 1, "05": 1, "06": 2, "07": 2, "08": 2,
                 "09": 3, "10": 3, "11": 3, "12": 3, "13": 3, "14": 4, "15": 4, "16": 3,
                 "17": 4, "18": 4, "19": 4, "20": 4}
MODEL_FILE = "sentence_model.npz"
_DIGITS = re.compile(r"\d")
_WORD = re.compile(r"[a-z0]")


def features(words: Sequence[str]) -> dict[str, float]:
    """Unit-length binary features of a sentence's words (tokenizer texts, any case)."""
    norm = []
    for word in words:
        low = word.lower()
        if not (low.isascii() and low.isalpha()):  # plain words need neither regex
            low = _DIGITS.sub("0", low)
            if not _WORD.search(low):
                continue
        norm.append(low)
    keys = set(norm) | {f"{a} {b}" for a, b in zip(norm, norm[1:], strict=False)}
    if not keys:
        return {}
    value = 1.0 / math.sqrt(len(keys))
    return dict.fromkeys(keys, value)


@dataclass(frozen=True)
class Prediction:
    """Class and root probabilities of one sentence."""

    classes: tuple[float, ...]  # aligned with CLASSES
    roots: tuple[float, ...]  # aligned with ROOTS

    @property
    def label(self) -> str:
        return CLASSES[max(range(len(self.classes)), key=self.classes.__getitem__)]

    @property
    def confidence(self) -> float:
        return max(self.classes)

    def eventful(self) -> float:
        """Probability that the sentence holds an event at all."""
        return 1.0 - self.classes[0]

    def root_in(self, phoenix_class: int) -> str:
        """The most probable root of a Phoenix class."""
        roots = [r for r in ROOTS if PHOENIX_CLASS[r] == phoenix_class]
        return max(roots, key=lambda r: self.roots[ROOTS.index(r)])


@dataclass(frozen=True)
class SentenceModel:
    """Vocabulary and weights of the two heads, read once (never changed)."""

    vocab: dict[str, int]
    class_weights: np.ndarray  # (features, classes)
    class_bias: np.ndarray
    root_weights: np.ndarray  # (features, roots)
    root_bias: np.ndarray
    version: str

    def predict(self, words: Sequence[str]) -> Prediction:
        feats = features(words)
        vocab = self.vocab
        rows = [vocab[k] for k in feats if k in vocab]
        value = next(iter(feats.values()), 0.0)  # every feature has the same value
        return Prediction(tuple(_softmax(_scores(self.class_bias, self.class_weights, rows,
                                                 value))),
                          tuple(_softmax(_scores(self.root_bias, self.root_weights, rows,
                                                 value))))


def _scores(bias: np.ndarray, weights: np.ndarray, rows: list[int], value: float
            ) -> np.ndarray:
    """``bias + value * weights[row]`` summed row by row in order (a running sum: the same
    float32 figures as adding them one at a time)."""
    if not rows:
        return bias.copy()
    return np.cumsum(np.vstack([bias[None, :], value * weights[rows]]), axis=0)[-1]


def _softmax(x: np.ndarray) -> list[float]:
    e = np.exp(x - x.max())
    return (e / e.sum()).tolist()  # type: ignore[no-any-return]


def save_model(model: SentenceModel, handle: io.BufferedIOBase) -> None:
    words = sorted(model.vocab, key=model.vocab.__getitem__)
    np.savez_compressed(handle, vocab=np.array(words), class_weights=model.class_weights,
                        class_bias=model.class_bias, root_weights=model.root_weights,
                        root_bias=model.root_bias, version=np.array(model.version),
                        classes=np.array(CLASSES), roots=np.array(ROOTS))


def read_model(handle: io.BufferedIOBase | str) -> SentenceModel:
    try:
        data = np.load(handle, allow_pickle=False)
        if tuple(data["classes"]) != CLASSES or tuple(data["roots"]) != ROOTS:
            raise ValueError("classes or roots differ from this version's")
        vocab = {str(w): i for i, w in enumerate(data["vocab"])}
        return SentenceModel(vocab, data["class_weights"].astype(np.float32),
                             data["class_bias"].astype(np.float32),
                             data["root_weights"].astype(np.float32),
                             data["root_bias"].astype(np.float32), str(data["version"]))
    except (OSError, ValueError, KeyError) as err:
        raise KnowledgeBaseError(MODEL_FILE, f"not a blocwatch sentence model ({err}): "
                                 "rebuild it with scripts/train_sentence_model.py, or turn "
                                 "it off with BLOCWATCH_LEARNED=0") from None


def load_sentence_model(path: str = "") -> SentenceModel:
    """The shipped model, or the one at ``path``."""
    if path:
        return read_model(path)
    try:
        ref = resources.files("blocwatch.knowledge.data").joinpath("learned").joinpath(MODEL_FILE)
        with ref.open("rb") as handle:
            return read_model(io.BytesIO(handle.read()))
    except OSError as err:
        raise KnowledgeBaseError(MODEL_FILE, f"cannot read the shipped sentence model "
                                 f"({err}): reinstall blocwatch") from None
