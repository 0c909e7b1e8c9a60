"""``blocwatch eval``: score a coder against annotated data and report precision, recall and
F1, a confusion table of CAMEO roots and the worst errors.

Matching rules (the same for every coder):
- events: a predicted event matches a gold event when source and target match (an actor
  key matches an organisation acronym, a full code, or - for three-letter keys - the
  country) and the CAMEO code is equal (``exact``), the root is equal (``root``) or the quad
  class is equal (``quad``); counted as multisets per sentence.
- ``found`` is the share of gold events matched exactly (recall); ``extra`` the share of
  predicted events that match no gold event (1 - precision), as PETRARCH's suite reports.
- quadclass: a sentence's predicted label is the Phoenix class of its most salient event
  (0 statements and appeals, roots 01-02; 1 verbal cooperation 03-05; 2 material
  cooperation 06-08; 3 verbal conflict 09-13 and 16; 4 material conflict 14-15, 17-20),
  0 when it has none; the salient event is the one with the largest absolute Goldstein
  weight (ties: the first).
- dyads: a predicted source (target) span matches a gold one when they overlap (lenient)
  or are equal (strict); a gold reciprocal span (ConfliBERT's R: an actor of a joint act)
  is both a source and a target.  Recall is the share of gold spans some predicted span
  matches, precision the share of predicted spans that match some gold span (the usual
  relaxed-match reading: two predicted spans inside one gold span are both right, and one
  predicted span over two gold spans counts once, so precision never exceeds 1).
- raters: a sentence's predicted roots are the roots of its events.  ``majority`` scores
  them against the roots that at least half of the sentence's codings give, roots 01-02
  (statements, appeals) aside on both sides; ``attested`` counts a predicted root right
  when some coding gives it; ``sentences.attested`` is the share of the sentences with an
  event whose events carry at least one attested root.
- attribution, reported three ways:
  - ``direct.strict``: direct quotes only.  A gold content is direct when its text (spaces
    stripped) begins with a double quotation mark (" “ ” „ « »); a predicted quote is
    direct when its ``kind`` is ``direct``.  Strict one-to-one matching: a predicted and a
    gold span match when their character spans in the article text are equal once each is
    trimmed (:func:`strict_span`): spaces and quotation marks off both ends, then
    repeatedly spaces, quotation marks and final punctuation (. , ; : ! ? … and dashes)
    off the end.  Each gold span matches at most one predicted span and the reverse.  A
    predicted quote without offsets is located by its text (the first occurrence after
    the previous quote's start).
  - ``direct.lenient``: the same direct quotes matched one-to-one when their word sets
    have a Dice overlap of at least 0.5 (greedy, gold in order).
  - ``attributions``: every gold content (direct and indirect) against every predicted
    quote, Dice >= 0.5 one-to-one as above.
  - ``direct.speakers``: of the strictly matched direct quotes, the share whose speaker
    text has a Dice overlap of at least 0.5 with the gold source text (precision = recall
    = F1 = that share); ``attributions.speakers`` the same over the lenient matches of all
    attributions.  A gold content without a source counts as a speaker missed.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from blocwatch.evaluation import gold as gold_module
from blocwatch.evaluation.gold import (
    AttributionDoc,
    ClassCase,
    EventCase,
    GoldAttribution,
    GoldEvent,
    RatedCase,
    SpanCase,
)
from blocwatch.records import ActorRef, Article, CodedArticle, Event, Quote
from blocwatch.text.clean import normalise

QUAD_OF_ROOT = {f"{n:02d}": (1 if n <= 5 else 2 if n <= 8 else 3 if n <= 13 else 4)
                for n in range(1, 21)}
# Phoenix's five classes (0 neutral: statements and appeals), the reading that fits the
# ConfliBERT sentence labels: their class 0 holds statements and appeals ("urged him to").
PHOENIX_CLASS_OF_ROOT = {"01": 0, "02": 0, "03": 1, "04": 1, "05": 1, "06": 2, "07": 2,
                         "08": 2, "09": 3, "10": 3, "11": 3, "12": 3, "13": 3, "14": 4,
                         "15": 4, "16": 3, "17": 4, "18": 4, "19": 4, "20": 4}
_WORD = re.compile(r"\w+")


class ArticleCoder(Protocol):
    def code_articles(self, articles: Iterable[Article], *,
                      every_sentence: bool = False) -> Iterator[CodedArticle]: ...


@dataclass(frozen=True)
class Score:
    """``tp`` gold items matched (recall's numerator); ``tp_predicted`` predicted items
    matched (precision's), when the matching is not one-to-one (overlapping spans: two
    predicted spans inside one gold span are both right; one predicted span over two gold
    spans is one prediction); ``None`` when the two counts are equal by construction."""
    tp: int
    predicted: int
    gold: int
    tp_predicted: int | None = None

    @property
    def precision(self) -> float:
        right = self.tp if self.tp_predicted is None else self.tp_predicted
        return right / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        out: dict[str, float | int] = {
            "precision": round(self.precision, 4), "recall": round(self.recall, 4),
            "f1": round(self.f1, 4), "tp": self.tp, "predicted": self.predicted,
            "gold": self.gold}
        if self.tp_predicted is not None:
            out["tp_predicted"] = self.tp_predicted
        return out


@dataclass(frozen=True)
class ErrorCase:
    id: str
    text: str
    expected: tuple[str, ...]
    got: tuple[str, ...]
    errors: int


@dataclass
class Report:
    format: str
    cases: int
    scores: dict[str, Score] = field(default_factory=dict)
    figures: dict[str, float] = field(default_factory=dict)
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    worst: list[ErrorCase] = field(default_factory=list)

    def metrics(self) -> dict[str, float]:
        """Flat ``name -> value`` figures: the quality gate compares these with floors."""
        out = dict(self.figures)
        for name, score in self.scores.items():
            out[f"{name}.precision"] = round(score.precision, 4)
            out[f"{name}.recall"] = round(score.recall, 4)
            out[f"{name}.f1"] = round(score.f1, 4)
        return out

    def to_json(self) -> dict[str, Any]:
        return {"format": self.format, "cases": self.cases,
                "scores": {k: v.as_dict() for k, v in self.scores.items()},
                "figures": self.figures,
                "confusion": [{"gold": g, "predicted": p, "count": n}
                              for (g, p), n in sorted(self.confusion.items())],
                "worst": [asdict(e) for e in self.worst]}

    def to_markdown(self) -> str:
        lines = [f"# blocwatch eval: {self.format} ({self.cases} cases)", "",
                 "| metric | precision | recall | F1 | tp | predicted | gold |",
                 "|---|---|---|---|---|---|---|"]
        for name, s in self.scores.items():
            # matched gold items; "/ n" when n predicted items matched (overlapping spans)
            tp = f"{s.tp}" if s.tp_predicted is None else f"{s.tp} / {s.tp_predicted}"
            lines.append(f"| {name} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | "
                         f"{tp} | {s.predicted} | {s.gold} |")
        if self.figures:
            lines += ["", "| figure | value |", "|---|---|"]
            lines += [f"| {k} | {v:.4f} |" for k, v in self.figures.items()]
        if self.confusion:
            what = "classes" if self.format == "quadclass" else "CAMEO roots"
            lines += ["", *confusion_markdown(self.confusion, what)]
        if self.worst:
            lines += ["", f"## Worst {len(self.worst)} errors", ""]
            for e in self.worst:
                lines += [f"- **{e.id}** ({e.errors} errors): {e.text}",
                          f"  - expected: {'; '.join(e.expected) or 'nothing'}",
                          f"  - got: {'; '.join(e.got) or 'nothing'}"]
        return "\n".join(lines) + "\n"


def confusion_markdown(confusion: Counter[tuple[str, str]], what: str) -> list[str]:
    labels = sorted({g for g, _ in confusion} | {p for _, p in confusion})
    lines = [f"## Confusion of {what} (rows gold, columns predicted)", "",
             "| gold \\ pred | " + " | ".join(labels) + " |",
             "|---|" + "---|" * len(labels)]
    for g in labels:
        lines.append(f"| {g} | " + " | ".join(str(confusion.get((g, p), "")) for p in labels)
                     + " |")
    return lines


# -- actors and events ------------------------------------------------------------------
def actor_matches(key: str | None, actor: ActorRef | None) -> bool:
    if key is None or key in ("", "---"):
        return actor is None
    if actor is None:
        return False
    return key in (actor.org, actor.code) or (len(key) == 3 and key == actor.country)


def _event_level_match(g: GoldEvent, e: Event, level: str) -> bool:
    if not (actor_matches(g.source, e.source) and actor_matches(g.target, e.target)):
        return False
    if level == "exact":
        return g.code is not None and g.code == e.cameo
    if level == "root":
        return (g.root or (g.code or "")[:2]) == e.root
    return QUAD_OF_ROOT.get(g.root or (g.code or "")[:2]) == e.quad_class


def _match_count(gold: Sequence[GoldEvent], pred: Sequence[Event], level: str) -> int:
    used: set[int] = set()
    for g in gold:
        for i, e in enumerate(pred):
            if i not in used and _event_level_match(g, e, level):
                used.add(i)
                break
    return len(used)


def _describe(e: Event) -> str:
    return f"{e.source.code} {e.cameo} {e.target.code if e.target else '-'} ({e.modality})"


def _describe_gold(g: GoldEvent) -> str:
    return f"{g.source} {g.code or g.root} {g.target or '-'}" + (
        f" ({g.modality})" if g.modality else "")


def _code_cases(coder: ArticleCoder, cases: Sequence[Any]) -> list[list[Event]]:
    articles = [Article(id=c.id, text=c.text, date=getattr(c, "date", None)) for c in cases]
    return [list(coded.events) for coded in coder.code_articles(articles)]


def score_events(fmt: str, cases: Sequence[EventCase], coder: ArticleCoder,
                 worst: int = 20) -> Report:
    report = Report(fmt, len(cases))
    counts: dict[str, list[int]] = {k: [0, 0, 0] for k in (
        "events.exact", "events.root", "events.quad", "source.country", "source.code",
        "target.country", "target.code")}
    modality = [0, 0]
    errors: list[ErrorCase] = []
    for case, events in zip(cases, _code_cases(coder, cases), strict=True):
        if not case.exhaustive:
            events = [e for e in events if any(_event_level_match(g, e, "root")
                                               for g in case.events)]
        for level in ("exact", "root", "quad"):
            c = counts[f"events.{level}"]
            c[0] += _match_count(case.events, events, level)
            c[1] += len(events)
            c[2] += len(case.events)
        _actor_counts(counts, case.events, events)
        for g in case.events:
            if g.modality:
                hit = next((e for e in events if _event_level_match(g, e, "root")), None)
                if hit is not None:
                    modality[0] += hit.modality == g.modality
                    modality[1] += 1
        _confusion(report.confusion, case.events, events)
        n_err = len(events) + len(case.events) - 2 * _match_count(case.events, events, "exact")
        if n_err:
            errors.append(ErrorCase(case.id, case.text, tuple(map(_describe_gold, case.events)),
                                    tuple(map(_describe, events)), n_err))
    report.scores = {k: Score(*v) for k, v in counts.items()}
    exact = report.scores["events.exact"]
    report.figures = {"found": round(exact.recall, 4),
                      "extra": round(1 - exact.precision, 4) if exact.predicted else 0.0}
    if modality[1]:
        report.figures["modality.accuracy"] = round(modality[0] / modality[1], 4)
    report.worst = sorted(errors, key=lambda e: -e.errors)[:worst]
    return report


def _actor_counts(counts: dict[str, list[int]], gold: Sequence[GoldEvent],
                  events: Sequence[Event]) -> None:
    for side in ("source", "target"):
        g_keys = [getattr(g, side) for g in gold if getattr(g, side)]
        p_refs = [getattr(e, side) for e in events if getattr(e, side) is not None]
        for level in ("country", "code"):
            c = counts[f"{side}.{level}"]
            pool = list(p_refs)
            for key in g_keys:
                for i, ref in enumerate(pool):
                    ok = (key[:3] == (ref.country or ref.org or ref.code)[:3]
                          if level == "country" else actor_matches(key, ref)
                          and (len(key) != 3 or key == ref.code or key == ref.org))
                    if ok:
                        c[0] += 1
                        pool.pop(i)
                        break
            c[1] += len(p_refs)
            c[2] += len(g_keys)


def _confusion(confusion: Counter[tuple[str, str]], gold: Sequence[GoldEvent],
               events: Sequence[Event]) -> None:
    used: set[int] = set()
    for g in gold:
        groot = g.root or (g.code or "")[:2]
        pair = next((i for i, e in enumerate(events) if i not in used
                     and actor_matches(g.source, e.source)
                     and actor_matches(g.target, e.target)), None)
        if pair is None:
            confusion[(groot, "none")] += 1
        else:
            used.add(pair)
            confusion[(groot, events[pair].root)] += 1
    for i, e in enumerate(events):
        if i not in used:
            confusion[("none", e.root)] += 1


# -- sentence classes -------------------------------------------------------------------
def salient_label(events: Sequence[Event]) -> int:
    """Phoenix class of the most salient event (largest |Goldstein|, first on ties);
    0 when there is none."""
    if not events:
        return 0
    top = max(abs(e.goldstein) for e in events)
    best = next(e for e in events if abs(e.goldstein) == top)
    return PHOENIX_CLASS_OF_ROOT[best.root]


def score_quadclass(cases: Sequence[ClassCase], coder: ArticleCoder, worst: int = 20) -> Report:
    report = Report("quadclass", len(cases))
    gold_n: Counter[int] = Counter()
    pred_n: Counter[int] = Counter()
    tp: Counter[int] = Counter()
    errors = []
    for case, events in zip(cases, _code_cases(coder, cases), strict=True):
        label = salient_label(events)
        gold_n[case.label] += 1
        pred_n[label] += 1
        report.confusion[(str(case.label), str(label))] += 1
        if label == case.label:
            tp[label] += 1
        else:
            errors.append(ErrorCase(case.id, case.text, (str(case.label),),
                                    (str(label), *map(_describe, events)), 1))
    for k in range(5):
        report.scores[f"class{k}"] = Score(tp[k], pred_n[k], gold_n[k])
    total = sum(gold_n.values())
    report.figures = {
        "accuracy": round(sum(tp.values()) / total, 4) if total else 0.0,
        "macro_f1": round(sum(report.scores[f"class{k}"].f1 for k in range(5)) / 5, 4)}
    report.worst = errors[:worst]
    return report


# -- rater codings ---------------------------------------------------------------------
MINOR_ROOTS = frozenset({"01", "02"})


def score_raters(cases: Sequence[RatedCase], coder: ArticleCoder, worst: int = 20) -> Report:
    report = Report("raters", len(cases))
    majority, attested = [0, 0, 0], [0, 0, 0]
    coded = hit_sentences = 0
    errors = []
    for case, events in zip(cases, _code_cases(coder, cases), strict=True):
        pred = {e.root for e in events}
        gold = case.majority() - MINOR_ROOTS
        major_pred = pred - MINOR_ROOTS
        majority[0] += len(gold & major_pred)
        majority[1] += len(major_pred)
        majority[2] += len(gold)
        given = case.attested()
        attested[0] += len(pred & given)
        attested[1] += len(pred)
        attested[2] += len(given)
        if pred:
            coded += 1
            hit_sentences += bool(pred & given)
        for root in gold | major_pred:
            report.confusion[(root if root in gold else "none",
                              root if root in major_pred else "none")] += 1
        n_err = len(gold ^ major_pred) + len(pred - given)
        if n_err:
            errors.append(ErrorCase(case.id, case.text, tuple(sorted(
                f"{r} ({case.share(r):.0%})" for r in given)), tuple(map(_describe, events)),
                n_err))
    report.scores = {"roots.majority": Score(*majority), "roots.attested": Score(*attested)}
    report.figures = {
        "sentences.coded": round(coded / len(cases), 4) if cases else 0.0,
        "sentences.attested": round(hit_sentences / coded, 4) if coded else 0.0}
    report.worst = sorted(errors, key=lambda e: -e.errors)[:worst]
    return report


# -- spans ------------------------------------------------------------------------------
def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _sentence_offsets(text: str, events: Sequence[Event]) -> dict[str, int]:
    """Where each event's sentence starts in ``text``: the coder's sentences are cleaned
    (straight quotes, a dateline split off), so they are looked up in the cleaned text,
    whose offsets are the text's own when cleaning kept its length."""
    cleaned = normalise(text)
    if len(cleaned) != len(text):
        cleaned = text
    found = {e.sentence: cleaned.find(e.sentence) for e in events}
    return {sentence: at for sentence, at in found.items() if at >= 0}


def score_dyads(cases: Sequence[SpanCase], coder: ArticleCoder, worst: int = 20) -> Report:
    report = Report("dyads", len(cases))
    counts = {f"{side}.{mode}": [0, 0, 0, 0] for side in ("source", "target")
              for mode in ("lenient", "strict")}
    errors = []
    for case, events in zip(cases, _code_cases(coder, cases), strict=True):
        n_err = 0
        offsets = _sentence_offsets(case.text, events)
        for side, gold_spans in (("source", case.sources), ("target", case.targets)):
            pred = sorted({(r.start + offsets[e.sentence], r.end + offsets[e.sentence])
                           for e in events if (r := getattr(e, side)) is not None
                           and r.end > r.start  # an unknown actor ("---") names no span
                           and e.sentence_index >= 0 and e.sentence in offsets})
            for mode, same in (("lenient", _overlap), ("strict", lambda a, b: a == b)):
                c = counts[f"{side}.{mode}"]
                hits = sum(1 for g in gold_spans if any(same(g, p) for p in pred))
                right = sum(1 for p in pred if any(same(g, p) for g in gold_spans))
                c[0] += hits
                c[1] += len(pred)
                c[2] += len(gold_spans)
                c[3] += right
                if mode == "lenient":
                    n_err += len(gold_spans) - hits + len(pred) - right
        if n_err:
            errors.append(ErrorCase(
                case.id, case.text,
                tuple(f"{k}: {case.text[a:b]}" for k, spans in (("S", case.sources),
                                                                ("T", case.targets))
                      for a, b in spans), tuple(map(_describe, events)), n_err))
    report.scores = {k: Score(*v) for k, v in counts.items()}
    report.worst = sorted(errors, key=lambda e: -e.errors)[:worst]
    return report


# -- attribution ------------------------------------------------------------------------
def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def dice(a: str, b: str) -> float:
    wa, wb = _words(a), _words(b)
    return 2 * len(wa & wb) / (len(wa) + len(wb)) if wa and wb else 0.0


QUOTATION_MARKS = "\"\u201c\u201d\u201e\u00ab\u00bb"
_FINAL = QUOTATION_MARKS + " \t\r\n\u00a0.,;:!?\u2026-\u2013\u2014"


def strict_span(text: str, start: int, end: int) -> tuple[int, int]:
    """``text[start:end]`` trimmed for strict matching: spaces and quotation marks off the
    start; spaces, quotation marks and final punctuation off the end."""
    while start < end and (text[start].isspace() or text[start] in QUOTATION_MARKS):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in _FINAL):
        end -= 1
    return start, end


