"""Writers for the output contract: JSON lines and CSV for machines, a Rich table for
people.  Field order is the contract's; JSON keeps non-ASCII text as is."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import IO, Any

from blocwatch.records import Event, Quote, flatten

EVENT_FIELDS = ("doc_id", "sentence_index", "sentence", "date", "source", "target", "cameo",
                "root", "quad_class", "goldstein", "plover", "modality", "attribution",
                "verb", "rule")
_ACTOR = ("code", "country", "sector", "org", "text", "start", "end")
CSV_EVENT_COLUMNS = (
    ["doc_id", "sentence_index", "sentence", "date"]
    + [f"source_{k}" for k in _ACTOR] + [f"target_{k}" for k in _ACTOR]
    + ["cameo", "root", "quad_class", "goldstein", "plover_event", "plover_mode", "modality",
       "attribution", "verb_text", "verb_lemma", "verb_start", "verb_end", "rule"]
)
CSV_QUOTE_COLUMNS = ["doc_id", "sentence_index", "quote", "speaker_code", "speaker_text",
                     "speaker_refers_to", "start", "end", "kind", "cue"]


def to_json_line(record: Event | Quote) -> str:
    return json.dumps(record.to_dict(), ensure_ascii=False)


def write_jsonl(records: Iterable[Event | Quote], out: IO[str]) -> None:
    for record in records:
        out.write(to_json_line(record) + "\n")


class CsvWriter:
    """CSV with the contract's fields flattened with ``_`` (a null target gives empty
    ``target_*`` cells)."""

    def __init__(self, out: IO[str], quotes: bool = False) -> None:
        self.columns = CSV_QUOTE_COLUMNS if quotes else CSV_EVENT_COLUMNS
        self.writer = csv.DictWriter(out, fieldnames=self.columns, extrasaction="ignore",
                                     lineterminator="\n")
        self.writer.writeheader()

    def write(self, records: Iterable[Event | Quote]) -> None:
        for record in records:
            row: dict[str, Any] = flatten(record.to_dict())
            self.writer.writerow({c: row.get(c) for c in self.columns})


def event_table(events: list[Event], title: str = "events"):  # type: ignore[no-untyped-def]
    from rich.table import Table

    table = Table(title=f"{len(events)} {title}", show_lines=False, box=None)
    for name in ("doc", "#", "source", "event", "target", "modality", "said by", "verb"):
        table.add_column(name, overflow="fold", no_wrap=name in ("source", "target"))
    for ev in events:
        table.add_row(ev.doc_id, str(ev.sentence_index), ev.source.code,
                      f"{ev.cameo} {(ev.plover.event or '').lower()}".strip(),
                      ev.target.code if ev.target else "-", ev.modality,
                      ev.attribution or "", ev.verb.text)
    return table


def quote_table(quotes: list[Quote]):  # type: ignore[no-untyped-def]
    from rich.table import Table

    table = Table(title="quotes")
    for name in ("doc", "sent", "kind", "speaker", "quote"):
        table.add_column(name, overflow="fold")
    for q in quotes:
        said_by = q.speaker.text + (f" = {q.speaker.refers_to}" if q.speaker.refers_to else "")
        table.add_row(q.doc_id, str(q.sentence_index), q.kind,
                      f"{q.speaker.code or '?'} ({said_by})", q.quote)
    return table
