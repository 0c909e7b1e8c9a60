"""The PETRARCH dictionary readers: tables of dictionary lines and what they must read as."""

from __future__ import annotations

from pathlib import Path

import pytest

from blocwatch.errors import KnowledgeBaseError
from blocwatch.petrarch.dictionaries import (
    ActorEntry,
    load_dictionaries,
    loose_joints,
    parse_date,
    regular_forms,
)

MINIMAL_VERBS = "--- ATTACK [190] ---\nATTACK\n"
MINIMAL_ACTORS = "ISRAEL [ISR]\n"


def write(folder: Path, **files: str) -> Path:
    """Write dictionary files (``actors="..."`` -> ``test.actors.txt``) into ``folder``."""
    names = {"actors": "test.actors.txt", "agents": "test.agents.txt",
             "verbs": "test.verbs.txt", "discards": "test.discards.txt"}
    files.setdefault("actors", MINIMAL_ACTORS)
    files.setdefault("verbs", MINIMAL_VERBS)
    for kind, text in files.items():
        (folder / names[kind]).write_text(text, encoding="utf-8")
    return folder


def actor(tmp_path: Path, text: str) -> ActorEntry:
    dicts = load_dictionaries(write(tmp_path, actors=text), strict=True)
    assert len(dicts.actors) == 1, dicts.actors
    return dicts.actors[0]


# ---------------------------------------------------------------- date restrictions
SAM = """SAM_GAMGEE [HOB]
    [HOBCIV <20080120]
    [ORCHOB 20100109-20100112]
    [HOBMIL 20080120-20121109]
    [HOBGOV 20121109-20130119]
    [HOBELI >20130119]
"""
GOLLUM = """GOLLUM  # a comment
+SMEAGOL
    [HOB < 950601]
    [HOBGOV 19950601 - 19990815]
    [HOBREB > 990816]
"""
SOLANA = "JAVIER_SOLANA_ [IGOEUREEC 950701-951231][IGOWSTNAT 951205-991006]\n"
ZIMBABWE = "ZIMBABWE\n    [RHO <790606]\n    [ZBW]#jw 9/30/91\n"
ONODOHER = "ONODOHER\n    [ONO <911226]\n"
PRINCE = "PRINCE OF DOL AMROTH\n    [--- <950630]\n    [DOL]\n"


@pytest.mark.parametrize(("text", "date", "codes"), [
    (SAM, 19950104, ("HOBCIV",)),
    (SAM, 20080119, ("HOBCIV",)),
    (SAM, 20080120, ("HOBMIL",)),
    (SAM, 20100109, ("ORCHOB",)),          # the first covering restriction wins
    (SAM, 20100112, ("ORCHOB",)),          # ranges include both ends
    (SAM, 20100113, ("HOBMIL",)),
    (SAM, 20121231, ("HOBGOV",)),
    (SAM, 20140104, ("HOBELI",)),
    (GOLLUM, 19950101, ("HOB",)),          # '<' and '>' with spaces, 2-digit years
    (GOLLUM, 19951101, ("HOBGOV",)),
    (GOLLUM, 19990816, ()),                # strictly after 990816: not yet
    (GOLLUM, 20010101, ("HOBREB",)),
    (SOLANA, 19950801, ("IGOEUREEC",)),
    (SOLANA, 19951210, ("IGOEUREEC",)),    # overlap: the first listed
    (SOLANA, 19970101, ("IGOWSTNAT",)),
    (SOLANA, 20050101, ()),                # no default code
    (ZIMBABWE, 19781223, ("RHO",)),
    (ZIMBABWE, 20010101, ("ZBW",)),        # the undated code is the default
    (ONODOHER, 19920101, ()),
    (PRINCE, 19950101, ()),                # a null code: a name that is no actor
    (PRINCE, 19990809, ("DOL",)),
    ("THE_SHIRE [FRO/BIL/SAM]\n", 19950101, ("FRO", "BIL", "SAM")),
    ("PALESTINIAN [pse]\n", 19950101, ("PSE",)),
])
def test_dated_codes(tmp_path: Path, text: str, date: int, codes: tuple[str, ...]) -> None:
    assert actor(tmp_path, text).codes_on(date) == codes


