"""The public API: pinned ``__all__``, the three-line use from the README, settings
documented."""

from __future__ import annotations

import re
from pathlib import Path

import blocwatch
from blocwatch.settings import SETTINGS, Settings

ROOT = Path(__file__).resolve().parents[1]


def test_exported_members() -> None:
    assert blocwatch.__all__ == sorted(blocwatch.__all__)
    assert set(blocwatch.__all__) == {
        "ActorRef", "Article", "BlocwatchError", "CodedArticle", "Coder", "Event",
        "InputError", "KnowledgeBaseError", "ModelError", "Plover", "Quote", "Settings",
        "Speaker", "UsageError", "VerbRef", "__version__", "read_inputs"}


def test_three_line_use(coder) -> None:
    events = coder.code_text("Russia criticised NATO on Monday.", date="2024-02-01")
    assert [(e.source.code, e.cameo, e.target and e.target.code) for e in events] == [
        ("RUS", "111", "IGOWSTNAT")]
    assert events[0].rule == "criticize" and events[0].verb.lemma == "criticise"


def test_every_setting_is_documented() -> None:
    doc = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert f"`{setting.name}`" in doc, setting.name
        assert f"BLOCWATCH_{setting.name.upper()}" in doc
    assert {s.name for s in SETTINGS} == set(Settings.__dataclass_fields__)


def test_settings_from_env(monkeypatch) -> None:
    monkeypatch.setenv("BLOCWATCH_BATCH_SIZE", "4")
    assert Settings.from_env().batch_size == 4
    assert Settings.from_env(batch_size=8).batch_size == 8


def test_readme_commands_exist() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_screen = "\n".join(readme.splitlines()[:40])
    assert "make demo" in first_screen and "make test" in first_screen
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
