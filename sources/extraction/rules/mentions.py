"""Everything the rules find in a report, gathered once: quantities, dates, places, agencies,
routes, groups, evidence and detentions, with the story's country and the dateline set apart.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field

from sources.extraction.rules import agencies as agency_rules
from sources.extraction.rules import terms
from sources.extraction.rules.dates import DateMention, find_dates
from sources.extraction.rules.groups import find_groups
from sources.extraction.rules.nlp import Document, Sentence, find_terms, has_any
from sources.extraction.rules.people import Detentions, detentions
from sources.extraction.rules.places import PlaceMention, country_mentions, find_places
from sources.extraction.rules.quantities import DrugMention, Evidence, drug_mentions, other_evidence
from sources.extraction.rules.routes import RouteMention, find_routes

# "El Comercio reported on February 28", "the police said in a statement on Monday": the day
# it was told, not the day it happened.
_REPORTING = re.compile(
    r"(?:reported|published|said|told|announced|statement|stated|confirmed|informo|informaron|publico|dijo|"
    r"dijeron|informou|informaram|disse|disseram|comunicado|anuncio|anunciaron|anunciou|anunciaram|indico|"
    r"indicaron|afirmo|afirmaron|explico|explicaron|detallo|senalo|confirmo|confirmaron|divulgou|"
    r"trascendio|se supo|se conocio|veio a publico|rueda de prensa|press conference|coletiva)\s+(?:[\w,]+\s+){0,5}$"
)


# A wire story's dateline: "BOGOTÁ, Jan 3 (Reuters) —", "LIMA —", "SANTO DOMINGO, 9 ago —".
_DATELINE = re.compile(
    r"\s*[A-ZÁÉÍÓÚÑÇ][A-ZÁÉÍÓÚÑÇ .'’/-]{2,40}(?:\([^)\n]{0,30}\))?(?:,[^—–\n]{0,30})?\s*(?:—|–|--|-\s)"
)


SET_IN = re.compile(r"\b(?:in|en|em|na|no)\s+(?:neighbou?ring\s+|vecina\s+|vecino\s+|la\s+vecina\s+|el\s+vecino\s+)?$")


# The same at the head of a paragraph under the headline: "ASUNCIÓN, 29 ago (EFE).-",
# "LIMA (AFP) -": told by a news agency's mark or the ".-" that closes it.
_PARAGRAPH_DATELINE = re.compile(
    r"(?m)^[ \t]*[A-ZÁÉÍÓÚÑÇ][A-ZÁÉÍÓÚÑÇ .'’/-]{2,40}(?:,[^\n.]{0,25})?\s*"
    r"(?:\((?:EFE|AFP|AP|Reuters|Xinhua|ANSA|Europa Press|dpa|Sputnik|Prensa Latina|Agência Brasil)\)\s*[.-]*-?|\.-)"
)


def dateline_end(text: str) -> int:
    """Where a dateline opening the text ends (0 if there is none): its date is when the
    story was filed and its city where, not the seizure's."""
    match = _DATELINE.match(text)
    return match.end() if match else 0


def datelines(text: str) -> list[tuple[int, int]]:
    """Every dateline in the head of the text: the one opening it and those opening a
    paragraph of its first lines (after a headline and a photo caption)."""
    spans = [(0, end)] if (end := dateline_end(text)) else []
    spans += [(m.start(), m.end()) for m in _PARAGRAPH_DATELINE.finditer(text, 0, 1200)]
    return spans


def _reporting_date(folded: str, start: int) -> bool:
    """A date that says when something was told ("reported on February 28", "said in a
    statement on Monday"), unless what was said follows ("said that on Friday troops...")."""
    match = _REPORTING.search(folded[max(0, start - 40) : start])
    return bool(match) and not re.search(r"\b(?:that|que|how|como)\b", match.group(0))


@dataclass
class Mentions:
    drugs: list[DrugMention]
    drug_terms: list[tuple[int, int, str]]
    reported: list[DateMention]
    dates: list[DateMention]
    places: list[PlaceMention]
    countries: list[tuple[int, int, str]]
    agencies: list[agency_rules.AgencyMention]
    routes: list[RouteMention]
    groups: list
    evidence: list[Evidence]
    detentions: dict[int, Detentions]
    # Sentences kept for their words (groups, routes) but not their counts or dates.
    context_only: set[int] = field(default_factory=set)
    # The days a summary of several cases gives them ("entre el 2 y el 10 de junio").
    series: DateMention | None = None