@pytest.mark.parametrize(("text", "expected"), [
    ("950601", 19950601), ("300101", 20300101), ("310101", 19310101),
    ("19950601", 19950601), ("1920030320", 19200303), ("9008223", 19900822),
])
def test_dates_read_like_petrarch(text: str, expected: int) -> None:
    assert parse_date(text, "f:1", []) == expected


def test_unknown_date_takes_the_default_else_the_latest(tmp_path: Path) -> None:
    assert actor(tmp_path, SAM).codes_on(None) == ("HOB",)
    assert actor(tmp_path, GOLLUM).codes_on(None) == ("HOBREB",)


@pytest.mark.parametrize(("text", "phrases"), [
    ("UNITED_STATES [USA]\n+USA\n+U.S.  #JW\n", [("UNITED", "STATES"), ("USA",), ("U.S.",)]),
    ("ENT\n\t[ENT]\n", [("ENT",)]),
    ("INTERNATIONAL_CRIMINAL_POLICE_ORGANIZATION_\t\n+INTERPOL\n\t[IGOCOPITP]\n",
     [("INTERNATIONAL", "CRIMINAL", "POLICE", "ORGANIZATION"), ("INTERPOL",)]),
    # names one a line with their codes below all of them (Phoenix's style)
    ("LEONID_BREZHNEV_\nLEONID_ILYICH_BREZHNEV\n\t[RUSGOV 641014-821110]\n",
     [("LEONID", "BREZHNEV"), ("LEONID", "ILYICH", "BREZHNEV")]),
    ("<!-- a\nmulti-line comment -->\nHAMAS [PSEREBHMS] <!-- inline -->\n", [("HAMAS",)]),
])
def test_actor_phrases(tmp_path: Path, text: str, phrases: list[tuple[str, ...]]) -> None:
    assert list(actor(tmp_path, text).phrases) == phrases


@pytest.mark.parametrize(("phrase", "loose"), [
    ("ITHILEN TELEVISION", (0,)),            # a space: other words may come between
    ("ITHILEN_GOVERNMENT_RADIO_", ()),       # '_': consecutive words
    ("RADAGAST THE_BROWN", (0,)),
    ("ABU_ANAS AL-SHAMI_", (1,)),
    ("IN_ X", ()),                           # a trailing '_' before a space still joins
])
def test_loose_joints(phrase: str, loose: tuple[int, ...]) -> None:
    assert loose_joints(phrase) == loose


# ---------------------------------------------------------------- agents
AGENTS = """!PERSON! = MAN, MEN, WOMAN
!MINST! = MINISTER, MINISTRY
FOREIGN_MINISTER [~GOVFRM] # jap
POLICE {} [ ~COP]
GOLDEN_GOOSE {GOLDEN_GEESE} [~GGS]
MSF {}  [NGO~]
AUTHORITY  [~GOV]
CONGRESS!PERSON! [~LEG]
!MINST!_OF_SILLY_WALKS [~GOV]
"""


@pytest.mark.parametrize(("phrase", "code", "prefix"), [
    ("FOREIGN MINISTER", "GOVFRM", False),
    ("FOREIGN MINISTERS", "GOVFRM", False),   # regular plural
    ("POLICE", "COP", False),
    ("GOLDEN GOOSE", "GGS", False),
    ("GOLDEN GEESE", "GGS", False),           # given plural
    ("MSF", "NGO", True),                     # NGO~: before the actor's code
    ("AUTHORITIES", "GOV", False),            # -Y -> -IES
    ("CONGRESSMAN", "LEG", False),            # substitution marker
    ("CONGRESSWOMAN", "LEG", False),
    ("MINISTRY OF SILLY WALKS", "GOV", False),
])
def test_agents(tmp_path: Path, phrase: str, code: str, prefix: bool) -> None:
    dicts = load_dictionaries(write(tmp_path, agents=AGENTS), strict=True)
    found = {" ".join(a.phrase): (a.code, a.prefix) for a in dicts.agents}
    assert found[phrase] == (code, prefix)


