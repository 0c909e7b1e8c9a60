"""Importing existing event data (blocwatch.store.eventdata, ``ingest --events``): GDELT 2.0,
ICEWS and POLECAT files the tests write themselves (good and malformed rows, plain and
zipped), the blocwatch export round trip, idempotent re-import, the aggregate and the
analysis over imported events, and the CLI's report and errors."""

from __future__ import annotations

import dataclasses
import gzip
import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest
from sqlalchemy import delete, select
from typer.testing import CliRunner

from blocwatch.analysis import stored as analysis_store
from blocwatch.cli import app
from blocwatch.errors import InputError, UsageError
from blocwatch.records import ActorRef, CleanArticle, CodedArticle, Event, Plover, VerbRef
from blocwatch.store import aggregates, export
from blocwatch.store import schema as s
from blocwatch.store.database import Store
from blocwatch.store.eventdata import Tables, import_events, sector_code
from blocwatch.store.export import GDELT_COLUMNS
from blocwatch.store.write import DocumentRecord

runner = CliRunner()


# -- writing sample files ---------------------------------------------------------------------
def gdelt_line(ident: int, *, columns: int = 61, **values: str) -> str:
    """A GDELT 2.0 event row: USA government consults Russia in Moscow on 2024-01-05."""
    row = dict.fromkeys(GDELT_COLUMNS, "")
    row.update(GLOBALEVENTID=str(ident), SQLDATE="20240105", Actor1Code="USAGOV",
               Actor1Name="UNITED STATES", Actor1CountryCode="USA", Actor1Type1Code="GOV",
               Actor2Code="RUS", Actor2Name="RUSSIA", Actor2CountryCode="RUS", EventCode="042",
               ActionGeo_Type="4", ActionGeo_FullName="Moscow, Moskva, Russia",
               ActionGeo_CountryCode="RS", ActionGeo_Lat="55.75", ActionGeo_Long="37.62",
               SOURCEURL=f"https://news.example/{ident}")
    row.update(values)
    cells = [row[c] for c in GDELT_COLUMNS]
    cells = cells[:columns] + [""] * (columns - len(cells))
    return "\t".join(cells)


ICEWS_HEADER = ("Event ID", "Event Date", "Source Name", "Source Sectors", "Source Country",
                "Event Text", "CAMEO Code", "Intensity", "Target Name", "Target Sectors",
                "Target Country", "Story ID", "Sentence Number", "Publisher", "City",
                "District", "Province", "Country", "Latitude", "Longitude")


def icews_line(ident: str, **values: str) -> str:
    row = dict(zip(ICEWS_HEADER, (
        ident, "2024-02-01", "Military (Ukraine)", "Military,Army", "Ukraine", "Fight",
        "190", "-10", "Russia", "", "Russian Federation", "4711", "2", "Reuters", "Kharkiv",
        "", "Kharkivska", "Ukraine", "49.98", "36.25"), strict=True))
    row.update(values)
    return "\t".join(row[h] for h in ICEWS_HEADER)


POLECAT_HEADER = ("Event ID", "Event Date", "Event Type", "Event Mode", "Actor Name",
                  "Actor Country", "Primary Actor Sector", "Recipient Name",
                  "Recipient Country", "Primary Recipient Sector", "Story ID",
                  "Sentence Number", "Headline", "Source", "Placename", "Latitude",
                  "Longitude", "Country")


def polecat_line(ident: str, **values: str) -> str:
    row = dict(zip(POLECAT_HEADER, (
        ident, "2024-03-04", "CONSULT", "visit", "Olaf Scholz", "DEU", "GOV", "China",
        "CHN", "", "s-77", "1", "Scholz visits Beijing", "dpa", "Beijing", "39.9", "116.4",
        "CHN"), strict=True))
    row.update({k.replace("_", " "): v for k, v in values.items()})
    return "\t".join(row[h] for h in POLECAT_HEADER)


