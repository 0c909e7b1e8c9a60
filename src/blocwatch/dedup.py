"""Document deduplication: exact (hash of the normalised text) and near-duplicate (MinHash
signatures of word 3-grams, banded for LSH look-ups).

The signatures and band keys are plain values so that the store can persist them: an ingest
run that starts again finds the documents of earlier runs through the database, and documents
still on their way to the database through a :class:`PendingIndex` in memory.

    >>> sig = Signature.of("North Korea accused the United States of provocation.")
    >>> sig.similarity(sig)
    1.0
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

NUM_PERM = 128
SHINGLE_WORDS = 3
SEED = 1
_WORD = re.compile(r"\w+")


def normalise(text: str) -> str:
    """Text as compared for exact duplicates: NFKC, case-folded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def text_hash(text: str) -> str:
    """SHA-256 (hex) of the normalised text."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[str]:
    """The set of word ``size``-grams of the normalised text (punctuation ignored)."""
    words = _WORD.findall(normalise(text))
    if len(words) < size:
        return set()
    return {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}


@lru_cache(maxsize=1)
def _template():  # type: ignore[no-untyped-def]
    """A MinHash whose permutations (the same for every document: NUM_PERM and SEED fix
    them) new signatures reuse instead of drawing them again."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=SEED)


@lru_cache(maxsize=8)
def band_layout(threshold: float, num_perm: int = NUM_PERM) -> tuple[int, int]:
    """(bands, rows per band) that datasketch's LSH picks for ``threshold``, weighing missed
    duplicates 9 times more than false candidates (candidates are checked against the
    threshold with their signatures anyway): 20 bands of 6 rows at 0.7."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=(0.1, 0.9))
    return int(lsh.b), int(lsh.r)


@dataclass(frozen=True)
class Signature:
    """A document's MinHash signature (``NUM_PERM`` unsigned 64-bit values)."""

    values: bytes

    @classmethod
    def of(cls, text: str) -> Signature | None:
        """The signature of ``text``; None when it has fewer than ``SHINGLE_WORDS`` words."""
        from datasketch import MinHash

        grams = shingles(text)
        if not grams:
            return None
        template = _template()
        mh = MinHash(num_perm=NUM_PERM, seed=SEED, permutations=template.permutations,
                     scheme=template.scheme)
        mh.update_batch([g.encode("utf-8") for g in grams])  # order-free: a minimum
        return cls(np.asarray(mh.hashvalues, dtype="<u8").tobytes())

    def array(self) -> np.ndarray:
        return np.frombuffer(self.values, dtype="<u8")

    def similarity(self, other: Signature) -> float:
        """Estimated Jaccard similarity of the two documents' shingle sets."""
        return float(np.mean(self.array() == other.array()))

    def bands(self, threshold: float) -> tuple[int, ...]:
        """One signed 64-bit key per LSH band; similar documents share at least one."""
        b, r = band_layout(threshold, NUM_PERM)
        values = self.array()
        keys = []
        for band in range(b):
            chunk = values[band * r:(band + 1) * r].tobytes()
            digest = hashlib.blake2b(chunk, digest_size=8, person=band.to_bytes(2, "big"))
            keys.append(int.from_bytes(digest.digest(), "big", signed=True))
        return tuple(keys)


@dataclass(frozen=True)
class Fingerprint:
    """What deduplication needs to know of one document."""

    text_hash: str
    signature: Signature | None
    bands: tuple[int, ...]

    @classmethod
    def of(cls, text: str, threshold: float) -> Fingerprint:
        sig = Signature.of(text)
        return cls(text_hash(text), sig, sig.bands(threshold) if sig else ())


@dataclass(frozen=True)
class Match:
    """A document's original: ``ref`` identifies it (a database id or a pending key)."""

    ref: object
    kind: str  # "exact" or "near"
    similarity: float


@dataclass
class PendingIndex:
    """Documents decided on but not yet in the database (in memory, for one run)."""

    threshold: float
    by_hash: dict[str, object] = field(default_factory=dict)
    by_band: dict[tuple[int, int], list[object]] = field(default_factory=lambda: defaultdict(list))
    signatures: dict[object, Signature] = field(default_factory=dict)
    order: dict[object, int] = field(default_factory=dict)  # ref -> when it was added
    added: int = 0

    def add(self, ref: object, fp: Fingerprint) -> None:
        self.by_hash.setdefault(fp.text_hash, ref)
        if ref not in self.order:
            self.order[ref] = self.added
            self.added += 1
        if fp.signature is not None:
            self.signatures[ref] = fp.signature
            for band, key in enumerate(fp.bands):
                self.by_band[(band, key)].append(ref)

    def remove(self, ref: object, fp: Fingerprint) -> None:
        if self.by_hash.get(fp.text_hash) == ref:
            del self.by_hash[fp.text_hash]
        self.signatures.pop(ref, None)
        self.order.pop(ref, None)
        for band, key in enumerate(fp.bands):
            refs = self.by_band.get((band, key))
            if refs and ref in refs:
                refs.remove(ref)
                if not refs:
                    del self.by_band[(band, key)]

    def find(self, fp: Fingerprint) -> Match | None:
        if fp.text_hash in self.by_hash:
            return Match(self.by_hash[fp.text_hash], "exact", 1.0)
        if fp.signature is None:
            return None
        candidates: dict[object, None] = {}
        for band, key in enumerate(fp.bands):
            for ref in self.by_band.get((band, key), ()):
                candidates[ref] = None
        ordered = sorted(candidates, key=self.order.__getitem__)  # earliest first, for ties
        return best_match(fp.signature, ((ref, self.signatures[ref]) for ref in ordered),
                          self.threshold)


def best_match(signature: Signature, candidates, threshold: float) -> Match | None:  # type: ignore[no-untyped-def]
    """The most similar candidate ``(ref, Signature)`` at or above ``threshold``; ties go to
    the first candidate (the earliest document)."""
    best: Match | None = None
    for ref, other in candidates:
        sim = signature.similarity(other)
        if sim >= threshold and (best is None or sim > best.similarity):
            best = Match(ref, "near", sim)
    return best