@pytest.mark.parametrize("phrase", ["POLICES", "MSFS", "CONGRESSMANS", "GOLDEN GOOSES"])
def test_agents_without_a_plural(tmp_path: Path, phrase: str) -> None:
    dicts = load_dictionaries(write(tmp_path, agents=AGENTS), strict=True)
    assert phrase not in {" ".join(a.phrase) for a in dicts.agents}


# ---------------------------------------------------------------- verbs and synsets
VERBS = """&TIETYPES
+MILITARY
+ECONOMIC

&NEGAUX  # comment
+DID N'T
+WILL NOT

&ACCORDSYN
+&TIETYPES
+CLOSER

&CURRENCY_
+SWISS FRANCS
+YEN

--- ABANDON  [345]  ---
ABANDON    # pas
- * NEW_&TIETYPES_RELATIONS [903]
- * DIPLOMATIC TIES [901]

--- BREAK [1717] ---
BREAK { BROKE BROKEN  }
+BREAK_DOWN {+BROKE_DOWN +BROKEN_DOWN }
- + KNOWN_ * IN_ $  [076]
- IN_*  [075]
- *_OUT [074]

--- CONFISCATE  [1711] ---
CONFISCATE
WIRE_+TAP {WIRE_+TAPPED  WIRE_+TAPPING }
DOWNPLAY [014]
- % HAVE * [191:192]
"""


def verbs(tmp_path: Path) -> object:
    return load_dictionaries(write(tmp_path, verbs=VERBS), strict=True)


@pytest.mark.parametrize(("name", "members"), [
    ("&TIETYPES", {"MILITARY", "MILITARIES", "ECONOMIC", "ECONOMICS"}),
    ("&NEGAUX", {"DID N'T", "WILL NOT", "WILL NOTS"}),
    ("&ACCORDSYN", {"&TIETYPES", "CLOSER", "CLOSERS"}),   # a synset inside a synset
    ("&CURRENCY", {"SWISS FRANCS", "YEN"}),                # label ending in _: no plurals
])
def test_synsets(tmp_path: Path, name: str, members: set[str]) -> None:
    dicts = verbs(tmp_path)
    got = {" ".join(e.value for e in m) for m in dicts.synsets[name]}  # type: ignore[attr-defined]
    assert got == members


@pytest.mark.parametrize(("block", "forms"), [
    ("ABANDON", {("ABANDON", 0), ("ABANDONS", 0), ("ABANDONED", 0), ("ABANDONING", 0)}),
    ("BREAK", {("BREAK", 0), ("BROKE", 0), ("BROKEN", 0), ("BREAK DOWN", 0),
               ("BROKE DOWN", 0), ("BROKEN DOWN", 0)}),
    ("CONFISCATE", {("CONFISCATE", 0), ("CONFISCATES", 0), ("CONFISCATED", 0),
                    ("CONFISCATING", 0), ("WIRE TAP", 1), ("WIRE TAPPED", 1),
                    ("WIRE TAPPING", 1), ("DOWNPLAY", 0), ("DOWNPLAYS", 0),
                    ("DOWNPLAYED", 0), ("DOWNPLAYING", 0)}),
])
def test_verb_forms(tmp_path: Path, block: str, forms: set[tuple[str, int]]) -> None:
    found = next(b for b in verbs(tmp_path).blocks if b.name == block)  # type: ignore[attr-defined]
    assert {(" ".join(f.words), f.verb_index) for f in found.forms} == forms