def is_direct(content: str) -> bool:
    """A gold content in quotation marks: it begins with one."""
    return content.strip()[:1] in QUOTATION_MARKS


def _located(text: str, quotes: Sequence[Quote]) -> list[tuple[Quote, int, int]]:
    """Quotes with their spans in ``text``; a quote without offsets is looked for by its
    text after the previous quote's start (not found: an empty span, matching nothing)."""
    out, cursor = [], 0
    for q in quotes:
        if q.start is not None and q.end is not None:
            start, end = q.start, q.end
        else:
            found = text.find(q.quote, cursor) if q.quote else -1
            start, end = (found, found + len(q.quote)) if found >= 0 else (0, 0)
        cursor = max(cursor, start)
        out.append((q, start, end))
    return out


def _match_lenient(gold: Sequence[GoldAttribution], preds: Sequence[Quote]
                   ) -> list[tuple[GoldAttribution, Quote]]:
    used: set[int] = set()
    pairs = []
    for g in gold:
        for i, q in enumerate(preds):
            if i not in used and dice(q.quote, g.content_text) >= 0.5:
                used.add(i)
                pairs.append((g, q))
                break
    return pairs


def _match_strict(text: str, gold: Sequence[GoldAttribution],
                  preds: Sequence[tuple[Quote, int, int]]) -> list[tuple[GoldAttribution, Quote]]:
    by_span: dict[tuple[int, int], list[Quote]] = {}
    for q, start, end in preds:
        if end > start:
            by_span.setdefault(strict_span(text, start, end), []).append(q)
    pairs = []
    for g in gold:
        waiting = by_span.get(strict_span(text, *g.content))
        if waiting:
            pairs.append((g, waiting.pop(0)))
    return pairs


