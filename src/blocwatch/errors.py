"""blocwatch's exceptions, one tree.

    BlocwatchError                 base of everything blocwatch raises on purpose
    ├── UsageError                 bad option or argument (CLI exit code 2)
    ├── InputError                 an input cannot be read; carries ``origin`` (file[:line])
    │   └── EmptyInputError        the input holds no article text
    ├── KnowledgeBaseError         a data file (actors, lexicon, code table) is malformed;
    │                              carries ``origin`` (file:line)
    ├── ModelError                 the spaCy model is not installed or cannot load
    └── StoreError                 the database cannot be opened, migrated or written

Every message says what to do.  The CLI prints ``str(error)`` on one line.
"""

from __future__ import annotations


class BlocwatchError(Exception):
    """Base class of blocwatch's exceptions."""


class UsageError(BlocwatchError):
    """A bad option or argument."""


class InputError(BlocwatchError):
    """An input that cannot be read or holds no usable article."""

    def __init__(self, origin: str, message: str) -> None:
        super().__init__(f"{origin}: {message}")
        self.origin = origin
        self.reason = message


class EmptyInputError(InputError):
    """An input with no article text."""


class KnowledgeBaseError(BlocwatchError):
    """A malformed knowledge-base or lexicon file."""

    def __init__(self, origin: str, message: str) -> None:
        super().__init__(f"{origin}: {message}")
        self.origin = origin


class ModelError(BlocwatchError):
    """The spaCy model cannot be loaded."""


class StoreError(BlocwatchError):
    """The event database cannot be opened, migrated or written."""