def write(path: Path, lines: Sequence[str], how: str = "plain") -> Path:
    text = "".join(line + "\n" for line in lines)
    if how == "zip":
        path = path.with_name(path.name + ".zip")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(path.stem, text)
            # what macOS adds to an archive: skipped, as by ``ingest`` of articles
            archive.writestr(f"__MACOSX/._{path.stem}", b"\x00\x05\x16\x07 not rows")
    elif how == "gz":
        path = path.with_name(path.name + ".gz")
        path.write_bytes(gzip.compress(text.encode()))
    else:  # with a byte-order mark, as spreadsheets write
        path.write_text(text, encoding="utf-8-sig")
    return path


def events_of(store: Store) -> list[Event]:
    return [row.event for row in store.events()]


# -- GDELT ------------------------------------------------------------------------------------
GDELT_CASES = [
    # (case, rows, stored, skipped by reason)
    ("good", [gdelt_line(i) for i in (1, 2, 3)], 3, {}),
    ("wrong column count", [gdelt_line(1), gdelt_line(2, columns=60),
                            gdelt_line(3, columns=62)], 1, {"wrong column count": 2}),
    ("bad date", [gdelt_line(1, SQLDATE="20241399"), gdelt_line(2, SQLDATE="2024"),
                  gdelt_line(3)], 1, {"bad date": 2}),
    ("bad event code", [gdelt_line(1, EventCode="999"), gdelt_line(2, EventCode="abc")], 0,
     {"bad event code": 2}),
    ("bad actor code", [gdelt_line(1, Actor1Code="usa gov"),
                        gdelt_line(2, Actor2CountryCode="RUSSIA")], 0, {"bad actor code": 2}),
    ("no source actor", [gdelt_line(1, Actor1Code=""), gdelt_line(2)], 1,
     {"no source actor": 1}),
    ("bad id and coordinates", [gdelt_line(1, GLOBALEVENTID="x1"),
                                gdelt_line(2, ActionGeo_Lat="north")], 0,
     {"bad event id": 1, "bad coordinates": 1}),
    ("no target, lost zero", [gdelt_line(1, Actor2Code="", Actor2CountryCode=""),
                              gdelt_line(2, EventCode="42")], 2, {}),
    ("same id twice, blank line", [gdelt_line(1), "", gdelt_line(1)], 1,
     {"same event id twice": 1}),
]


@pytest.mark.parametrize("how", ["plain", "zip", "gz"])
@pytest.mark.parametrize(("case", "rows", "stored", "skipped"), GDELT_CASES,
                         ids=[c[0] for c in GDELT_CASES])
def test_gdelt_rows(tmp_path: Path, how: str, case: str, rows: list[str], stored: int,
                    skipped: dict[str, int]) -> None:
    path = write(tmp_path / "20240105.export.CSV", rows, how)
    with Store(f"sqlite:///{tmp_path / 'db.sqlite'}") as store:
        report = import_events([str(path)], "gdelt", store)
        assert (report.read, report.stored, report.already) == (
            sum(1 for r in rows if r), stored, 0)
        assert dict(report.skipped) == skipped
        assert len(events_of(store)) == stored


def test_gdelt_mapping_and_source_kept(db_url: str, tmp_path: Path) -> None:
    path = write(tmp_path / "g.tsv", [
        gdelt_line(7), gdelt_line(8, Actor1Code="IGOUNO", Actor1CountryCode="",
                                  Actor1Type1Code="", Actor1KnownGroupCode="UNO",
                                  Actor1Name="UNITED NATIONS", EventCode="0874")])
    with Store(db_url) as store:
        import_events([str(path)], "gdelt", store)
        first, second = events_of(store)
        documents = {d.key: d for d in store.documents()}
    assert first.source == ActorRef("USAGOV", "USA", "GOV", None, "UNITED STATES", 0, 0)
    assert first.target is not None and first.target.code == "RUS"
    assert (first.date, first.cameo, first.root, first.quad_class, first.goldstein) == (
        "2024-01-05", "042", "04", 1, 1.9)
    assert (first.plover, first.rule, first.doc_id) == (
        Plover("CONSULT", "visit"), "import:gdelt", "gdelt:7")
    assert first.location is not None
    assert (first.location.country, first.location.feature) == ("RUS", "city")
    assert (second.source.org, second.cameo, second.root) == ("UN", "0874", "08")
    assert documents["gdelt:7"].url == "https://news.example/7"
    assert documents["gdelt:7"].source == "gdelt"


