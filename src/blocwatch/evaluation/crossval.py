"""Cross-validated scoring of the learned sentence model: each development sentence is
coded with a model trained without it (``scripts/train_sentence_model.py --folds K``),
so the figures say how the model does on sentences it has not seen."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence

from blocwatch.coding.coder import Coder
from blocwatch.coding.learned import SentenceModel
from blocwatch.records import Article, CodedArticle


def fold_of(text: str, folds: int) -> int:
    """The fold of a sentence: the same in every set that holds it (a hash of its
    lower-cased words)."""
    key = " ".join(text.lower().split()).encode("utf-8")
    return int(hashlib.sha1(key).hexdigest(), 16) % folds


class FoldCoder:
    """Codes each article with the coder whose fold model never saw its text (the coders
    share one spaCy pipeline, knowledge base and lexicon)."""

    def __init__(self, base: Coder, models: Sequence[SentenceModel]) -> None:
        self.coders = [Coder(base.settings, nlp=base.nlp, lexicon=base.lexicon,
                             knowledge=base.kb, sentence_model=m) for m in models]
        self.nlp = base.nlp

    def code_articles(self, articles: Iterable[Article], *,
                      every_sentence: bool = False) -> Iterator[CodedArticle]:
        for article in articles:
            coder = self.coders[fold_of(article.text, len(self.coders))]
            yield from coder.code_articles([article], every_sentence=every_sentence)
