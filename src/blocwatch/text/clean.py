"""Stage 1b — clean an article: normalise Unicode and whitespace, drop boilerplate lines,
split off the dateline; check the limits and the language before anything is parsed.

Boilerplate is what a page or wire adds around the story: "See also:", "READ ALSO",
"VOIR ÉGALEMENT:", share/subscribe lines, lone bylines.  The dateline ("JAKARTA -",
"SEOUL, June 27 (Reuters) -") becomes :attr:`CleanArticle.dateline`; it is a place, so it
is never coded as an actor.
"""

from __future__ import annotations

import re
import unicodedata

from blocwatch.errors import InputError
from blocwatch.records import Article, CleanArticle, Paragraph
from blocwatch.settings import Settings
from blocwatch.text.language import english_problem

_TRANSLATE = str.maketrans({
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u200b": "", "\ufeff": "",
    "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2026": "...",
})
_SPACES = re.compile(r"[ \t\f\v\r]+")

# Lines that are page furniture, not story text.  Tuned on wire and web news: a line is
# dropped when it matches as a whole (case-insensitive).
_FURNITURE = re.compile(
    r"""^\W*(?:
        (?:see|read|voir|lire|also\ read|read\ more|related|more)\ ?(?:also|more|aussi|
            également|egalement|here|stories|coverage|articles?)?\W*(?::.*)?
      | (?:share|tweet|email|print|subscribe|sign\ up|follow\ us|click\ here|advertisement|
            watch|listen|download\ (?:our|the)\ app|copyright|©|all\ rights\ reserved)\b.*
    )\W*$""",
    re.IGNORECASE | re.VERBOSE,
)
_FURNITURE_MAX_WORDS = 8  # longer lines starting "Share ..." are story text ("Share prices fell")
_BYLINE = re.compile(r"^(?:By|BY|Par|PAR|From) [A-Z][\w.'-]+(?: (?:[A-Z][\w.'-]+|and|de|van|"
                     r"al-\w+)){0,4}(?:, [A-Z][\w .]+)?$")
_CREDITS = re.compile(r"^\(?(?:reporting|writing|editing|additional reporting) by .{0,200}$"
                      r"|^.{0,80} contributed (?:to )?(?:this )?report(?:ing)?\W*$",
                      re.IGNORECASE)
# A short line ending in a colon ("VOIR éGALEMENT:", "Related:") introduces links, not text.
_LABEL_LINE = re.compile(r"^[^.!?\"]{1,40}:\s*$")
_DATELINE = re.compile(
    r"""^(?P<place>[A-Z][A-Z.'\-]+(?:\ [A-Z][A-Z.'\-]+){0,3})
        (?:,\ (?P<extra>[A-Z][A-Za-z]{2,9}\.?\ \d{1,2}|[A-Z][A-Za-z.]+(?:\ [A-Z][A-Za-z.]+)?))?
        (?:\ ?\((?P<agency>[A-Za-z .&-]{2,30})\))?
        (?:\ ?-{1,2}\ +|:\ +)(?=\S)""",
    re.VERBOSE,
)
# "Abuja -- The military", "Cape Town - A total": a place in title case before a dash.
_TITLE_DATELINE = re.compile(
    r"^(?P<place>[A-Z][a-z]+(?:\ [A-Z][a-z]+){0,2})(?:,\ (?P<extra>[A-Z][a-z]+))?"
    r"(?:\ \((?P<agency>[A-Za-z .&-]{2,30})\))?\ -{1,2}\ +(?=[A-Z\"])")
_DATE_EXTRA = re.compile(r"\d")
# "MIAMI A federal jury", "NEW HAVEN, Conn. A Navy mechanic": capitals before a capitalised
# word, a dateline that lost its dash - or an acronym ("NATO Secretary General"), which only
# a gazetteer tells apart (the coder checks, :func:`bare_dateline` only finds).
_BARE_DATELINE = re.compile(
    r"^(?P<place>[A-Z]{3,}(?:\ [A-Z]{2,}){0,2})(?:,\ (?P<extra>[A-Z][a-z]{1,9}\.?))?\ +"
    r"(?=[A-Z][a-z]*\ )")


_MAYBE_CONTROL = re.compile(r"[^\n\t\x20-\x7e]")


def _drop_control(match: re.Match[str]) -> str:
    ch = match.group()
    return "" if unicodedata.category(ch)[0] == "C" else ch


def normalise(text: str) -> str:
    """NFC, straight quotes and dashes, one space between words, no control characters."""
    text = unicodedata.normalize("NFC", text).translate(_TRANSLATE)
    # control and other "C" characters go; printable ASCII, new lines and tabs need no look
    text = _MAYBE_CONTROL.sub(_drop_control, text)
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


def is_boilerplate(line: str) -> bool:
    if _FURNITURE.match(line) and len(line.split()) <= _FURNITURE_MAX_WORDS:
        return True
    return bool(_BYLINE.match(line) or _CREDITS.match(line) or _LABEL_LINE.match(line))


def split_dateline(paragraph: str) -> tuple[str | None, str]:
    """``"SEOUL, June 27 (Reuters) - North Korea..."`` -> ``("SEOUL", "North Korea...")``;
    ``"MINGORA, Pakistan (Reuters) - A suicide..."`` -> ``("MINGORA, Pakistan", ...)``;
    also ``"CAIRO: ..."`` and ``"Abuja -- ..."``."""
    match = _DATELINE.match(paragraph) or _TITLE_DATELINE.match(paragraph)
    if not match:
        return None, paragraph
    place = match.group("place").strip()
    if len(place) < 3 or not any(ch.isalpha() for ch in place):
        return None, paragraph
    extra = match.group("extra")
    if extra and not _DATE_EXTRA.search(extra):
        place = f"{place}, {extra}"
    return place, paragraph[match.end():]


