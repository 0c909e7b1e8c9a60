"""Quotations and their speakers (blocwatch.coding.quotes), through the coder: tables of
(article text, expected quotes).  Each expected quote is (kind, the quoted words it starts
with, speaker text, speaker code or None, what the speaker refers to or None)."""

from __future__ import annotations

from pathlib import Path

import pytest

from blocwatch import Article, Coder, Quote
from blocwatch.coding.quotes import TextMap, find_segments
from blocwatch.records import Paragraph
from blocwatch.text.clean import normalise


def _quotes(coder: Coder, text: str, title: str | None = None) -> list[Quote]:
    return list(coder.code_article(Article(id="t", text=text, title=title,
                                           date="2024-02-01")).quotes)


CASES = [
    # one quotation over several sentences, speaker after it
    ('"We will not back down. This is our land. We stay," the minister said.',
     [("direct", "We will not back down. This is our land. We stay,", "the minister", None,
       None)]),
    # running quote: no closing mark at the end of the paragraph, the next one reopens
    ('Smith spoke to the crowd on Monday evening in the capital city.\n\n'
     '"We will fight on the beaches and in the fields.\n\n'
     '"We will never surrender," Smith said.',
     [("direct", "We will fight on the beaches and in the fields. We will never surrender,",
       "Smith", None, None)]),
    # interrupted by its attribution: one quote, speaker inside
    ('"We will win this war," Smith said. "And we will win it soon."',
     [("direct", "We will win this war, And we will win it soon.", "Smith", None, None)]),
    ('"We will win this war," Smith said, "and we will win it soon."',
     [("direct", "We will win this war, and we will win it soon.", "Smith", None, None)]),
    # speaker before, with a colon
    ('Smith said: "We will win the war before the winter."',
     [("direct", "We will win the war before the winter.", "Smith", None, None)]),
    # speaker after, inverted
    ('"We will win the war before the winter," said Smith.',
     [("direct", "We will win the war before the winter,", "Smith", None, None)]),
    # speaker in the previous paragraph, which ends with a colon
    ('The defence minister told reporters in the capital on Monday:\n\n'
     '"We will win the war before the winter."',
     [("direct", "We will win the war before the winter.", "The defence minister", None,
       None)]),
    # a paragraph of quotation right after the attribution that ends the previous one
    # goes on with that quotation
    ('"We will win this war," Smith said.\n\n"There is no doubt about it at all."',
     [("direct", "We will win this war, There is no doubt about it at all.", "Smith", None,
       None)]),
    # a quote-only paragraph after a quotation keeps its speaker
    ('Smith said: "We will win this war."\n\n"There is no doubt about it at all."',
     [("direct", "We will win this war.", "Smith", None, None),
      ("direct", "There is no doubt about it at all.", "Smith", None, None)]),
    # a known actor keeps its code
    ("North Korea's foreign ministry said: \"The drills prove US hostility.\"",
     [("direct", "The drills prove US hostility.", "North Korea's foreign ministry",
       "PRKGOV", None)]),
    # a pronoun speaker resolved to the person named before
    ('Jane Goodwin spoke in Ohio on Monday. She attacked the press.\n\n'
     '"They are the enemy of the people," she said.',
     [("direct", "They are the enemy of the people,", "she", None, "Jane Goodwin")]),
    # "the newspaper" resolved to the publication
    ('The Washington Post published an editorial on Sunday about the budget.\n\n'
     '"The policy has failed completely," the newspaper said.',
     [("direct", "The policy has failed completely,", "the newspaper", None,
       "The Washington Post")]),
    # indirect quotes: "said that", "Y, X said", "according to X"
    ("Smith said that the war would end soon.",
     [("indirect", "that the war would end soon", "Smith", None, None)]),
    ("The war will end before the winter, Smith said.",
     [("indirect", "The war will end before the winter", "Smith", None, None)]),
    ("The talks failed on Tuesday, according to the Russian foreign ministry.",
     [("indirect", "The talks failed on Tuesday", "the Russian foreign ministry", "RUSGOV",
       None)]),
    # a partial quote is not a direct quotation (its clause is the indirect quote)
    ('Smith said the deal was "a total disaster" for workers.',
     [("indirect", 'the deal was "a total disaster" for workers', "Smith", None, None)]),
    # scare quotes and titles with nobody speaking: nothing
    ('The so-called "peace plan" was published on Monday.', []),
    ('Crowds waved "Make America Great Again" banners.', []),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_quotes(coder: Coder, text: str, expected: list[tuple[str, str, str, str | None,
                                                              str | None]]) -> None:
    got = [(q.kind, q.quote, q.speaker.text, q.speaker.code, q.speaker.refers_to)
           for q in _quotes(coder, text)]
    assert got == expected


@pytest.mark.parametrize("text", [
    '"We will win. We always do," he said.',  # a full stop inside: once, not twice
    '"We will win," he said. "We will win," he said again.',
    'He said: "We will win.\n\n"We will win again.\n\n"And again."',
])
def test_no_duplicates_and_offsets(coder: Coder, text: str) -> None:
    quotes = _quotes(coder, text)
    spans = [(q.start, q.end) for q in quotes]
    assert quotes and len(spans) == len(set(spans))
    for q in quotes:
        assert q.start is not None and q.end is not None
        assert text[q.start:q.end].startswith(q.quote.split()[0])
        assert text[q.start:q.end].endswith(q.quote.split()[-1])
    starts = [q.start for q in quotes]
    assert all(a < b for a, b in zip(starts, starts[1:], strict=False))  # no overlapping copies


@pytest.mark.parametrize("text", [
    # curly marks, a non-breaking space and an ellipsis the cleaner rewrites
    "Reporters waited outside all afternoon\u2026\n\n\u201cWe will win\u00a0the war,\u201d "
    "said Smith.",
    # a boilerplate line the cleaner drops before the quote
    "Share this article\n\n\u201cWe will win the war,\u201d said Smith.",
    # hard-wrapped wire copy
    "SEOUL, June 27 (Reuters) - North Korea's foreign\nministry said on Monday: "
    "\"The drills\nprove US hostility.\"\n",
])
def test_offsets_point_into_the_article_text(coder: Coder, text: str) -> None:
    (quote,) = [q for q in _quotes(coder, text) if q.kind == "direct"]
    assert quote.start is not None and quote.end is not None
    assert normalise(" ".join(text[quote.start:quote.end].split())) == quote.quote


def test_headline_quotes_have_no_offsets(coder: Coder) -> None:
    quotes = _quotes(coder, "Officials met in Seoul on Monday.",
                     title='"We will respond to any attack," says Kim')
    assert [(q.sentence_index, q.start, q.speaker.text) for q in quotes] == [(-1, None, "Kim")]


@pytest.mark.parametrize("text", [
    '"', '""', '" "', '"a', 'a"b"c"', '"""""', '" said he "', 'said "', '"\n\n"\n\n"',
    '"We will win" "', "\u201c\u201d\u201c", '"' * 50 + " said Smith.",
])
def test_bad_marks_never_fail(coder: Coder, text: str) -> None:
    for q in _quotes(coder, text):
        assert q.quote.strip() and q.speaker.text


def test_default_path_finds_what_every_sentence_finds(coder: Coder) -> None:
    """Ingest codes without ``every_sentence``: sentences that cannot hold an event but
    hold a quotation or a speech verb are parsed all the same."""
    text = ("Smith said that the weather would improve by the weekend.\n\n"
            '"It has been a long winter for the farmers," he added.')
    article = Article(id="t", text=text)
    default = coder.code_article(article).quotes
    every = coder.code_article(article, every_sentence=True).quotes
    assert default == every and len(default) == 2


@pytest.mark.parametrize(("paragraphs", "marks", "segments"), [
    # a stray closing mark is skipped; the next pair is a segment
    (['end." Then "a b" c'], None, [(0, 12, 15, False)]),
    # an unclosed mark runs on when the next paragraph opens with one
    (['"a b', '"c d"'], None, [(0, 1, 4, True), (1, 1, 4, False)]),
    (['"a b', 'c d'], None, [(0, 1, 4, False)]),
    # with the article's curly marks, a nested quotation does not close the outer one
    (['"a "b" c"'], {(0, 0): "open", (0, 3): "open", (0, 5): "close", (0, 8): "close"},
     [(0, 1, 8, False)]),
])
def test_find_segments(paragraphs: list[str], marks: dict[tuple[int, int], str] | None,
                       segments: list[tuple[int, int, int, bool]]) -> None:
    paras = [Paragraph(i, t) for i, t in enumerate(paragraphs)]
    direction = (lambda p, i: marks.get((p, i))) if marks is not None else None
    got = [(s.paragraph, s.start, s.end, s.runs_on) for s in find_segments(paras, direction)]
    assert got == segments


def test_text_map() -> None:
    text = "Title line\n\nSEOUL - \u201cA\u00a0b\u2026 c,\u201d  he said.\n"
    paragraphs = [Paragraph(0, "Title line"), Paragraph(1, '"A b... c," he said.')]
    where = TextMap(text, paragraphs)
    assert where.offset(1, 1) == text.index("A")
    assert where.offset(1, 9, end=True) == text.index(" c,") + 2
    assert where.offset(-1, 0) is None and where.offset(7, 0) is None


def test_seed_quotes_keep_their_speaker(coder: Coder, shared: Path) -> None:
    text = (shared / "seed" / "asian-style-nato.txt").read_text(encoding="utf-8")
    quotes = _quotes(coder, text)
    direct = [q for q in quotes if q.kind == "direct"]
    assert len(direct) == 3 and {q.speaker.code for q in direct} == {"PRKGOV"}
    for q in direct:
        assert q.start is not None and q.end is not None
        assert text[q.start:q.end].split()[:3] == q.quote.split()[:3]
