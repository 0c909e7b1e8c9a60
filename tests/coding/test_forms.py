"""Surface forms of lexicon verbs."""

from __future__ import annotations

import pytest

from blocwatch.text.forms import verb_forms


@pytest.mark.parametrize(("lemma", "forms"), [
    ("attack", {"attack", "attacks", "attacked", "attacking"}),
    ("stage", {"stage", "stages", "staged", "staging"}),
    ("criticise", {"criticises", "criticised", "criticising"}),
    ("deny", {"denies", "denied", "denying"}),
    ("meet", {"meets", "met", "meeting"}),
    ("fight", {"fights", "fought", "fighting"}),
    ("ban", {"bans", "banned", "banning"}),
    ("veto", {"vetoes", "vetoed", "vetoing"}),
    ("hope", {"hopes", "hoped", "hoping"}),
])
def test_verb_forms(lemma: str, forms: set[str]) -> None:
    assert forms <= verb_forms(lemma)