def bare_dateline(paragraph: str) -> tuple[str, str, str] | None:
    """``"MIAMI A federal jury ..."`` -> ``("MIAMI", "MIAMI", "A federal jury ...")``: the
    dateline, its place name and the rest, for the caller to keep when the name is a
    city's; None when the paragraph does not open with capitals and a capitalised word."""
    match = _BARE_DATELINE.match(paragraph)
    if not match:
        return None
    extra = match.group("extra")
    place = match.group("place")
    return (f"{place}, {extra}" if extra else place), place, paragraph[match.end():]


_ENDS_PARAGRAPH = re.compile(r"""[.!?:;"'\u201d\u2019)\]]\s*$""")


def _hard_wrapped(lines: list[str]) -> bool:
    """Wire copy wrapped at a fixed width: short lines, most not ending a sentence."""
    if len(lines) < 3:
        return False
    lengths = sorted(len(ln.rstrip()) for ln in lines)
    open_ended = sum(1 for ln in lines if not _ENDS_PARAGRAPH.search(ln))
    return lengths[len(lengths) // 2] <= 90 and open_ended >= len(lines) / 2


def join_wrapped_lines(text: str) -> list[str]:
    """Lines of a paragraph-per-line text, or paragraphs of hard-wrapped text (wire copy
    wrapped at 70 columns): a line continues the previous one unless that one ends a
    sentence, the line is indented, or a blank line stands between them."""
    lines = [ln for ln in text.split("\n") if ln.strip()]
    if not _hard_wrapped(lines):
        return [ln.strip() for ln in lines]
    paragraphs: list[str] = []
    current: list[str] = []
    for raw in text.split("\n"):
        line = raw.rstrip()
        if not line.strip():
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        indented = raw[:1] in (" ", "\t") and len(raw) - len(raw.lstrip()) >= 2
        if current and (indented or _ENDS_PARAGRAPH.search(current[-1])):
            paragraphs.append(" ".join(current))
            current = []
        current.append(line.strip())
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


_SENTENCE_END = re.compile(r"""[.!?]+["')\]]*(?=\s)""")
_CUT = re.compile(r"""[.!?]["')\]]*\s""")


def prepare(article: Article, settings: Settings) -> CleanArticle:
    """The article cleaned, or InputError (saying what to do) when it is too long, has too
    many sentences or is not in English.  The cheap checks come first: a huge text is
    refused before any of it is split or normalised."""
    where = article.origin or article.id
    limit = settings.max_document_chars
    if len(article.text) > limit:
        raise InputError(where, f"article has {len(article.text):,} characters, more than "
                                f"max_document_chars={limit:,}: split it or raise "
                                "BLOCWATCH_MAX_DOCUMENT_CHARS")
    sentences = count_sentences(article.text)
    if sentences > settings.max_document_sentences:
        raise InputError(where, f"article has about {sentences:,} sentences, more than "
                                f"max_document_sentences={settings.max_document_sentences:,}:"
                                " split it or raise BLOCWATCH_MAX_DOCUMENT_SENTENCES")
    cleaned = clean(article, max_paragraph_chars=settings.max_paragraph_chars)
    if settings.language_check:
        body = "\n".join(p.text for p in cleaned.paragraphs)
        problem = english_problem(body, min_words=settings.language_min_words,
                                  min_english_share=settings.min_english_share)
        if problem:
            raise InputError(where, problem)
    return cleaned


def count_sentences(text: str) -> int:
    """About how many sentences ``text`` has, without parsing it."""
    return sum(1 for _ in _SENTENCE_END.finditer(text)) + 1


def cut_paragraph(text: str, limit: int) -> list[str]:
    """``text`` in pieces of at most ``limit`` characters, each cut after the last sentence
    end (else the last space) before the limit; short text is one piece."""
    pieces: list[str] = []
    while len(text) > limit:
        window = text[:limit]
        ends = [m.end() for m in _CUT.finditer(window, limit // 2)]
        cut = ends[-1] if ends else window.rfind(" ", limit // 2) + 1 or limit
        pieces.append(text[:cut].strip())
        text = text[cut:].lstrip()
    pieces.append(text)
    return [p for p in pieces if p]


def clean(article: Article, *, max_paragraph_chars: int = 100_000) -> CleanArticle:
    """Turn a raw article into cleaned paragraphs (headline first, as index -1).  Longer
    paragraphs than ``max_paragraph_chars`` are cut (:func:`cut_paragraph`)."""
    paragraphs: list[Paragraph] = []
    dropped: list[str] = []
    if article.title and normalise(article.title).strip():
        paragraphs.append(Paragraph(-1, normalise(article.title).strip()))
    dateline: str | None = None
    index = 0
    for line in (normalise(p) for p in join_wrapped_lines(article.text)):
        if not line:
            continue
        if is_boilerplate(line):
            dropped.append(line)
            continue
        if index == 0 and dateline is None:
            dateline, line = split_dateline(line)
        for piece in cut_paragraph(line, max(1000, max_paragraph_chars)):
            paragraphs.append(Paragraph(index, piece))
            index += 1
    return CleanArticle(id=article.id, paragraphs=tuple(paragraphs), date=article.date,
                        dateline=dateline, title=article.title, url=article.url,
                        source=article.source, dropped=tuple(dropped))
