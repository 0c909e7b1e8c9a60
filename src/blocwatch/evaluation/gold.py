"""Readers of annotated (gold) data for ``blocwatch eval``, one per format, into typed cases.

- ``petrarch``: PETRARCH/TABARI validation XML: ``<Sentence id date>`` with
  ``<EventCoding sourcecode targetcode eventcode>`` (or ``noevents="True"``) and ``<Text>``.
- ``blocwatch``: our golden JSONL (see ``tests/test_golden_cases.py``).
- ``quadclass``: TSV ``sentence<TAB>label`` with labels 0-4 (1-4 = GDELT quad classes,
  0 = neutral statements, CAMEO root 01).
- ``dyads``: CoNLL with one ``token<TAB|SPACE>tag`` per line, BIO tags ``S`` (source) and
  ``T`` (target), blank line between sentences.
- ``attribution``: PolNeAR brat standoff: ``train/text/NAME.txt`` with
  ``train/attributions/NAME_ANNOTATOR.ann`` (``Source``/``Cue``/``Content`` spans).
- ``raters``: CSV files of sentences coded in CAMEO by several raters (the CAMEO_ConfliBERT
  annotation rounds): a ``sentences`` column and, per rater k, ``anncomplete_k`` and
  ``ActionN_CAMEO_k`` cells such as ``3-11 Disapprove`` (penta class 3, root 11).  A folder
  is read as all its ``*.csv`` files; the same sentence coded in several files or rounds
  gathers all its codings (one per rater who finished, its set of roots, possibly empty).
"""

from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from blocwatch.errors import InputError

FORMATS = ("petrarch", "blocwatch", "quadclass", "dyads", "attribution", "raters")


@dataclass(frozen=True)
class GoldEvent:
    source: str | None
    target: str | None
    code: str | None = None
    root: str | None = None
    modality: str | None = None
    attribution: str | None = None


@dataclass(frozen=True)
class EventCase:
    id: str
    text: str
    date: str | None
    events: tuple[GoldEvent, ...]
    exhaustive: bool = True


@dataclass(frozen=True)
class ClassCase:
    id: str
    text: str
    label: int


@dataclass(frozen=True)
class SpanCase:
    """Sentence text rebuilt from tokens; spans are character offsets into it."""

    id: str
    text: str
    sources: tuple[tuple[int, int], ...]
    targets: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class RatedCase:
    """A sentence and its codings: one set of CAMEO roots ("01".."20") per rater who
    finished it (empty when that rater saw no event)."""

    id: str
    text: str
    codings: tuple[frozenset[str], ...]

    def share(self, root: str) -> float:
        """The share of codings that give ``root``."""
        return sum(root in c for c in self.codings) / len(self.codings) if self.codings \
            else 0.0

    def majority(self) -> frozenset[str]:
        """Roots that at least half of the codings give."""
        given = frozenset().union(*self.codings) if self.codings else frozenset()
        return frozenset(r for r in given if self.share(r) >= 0.5)

    def attested(self) -> frozenset[str]:
        """Roots that some coding gives."""
        return frozenset().union(*self.codings) if self.codings else frozenset()


@dataclass(frozen=True)
class GoldAttribution:
    source: tuple[int, int] | None
    content: tuple[int, int]
    source_text: str
    content_text: str


@dataclass(frozen=True)
class AttributionDoc:
    id: str
    text: str
    attributions: tuple[GoldAttribution, ...]


def read_petrarch(path: Path) -> Iterator[EventCase]:
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as err:
        raise InputError(str(path), f"not readable as PETRARCH validation XML ({err})") from None
    for node in root.iter("Sentence"):
        text_node = node.find("Text")
        if text_node is None or not (text_node.text or "").strip():
            continue
        events = []
        for coding in node.findall("EventCoding"):
            if coding.get("noevents", "").strip().lower() == "true":
                continue
            code = coding.get("eventcode")
            if code:
                events.append(GoldEvent(coding.get("sourcecode"), coding.get("targetcode"),
                                        code=code, root=code[:2]))
        raw_date = node.get("date") or ""
        date = f"{raw_date[:4]}-{raw_date[4:6]}-{raw_date[6:8]}" if len(raw_date) == 8 else None
        yield EventCase(node.get("id", ""), " ".join((text_node.text or "").split()), date,
                        tuple(events))


