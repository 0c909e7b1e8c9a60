"""Gold readers and scoring, on small files written here and a fake coder whose answers
are fixed, so every number can be checked by hand."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from blocwatch.errors import InputError
from blocwatch.evaluation.evaluate import dice, evaluate, salient_label, strict_span
from blocwatch.evaluation.gold import read_dyads, read_quadclass
from blocwatch.records import (
    ActorRef,
    Article,
    CleanArticle,
    CodedArticle,
    Event,
    Plover,
    Quote,
    Speaker,
    VerbRef,
)


def _actor(code: str, start: int = 0, end: int = 1) -> ActorRef:
    return ActorRef(code, code[:3], code[3:] or None, None, code, start, end)


def _event(text: str, src: str, tgt: str | None, code: str, goldstein: float = -2.0,
           quad: int = 3, span: tuple[int, int] = (0, 1)) -> Event:
    return Event("x", 0, text, None, _actor(src, *span), _actor(tgt) if tgt else None, code,
                 code[:2], quad, goldstein, Plover(None, None), "asserted", None,
                 VerbRef("v", "v", 0, 1), "test")


class FakeCoder:
    """Answers each article text from a table."""

    def __init__(self, answers: dict[str, list[Event]],
                 quotes: dict[str, list[Quote]] | None = None) -> None:
        self.answers = answers
        self.quotes = quotes or {}

    def code_articles(self, articles: Iterable[Article], *,
                      every_sentence: bool = False) -> Iterator[CodedArticle]:
        for a in articles:
            clean = CleanArticle(a.id, (), a.date, None)
            yield CodedArticle(clean, tuple(self.answers.get(a.text, [])),
                               tuple(self.quotes.get(a.text, [])))


def test_blocwatch_format_scores(tmp_path: Path) -> None:
    gold = tmp_path / "g.jsonl"
    gold.write_text(
        '{"id": "a", "sentence": "A", "events": [{"source": "PRK", "target": "USA", '
        '"code": "112"}]}\n'
        '{"id": "b", "sentence": "B", "events": [{"source": "RUS", "target": "UKR", '
        '"root": "19"}]}\n'
        '{"id": "c", "sentence": "C", "events": []}\n')
    coder = FakeCoder({"A": [_event("A", "PRK", "USA", "111")],
                       "B": [_event("B", "RUSMIL", "UKR", "193")],
                       "C": [_event("C", "FRA", "DEU", "040")]})
    report = evaluate("blocwatch", gold, coder)
    exact, root = report.scores["events.exact"], report.scores["events.root"]
    assert (exact.tp, exact.predicted, exact.gold) == (0, 3, 2)
    assert (root.tp, root.predicted, root.gold) == (2, 3, 2)
    assert report.figures["found"] == 0.0 and report.figures["extra"] == 1.0
    assert report.confusion[("11", "11")] == 1 and report.confusion[("none", "04")] == 1
    assert [(e.id, e.errors) for e in report.worst] == [("a", 2), ("b", 2), ("c", 1)]


@pytest.mark.parametrize(("events", "label"), [
    ([], 0),
    ([_event("s", "USA", "RUS", "010", 0.0, 1)], 0),
    ([_event("s", "USA", "RUS", "020", 3.0, 1)], 0),
    ([_event("s", "USA", "RUS", "040", 1.0, 1), _event("s", "USA", "RUS", "190", -10.0, 4)], 4),
    ([_event("s", "USA", "RUS", "062", 7.4, 2), _event("s", "USA", "RUS", "111", -2.0, 3)], 2),
    ([_event("s", "USA", "RUS", "160", -4.0, 4)], 3),
])
def test_salient_label(events: list[Event], label: int) -> None:
    assert salient_label(events) == label


def test_quadclass_reader_and_bad_label(tmp_path: Path) -> None:
    path = tmp_path / "q.tsv"
    path.write_text("Russia attacked Ukraine.\t4\nA statement.\t0\n")
    assert [(c.text, c.label) for c in read_quadclass(path)] == [
        ("Russia attacked Ukraine.", 4), ("A statement.", 0)]
    path.write_text("No label here\n")
    with pytest.raises(InputError, match=":1: expected"):
        list(read_quadclass(path))


def test_dyads_reader_rebuilds_text_and_spans(tmp_path: Path) -> None:
    path = tmp_path / "d.conll"
    path.write_text("Russian B-S\ntroops I-S\nattacked O\nKyiv B-T\n. O\n\nA O\nb O\n")
    first, second = read_dyads(path)
    assert first.text == "Russian troops attacked Kyiv."
    assert [first.text[a:b] for a, b in first.sources] == ["Russian troops"]
    assert [first.text[a:b] for a, b in first.targets] == ["Kyiv"]
    assert second.sources == ()


def test_dyads_reader_reciprocal_spans_are_both_sides(tmp_path: Path) -> None:
    """ConfliBERT tags the actors of a joint act R (reciprocal): each is a source and a
    target ("Mexico and Britain signed a deal" codes MEX->GBR and GBR->MEX)."""
    path = tmp_path / "d.conll"
    path.write_text("Mexico B-R\nand O\nBritish B-R\nofficials I-R\nsigned O\na O\n"
                    "deal O\nwith O\nIran B-T\n. O\n")
    [case] = read_dyads(path)
    assert [case.text[a:b] for a, b in case.sources] == ["Mexico", "British officials"]
    assert [case.text[a:b] for a, b in case.targets] == ["Mexico", "British officials", "Iran"]


def test_dyads_scores_overlap(tmp_path: Path) -> None:
    path = tmp_path / "d.conll"
    path.write_text("Russian B-S\ntroops I-S\nattacked O\nKyiv B-T\n. O\n")
    text = "Russian troops attacked Kyiv."
    ev = _event(text, "RUSMIL", "UKR", "190", span=(8, 14))
    ev = Event(**{**ev.__dict__, "target": ActorRef("UKR", "UKR", None, None, "Kyiv", 24, 28)})
    report = evaluate("dyads", path, FakeCoder({text: [ev]}))
    assert report.scores["source.lenient"].tp == 1 and report.scores["source.strict"].tp == 0
    assert report.scores["target.strict"].tp == 1


def _target_at(ev: Event, text: str, words: str) -> Event:
    at = text.index(words)
    return Event(**{**ev.__dict__,
                    "target": ActorRef("UKR", "UKR", None, None, words, at, at + len(words))})


@pytest.mark.parametrize(("tags", "targets", "tp", "right", "precision"), [
    # two predicted spans inside one gold span: both right, one gold span found
    ("O O O B-T I-T I-T I-T O", ["Kyiv", "Lviv"], 1, 2, 1.0),
    # one predicted span over two gold spans: one prediction, right once (never P > 1)
    ("O O O B-T O B-T O O", ["Kyiv and Lviv"], 2, 1, 1.0),
    # a predicted span off every gold span
    ("O O O B-T O O O O", ["Kyiv", "Lviv"], 1, 1, 0.5),
])
def test_dyads_precision_counts_predicted_spans(tmp_path: Path, tags: str, targets: list[str],
                                                tp: int, right: int, precision: float) -> None:
    """Lenient precision is the share of predicted spans that overlap a gold span; recall
    the share of gold spans some predicted span overlaps."""
    words = "Russia shelled both Kyiv and Lviv overnight .".split()
    path = tmp_path / "d.conll"
    path.write_text("".join(f"{w} {t}\n" for w, t in zip(words, tags.split(), strict=True)))
    [case] = read_dyads(path)
    text = case.text
    events = [_target_at(_event(text, "RUS", "UKR", "190", span=(0, 6)), text, t)
              for t in targets]
    score = evaluate("dyads", path, FakeCoder({text: events})).scores["target.lenient"]
    assert (score.tp, score.tp_predicted, score.predicted) == (tp, right, len(targets))
    assert score.precision == pytest.approx(precision)
    assert score.recall == pytest.approx(tp / len(case.targets))


@pytest.mark.parametrize(("a", "b", "value"), [
    ("the war must end", "The war must end now", 8 / 9), ("", "x", 0.0), ("a b", "c d", 0.0)])
def test_dice(a: str, b: str, value: float) -> None:
    assert dice(a, b) == pytest.approx(value)


def test_attribution(tmp_path: Path) -> None:
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    text = "Smith said the war must end soon. Jones agreed."
    (tmp_path / "text" / "doc.txt").write_text(text)
    (tmp_path / "attributions" / "doc_ann1.ann").write_text(
        "T1\tSource 0 5\tSmith\nT2\tCue 6 10\tsaid\nT3\tContent 11 32\tthe war must end soon\n"
        "E1\tAttribution:T2 Source:T1 Cue:T2 Content:T3\n")
    quote = Quote("doc", 0, "the war must end soon", Speaker("USA", "Smith"))
    report = evaluate("attribution", tmp_path, FakeCoder({text: []}, {text: [quote]}))
    assert report.scores["attributions"].tp == 1
    assert report.scores["attributions.speakers"].tp == 1


def test_petrarch_reader(shared: Path) -> None:
    from blocwatch.evaluation.gold import read_petrarch

    cases = list(read_petrarch(shared / "petrarch/validate/PETR.UnitTest.records.xml"))
    assert len(cases) == 284
    assert sum(len(c.events) for c in cases) == 359  # 385 codings less 19 noevents, 7 errors
    assert cases[0].events[0].code == "064" and cases[0].date == "1995-01-01"


@pytest.mark.parametrize(("text", "span", "trimmed"), [
    ('He said: “We will win.” Then he left.', (9, 23), "We will win"),
    ('He said: “We will win.” Then he left.', (10, 22), "We will win"),
    ('“No,” she said.', (0, 5), "No"),
    ('“Wait —” he said.', (0, 8), "Wait"),
    ('"A," he said, "B!"', (1, 17), 'A," he said, "B'),
    ("  plain text  ", (0, 14), "plain text"),
    ('""', (0, 2), ""),
])
def test_strict_span(text: str, span: tuple[int, int], trimmed: str) -> None:
    start, end = strict_span(text, *span)
    assert text[start:end] == trimmed


def _attribution_dir(tmp_path: Path, text: str, ann: str) -> Path:
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "doc.txt").write_text(text)
    (tmp_path / "attributions" / "doc_ann1.ann").write_text(ann)
    return tmp_path


# gold: one direct quote over two sentences (interrupted by its attribution) and one
# indirect one
_TEXT = '“We will win,” Smith said. “Soon.”\nJones said that the war would end.'
_ANN = ("T1\tSource 15 20\tSmith\nT2\tCue 21 25\tsaid\nT3\tContent 0 34\t" + _TEXT[0:34] +
        "\nE1\tAttribution:T2 Source:T1 Cue:T2 Content:T3\n"
        "T4\tSource 35 40\tJones\nT5\tCue 41 45\tsaid\nT6\tContent 46 69\t" + _TEXT[46:69] +
        "\nE2\tAttribution:T5 Source:T4 Cue:T5 Content:T6\n")


@pytest.mark.parametrize(("quotes", "strict", "lenient", "attributions", "speakers"), [
    # one quote for the whole quotation, offsets given: a strict match, speaker right
    ([Quote("doc", 0, "We will win, Soon.", Speaker(None, "Smith"), 1, 33)],
     (1, 1, 1), (1, 1, 1), (1, 1, 2), (1, 1, 1)),
    # the same cut in two (a quote per sentence): no strict match; the larger piece
    # matches leniently
    ([Quote("doc", 0, "We will win,", Speaker(None, "Smith"), 1, 13),
      Quote("doc", 1, "Soon.", Speaker(None, "Smith"), 28, 33)],
     (0, 2, 1), (1, 2, 1), (1, 2, 2), (0, 0, 0)),
    # a duplicate: the second copy is a false positive
    ([Quote("doc", 0, "We will win, Soon.", Speaker(None, "he"), 1, 33),
      Quote("doc", 0, "We will win, Soon", Speaker(None, "he"), 1, 32)],
     (1, 2, 1), (1, 2, 1), (1, 2, 2), (0, 1, 1)),
    # the indirect quote, without offsets: counted in attributions only
    ([Quote("doc", 1, "that the war would end", Speaker(None, "Jones"), kind="indirect")],
     (0, 0, 1), (0, 0, 1), (1, 1, 2), (0, 0, 0)),
])
def test_attribution_direct_and_all(tmp_path: Path, quotes: list[Quote],
                                    strict: tuple[int, int, int],
                                    lenient: tuple[int, int, int],
                                    attributions: tuple[int, int, int],
                                    speakers: tuple[int, int, int]) -> None:
    folder = _attribution_dir(tmp_path, _TEXT, _ANN)
    report = evaluate("attribution", folder, FakeCoder({_TEXT: []}, {_TEXT: quotes}))
    got = {k: (s.tp, s.predicted, s.gold) for k, s in report.scores.items()}
    assert got["direct.strict"] == strict and got["direct.lenient"] == lenient
    assert got["attributions"] == attributions and got["direct.speakers"] == speakers


RATER_HEADER = ("sentences,anncomplete_1,Action1_CAMEO_1,Action2_CAMEO_1,anncomplete_2,"
                "Action1_CAMEO_2,anncomplete_3,Action1_CAMEO_3\n")


def _raters_file(path: Path, rows: list[str]) -> Path:
    path.write_text(RATER_HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_raters_reader_gathers_codings(tmp_path: Path) -> None:
    from blocwatch.evaluation.gold import read_raters

    folder = tmp_path / "raters"
    folder.mkdir()
    _raters_file(folder / "round_1.csv", [
        '"Police arrested two men.",True,4-17 Coerce,0-1 Make Public Statement,TRUE,'
        '4-17 Coerce,False,3-11 Disapprove',
        '"Nothing happened.",True,,,True,,,'])
    # the same sentence in another round: its codings add up (extra spaces ignored)
    _raters_file(folder / "round_2.csv", [
        '"Police  arrested two men.",True,4-18 Assault,,False,,True,'])
    cases = list(read_raters(folder))
    assert [c.text for c in cases] == ["Police arrested two men.", "Nothing happened."]
    police, nothing = cases
    assert police.codings == (frozenset({"17", "01"}), frozenset({"17"}),
                              frozenset({"18"}), frozenset())
    assert police.majority() == {"17"} and police.attested() == {"01", "17", "18"}
    assert nothing.codings == (frozenset(), frozenset()) and nothing.majority() == set()


def test_raters_reader_refuses_other_files(tmp_path: Path) -> None:
    from blocwatch.evaluation.gold import read_raters

    other = tmp_path / "x.csv"
    other.write_text("text,label\nA,1\n")
    with pytest.raises(InputError, match="sentences"):
        list(read_raters(other))
    with pytest.raises(InputError, match="no \\*.csv"):
        list(read_raters(tmp_path / "empty_dir_that_is_made") if (
            tmp_path / "empty_dir_that_is_made").mkdir() is None else [])


def test_raters_scores(tmp_path: Path) -> None:
    path = _raters_file(tmp_path / "r.csv", [
        '"A",True,4-17 Coerce,,True,4-17 Coerce,True,3-11 Disapprove',   # majority 17
        '"B",True,0-1 Make Public Statement,,True,,True,',                 # majority none
        '"C",True,4-19 Fight,,True,4-19 Fight,True,4-19 Fight'])           # majority 19
    coder = FakeCoder({"A": [_event("A", "CHN", "USA", "173"), _event("A", "CHN", None, "111")],
                       "B": [_event("B", "USA", None, "010")],
                       "C": []})
    report = evaluate("raters", path, coder)
    major, attested = report.scores["roots.majority"], report.scores["roots.attested"]
    # A: 17 found, 11 attested by one rater (not a majority); B: 01 aside; C: 19 missed
    assert (major.tp, major.predicted, major.gold) == (1, 2, 2)
    assert (attested.tp, attested.predicted, attested.gold) == (3, 3, 4)
    assert report.figures == {"sentences.coded": round(2 / 3, 4), "sentences.attested": 1.0}


def test_dyads_align_each_sentence(tmp_path: Path) -> None:
    """An event of the second sentence is placed by its own sentence; curly quotes the
    coder straightened do not lose it."""
    gold = tmp_path / "d.txt"
    gold.write_text("It O\nrained O\n. O\nRussia B-S\n’s I-S\narmy I-S\nhit O\n"
                    "Kyiv B-T\n. O\n")
    [case] = list(read_dyads(gold))
    second = case.text[case.text.index("Russia"):].replace("’", "'")
    army, kyiv = second.index("army") + 4, second.index("Kyiv")
    ev = Event("x", 1, second, None, _actor("RUSMIL", 0, army), _actor("UKR", kyiv, kyiv + 4),
               "190", "19", 4, -10.0, Plover(None, None), "asserted", None,
               VerbRef("hit", "hit", army + 1, army + 4), "t")
    report = evaluate("dyads", gold, FakeCoder({case.text: [ev]}))
    assert report.scores["source.strict"].tp == 1 and report.scores["target.strict"].tp == 1