@pytest.mark.parametrize(("block", "text", "upper", "lower", "joins", "code"), [
    ("ABANDON", "* NEW_&TIETYPES_RELATIONS", "", "NEW_ &TIETYPES_ RELATIONS",
     (False, False), "903"),
    ("BREAK", "+ KNOWN_ * IN_ $", "+ KNOWN", "IN $", (False, False), "076"),
    ("BREAK", "IN_*", "IN_", "", (True, False), "075"),
    ("BREAK", "*_OUT", "", "OUT", (False, True), "074"),
    ("CONFISCATE", "% HAVE *", "% HAVE", "", (False, False), "191:192"),
])
def test_patterns(tmp_path: Path, block: str, text: str, upper: str, lower: str,
                  joins: tuple[bool, bool], code: str) -> None:
    found = next(b for b in verbs(tmp_path).blocks if b.name == block)  # type: ignore[attr-defined]
    pattern = next(p for p in found.patterns if p.text == text)

    def show(elements: tuple) -> str:  # type: ignore[type-arg]
        return " ".join(e.value + ("_" if e.joined else "") for e in elements)
    assert (show(pattern.upper), show(pattern.lower)) == (upper, lower)
    assert (pattern.upper_joined, pattern.lower_joined, pattern.code) == (*joins, code)


def test_line_codes_override_the_block_code(tmp_path: Path) -> None:
    block = next(b for b in verbs(tmp_path).blocks if b.name == "CONFISCATE")  # type: ignore[attr-defined]
    assert block.code == "1711"
    assert {f.code for f in block.forms if f.words[0] == "DOWNPLAY"} == {"014"}


SHARED_FIRST_VERB = """--- CANCEL [---] ---
CALL_OFF [160]
END
--- MOBILIZE [150] ---
CALL_UP
"""


@pytest.mark.parametrize(("form", "code", "block"), [
    ("END", "---", "CANCEL"),      # not MOBILIZE's code, though the blocks share "CALL"
    ("CALL", "160", "CANCEL"),     # CALL OFF: the line's own code
    ("CALL", "150", "MOBILIZE"),   # CALL UP: its own block's code
])
def test_forms_keep_their_own_block_code(tmp_path: Path, form: str, code: str,
                                         block: str) -> None:
    from blocwatch.petrarch.match import compile_index
    dicts = load_dictionaries(write(tmp_path, verbs=SHARED_FIRST_VERB), strict=True)
    index = compile_index(dicts, str.split)
    found = {(f.code, f.name) for f in index.forms[form]}
    assert (code, block) in found


SHARED_PATTERNS = """--- CONTINUE [---] ---
GO_FORWARD
CONTINUE
- * TALKS [046]
--- GO_SOMEWHERE [042] ---
GO_AWAY
LEAVE
- * (FOR) [042]
--- CONTINUE [---] ---
GO_FORWARD
PERSIST
- * OFFENSIVE [190]
"""


@pytest.mark.parametrize(("form", "patterns"), [
    # blocks opening with the same form share their patterns (PETRARCH's primary form) ...
    ("CONTINUE", ["* TALKS", "* OFFENSIVE"]),
    ("PERSIST", ["* TALKS", "* OFFENSIVE"]),
    # ... blocks whose first forms only share a verb ("GO FORWARD", "GO AWAY") do not
    ("LEAVE", ["* (FOR)"]),
])
def test_blocks_share_patterns_by_first_form(tmp_path: Path, form: str,
                                             patterns: list[str]) -> None:
    from blocwatch.petrarch.match import compile_index
    dicts = load_dictionaries(write(tmp_path, verbs=SHARED_PATTERNS), strict=True)
    index = compile_index(dicts, str.split)
    keys = {f.block for f in index.forms[form]}
    assert len(keys) == 1
    block = index.blocks[keys.pop()]
    assert sorted(p.text for p, _ in block.patterns) == sorted(patterns)


@pytest.mark.parametrize(("verb", "forms"), [
    ("ATTACK", ["ATTACKS", "ATTACKED", "ATTACKING"]),
    ("RAISE", ["RAISES", "RAISED", "RAISING"]),
    ("FREE", ["FREES", "FREED", "FREEING"]),
    ("CRUSH", ["CRUSHES", "CRUSHED", "CRUSHING"]),
    ("DENY", ["DENIES", "DENIED", "DENYING"]),
])
def test_regular_verb_forms(verb: str, forms: list[str]) -> None:
    assert regular_forms(verb) == forms