def _speaker_hits(pairs: Sequence[tuple[GoldAttribution, Quote]]) -> int:
    return sum(dice(q.speaker.text, g.source_text) >= 0.5 for g, q in pairs)


def score_attribution(docs: Sequence[AttributionDoc], coder: ArticleCoder,
                      worst: int = 20) -> Report:
    report = Report("attribution", len(docs))
    names = ("direct.strict", "direct.lenient", "attributions", "direct.speakers",
             "attributions.speakers")
    counts = {name: [0, 0, 0] for name in names}
    errors = []
    articles = [Article(id=d.id, text=d.text) for d in docs]
    # the default path: the coder parses the sentences quotations need by itself
    for doc, coded in zip(docs, coder.code_articles(articles), strict=True):
        preds = list(coded.quotes)
        direct = [q for q in preds if q.kind == "direct"]
        gold = list(doc.attributions)
        gold_direct = [g for g in gold if is_direct(g.content_text)]
        strict = _match_strict(doc.text, gold_direct, _located(doc.text, direct))
        lenient = _match_lenient(gold, preds)
        for name, pairs, n_pred, n_gold in (
                ("direct.strict", strict, len(direct), len(gold_direct)),
                ("direct.lenient", _match_lenient(gold_direct, direct), len(direct),
                 len(gold_direct)),
                ("attributions", lenient, len(preds), len(gold)),
                ("direct.speakers", strict, len(strict), len(strict)),
                ("attributions.speakers", lenient, len(lenient), len(lenient))):
            tp = _speaker_hits(pairs) if name.endswith("speakers") else len(pairs)
            counts[name] = [a + b for a, b in zip(counts[name], (tp, n_pred, n_gold),
                                                  strict=True)]
        n_err = len(gold_direct) + len(direct) - 2 * len(strict)
        if n_err:
            errors.append(ErrorCase(doc.id, doc.text[:200].replace("\n", " "),
                                    tuple(g.content_text[:80] for g in gold_direct[:5]),
                                    tuple(q.quote[:80] for q in direct[:5]), n_err))
    report.scores = {name: Score(*c) for name, c in counts.items()}
    report.worst = sorted(errors, key=lambda e: -e.errors)[:worst]
    return report


def evaluate(fmt: str, path: Path, coder: ArticleCoder, *, limit: int | None = None,
             worst: int = 20) -> Report:
    """Read ``path`` in format ``fmt`` and score ``coder`` on it."""
    reader = getattr(gold_module, f"read_{fmt}")
    cases = list(reader(path))[:limit] if limit else list(reader(path))
    if fmt in ("petrarch", "blocwatch"):
        return score_events(fmt, cases, coder, worst)
    scorer = {"quadclass": score_quadclass, "dyads": score_dyads,
              "attribution": score_attribution, "raters": score_raters}[fmt]
    return scorer(cases, coder, worst)  # type: ignore[operator]


def dump_json(report: Report) -> str:
    return json.dumps(report.to_json(), indent=2, ensure_ascii=False)