def test_reimport_is_idempotent(db_url: str, tmp_path: Path) -> None:
    path = write(tmp_path / "g.tsv", [gdelt_line(i) for i in range(1, 8)] + ["bad row"])
    with Store(db_url) as store:
        first = import_events([str(path)], "gdelt", store, batch_size=3)
        again = import_events([str(path)], "gdelt", store, batch_size=3)
        assert (first.stored, first.already) == (7, 0)
        assert (again.read, again.stored, again.already) == (8, 0, 7)
        assert again.line() == ("gdelt: 8 rows read, 0 stored, 7 already stored, 1 skipped "
                                "(1 wrong column count)")
        counts = store.counts()
        assert (counts.events, counts.reports, sum(counts.documents.values())) == (7, 7, 7)
        series = analysis_store.dyad_series(store, "USA", "RUS")
    assert [(p.period, p.events) for p in series] == [("2024-01", 7)]


# -- the aggregate and analysis see imported events --------------------------------------------
def _dyad_days(store: Store) -> list[tuple]:  # type: ignore[type-arg]
    t = s.dyad_days
    with store.engine.connect() as conn:
        return [(*row[:-2], round(row[-2], 6), round(row[-1], 6))
                for row in conn.execute(select(t).order_by(*t.primary_key.columns))]


def test_imported_events_in_dyad_days_and_analysis(db_url: str, tmp_path: Path) -> None:
    rows = [gdelt_line(i, SQLDATE=f"2024{m:02d}10", EventCode=code,
                       Actor2Code=target, Actor2CountryCode=target)
            for i, (m, code, target) in enumerate(
                [(1, "042", "RUS"), (1, "190", "UKR"), (2, "190", "UKR"), (2, "057", "FRA"),
                 (3, "111", "RUS"), (3, "190", "UKR")], 1)]
    path = write(tmp_path / "g.tsv", rows)
    with Store(db_url) as store:
        import_events([str(path)], "gdelt", store, batch_size=4)
        written = _dyad_days(store)
        with store.engine.begin() as conn:  # what the migration's GROUP BY makes of them
            conn.execute(delete(s.dyad_days))
            conn.execute(aggregates.backfill_statement())
        assert _dyad_days(store) == written
        series = analysis_store.dyad_series(store, "USA", "UKR")
        graph = analysis_store.relations_graph(store, half_life_days=None)
    assert [(p.period, p.events, p.quad) for p in series] == [
        ("2024-01", 1, (0, 0, 0, 1)), ("2024-02", 1, (0, 0, 0, 1)), ("2024-03", 1, (0, 0, 0, 1))]
    assert graph["USA"]["UKR"]["weight"] < 0 < graph["USA"]["FRA"]["weight"]


# -- ICEWS --------------------------------------------------------------------------------------
ICEWS_CASES = [
    ("good", [icews_line("1"), icews_line("2", **{"CAMEO Code": "43"})], 2, {}),
    ("igo", [icews_line("1", **{"Source Name": "United Nations", "Source Sectors": "",
                                "Source Country": ""})], 1, {}),
    ("unknown country", [icews_line("1", **{"Target Country": "Atlantis"})], 0,
     {"unknown country": 1}),
    ("bad rows", [icews_line("1", **{"Event Date": "01/02/2024"}),
                  icews_line("2", **{"CAMEO Code": "2000"}),
                  icews_line("3") + "\textra", icews_line("")], 0,
     {"bad date": 1, "bad event code": 1, "wrong column count": 1, "bad event id": 1}),
]


