"""Deduplication building blocks: normalised hashes, MinHash similarity, LSH bands and the
in-memory index of documents not yet stored."""

from __future__ import annotations

import datasketch  # a dev dependency: the reference
import pytest

from blocwatch.store.dedup import (
    Fingerprint,
    PendingIndex,
    Signature,
    band_layout,
    minhash,
    shingles,
    text_hash,
)

TEXT = ("The foreign ministry in Pyongyang said the exercises were a rehearsal for war and "
        "warned that it would take strong countermeasures against the two allies. South Korea "
        "said the drills were defensive and had been planned for months, and Japan said it was "
        "watching the situation closely while China called on all sides to show restraint.")


@pytest.mark.parametrize(("a", "b", "same"), [
    (TEXT, TEXT.upper(), True),
    (TEXT, "  " + TEXT.replace(" ", "\n "), True),
    (TEXT, TEXT.replace("ﬁ", "fi"), True),
    ("ﬁnal talks", "final talks", True),  # NFKC
    (TEXT, TEXT + " More talks are planned.", False),
])
def test_exact_hash(a: str, b: str, same: bool) -> None:
    assert (text_hash(a) == text_hash(b)) is same


@pytest.mark.parametrize(("other", "low", "high"), [
    (TEXT, 1.0, 1.0),
    (TEXT.replace("strong", "firm"), 0.7, 0.95),
    ("Russia criticised NATO for holding naval exercises in the Baltic Sea on Tuesday.",
     0.0, 0.1),
])
def test_similarity(other: str, low: float, high: float) -> None:
    a, b = Signature.of(TEXT), Signature.of(other)
    assert a is not None and b is not None
    assert low <= a.similarity(b) <= high
    shared_band = bool(set(enumerate(a.bands(0.7))) & set(enumerate(b.bands(0.7))))
    assert shared_band is (low >= 0.7)


def test_short_texts_have_no_signature() -> None:
    assert Signature.of("Two words") is None
    assert Fingerprint.of("Two words", 0.7).bands == ()


def test_band_layout_favours_recall() -> None:
    bands, rows = band_layout(0.7)
    assert bands * rows <= 128
    assert 1 - (1 - 0.7 ** rows) ** bands > 0.9  # a pair at the threshold is found


def test_pending_index_prefers_exact_then_most_similar_then_earliest() -> None:
    index = PendingIndex(0.7)
    edited = TEXT.replace("strong", "firm")
    index.add("first", Fingerprint.of(edited, 0.7))
    index.add("second", Fingerprint.of(edited, 0.7))
    index.add("exact", Fingerprint.of(TEXT, 0.7))
    found = index.find(Fingerprint.of(TEXT.upper(), 0.7))
    assert found is not None and (found.ref, found.kind) == ("exact", "exact")
    index.remove("exact", Fingerprint.of(TEXT, 0.7))
    found = index.find(Fingerprint.of(TEXT, 0.7))
    assert found is not None and (found.ref, found.kind) == ("first", "near")
    index.remove("first", Fingerprint.of(edited, 0.7))
    index.remove("second", Fingerprint.of(edited, 0.7))
    assert index.find(Fingerprint.of(TEXT, 0.7)) is None
    assert not index.by_band and not index.by_hash and not index.signatures


# Our MinHash must give datasketch 2's values (scheme "affine32", 128 permutations, seed 1):
# signatures stored by versions that called datasketch are compared with new ones.
BANDS_OF_TEXT = (-3867916610254682926, 6830668722439303616, -4298462836999634691)
ORACLE_TEXTS = [TEXT, TEXT.upper() + " and more", "Three small words", "ﬁnal talks in Genève, "
                "Zürich and 北京 ended", " ".join(f"word{i}" for i in range(5000))]


@pytest.mark.parametrize("text", ORACLE_TEXTS, ids=range(len(ORACLE_TEXTS)))
def test_minhash_equals_datasketch(text: str) -> None:
    grams = shingles(text)
    reference = datasketch.MinHash(num_perm=128, seed=1)
    reference.update_batch([g.encode("utf-8") for g in grams])
    assert list(minhash(grams)) == [int(v) for v in reference.hashvalues]


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95])
def test_band_layout_equals_datasketch(threshold: float) -> None:
    lsh = datasketch.MinHashLSH(threshold=threshold, num_perm=128, weights=(0.1, 0.9))
    assert band_layout(threshold) == (lsh.b, lsh.r)


def test_band_keys_are_those_stored_before() -> None:
    """Band keys are stored: the same text must give the keys earlier versions stored."""
    assert Fingerprint.of(TEXT, 0.7).bands[:3] == BANDS_OF_TEXT
