"""The built-in knowledge base and lexicon: integrity checks over every row."""

from __future__ import annotations

from collections import defaultdict

import pytest

from blocwatch.knowledge.kb import _rows, load_entries
from blocwatch.knowledge.lexicon import load_codes, load_lexicon

COUNTRY_ROWS = [row for _, row in _rows("countries.tsv")]


def test_every_un_member_and_observer_is_there() -> None:
    assert len(COUNTRY_ROWS) >= 195
    isos = [r["iso3"] for r in COUNTRY_ROWS]
    assert len(set(isos)) == len(isos)
    for iso in ("USA", "PRK", "KOR", "JPN", "PSE", "VAT", "SSD", "TWN"):
        assert iso in isos


@pytest.mark.parametrize("field", ["name", "capitals", "demonyms"])
def test_every_country_resolves_by_name_capital_and_demonym(coder, field: str) -> None:
    for row in COUNTRY_ROWS:
        first = row[field].split("|")[0]
        assert first, f"{row['iso3']} has no {field}"
        tokens = [t.text for t in coder.nlp.tokenizer(first)]
        entries = coder.kb.lookup(tokens)
        assert {e.country for e in entries} == {row["iso3"]}, (row["iso3"], first)


def test_no_name_is_claimed_by_two_actors_on_the_same_date() -> None:
    by_name: dict[str, list] = defaultdict(list)
    for entry in load_entries():
        by_name[entry.name.lower()].append(entry)
    clashes = []
    for name, entries in by_name.items():
        for i, a in enumerate(entries):
            for b in entries[i + 1:]:
                same = (a.country, a.org) == (b.country, b.org)
                overlap = ((a.start or "") < (b.end or "9999")
                           and (b.start or "") < (a.end or "9999"))
                if not same and overlap:
                    clashes.append((name, a.country or a.org, b.country or b.org))
    assert not clashes, clashes[:20]


def test_dated_roles_do_not_overlap() -> None:
    roles: dict[tuple[str, str], list[tuple[str, str, str]]] = defaultdict(list)
    for _, row in _rows("leaders.tsv"):
        assert row["start"], row
        assert not row["end"] or row["start"] <= row["end"], row
        roles[(row["country"], row["role"])].append(
            (row["start"], row["end"] or "9999-12-31", row["name"]))
    for key, spans in roles.items():
        spans.sort()
        for (_s1, e1, n1), (s2, _e2, n2) in zip(spans, spans[1:], strict=False):
            assert e1 <= s2 or n1 == n2, (key, n1, e1, n2, s2)


def test_lexicon_covers_every_cameo_root_and_uses_known_codes() -> None:
    lexicon = load_lexicon()
    codes = load_codes()
    roots = {codes[e.code].root for e in lexicon.entries}
    assert roots == {f"{n:02d}" for n in range(1, 21)}
    for entry in lexicon.entries:
        assert entry.code in codes


@pytest.mark.parametrize(("code", "root", "quad", "goldstein"), [
    ("112", "11", 3, -2.0), ("062", "06", 2, 7.4), ("036", "03", 1, 4.0),
    ("190", "19", 4, -10.0), ("125", "12", 3, -5.0),
])
def test_code_table(code: str, root: str, quad: int, goldstein: float) -> None:
    info = load_codes()[code]
    assert (info.root, info.quad, info.goldstein) == (root, quad, goldstein)