def test_icews_mapping(db_url: str, tmp_path: Path) -> None:
    path = write(tmp_path / "i.tab", ["\t".join(ICEWS_HEADER), icews_line("99")])
    with Store(db_url) as store:
        import_events([str(path)], "icews", store)
        (ev,) = events_of(store)
        (doc,) = store.documents()
    assert (ev.source.code, ev.source.country, ev.source.sector) == ("UKRMIL", "UKR", "MIL")
    assert ev.target is not None and ev.target.code == "RUS"
    assert (ev.cameo, ev.quad_class, ev.rule, ev.verb.text, ev.sentence_index) == (
        "190", 4, "import:icews", "Fight", 2)
    assert ev.location is not None and (ev.location.name, ev.location.country) == (
        "Kharkiv", "UKR")
    assert (doc.key, doc.source, doc.title) == ("icews:99", "icews",
                                                "story 4711 sentence 2 (Reuters)")


# -- POLECAT (PLOVER) ---------------------------------------------------------------------------
PLOVER_CASES = [
    # (event type, mode, CAMEO code)
    ("CONSULT", "", "040"), ("CONSULT", "visit", "042"), ("consult", "Phone", "041"),
    ("AGREE", "", "030"), ("AGREE", "no-such-mode", "030"), ("ACCUSE", "", "110"),
    ("ACCUSE", "allege", "114"), ("ASSAULT", "", "180"), ("PROTEST", "demo", "141"),
    ("REQUEST", "", "100"), ("SANCTION", "", "160"), ("RETREAT", "", "084"),
    ("THREATEN", "", "130"), ("COERCE", "arrest", Tables.load().plover[("COERCE", "arrest")]),
]


@pytest.mark.parametrize(("plover", "mode", "cameo"), PLOVER_CASES)
def test_plover_to_cameo(plover: str, mode: str, cameo: str) -> None:
    code = Tables.load().plover_code(plover, mode)
    assert code.code == cameo
    assert code.plover_event == plover.upper()


@pytest.mark.parametrize(("value", "sector"), [
    ("GOV", "GOV"), ("Government,Executive", "GOV"), ("Police", "COP"),
    ("Parties,Legislative / Parliamentary", "LEG"), ("Citizen", None), ("", None)])
def test_sector_codes(value: str, sector: str | None) -> None:
    assert sector_code(value) == sector


POLECAT_CASES = [
    ("good", [polecat_line("a1"), polecat_line("a2", Event_Type="ASSAULT", Event_Mode="")],
     2, {}),
    ("bad type", [polecat_line("a1", Event_Type="OTHER")], 0, {"bad event type": 1}),
    ("country names", [polecat_line("a1", Actor_Country="Germany",
                                    Recipient_Country="People's Republic of China")], 1, {}),
    ("no recipient", [polecat_line("a1", Recipient_Name="", Recipient_Country="")], 1, {}),
]


TABLE_CASES = [("icews", ICEWS_HEADER, *c) for c in ICEWS_CASES] + [
    ("polecat", POLECAT_HEADER, *c) for c in POLECAT_CASES]


@pytest.mark.parametrize("how", ["plain", "zip"])
@pytest.mark.parametrize(("fmt", "header", "case", "rows", "stored", "skipped"), TABLE_CASES,
                         ids=[f"{c[0]}-{c[2]}" for c in TABLE_CASES])
def test_icews_and_polecat_rows(tmp_path: Path, how: str, fmt: str, header: Sequence[str],
                                case: str, rows: list[str], stored: int,
                                skipped: dict[str, int]) -> None:
    path = write(tmp_path / f"{fmt}.tab", ["\t".join(header), *rows], how)
    with Store(f"sqlite:///{tmp_path / 'db.sqlite'}") as store:
        report = import_events([str(path)], fmt, store)
        assert (report.read, report.stored, dict(report.skipped)) == (len(rows), stored,
                                                                      skipped)
        assert len(events_of(store)) == stored


