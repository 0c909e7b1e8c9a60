"""Stage 2 — parse: load the spaCy pipeline once per process, with only the components
the coder needs (tagger, parser, attribute rules, lemmatizer; no NER), and parse paragraphs
in batches."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from blocwatch.errors import ModelError

if TYPE_CHECKING:
    from spacy.tokens import Doc

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

EXCLUDE = ("ner",)


def load_model(names: str, *, exclude: Iterable[str] = EXCLUDE,  # type: ignore[no-untyped-def]
               cached_rules: bool = True):
    """Load the first spaCy pipeline of ``names`` (comma-separated) that is installed.

    With ``cached_rules`` its attribute ruler and rule lemmatiser are applied through
    caches (:mod:`blocwatch.text.annotate`: the same annotations, a third of the parse
    faster on one-sentence Docs)."""
    import spacy

    from blocwatch.text import annotate

    tried = []
    for name in (n.strip() for n in names.split(",") if n.strip()):
        try:
            nlp = spacy.load(name, exclude=list(exclude))
        except OSError:
            tried.append(name)
            continue
        if cached_rules:
            annotate.install(nlp)
        log.info("loaded spaCy pipeline %s (%s)", name, ", ".join(nlp.pipe_names))
        return nlp
    raise ModelError(
        f"no spaCy English model found (tried {', '.join(tried)}): install it with "
        "'pip install -r requirements/model.txt' or set BLOCWATCH_MODEL")


def parse(nlp, texts: Iterable[str | Doc], batch_size: int) -> Iterator:  # type: ignore[no-untyped-def]
    """Parsed docs (of texts, or of unparsed Docs), in order."""
    yield from nlp.pipe(texts, batch_size=batch_size)
