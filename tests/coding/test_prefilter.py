"""The relevance pre-filter (blocwatch.coding.prefilter): sentences that cannot hold an event are
not parsed, and the events are exactly those of the path that parses every sentence, on
the golden table and on the whole Guardian sample."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_golden_cases import load_cases

from blocwatch.coding.coder import Coder
from blocwatch.records import Article, DocumentError
from blocwatch.store.sources import read_sources

GOLDEN = load_cases()


def _events(coder: Coder, article: Article, every: bool) -> list:  # type: ignore[type-arg]
    return list(coder.code_article(article, every_sentence=every).events)


@pytest.mark.parametrize("case", GOLDEN, ids=[c["id"] for c in GOLDEN])
def test_golden_case_same_events(coder: Coder, case: dict) -> None:  # type: ignore[type-arg]
    article = Article(id=case["id"], text=case["sentence"], date=case.get("date"))
    assert _events(coder, article, every=False) == _events(coder, article, every=True)


def test_guardian_sample_same_events(coder: Coder, shared: Path) -> None:
    path = shared / "corpus" / "guardian-syria" / "Guardian_SDF_sample.csv.zip"
    articles = [a for a in read_sources([str(path)]) if not isinstance(a, DocumentError)]
    assert len(articles) >= 200
    kept = [p for a in articles for p in coder.selector.plan(coder._clean(a)) if p.parse]
    every = [(c.article.id, e) for c in coder.code_articles(articles, every_sentence=True)
             for e in c.events]
    filtered = [(c.article.id, e) for c in coder.code_articles(articles) for e in c.events]
    assert len(every) > 500
    assert filtered == every
    all_sentences = sum(len(coder.selector.plan(coder._clean(a))) for a in articles)
    assert len(kept) < all_sentences  # the filter did leave sentences out


# (sentence, can hold an event when read first in its article)
SENTENCES = [
    ("North Korea accused the United States of hostility.", True),
    ("Syria used sarin against civilians in Ghouta.", True),  # a standalone agent
    ("Russia condemned the strikes.", True),  # the sentence model gives it a class
    ("Protesters marched in Paris.", True),  # "march" may code without a target
    ("Iran rejected the offer.", True),  # "the offer" points back at an earlier event
    ("Shares rose 5 pct in heavy trading.", False),  # no actor at all
    ("It said its profits rose.", False),  # pronouns with nothing before them
    ("The ministry accused the embassy.", True),  # bare agents are actors (article country)
    ("Japanese officials said the talks went well.", True),  # one actor, the model: a class
    ("The weather was fine and the markets were calm.", False),
    ("France and Germany held talks in Berlin.", True),  # light verb with its noun
    ("France and Germany held a party.", True),  # the base layer's "hold" patterns
    ("The weather was fine, officials said.", False),  # no verb any dictionary codes
    ('The minister said: "We will never give in to them.', True),  # a quote running on
]


@pytest.mark.parametrize(("sentence", "expected"), SENTENCES)
def test_can_hold_event(coder: Coder, sentence: str, expected: bool) -> None:
    assert coder.selector.can_hold_event(sentence) is expected


def test_a_pronoun_counts_after_a_name(coder: Coder) -> None:
    article = Article(id="a", text="Brazil suspended its payments.\nIt also criticised them.")
    plans = coder.selector.plan(coder._clean(article))
    assert [p.candidate for p in plans] == [True, True]
    alone = Article(id="b", text="It also criticised them.")
    assert [p.candidate for p in coder.selector.plan(coder._clean(alone))] == [False]


# (paragraph, its sentences as the splitter cuts them)
SPLITS = [
    ("Russia attacked Ukraine. The UN condemned it.",
     ["Russia attacked Ukraine.", "The UN condemned it."]),
    ('He said: "No." Then he left!', ['He said: "No."', "Then he left!"]),
    ("The U.S. envoy met Mr. Kim in Jan. at the border.",
     ["The U.S. envoy met Mr. Kim in Jan. at the border."]),
    ("Why? Because... it was late", ["Why?", "Because... it was late"]),  # "..." is a word
    ("No final stop", ["No final stop"]),
]


@pytest.mark.parametrize(("paragraph", "sentences"), SPLITS)
def test_sentence_split(coder: Coder, paragraph: str, sentences: list[str]) -> None:
    plans = coder.selector.plan(coder._clean(Article(id="s", text=paragraph)))
    assert [p.span.text for p in plans] == sentences


def test_parse_doc_is_one_sentence(coder: Coder) -> None:
    article = Article(id="p", text="Russia attacked Ukraine. The UN condemned it.")
    plans = coder.selector.plan(coder._clean(article), every_sentence=True)
    docs = list(coder.nlp.pipe([p.parse_doc() for p in plans]))
    assert [d.text for d in docs] == ["Russia attacked Ukraine.", "The UN condemned it."]
    assert all(len(list(d.sents)) == 1 for d in docs)


def test_too_long_sentences_are_never_parsed(coder: Coder) -> None:
    words = " ".join(["Russia attacked Ukraine and"] * 60) + " Syria."
    plans = coder.selector.plan(coder._clean(Article(id="long", text=words)),
                                every_sentence=True)
    assert [(p.too_long, p.parse, p.candidate) for p in plans] == [(True, False, False)]