def gather(document: Document, published: datetime.date | None) -> Mentions:
    heads = datelines(document.text)
    agencies = agency_rules.find_agencies(document)
    routes = find_routes(document)
    countries = country_mentions(document)
    hint = story_country(agencies, countries, routes, [])
    groups = find_groups(document)
    # Words of an agency's or a group's name ("Policía Nacional", "Tren de Aragua") are not places.
    not_places = [(a.start, a.end) for a in agencies] + [(g.start, g.end) for g in groups]
    not_places.extend(heads)
    places = find_places(document, country_hint=hint, exclude=not_places)
    # The places found may say better where the story is than the agencies did; if so, read
    # them again with that country in mind.
    better = story_country(agencies, countries, routes, places)
    if better != hint:
        places = find_places(document, country_hint=better, exclude=not_places)
    # "En Costa Rica, oficiales ... en Peñas Blancas": a sentence set in another country
    # ("In Honduras, ...", "... en Guatemala") reads its places in that country.
    for sentence in document.sentences:
        named = {
            code
            for start, _e, code in countries
            if sentence.start <= start < sentence.end
            and not in_route(start, routes)
            and SET_IN.search(document.folded, max(sentence.start, start - 12), start)
        }
        if len(named) == 1 and named != {better}:
            (code,) = named
            inside = [p for p in places if sentence.start <= p.start < sentence.end]
            again = find_places(document, country_hint=code, exclude=not_places, span=(sentence.start, sentence.end))
            if again:
                places = [p for p in places if p not in inside] + again
    # Read once: dateparser is the costliest step; reporting dates are split off below.
    dates = [
        d
        for d in find_dates(document.folded, published=published, language=document.language, original=document.text)
        if not any(start <= d.start < end for start, end in heads)
    ]
    drugs = [d for d in drug_mentions(document) if not _not_recovered(document.folded, d)]
    return Mentions(
        drugs=drugs,
        drug_terms=find_terms(document, terms.DRUGS),
        dates=[d for d in dates if not _reporting_date(document.folded, d.start)],
        reported=[d for d in dates if _reporting_date(document.folded, d.start) and d.is_absolute],
        places=places,
        countries=countries,
        agencies=agencies,
        routes=routes,
        groups=groups,
        evidence=other_evidence(document),
        detentions={
            s.index: d
            for s in document.sentences
            if (d := detentions(s.text, s.start, document.language, crew=_crew(s, drugs))) is not None
        },
    )


# "350 kilos de cocaína, lanzados a un río", "bales thrown overboard": drugs dumped, and not
# seized unless they were recovered
_DUMPED = re.compile(
    r"\b(?:lanzad[oa]s?|arrojad[oa]s?|tirad[oa]s?|tiraron|arrojaron|lanzaron|jogad[oa]s?|jogaram|"
    r"thrown|threw|dumped|jettisoned|tossed|sank|sunk|hundieron|afundou|afundaram)\b"
)
_RECOVERED = re.compile(r"\b(?:recuperad|recuperaron|recupero|recovered|retrieved|recolhid|recogid|rescatad)")


_TAKEN = re.compile(
    r"\b(?:seized|removed|offloaded|confiscated|incautaron|decomisaron|aseguraron|apreenderam|apreendeu|"
    r"incauto|decomiso|seizing|removing)\b"
)


def _not_recovered(folded: str, drug) -> bool:
    end = folded.find(".", drug.amount.end)
    clause = folded[drug.amount.end : end if end != -1 else drug.amount.end + 60][:60]
    if not _DUMPED.search(clause) or _TAKEN.search(folded, max(0, drug.amount.start - 40), drug.amount.start):
        return False
    return not _RECOVERED.search(folded[max(0, drug.amount.start - 80) : drug.amount.end + 200])


def _crew(sentence: Sentence, drugs) -> bool:
    """Whether the people a sentence says were aboard are the crew of a seized load: in the
    seizure's own sentence, or in one about the craft ("a bordo da embarcação seguiam três
    tripulantes colombianos") of a report that tells of a seizure."""
    return bool(in_sentence(drugs, sentence)) or bool(drugs and has_any(sentence.text, terms.VESSELS))


def in_sentence(items, sentence: Sentence):
    return [m for m in items if sentence.start <= start_of(m) < sentence.end]


def start_of(mention) -> int:
    return mention[0] if isinstance(mention, tuple) else mention.start


def in_route(offset: int, routes: list[RouteMention]) -> bool:
    return any(r.start <= offset < r.end for r in routes)


def story_country(agencies, countries, routes, places) -> str | None:
    """The country most of the report is about: named agencies weigh most, then places and
    country names outside routes ("bound for Panama" says nothing of where it was seized)."""
    votes: Counter[str] = Counter()
    for p in places:
        if not in_route(p.start, routes):
            votes[p.place.country] += 2
    for mention in agencies:
        countries_of = {a.country for a in mention.candidates if a.country}
        if len(countries_of) == 1 and not mention.generic:
            votes[countries_of.pop()] += 3
    for start, _end, code in countries:
        if not in_route(start, routes):
            votes[code] += 1
    return votes.most_common(1)[0][0] if votes else None


def article_country(mentions: Mentions) -> str | None:
    return story_country(mentions.agencies, mentions.countries, mentions.routes, mentions.places)
