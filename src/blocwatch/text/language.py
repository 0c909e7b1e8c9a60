"""Stage 1c — which language an article is written in, so that the coder (an English
grammar and lexicon) refuses what it cannot read instead of coding nonsense.

Small and fast, no model: first the writing system (Cyrillic, Arabic, CJK, Devanagari,
Greek, Hebrew, ... by Unicode ranges), then, for Latin-script text, the share of each
language's most frequent function words.  The word lists are short and written by us.

    >>> detect("Le gouvernement a annoncé mardi que les négociations avec la Russie ...")
    LanguageGuess(code='fr', name='French', script='Latin', share=0.4, ...)

A text is refused as not English (:func:`english_problem`) only with enough evidence: at
least ``language_min_words`` words, and either most letters in a non-Latin script, or
another language's function words making up at least :data:`MIN_OTHER_SHARE` of the
words and twice the share of English ones, while English function words make up less than
``min_english_share`` of the words.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

SAMPLE_CHARS = 20_000
# Another language's function words must make up this share of the words (real text in a
# language: 30-50%; English financial tables and lists of names: under 10% of anything).
MIN_OTHER_SHARE = 0.15
# A text in another writing system uses at least this many different letters (one character
# repeated, or a handful of symbols, is no language).
MIN_DISTINCT_LETTERS = 12  # enough to decide; long articles are not read to the end
# Words of two letters or more: one-letter words ("a", "i", "v", "z") are function words
# in many languages and letters in tables ("752A", "Q1"), so they tell too little.
_WORD = re.compile(r"[^\W\d_]{2,}")

# Function words: articles, pronouns, prepositions, conjunctions, auxiliaries.  Words that
# are frequent in several languages stay in each list; the comparison of shares decides.
STOPWORDS: dict[str, tuple[str, str]] = {
    "en": ("English", "the of and to in is that for on was with as by at from it he said "
                      "be are have has had were his her its their they this which an not but "
                      "or who will would been after also than there more about into over "
                      "we you she them our up out one all under"),
    "fr": ("French", "le la les de des du un une et est en que qui dans pour pas sur au aux "
                     "il elle ils sont avec ce cette par plus ont été ne se son sa ses mais "
                     "ou nous vous leur a l d qu c n s j"),
    "de": ("German", "der die das und ist nicht ein eine einen dem den des mit sich auf für "
                     "von zu im sie es wird werden wurde hat haben auch als nach bei aus wie "
                     "noch oder aber nur sind vor zum zur über dass"),
    "es": ("Spanish", "el la los las de del y que en un una es por con para se no al lo su "
                      "sus como más pero ha han fue ser este esta entre sobre también según "
                      "muy sin hasta porque cuando"),
    "pt": ("Portuguese", "o a os as de do da dos das e que em um uma é para com não no na "
                         "nos nas por se ao mais como mas foi ser pelo pela são também seu "
                         "sua já entre quando está"),
    "it": ("Italian", "il lo la i gli le di del della dei delle e che è un una per non in "
                      "con su da al alla sono si ha anche come più ma nel nella questo "
                      "questa stato essere loro dopo"),
    "nl": ("Dutch", "de het een en van in is dat op te zijn voor met niet aan er die als "
                    "ook maar bij om door nog wordt werd heeft hebben naar zij ze uit over "
                    "tot dit deze wel"),
    "sv": ("Swedish", "och i att det som en på är av för med till den har inte om ett de "
                      "var jag sig men vi han hon från så kan eller efter också vid när "
                      "under sina detta"),
    "da": ("Danish", "og at det er en på til af for med den de som har ikke et der var "
                     "jeg sig men vi han hun fra så kan eller efter også ved når under blev "
                     "være skal nogen sagde mod hvad nu kun havde meget"),
    "no": ("Norwegian", "og at det er en på til av for med den de som har ikke et der var "
                        "jeg seg men vi han hun fra så kan eller etter også ved når under "
                        "ble være skal noen sa mot hva nå bare hadde mye"),
    "pl": ("Polish", "i w na nie z że się do to jest jak o co ale po od za przez dla tak "
                     "jego jej już są być został była było może oraz które który która także"),
    "tr": ("Turkish", "ve bir bu da de için ile olarak daha çok gibi olan ama en kadar sonra "
                      "ancak ise değil mi ne var yok her o şu olan oldu tarafından"),
    "id": ("Indonesian", "dan yang di ke dari ini itu dengan untuk tidak dalam akan pada "
                         "juga ada adalah oleh karena bahwa atau mereka sudah telah kami kita "
                         "saat bisa lebih"),
    "cs": ("Czech", "a v se na je že s z do o to i jako ale k by jsou jsem byl bylo byla "
                    "podle také který která které jeho jejich nebo když už pro po při"),
    "ro": ("Romanian", "și în de la a pe cu din că nu o un este să care mai pentru sau au "
                       "ca după fost sunt acest această dar și prin iar lui ei"),
    "hu": ("Hungarian", "a az és hogy nem is egy meg van volt de ez azt mint csak már el "
                        "ki be még kell lesz sem vagy pedig után között"),
    "fi": ("Finnish", "ja on ei se että oli hän ovat mutta kun myös tai kuin ole olla "
                      "jo nyt vain tämä sen joka mukaan jälkeen"),
}
_WORDSETS = {code: frozenset(words.split()) for code, (_, words) in STOPWORDS.items()}
NAMES = {code: name for code, (name, _) in STOPWORDS.items()}

# Writing systems other than Latin: (name, language to name it by, ranges of code points).
SCRIPTS: tuple[tuple[str, str, tuple[tuple[int, int], ...]], ...] = (
    ("Cyrillic", "Russian", ((0x0400, 0x052F),)),
    ("Greek", "Greek", ((0x0370, 0x03FF), (0x1F00, 0x1FFF))),
    ("Hebrew", "Hebrew", ((0x0590, 0x05FF),)),
    ("Arabic", "Arabic", ((0x0600, 0x06FF), (0x0750, 0x077F), (0xFB50, 0xFDFF),
                          (0xFE70, 0xFEFF))),
    ("Devanagari", "Hindi", ((0x0900, 0x097F),)),
    ("Bengali", "Bengali", ((0x0980, 0x09FF),)),
    ("Tamil", "Tamil", ((0x0B80, 0x0BFF),)),
    ("Thai", "Thai", ((0x0E00, 0x0E7F),)),
    ("Georgian", "Georgian", ((0x10A0, 0x10FF),)),
    ("Armenian", "Armenian", ((0x0530, 0x058F),)),
    ("Hangul", "Korean", ((0x1100, 0x11FF), (0x3130, 0x318F), (0xAC00, 0xD7AF))),
    ("Kana", "Japanese", ((0x3040, 0x30FF),)),
    ("Han", "Chinese", ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0xF900, 0xFAFF))),
)
_UNSPACED = ("Han", "Kana", "Thai")
# Letters that tell languages of one script apart: if any is frequent enough, that language.
_MARKERS = {
    "Cyrillic": (("Ukrainian", "іїєґ"), ("Serbian", "ђјљњћџ"), ("Bulgarian", "ъ")),
    "Arabic": (("Urdu", "ٹڈڑںے"), ("Persian", "پچژگ")),
}


@dataclass(frozen=True)
class LanguageGuess:
    """The most likely language of a text and the evidence for it."""

    code: str          # ISO 639-1 for Latin-script languages, "" for other scripts
    name: str          # "French", "Russian", ...
    script: str        # "Latin", "Cyrillic", ...
    share: float       # share of the words (of the letters, for a script) that point to it
    english_share: float
    words: int
    distinct: int = 0  # different letters of that script: text has many, garbage few


def _script(ch: str) -> str | None:
    point = ord(ch)
    if point < 0x0370:
        return "Latin"
    for name, _, ranges in SCRIPTS:
        if any(lo <= point <= hi for lo, hi in ranges):
            return name
    return "Latin" if "LATIN" in unicodedata.name(ch, "") else None


def _script_language(script: str, letters: str) -> str:
    language = next(lang for name, lang, _ in SCRIPTS if name == script)
    if script == "Han" and any(_script(ch) == "Kana" for ch in letters):
        return "Japanese"
    for name, marks in _MARKERS.get(script, ()):
        hits = sum(letters.count(ch) for ch in marks)
        if hits >= max(2, len(letters) // 200):
            return name
    return language


def detect(text: str) -> LanguageGuess:
    """The most likely language of ``text`` (its first :data:`SAMPLE_CHARS` characters)."""
    sample = text[:SAMPLE_CHARS]
    words = [w.lower() for w in _WORD.findall(sample)]
    word_counts = Counter(words)
    # each distinct letter once, with its count (in order of first appearance)
    letters = {ch: n for ch, n in Counter(sample).items() if ch.isalpha()}
    counts: dict[str, int] = {}
    for ch, k in letters.items():
        script = _script(ch) or "other"
        counts[script] = counts.get(script, 0) + k
    total = max(1, sum(letters.values()))
    english = _hits(word_counts, _WORDSETS["en"]) / max(1, len(words))
    script, n = max(counts.items(), key=lambda kv: kv[1]) if counts else ("Latin", 0)
    if script in ("Han", "Kana"):  # Japanese writes with both
        n = counts.get("Han", 0) + counts.get("Kana", 0)
    if script not in ("Latin", "other"):
        own = "".join(ch * k for ch, k in letters.items()
                      if _script(ch) == script or script == "Han")
        name = _script_language(script, own)
        return LanguageGuess("", name, script, n / total, english,
                             _count_words(sample, n, script), len(set(own)))
    shares = {code: _hits(word_counts, wordset) / max(1, len(words))
              for code, wordset in _WORDSETS.items()}
    best = max(shares, key=lambda code: (shares[code], code == "en"))
    return LanguageGuess(best, NAMES[best], "Latin", shares[best], english, len(words))


def _hits(word_counts: Counter[str], wordset: frozenset[str]) -> int:
    """How many of the words (counted) are in ``wordset``."""
    return sum(n for w, n in word_counts.items() if w in wordset)


def _count_words(sample: str, letters: int, script: str) -> int:
    """Words of a text in a non-Latin script: written without spaces (Chinese, Japanese,
    Thai), about one word per two letters; else the space-separated tokens with a letter."""
    if script in _UNSPACED:
        return letters // 2
    return sum(1 for token in sample.split() if any(ch.isalpha() for ch in token))


def english_problem(text: str, *, min_words: int, min_english_share: float) -> str | None:
    """Why ``text`` is not English news ("written in French, not English: ..."), or None
    when it is English or too short to tell."""
    guess = detect(text)
    if guess.words < min_words or guess.code == "en":
        return None
    if guess.script != "Latin":
        if guess.share < 0.6 or guess.distinct < MIN_DISTINCT_LETTERS:
            return None
    elif (guess.english_share >= min_english_share
          or guess.share < max(MIN_OTHER_SHARE, 2 * guess.english_share)):
        return None
    log.debug("refused as %s: %s", guess.name, guess)
    return (f"written in {guess.name}, not English: blocwatch codes English news only "
            "(set BLOCWATCH_LANGUAGE_CHECK=false to code it anyway)")
