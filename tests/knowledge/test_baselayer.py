"""The base knowledge layer: its conversion, its records, and how it sits under
blocwatch's own knowledge (ours win where both speak)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from blocwatch.errors import KnowledgeBaseError
from blocwatch.knowledge import kb as kb_module
from blocwatch.knowledge.baselayer import actor_entries, load_base_layer, split_code
from blocwatch.knowledge.kb import ActorEntry, Agent
from blocwatch.petrarch.dictionaries import load_dictionaries

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "data" / "petrarch_mini"


def _build_script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("build_base_layer",
                                                  ROOT / "scripts" / "build_base_layer.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@pytest.mark.parametrize(("code", "expected"), [
    ("NGAREB", ("NGA", "REB")),
    ("USA", ("USA", None)),
    ("USAGOVMIL", ("USA", "GOVMIL")),
    ("IGOUNO", (None, None)),
    ("IMGMUSALQ", (None, None)),
    ("NGOAMN", (None, None)),
])
def test_split_code(code: str, expected: tuple[str | None, str | None]) -> None:
    assert split_code(code) == expected


@pytest.mark.parametrize(("code", "expected"), [
    ("MED", (None, "MED")),  # Phoenix's Reuters, Washington Post: a sector first
    ("ELI", (None, "ELI")),
    ("MEAREB", (None, "REB")),  # a region is no country: Kach
    ("CFRREB", (None, "REB")),
    ("TMP", ("TLS", None)),  # CAMEO's spelling of a country
    ("KSVGOV", ("XKX", "GOV")),
    ("SUN", ("SUN", None)),  # a former state keeps its code
    ("NGAREB", ("NGA", "REB")),
])
def test_split_code_no_country(code: str, expected: tuple[str | None, str | None]) -> None:
    assert split_code(code) == expected


def test_actor_of_no_country_is_an_unknown_country_institution() -> None:
    [post] = actor_entries(["WASHINGTON POST"], "MED", "test")
    assert (post.kind, post.country, post.sector) == ("institution", None, "MED")
    assert actor_entries(["X"], "MEAREB 1990-01-01..1999-06-09", "test") == []


@pytest.mark.parametrize(("names", "cell", "expected"), [
    # a country-level name, a group with a sector, an organisation
    (["BOKO HARAM"], "NGAREB", [("institution", "NGA", "REB", None, None, None)]),
    (["KABUL"], "AFG", [("country", "AFG", None, None, None, None)]),
    (["UNICEF"], "IGOUNOCHL", [("igo", None, None, "IGOUNOCHL", None, None)]),
    # dated roles: one person entry per code, the end made exclusive
    (["JOHN DOE"], "USAELI ..2009-01-19; USAGOV 2009-01-20..",
     [("person", "USA", "ELI", None, None, "2009-01-20"),
      ("person", "USA", "GOV", None, "2009-01-20", None)]),
    # companies are no political actors here
    (["ACME CORP"], "MNCUSA", []),
])
def test_actor_entries(names: list[str], cell: str, expected: list[tuple]) -> None:  # type: ignore[type-arg]
    got = actor_entries(names, cell, "test")
    assert [(e.kind, e.country, e.sector, e.code, e.start, e.end) for e in got] == expected
    assert all(e.layer == "base" for e in got)


def test_actor_entries_bad_dates() -> None:
    with pytest.raises(KnowledgeBaseError, match="FROM..TO"):
        actor_entries(["X"], "USAGOV 2009-01-20", "base/actors.tsv:9")


@pytest.mark.parametrize(("name", "case_sensitive"), [
    ("PKK", True), ("HAMAS", False), ("BOKO HARAM", False), ("UN", True)])
def test_short_names_are_acronyms(name: str, case_sensitive: bool) -> None:
    assert actor_entries([name], "IGOXXX", "test")[0].case_sensitive is case_sensitive


def test_shipped_layer_loads() -> None:
    base = load_base_layer()
    assert len(base.actors) > 30_000 and len(base.agents) > 4_000
    assert len(base.verbs.blocks) > 300
    assert sum(len(b.patterns) for b in base.verbs.blocks) > 4_000
    # Phoenix discards bare years ("1914") against history; news names years all the time
    assert all(any(ch.isalpha() for w in d.phrase for ch in w) for d in base.discards)
    assert not any(e.code and e.code.startswith("MNC") for e in base.actors)


def test_conversion_round_trip(tmp_path: Path, coder) -> None:  # type: ignore[no-untyped-def]
    """scripts/build_base_layer.py writes what baselayer reads back: same blocks,
    patterns, synsets, agents and actors (multi-actor entries left out)."""
    script = _build_script()
    dicts = load_dictionaries(MINI, strict=True)
    counts = script.write(dicts, coder.nlp.tokenizer, tmp_path)
    base = load_base_layer(tmp_path)
    assert counts["blocks"] == len(base.verbs.blocks) == len(dicts.blocks)
    assert [len(b.patterns) for b in base.verbs.blocks] == [len(b.patterns)
                                                           for b in dicts.blocks]
    assert set(base.verbs.synsets) == set(dicts.synsets)
    assert {(a.term, a.sector) for a in base.agents} >= {
        ("minister", "GOV"), ("ministers", "GOV"), ("foreign minister", "GOVFRM"),
        ("police", "COP"), ("relief agency", "NGO")}
    names = {e.name for e in base.actors}
    assert "ALDOR" in names and "THE ISLES" not in names  # [ISA/ISB]: two actors at once
    orren = sorted((e.start, e.end, e.sector) for e in base.actors if e.name == "DUKE ORREN")
    assert orren == [("2000-01-01", "2010-01-01", "GOV"), ("2010-01-01", None, "ELI")]


def test_conversion_date_fixes() -> None:
    script = _build_script()
    assert script._date(20091232) == "2010-01-01"  # "after 20091231" plus one day
    assert script._date(20050231) == "2005-03-03"  # a slip in the source rolls over too
    assert script._date(19910900) == "1991-08-31"  # "before 910901" minus one day
    assert script._date(None) == ""


def _tokenize(text: str) -> list[str]:
    return text.split()


@pytest.mark.parametrize(("base_name", "kept"), [
    ("ALDORIA", True),                # a name of its own
    ("EUROPEAN UNION", False),        # the same name: ours win
    ("THE EUROPEAN UNION", False),    # ours with "the"
    ("GERMAN CHANCELLOR", False),     # a place of ours + an agent: composed by us
    ("PRESIDENT OLAF SCHOLZ", False),  # an agent + a name of ours
    ("CHANCELLOR SMITH", True),       # an agent + an unknown name
])
def test_ours_win(base_name: str, kept: bool) -> None:
    ours = [ActorEntry("European Union", "igo", None, org="EU", code="IGOEUREEC"),
            ActorEntry("German", "demonym", "DEU"),
            ActorEntry("Olaf Scholz", "person", "DEU", "GOV")]
    agents = [Agent("chancellor", "GOV", "role"), Agent("president", "GOV", "role")]
    base = [ActorEntry(base_name, "country", "XXX", layer="base")]
    built = kb_module.build(_tokenize, ours, agents, base=(base, []))
    key = tuple(base_name.lower().split())
    assert any(e.layer == "base" for e in built.lookup(list(key))) is kept


def test_base_agents_under_ours() -> None:
    ours = [Agent("police", "COP", "body")]
    base = [Agent("police", "GOV", "body", layer="base"), Agent("gunrunner", "CRM", "body",
                                                                layer="base")]
    built = kb_module.build(_tokenize, [ActorEntry("Aldor", "country", "ALD")], ours,
                            base=([], base))
    assert built.agent(["police"]).sector == "COP"  # type: ignore[union-attr]
    assert built.agent(["gunrunner"]).sector == "CRM"  # type: ignore[union-attr]


@pytest.mark.parametrize(("code", "expected"), [
    ("042:043", "042:043"), ("1213", "121"), ("176", "170"), ("080!", "080"),
    (":1952", ":195"), ("---", "---"), (None, None)])
def test_conversion_keeps_codes_in_the_table(code: str | None, expected: str | None) -> None:
    assert _build_script()._cameo(code) == expected


def test_check_base_layer(tmp_path: Path) -> None:
    """`kb check` with no file: the shipped layer is clean, a broken one is reported with
    the place of each problem."""
    from blocwatch.knowledge.baselayer import check_base_layer
    from blocwatch.knowledge.lexicon import load_codes

    codes = load_codes()
    assert check_base_layer(load_base_layer(), codes) == []
    shipped = Path(kb_module.__file__).parent / "data" / "base"
    for name in ("actors.tsv", "agents.tsv", "discards.tsv", "verbs.jsonl"):
        (tmp_path / name).write_text((shipped / name).read_text("utf-8"), "utf-8")
    with (tmp_path / "agents.tsv").open("a", encoding="utf-8") as handle:
        handle.write("spokesthing\tgov\tafter\n")
    with (tmp_path / "actors.tsv").open("a", encoding="utf-8") as handle:
        handle.write("ATLANTIS\t12X\n")
    problems = check_base_layer(load_base_layer(tmp_path), codes)
    assert problems == ["base/actors.tsv: 'ATLANTIS' has a bad code '12X'",
                        "base/agents.tsv: 'spokesthing' has a bad sector 'gov'"]


def test_kb_check_without_files() -> None:
    from typer.testing import CliRunner

    from blocwatch.cli import app

    result = CliRunner().invoke(app, ["kb", "check"])
    assert result.exit_code == 0, result.output
    assert "base layer:" in result.output and "0 problem(s)" in result.output