def test_polecat_mapping(db_url: str, tmp_path: Path) -> None:
    path = write(tmp_path / "p.txt", ["\t".join(POLECAT_HEADER), polecat_line("e-1")])
    with Store(db_url) as store:
        import_events([str(path)], "polecat", store)
        (ev,) = events_of(store)
        (doc,) = store.documents()
    assert (ev.source.code, ev.cameo, ev.plover, ev.rule) == (
        "DEUGOV", "042", Plover("CONSULT", "visit"), "import:polecat")
    assert (ev.sentence, ev.verb.text, doc.key, doc.title) == (
        "Scholz visits Beijing", "CONSULT visit", "polecat:e-1", "story s-77 sentence 1 (dpa)")


# -- blocwatch's own export, round trip ---------------------------------------------------------
def _coded(doc: str, date: str | None, source: str, target: str, cameo: str,
           index: int) -> Event:
    codes = Tables.load().codes
    code = codes[cameo]
    return Event(doc, index, f"Sentence {index} of {doc}.", date,
                 ActorRef(source, source[:3], source[3:] or None, None, source, 0, 3),
                 ActorRef(target, target, None, None, target, 10, 13), cameo, code.root,
                 code.quad, code.goldstein, Plover(code.plover_event, code.plover_mode),
                 "asserted", None, VerbRef("met", "meet", 4, 7), "meet.with")


def _fill(store: Store, tmp_path: Path) -> None:
    """Coded events (two documents, one undated event) and imported GDELT ones."""
    docs = {"a.txt": [_coded("a.txt", "2024-05-01", "USAGOV", "CHN", "042", 0),
                      _coded("a.txt", None, "CHNGOV", "USA", "111", 1)],
            "b.txt": [_coded("b.txt", "2024-05-02", "FRA", "DEU", "057", 0)]}
    run = store.begin_run(["test"], 1)
    store.write_batch(run, [DocumentRecord(
        key=key, origin=key, status="coded",
        coded=CodedArticle(CleanArticle(key, (), None, None), tuple(evs)))
        for key, evs in docs.items()])
    import_events([str(write(tmp_path / "g.tsv", [gdelt_line(i) for i in (1, 2)]))], "gdelt",
                  store)


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_blocwatch_round_trip(db_url: str, tmp_path: Path, fmt: str) -> None:
    with Store(db_url) as store:
        _fill(store, tmp_path)
        before = events_of(store)
        out = io.StringIO()
        (export.write_jsonl if fmt == "jsonl" else export.write_csv)(store.events(), out)
    path = tmp_path / f"export.{fmt}"
    path.write_text(out.getvalue(), encoding="utf-8")
    with Store(f"sqlite:///{tmp_path / 'copy.sqlite'}") as copy:
        report = import_events([str(path)], "blocwatch", copy, batch_size=2)
        again = import_events([str(path)], "blocwatch", copy)
        after = events_of(copy)
    if fmt == "csv":  # the CSV export has no location columns
        before = [dataclasses.replace(ev, location=None) for ev in before]
    assert (report.read, report.stored, report.skipped) == (5, 5, ())
    assert (again.stored, again.already) == (0, 5)
    assert sorted(after, key=Event.sort_key) == sorted(before, key=Event.sort_key)


def test_blocwatch_bad_lines(tmp_path: Path) -> None:
    good = ('{"doc_id": "d", "sentence_index": 0, "sentence": "", "date": "2024-01-01", '
            '"source": {"code": "USA", "country": "USA", "sector": null, "org": null, '
            '"text": "US", "start": 0, "end": 2}, "target": null, "cameo": "042", '
            '"root": "04", "quad_class": 1, "goldstein": 1.9, "plover": {"event": null, '
            '"mode": null}, "modality": "asserted", "attribution": null, "verb": {"text": '
            '"", "lemma": "", "start": 0, "end": 0}, "rule": "r"}')
    path = write(tmp_path / "e.jsonl", [good, "{not json", good.replace("2024-01-01", "x"),
                                        good.replace('"asserted"', '"maybe"')])
    with Store(f"sqlite:///{tmp_path / 'db.sqlite'}") as store:
        report = import_events([str(path)], "blocwatch", store)
    assert report.line() == ("blocwatch: 4 rows read, 1 stored, 3 skipped (1 bad record, "
                             "1 bad date, 1 bad modality)")