def read_blocwatch(path: Path) -> Iterator[EventCase]:
    for lineno, line in enumerate(_lines(path), 1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            rec = json.loads(line)
            events = tuple(GoldEvent(e["source"], e.get("target"), e.get("code"),
                                     e.get("root") or (e["code"][:2] if e.get("code") else None),
                                     e.get("modality"), e.get("attribution"))
                           for e in rec["events"])
            yield EventCase(str(rec.get("id", lineno)), rec["sentence"], rec.get("date"),
                            events, bool(rec.get("exhaustive", True)))
        except (json.JSONDecodeError, KeyError, TypeError) as err:
            raise InputError(where, f"not a blocwatch golden case ({err!r}): each line needs "
                                    "'sentence' and 'events' [{source, target, code|root}]"
                             ) from None


def read_quadclass(path: Path) -> Iterator[ClassCase]:
    for lineno, line in enumerate(_lines(path), 1):
        if not line.strip():
            continue
        text, _, label = line.rstrip("\n").rpartition("\t")
        if not text or label.strip() not in {"0", "1", "2", "3", "4"}:
            raise InputError(f"{path}:{lineno}", "expected 'sentence<TAB>label' with a label "
                                                 "from 0 to 4")
        yield ClassCase(str(lineno), text.strip(), int(label))


def read_dyads(path: Path) -> Iterator[SpanCase]:
    tokens: list[tuple[str, str]] = []
    number = 0
    for lineno, line in enumerate([*_lines(path), ""], 1):
        if line.strip():
            parts = re.split(r"[\t ]+", line.strip())
            if len(parts) < 2:
                raise InputError(f"{path}:{lineno}", "expected 'token tag' (CoNLL BIO)")
            tokens.append((parts[0], parts[-1]))
            continue
        if tokens:
            number += 1
            yield _span_case(str(number), tokens)
            tokens = []


def _span_case(case_id: str, tokens: list[tuple[str, str]]) -> SpanCase:
    text, offsets = "", []
    for word, _ in tokens:
        if text and not re.match(r"^(?:[.,;:!?)\]}%]|'s|n't|'re|'ve|'ll|'d|'m)$", word) \
                and not text.endswith(("(", "[", "$")):
            text += " "
        offsets.append((len(text), len(text) + len(word)))
        text += word
    # S source, T target, R reciprocal: an actor of a joint act ("Mexico and the UK signed
    # an agreement", "Trump meets Mexico's President"), both source and target
    spans: dict[str, list[tuple[int, int]]] = {"S": [], "T": [], "R": []}
    current: str | None = None
    for (start, end), (_, tag) in zip(offsets, tokens, strict=True):
        kind = tag[2:] if len(tag) > 2 else ""
        if tag.startswith("B-") and kind in spans:
            spans[kind].append((start, end))
            current = kind
        elif tag.startswith("I-") and kind == current and spans[kind]:
            spans[kind][-1] = (spans[kind][-1][0], end)
        else:
            current = None
    return SpanCase(case_id, text, tuple(sorted(spans["S"] + spans["R"])),
                    tuple(sorted(spans["T"] + spans["R"])))


def read_attribution(path: Path) -> Iterator[AttributionDoc]:
    """PolNeAR: ``path`` is the split folder holding ``text/`` and ``attributions/``."""
    text_dir, ann_dir = path / "text", path / "attributions"
    if not text_dir.is_dir() or not ann_dir.is_dir():
        raise InputError(str(path), "expected a PolNeAR split folder with text/ and "
                                    "attributions/")
    for ann in sorted(ann_dir.glob("*.ann")):
        stem = ann.stem.rsplit("_", 1)[0]
        text_file = text_dir / f"{stem}.txt"
        if not text_file.exists():
            continue
        text = text_file.read_text(encoding="utf-8")
        yield AttributionDoc(ann.stem, text, tuple(_brat_attributions(ann, text)))


def _brat_attributions(ann: Path, text: str) -> Iterator[GoldAttribution]:
    spans: dict[str, tuple[str, int, int]] = {}
    relations: list[dict[str, str]] = []
    for line in ann.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if line.startswith("T") and len(fields) >= 2:
            kind, *offs = fields[1].replace(";", " ").split()
            if len(offs) >= 2 and offs[0].isdigit() and offs[-1].isdigit():
                spans[fields[0]] = (kind, int(offs[0]), int(offs[-1]))
        elif line.startswith("E") and len(fields) >= 2:
            relations.append(dict(part.split(":", 1) for part in fields[1].split()
                                  if ":" in part))
    for rel in relations:
        content = spans.get(rel.get("Content", ""))
        if content is None:
            continue
        source = spans.get(rel.get("Source", ""))
        src = (source[1], source[2]) if source else None
        yield GoldAttribution(src, (content[1], content[2]),
                              text[src[0]:src[1]] if src else "",
                              text[content[1]:content[2]])


_RATER_ROOT = re.compile(r"^\s*\d+\s*-\s*(\d{1,2})\b")
_ACTION_COLUMN = re.compile(r"^Action\d+_CAMEO_(\d+)$")


def read_raters(path: Path) -> Iterator[RatedCase]:
    """Sentences with their codings, in the order first seen (files sorted by name)."""
    files = sorted(path.glob("*.csv")) if path.is_dir() else [path]
    if not files:
        raise InputError(str(path), "no *.csv files of rater codings here")
    codings: dict[str, list[frozenset[str]]] = {}
    for file in files:
        for where, row in _csv_rows(file):
            text = " ".join((row.get("sentences") or "").split())
            if not text:
                raise InputError(where, "no 'sentences' cell: expected the CAMEO rater "
                                        "columns (sentences, anncomplete_k, ActionN_CAMEO_k)")
            found = codings.setdefault(text, [])
            for rater in _finished_raters(row):
                found.append(frozenset(_rater_roots(row, rater)))
    for n, (text, sets) in enumerate(codings.items(), 1):
        yield RatedCase(str(n), text, tuple(sets))


def _csv_rows(file: Path) -> Iterator[tuple[str, dict[str, str]]]:
    try:
        with file.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or "sentences" not in reader.fieldnames:
                raise InputError(str(file), "not a rater CSV: it needs a 'sentences' column")
            for lineno, row in enumerate(reader, 2):
                yield f"{file}:{lineno}", row
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise InputError(str(file), f"cannot read rater CSV ({err})") from None


def _finished_raters(row: dict[str, str]) -> list[str]:
    return [key.removeprefix("anncomplete_") for key, value in row.items()
            if key and key.startswith("anncomplete_")
            and (value or "").strip().lower() == "true"]


def _rater_roots(row: dict[str, str], rater: str) -> set[str]:
    roots = set()
    for key, value in row.items():
        m = _ACTION_COLUMN.match(key or "")
        if m and m.group(1) == rater and value:
            code = _RATER_ROOT.match(value)
            if code and 1 <= int(code.group(1)) <= 20:
                roots.add(f"{int(code.group(1)):02d}")
    return roots


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(str(path), f"cannot read gold file ({err})") from None
