"""Agencies named in a report, by name, alias or acronym, resolved against the registry and
disambiguated by country ("Policía Nacional" in a Colombian story is Colombia's police)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from seizures.registry import AGENCIES
from sources.extraction import gazetteer as gz
from sources.extraction.rules.nlp import Document, find_terms, fold

# Aliases that are ordinary words in the other languages or too generic to name one body on
# their own; they count only when the operation's country agrees.
GENERIC = {"police", "policia nacional", "marina", "defensa", "gendarmeria", "douane", "prefectura", "aeronaval",
           "coast guard", "guardia civil", "national police", "federal police", "policia federal", "national guard",
           "guardacostas"}  # fmt: skip

# Everyday words for a country's police or navy, mapped per country to a registry code.
NATIONAL = {
    "police": {"PE": "PNP", "CO": "PONAL", "EC": "PN-EC", "PA": "PN-PA", "ES": "PN-ES", "GT": "PNC-GT", "BR": "PF-BR"},
    "policia": {"PE": "PNP", "CO": "PONAL", "EC": "PN-EC", "PA": "PN-PA", "ES": "PN-ES", "GT": "PNC-GT"},
    "navy": {"PE": "MARINA-PE", "CO": "ARC", "EC": "ARMADA-EC", "MX": "SEMAR"},
    "armada": {"CO": "ARC", "EC": "ARMADA-EC"},
    "army": {"PE": "EJERCITO-PE", "CO": "EJC", "MX": "SEDENA"},
    "ejercito": {"PE": "EJERCITO-PE", "CO": "EJC", "MX": "SEDENA"},
    "attorney general's office": {"CO": "FGN", "MX": "FGR", "PE": "FISCALIA-PE"},
    "prosecutor's office": {"CO": "FGN", "MX": "FGR", "PE": "FISCALIA-PE"},
    "fiscalia": {"CO": "FGN", "MX": "FGR", "PE": "FISCALIA-PE"},
    "customs": {
        "PE": "SUNAT",
        "EC": "SENAE",
        "ES": "SVA-ES",
        "BR": "RECEITA-BR",
        "US": "CBP",
        "NL": "DOUANE-NL",
        "BE": "DOUANE-BE",
    },
    "aduanas": {"PE": "SUNAT", "EC": "SENAE", "ES": "SVA-ES"},
    "armed forces": {"HN": "FFAA-HN", "PE": "CCFFAA", "VE": "FANB"},
    "fuerzas armadas": {"HN": "FFAA-HN", "PE": "CCFFAA", "VE": "FANB"},
}

# Agencies that seize abroad or at sea; any other acts in its own country.
ABROAD = {"DEA", "CBP", "USCG", "JIATF-S", "SOUTHCOM", "EUROPOL", "MAOC-N"}

# Words of institutions' names that say nothing of which country's institution it is: an
# alias made only of these ("Ministerio Público", "Anti-Drug Directorate") needs the
# operation's country to agree.
INSTITUTIONAL = set(
    "the of de del la el los las da do dos das y and e public publico ministry ministerio fiscalia antidrogas "
    "attorney general's general office prosecutor's prosecutor national nacional police policia navy army marina "
    "armada ejercito customs aduanas aduana coast guard guardia federal civil service servicio directorate "
    "direccion anti-drug antidrug anti-narcotics antinarcoticos drug control fuerza fuerzas armed forces armadas "
    "special force joint command comando conjunto secretariat secretaria defense defensa superintendence "
    "superintendencia security seguridad investigations investigaciones nation nacion republica republic "
    "highway rodoviaria policia surveillance vigilancia gendarmeria prefectura naval aeronaval "
    "guardacostas".split()
)
# "Handed over to the Public Ministry" names who takes the case, not who made the seizure.
_HANDED_OVER = ("disposicion", "disposal of", "handed over to", "disposicao", "custody of", "entregados a",
                "investigado pela", "investigado por", "investigada pela", "investigada por", "investigated by",
                "sera investigado", "will be investigated", "a cargo de la investigacion", "encaminhados a",
                "encaminhado a", "encaminhada a", "remitidos a", "remitido a", "turned over to", "handed to",
                "trasladados a la", "llevados a la")  # fmt: skip
_OF_COUNTRY = re.compile(
    r"\s+(?:de|del|of|da|do)\s+(?:la\s+|el\s+|the\s+)?(?P<name>[A-ZÁÉÍÓÚÑ][\w]+(?:\s+[A-ZÁÉÍÓÚÑ][\w]+)?)"
)


@dataclass(frozen=True)
class Agency:
    code: str
    country: str
    parent: str


@dataclass
class AgencyMention:
    start: int
    end: int
    candidates: tuple[Agency, ...]
    generic: bool
    country: str = ""  # a body the registry does not list, of this country ("Policía Nacional de Nicaragua")


# The rows the extractor reads: the registry shipped with the code, or the agency table as
# the desk keeps it (`use_registry`, called by ingestion), so that an alias added in the
# admin is recognised in the next source read.
_rows: tuple = tuple((code, country, parent, name, tuple(aliases)) for code, country, parent, name, aliases in AGENCIES)


def use_registry(rows) -> None:
    """Read agencies from `rows` of (code, country, parent code, name, aliases) from now on;
    a no-op when they are the rows in use."""
    global _rows
    rows = tuple(
        (code, country or "", parent or "", name, tuple(a for a in aliases if isinstance(a, str) and a.strip()))
        for code, country, parent, name, aliases in rows
    )
    if rows != _rows:
        _rows = rows
        registry.cache_clear()


@cache
def registry() -> tuple[dict[str, tuple[Agency, ...]], dict[str, Agency]]:
    by_alias: dict[str, list[Agency]] = defaultdict(list)
    by_code = {}
    for code, country, parent, name, aliases in _rows:
        agency = Agency(code, country, parent)
        by_code[code] = agency
        for alias in {code, name, *aliases}:
            key = fold(alias).strip()
            if agency not in by_alias[key]:
                by_alias[key].append(agency)
    return {k: tuple(v) for k, v in by_alias.items()}, by_code


def find_agencies(document: Document) -> list[AgencyMention]:
    by_alias, by_code = registry()
    mentions = []
    national_words = {fold(word) for word in NATIONAL}
    foreign: list[tuple[int, int]] = []
    for start, end, term in find_terms(document, [a for a in by_alias if a not in national_words]):
        original = document.text[start:end]
        # Acronyms count only in capitals ("PCD", not the word "pcd" inside a URL) and
        # the short ones only as whole words.
        if term.upper() == original and len(term) <= 3 and not re.fullmatch(r"[A-Z]{2,3}", original):
            continue
        if any(cue in document.folded[max(0, start - 30) : start] for cue in _HANDED_OVER):
            continue
        generic = term in GENERIC or all(word in INSTITUTIONAL for word in term.split())
        if not generic and " " in term and original == original.lower():
            # a body's name written as ordinary words ("un área bajo vigilancia aduanera")
            continue
        candidates = by_alias[term]
        named = _OF_COUNTRY.match(document.text, end)
        country = gz.country_from_name(named.group("name"), document.language) if named and generic else None
        if country:
            # "la Policía Nacional de Nicaragua" is Nicaragua's, whatever the story's country
            candidates = tuple(a for a in candidates if a.country == country)
            if not candidates:
                # a body of a country the registry does not list: no agency, but it tells where
                foreign.append((start, end))
                mentions.append(AgencyMention(start, end, (), False, country))
                continue
            generic = False
        mentions.append(AgencyMention(start, end, candidates, generic))
    for start, end, word in find_terms(document, NATIONAL):
        candidates = tuple(by_code[c] for c in NATIONAL[word].values() if c in by_code)
        if any(cue in document.folded[max(0, start - 30) : start] for cue in _HANDED_OVER):
            continue
        if not any(m.start <= start < m.end for m in mentions) and not any(s <= start < e for s, e in foreign):
            mentions.append(AgencyMention(start, end, candidates, True))
    mentions.sort(key=lambda m: m.start)
    return mentions


def resolve(mention: AgencyMention, country: str | None) -> Agency | None:
    """The agency a mention names, given the operation's country."""
    if not mention.candidates:
        return None
    in_country = [a for a in mention.candidates if a.country == country]
    if in_country:
        return in_country[0]
    if mention.generic or len({a.country for a in mention.candidates}) > 1:
        return None
    return mention.candidates[0]