# -- errors and the CLI ----------------------------------------------------------------------------
@pytest.mark.parametrize(("sources", "fmt", "error"), [
    (["missing.tsv"], "gdelt", InputError), (["g.tsv"], "acled", UsageError),
    (["g.tsv"], "icews", InputError),  # a GDELT file has no ICEWS header
])
def test_library_errors(tmp_path: Path, sources: list[str], fmt: str, error: type) -> None:
    write(tmp_path / "g.tsv", [gdelt_line(1)])
    with Store(f"sqlite:///{tmp_path / 'db.sqlite'}") as store, pytest.raises(error):
        import_events([str(tmp_path / name) for name in sources], fmt, store)


def test_cli_report_line(tmp_path: Path) -> None:
    path = write(tmp_path / "g.tsv", [gdelt_line(1), gdelt_line(2), gdelt_line(3, SQLDATE="x"),
                                      gdelt_line(4, columns=12)], "zip")
    db = f"sqlite:///{tmp_path / 'db.sqlite'}"
    result = runner.invoke(app, ["ingest", "--events", "gdelt", str(path), "--db", db])
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == ("blocwatch: gdelt: 4 rows read, 2 stored, 2 skipped "
                                     "(1 bad date, 1 wrong column count) (run 1)")
    quiet = runner.invoke(app, ["ingest", "--events", "gdelt", str(path), "--db", db, "-q"])
    assert (quiet.exit_code, quiet.stderr) == (0, "")


@pytest.mark.parametrize(("args", "message"), [
    (["--events", "gdelt", "{tmp}/missing.export.CSV.zip"],
     "blocwatch: {tmp}/missing.export.CSV.zip: no such file or folder: check the path"),
    (["--events", "acled", "{tmp}/g.tsv"],
     "blocwatch: --events 'acled': use one of gdelt, icews, polecat, blocwatch"),
    (["--events", "polecat", "{tmp}/g.tsv"],
     "blocwatch: {tmp}/g.tsv: not a POLECAT file: no column 'event id' in its header; give "
     "the format of the file with --events"),
    (["--events", "gdelt", "{tmp}/g.tsv", "--workers", "2"],
     "blocwatch: --workers code articles: leave it out with --events, which stores events "
     "already coded"),
    (["--events", "gdelt", "{tmp}/g.tsv", "--field", "text=body", "--date", "2024-01-01"],
     "blocwatch: --field, --date code articles: leave them out with --events, which stores "
     "events already coded"),
])
def test_cli_errors(tmp_path: Path, args: list[str], message: str) -> None:
    write(tmp_path / "g.tsv", [gdelt_line(1)])
    db = f"sqlite:///{tmp_path / 'db.sqlite'}"
    result = runner.invoke(app, ["ingest", *(a.format(tmp=tmp_path) for a in args),
                                 "--db", db])
    assert result.exit_code == 2
    assert result.stderr.strip() == message.format(tmp=tmp_path)
    assert "Traceback" not in result.output


def test_own_gdelt_export_reads_back(tmp_path: Path) -> None:
    """``export --format gdelt`` writes ISO3 in ActionGeo_CountryCode: it is kept."""
    with Store(f"sqlite:///{tmp_path / 'a.sqlite'}") as store:
        _fill(store, tmp_path)
        out = io.StringIO()
        export.write_gdelt(store.events(), out)
        before = events_of(store)
    path = tmp_path / "ours.export.CSV"
    path.write_text(out.getvalue(), encoding="utf-8")
    with Store(f"sqlite:///{tmp_path / 'b.sqlite'}") as copy:
        report = import_events([str(path)], "gdelt", copy)
        after = events_of(copy)
    assert (report.read, report.stored) == (5, 4)  # the undated event has no SQLDATE
    assert dict(report.skipped) == {"bad date": 1}
    assert sorted((e.date, e.source.code, e.cameo) for e in after) == sorted(
        (e.date, e.source.code, e.cameo) for e in before if e.date)
    located = [e.location for e in after if e.location is not None]
    assert located and all(loc.country == "RUS" for loc in located)
