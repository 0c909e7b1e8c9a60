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
from collections.abc import Iterable
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
    return hash_normalised(normalise(text))


def hash_normalised(normalised: str) -> str:
    """:func:`text_hash` of a text given :func:`normalise`-d."""
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def shingles(text: str, size: int = SHINGLE_WORDS, *, normalised: bool = False) -> set[str]:
    """The set of word ``size``-grams of the normalised text (punctuation ignored);
    ``normalised``: ``text`` is normalised already."""
    words = _WORD.findall(text if normalised else normalise(text))
    if len(words) < size:
        return set()
    return {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}


# MinHash by universal hashing, the scheme of datasketch 2 ("affine32"), so that signatures
# stored by earlier versions still compare: each shingle's SHA-1 gives a 32-bit value, mixed
# by MurmurHash3's finaliser, then NUM_PERM affine maps h -> a*h + b (mod 2^32) drawn once
# from SEED; a signature is the minimum of each map over the document's shingles.  Written
# here because importing datasketch pulls in scipy (1.4 s per process) and its update loop
# cost more than the hashing itself; tests/test_ingest_dedup.py checks that both agree.
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35),
           np.uint32(16))
_ROWS_AT_ONCE = 4096  # shingles per step: bounds the (rows x NUM_PERM) work array
_PERSON = tuple(band.to_bytes(2, "big") for band in range(NUM_PERM))  # keys each band's hash


@lru_cache(maxsize=4)
def permutations(num_perm: int = NUM_PERM, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """The affine maps' (a, b): ``a`` odd so that each map is a bijection of 32-bit values."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def _mix(hv: np.ndarray) -> np.ndarray:
    s1, m1, s2, m2, s3 = _FMIX32
    hv = (hv ^ (hv >> s1)) * m1
    hv = (hv ^ (hv >> s2)) * m2
    return hv ^ (hv >> s3)


def minhash(grams: Iterable[str], num_perm: int = NUM_PERM, seed: int = SEED) -> np.ndarray:
    """The MinHash values (uint32) of a set of shingles."""
    a, b = permutations(num_perm, seed)
    sha1 = hashlib.sha1
    digests = b"".join([sha1(g).digest() for g in map(str.encode, grams)])
    hv = _mix(np.frombuffer(digests, dtype="<u4")[::5].astype(np.uint32))  # first 4 of 20 bytes
    values = np.full(num_perm, 0xFFFFFFFF, dtype=np.uint32)
    for start in range(0, len(hv), _ROWS_AT_ONCE):
        rows = hv[start:start + _ROWS_AT_ONCE, None] * a + b  # wraps: mod 2^32
        np.minimum(values, rows.min(axis=0), out=values)
    return values


def _collision(s: np.ndarray, bands: int, rows: np.ndarray) -> np.ndarray:
    """Chance that a pair of similarity ``s`` (columns) shares at least one of ``bands``
    bands of each number of ``rows`` (rows of the result)."""
    return 1 - (1 - s[None, :] ** rows[:, None]) ** bands


def _simpson(y: np.ndarray, low: float, high: float) -> np.ndarray:
    """Simpson's rule along the last axis of ``y`` (an odd number of evenly spaced
    samples)."""
    h = (high - low) / (y.shape[-1] - 1)
    return h / 3 * (y[..., 0] + y[..., -1] + 4 * y[..., 1:-1:2].sum(axis=-1)
                    + 2 * y[..., 2:-1:2].sum(axis=-1))


@lru_cache(maxsize=8)
def band_layout(threshold: float, num_perm: int = NUM_PERM) -> tuple[int, int]:
    """(bands, rows per band) that minimise the chance of a false candidate (a pair below
    ``threshold`` sharing a band) plus 9 times the chance of a missed duplicate (the choice
    of datasketch's LSH with weights (0.1, 0.9): candidates are checked against the
    threshold with their signatures anyway): 20 bands of 6 rows at 0.7."""
    below, above = np.linspace(0.0, threshold, 401), np.linspace(threshold, 1.0, 401)
    best, layout = float("inf"), (1, num_perm)
    for bands in range(1, num_perm + 1):
        rows = np.arange(1, num_perm // bands + 1, dtype=float)
        false_pos = _simpson(_collision(below, bands, rows), 0.0, threshold)
        missed = _simpson(1 - _collision(above, bands, rows), threshold, 1.0)
        error = 0.1 * false_pos + 0.9 * missed
        i = int(np.argmin(error))  # the first of equals, as a scan in order would keep
        if error[i] < best:
            best, layout = float(error[i]), (bands, i + 1)
    return layout


@dataclass(frozen=True)
class Signature:
    """A document's MinHash signature (``NUM_PERM`` unsigned 64-bit values)."""

    values: bytes

    @classmethod
    def of(cls, text: str, *, normalised: bool = False) -> Signature | None:
        """The signature of ``text``; None when it has fewer than ``SHINGLE_WORDS`` words."""
        grams = shingles(text, normalised=normalised)
        if not grams:
            return None
        # stored as 64-bit values, as signatures have always been
        return cls(minhash(grams).astype("<u8").tobytes())

    def array(self) -> np.ndarray:
        return np.frombuffer(self.values, dtype="<u8")

    def similarity(self, other: Signature) -> float:
        """Estimated Jaccard similarity of the two documents' shingle sets."""
        return float(np.mean(self.array() == other.array()))

    def bands(self, threshold: float) -> tuple[int, ...]:
        """One signed 64-bit key per LSH band; similar documents share at least one."""
        b, r = band_layout(threshold, NUM_PERM)
        width = 8 * r  # bytes of one band's values
        raw = self.values
        return tuple(
            int.from_bytes(hashlib.blake2b(raw[band * width:(band + 1) * width], digest_size=8,
                                           person=_PERSON[band]).digest(), "big", signed=True)
            for band in range(b))


@dataclass(frozen=True)
class Fingerprint:
    """What deduplication needs to know of one document."""

    text_hash: str
    signature: Signature | None
    bands: tuple[int, ...]

    @classmethod
    def of(cls, text: str, threshold: float, *, normalised: bool = False) -> Fingerprint:
        """``normalised``: ``text`` is :func:`normalise`-d already."""
        norm = text if normalised else normalise(text)
        sig = Signature.of(norm, normalised=True)
        return cls(hash_normalised(norm), sig, sig.bands(threshold) if sig else ())


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