# ---------------------------------------------------------------- discards
@pytest.mark.parametrize(("line", "phrase", "story"), [
    ("MONTHS LATER", ("MONTHS", "LATER"), False),
    ("+World Golf Championships   # pas", ("WORLD", "GOLF", "CHAMPIONSHIPS"), True),
    ("+ TYPHOON", ("TYPHOON",), True),
    ("1914", ("1914",), False),
])
def test_discards(tmp_path: Path, line: str, phrase: tuple[str, ...], story: bool) -> None:
    dicts = load_dictionaries(write(tmp_path, discards=line + "\n"), strict=True)
    assert [(d.phrase, d.story) for d in dicts.discards] == [(phrase, story)]


# ---------------------------------------------------------------- malformed lines
@pytest.mark.parametrize(("kind", "text", "where", "says"), [
    ("actors", "ISRAEL [ISR]\nGAZA [PSE\n", "test.actors.txt:2", "bracket"),
    ("actors", "[USA]\nUSA\n", "test.actors.txt:1", "before any actor"),
    ("actors", "# c\n+U.S.\n", "test.actors.txt:2", "synonym"),
    ("actors", "ISRAEL [ISR]\nGAZA [PSE 951301-960101]\n", "test.actors.txt:2", "month"),
    ("actors", "ISRAEL [ISR]\nGAZA [PSE 95xx01]\n", "test.actors.txt:2", "YYMMDD"),
    ("actors", "ISRAEL []\n", "test.actors.txt:1", "empty code"),
    ("agents", "POLICE {} [~COP]\nISLAMIC_EXTREMIST\n", "test.agents.txt:2", "code"),
    ("agents", "\n\nCONGRESS!PERSON! [~LEG]\n", "test.agents.txt:3", "!PERSON!"),
    ("agents", "GOOSE {GEESE [~GGS]\n", "test.agents.txt:1", "unbalanced"),
    ("verbs", "- * TALKS [031]\n", "test.verbs.txt:1", "block"),
    ("verbs", MINIMAL_VERBS + "- TALKS [031]\n", "test.verbs.txt:3", "'*'"),
    ("verbs", MINIMAL_VERBS + "- * TALKS\n", "test.verbs.txt:3", "[code]"),
    ("verbs", MINIMAL_VERBS + "- * &NOSUCH [031]\n", "test.verbs.txt:3", "&NOSUCH"),
    ("verbs", "--- X [1] ---\nBAN {BANS BANNED\n", "test.verbs.txt:2", "unbalanced"),
    ("verbs", "ATTACK\n", "test.verbs.txt:1", "outside a block"),
])
def test_malformed_lines_name_file_and_line(tmp_path: Path, kind: str, text: str,
                                            where: str, says: str) -> None:
    folder = write(tmp_path, **{kind: text})
    with pytest.raises(KnowledgeBaseError) as err:
        load_dictionaries(folder, strict=True)
    assert err.value.origin == where
    assert says in str(err.value)
    # read leniently, the same line is skipped and reported, the rest still loads
    lenient = load_dictionaries(folder)
    assert any(w.startswith(where) for w in lenient.warnings), lenient.warnings


@pytest.mark.parametrize(("files", "says"), [
    ({"actors.txt": "X [Y]\n"}, "no actors dictionary"),
    ({"a.actors.txt": "ISRAEL [ISR]\n"}, "no verbs dictionary"),
])
def test_missing_dictionaries(tmp_path: Path, files: dict[str, str], says: str) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    with pytest.raises(KnowledgeBaseError, match=says):
        load_dictionaries(tmp_path)


def test_not_a_folder(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseError, match="not a folder"):
        load_dictionaries(tmp_path / "nowhere")


def test_dictionaries_are_frozen(tmp_path: Path) -> None:
    dicts = load_dictionaries(write(tmp_path))
    with pytest.raises(AttributeError):
        dicts.actors = ()  # type: ignore[misc]
