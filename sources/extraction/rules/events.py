"""From mentions to operations: which sentences report which seizure event.

A report is read sentence by sentence. A sentence that names a drug quantity belongs to the
current operation unless it brings a new date, a new place or a word that opens a new case
("Separately", "En otro operativo"); sentences without quantities add details (detainees,
destination, group) to the operation they follow. Sentences of totals, yearly figures,
records and prices are set aside. Within an operation, a quantity that is the sum of others
(a stated total) or that restates another (the same seizure twice, in other words) is kept
once.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from sources.extraction import lexicon
from sources.extraction.gazetteer import gazetteer
from sources.extraction.result import Extracted, ExtractedItem, ExtractedOperation
from sources.extraction.rules import agencies as agency_rules
from sources.extraction.rules import terms
from sources.extraction.rules.dates import DateMention, find_dates
from sources.extraction.rules.groups import find_groups
from sources.extraction.rules.nlp import Document, Sentence, find_terms
from sources.extraction.rules.people import Detentions, detentions
from sources.extraction.rules.places import PlaceMention, country_mentions, find_places
from sources.extraction.rules.quantities import DrugMention, Evidence, drug_mentions, other_evidence
from sources.extraction.rules.routes import RouteMention, find_routes

_MONTH_ONLY_TOTAL = re.compile(r"\b(?:in|during|en|durante|em)\s+(?:el\s+mes\s+de\s+)?[a-z]+\s*(?:,|\.|$)")
# "El Comercio reported on February 28", "the police said in a statement on Monday": the day
# it was told, not the day it happened.
_REPORTING = re.compile(
    r"(?:reported|published|said|told|announced|statement|informo|publico|dijo|informou|disse|comunicado|"
    r"anuncio|indico|afirmo)\s+(?:[\w,]+\s+){0,5}$"
)


def _has_any(text: str, words) -> bool:
    return any(re.search(rf"(?<![a-z]){re.escape(w)}(?![a-z])", text) for w in words)


# "in 61 operations", "en dos hechos", "in five separate cases": figures over several events
_SEVERAL_EVENTS = re.compile(
    r"\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|several|various|dos|tres|cuatro|cinco|seis|siete|"
    r"ocho|nueve|diez|varios|varias|diversos|diversas|duas|dois|quatro|sete|oito|nove|dez|different|distintos|"
    r"diferentes)\s+(?:separate\s+|distintas?\s+|distintos\s+|diferentes\s+)?(?:cases|operations|interdictions|"
    r"raids|seizures|incidents|hechos|casos|operativos|operaciones|acciones|decomisos|incautaciones|operacoes|"
    r"acoes|apreensoes|ocorrencias)\b"
)
# "in 2024", "en lo que va de 2025", "durante 2023": a year's figures (with no day named)
_YEAR_ONLY = re.compile(
    r"\b(?:in|en|em|durante|during|del|de|for|throughout|todo)\s+(?:(?:el|o|the)\s+)?(?:ano\s+)?(?:19|20)\d\d\b"
)


def is_aggregate(sentence: Sentence, dates: list[DateMention] = ()) -> bool:
    """A sentence of totals, running figures, records or prices, not of one operation.
    ("A total weight of 2,961 kg", "1.212 kilogramos en total" describe one seizure; a
    stated total equal to its parts is dropped later, not here.)"""
    text = sentence.text
    in_sentence = [d for d in dates if sentence.start <= d.start < sentence.end]
    named_day = any(d.is_absolute or d.kind in {"later", "same"} for d in in_sentence)
    if any(d.kind == "month" for d in in_sentence) and not named_day:
        return True  # "in March", "en febrero": a month's figures
    if _YEAR_ONLY.search(text) and not named_day:
        return True
    return bool(_SEVERAL_EVENTS.search(text) or _has_any(text, terms.AGGREGATE))


@dataclass
class Draft:
    sentences: list[Sentence] = field(default_factory=list)
    drugs: list[DrugMention] = field(default_factory=list)
    date: DateMention | None = None
    reported: DateMention | None = None  # "X reported on Saturday that ..."

    @property
    def start(self) -> int:
        return self.sentences[0].start

    def covers(self, offset: int) -> bool:
        return any(s.start <= offset < s.end for s in self.sentences)


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


# A wire story's dateline: "BOGOTÁ, Jan 3 (Reuters) —", "LIMA —", "SANTO DOMINGO, 9 ago —".
_DATELINE = re.compile(
    r"\s*[A-ZÁÉÍÓÚÑÇ][A-ZÁÉÍÓÚÑÇ .'’/-]{2,40}(?:\([^)\n]{0,30}\))?(?:,[^—–\n]{0,30})?\s*(?:—|–|--|-\s)"
)


_SET_IN = re.compile(r"\b(?:in|en|em|na|no)\s+(?:neighbou?ring\s+|vecina\s+|vecino\s+|la\s+vecina\s+|el\s+vecino\s+)?$")


def dateline_end(text: str) -> int:
    """Where a dateline opening the text ends (0 if there is none): its date is when the
    story was filed and its city where, not the seizure's."""
    match = _DATELINE.match(text)
    return match.end() if match else 0


def _reporting_date(folded: str, start: int) -> bool:
    """A date that says when something was told ("reported on February 28", "said in a
    statement on Monday"), unless what was said follows ("said that on Friday troops...")."""
    match = _REPORTING.search(folded[max(0, start - 40) : start])
    return bool(match) and not re.search(r"\b(?:that|que|how|como)\b", match.group(0))


def gather(document: Document, published: datetime.date | None) -> Mentions:
    dateline = dateline_end(document.text)
    agencies = agency_rules.find_agencies(document)
    routes = find_routes(document)
    countries = country_mentions(document)
    hint = story_country(agencies, countries, routes, [])
    # Words of an agency's name ("Policía Nacional", "Guardia Civil") are not places.
    not_places = [(a.start, a.end) for a in agencies]
    not_places.append((0, dateline))
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
            and not _in_route(start, routes)
            and _SET_IN.search(document.folded, max(sentence.start, start - 12), start)
        }
        if len(named) == 1 and named != {better}:
            (code,) = named
            inside = [p for p in places if sentence.start <= p.start < sentence.end]
            again = find_places(document, country_hint=code, exclude=not_places, span=(sentence.start, sentence.end))
            if again:
                places = [p for p in places if p not in inside] + again
    return Mentions(
        drugs=drug_mentions(document),
        drug_terms=find_terms(document, "drugs", terms.DRUGS),
        dates=[
            d
            for d in find_dates(
                document.folded, published=published, language=document.language, original=document.text
            )
            if not _reporting_date(document.folded, d.start) and d.start >= dateline
        ],
        reported=[
            d
            for d in find_dates(
                document.folded, published=published, language=document.language, original=document.text
            )
            if _reporting_date(document.folded, d.start) and d.start >= dateline and d.is_absolute
        ],
        places=places,
        countries=countries,
        agencies=agencies,
        routes=routes,
        groups=find_groups(document),
        evidence=other_evidence(document),
        detentions={
            s.index: d for s in document.sentences if (d := detentions(s.text, s.start, document.language)) is not None
        },
    )


def _in(items, sentence: Sentence):
    return [m for m in items if sentence.start <= _start(m) < sentence.end]


def _start(mention) -> int:
    return mention[0] if isinstance(mention, tuple) else mention.start


def _opens_case(sentence: Sentence) -> bool:
    head = sentence.text[:40]
    return _has_any(head, terms.NEW_OPERATION)


def segment(document: Document, mentions: Mentions) -> tuple[list[Draft], list[Sentence]]:
    """Operations as groups of sentences, and the preamble read before the first one."""
    drafts: list[Draft] = []
    preamble: list[Sentence] = []
    pending: Draft | None = None
    current: Draft | None = None
    for sentence in document.sentences:
        if is_aggregate(sentence, mentions.dates):
            # Figures of totals are set aside; words around them may still describe the
            # operation being told ("which has used four airstrips since last year").
            if not _in(mentions.drugs, sentence):
                mentions.context_only.add(sentence.index)
                (current.sentences if current is not None and pending is None else preamble).append(sentence)
            continue
        drugs = [d for d in _in(mentions.drugs, sentence)]
        dates = [d for d in _in(mentions.dates, sentence) if d.kind != "month"]
        new_date = dates[0] if dates else None
        opens = _opens_case(sentence) or (
            new_date is not None
            and current is not None
            and current.date is not None
            and (new_date.kind in {"later"} or new_date.date_start != current.date.date_start)
        )
        if drugs:
            if pending is not None:
                target = pending
                drafts.append(pending)
                pending = None
            elif (
                current is None
                or opens
                or _new_place(sentence, current, mentions)
                or _new_country(sentence, current, mentions)
            ):
                target = Draft()
                drafts.append(target)
            else:
                target = current
            target.sentences.append(sentence)
            target.drugs.extend(drugs)
            if target.date is None and new_date is not None:
                target.date = new_date
            current = target
        elif current is None:
            if new_date is not None and (
                pending is None or pending.date is None or pending.date.date_start != new_date.date_start
            ):
                # a new date before any quantity: the operation starts here; what came
                # before it was background
                if pending is not None:
                    preamble.extend(pending.sentences)
                pending = Draft(sentences=[sentence], date=new_date)
            elif pending is not None:
                pending.sentences.append(sentence)
            else:
                preamble.append(sentence)
        elif opens:
            pending = Draft(sentences=[sentence], date=new_date)
        elif pending is not None:
            pending.sentences.append(sentence)
        else:
            current.sentences.append(sentence)
            if current.date is None and new_date is not None:
                current.date = new_date
    return drafts, preamble


def _new_country(sentence: Sentence, current: Draft, mentions: Mentions) -> bool:
    """An agency of another country than the current operation's: another seizure ("Del
    otro lado de la frontera, la FANB informó...")."""

    def countries(sentences):
        found = set()
        for s in sentences:
            for a in _in(mentions.agencies, s):
                codes = {c.country for c in a.candidates if c.country}
                if len(codes) == 1 and not a.generic:
                    found |= codes
        return found

    here, before = countries([sentence]), countries(current.sentences)
    return bool(here and before and not here & before)


def _new_place(sentence: Sentence, current: Draft, mentions: Mentions) -> bool:
    """Whether the sentence's place is another one than the current operation's (and so,
    with a quantity, another seizure)."""
    here = [p for p in _in(mentions.places, sentence) if not _in_route(p.start, mentions.routes)]
    if not here:
        return False
    before = [p for s in current.sentences for p in _in(mentions.places, s) if not _in_route(p.start, mentions.routes)]
    if not before:
        return False
    regions = {(p.place.country, p.place.admin1) for p in before}
    return all((p.place.country, p.place.admin1) not in regions for p in here)


def _in_route(offset: int, routes: list[RouteMention]) -> bool:
    return any(r.start <= offset < r.end for r in routes)


def _dedupe(drugs: list[DrugMention]) -> list[DrugMention]:
    """Drop stated totals (a quantity equal to the sum of others of the same drug) and
    restatements (an approximate figure near a precise one: "about 1.6 tons" and "1,592 kg")."""
    kept = [d for d in drugs if d.amount.kg is not None]
    for d in kept:
        if d.amount.other_reading is None:
            continue
        other_kg = lexicon.kilograms(d.amount.other_reading, d.amount.unit)
        for o in kept:
            if o is not d and o.drug_type == d.drug_type and o.amount.approximate and other_kg is not None:
                if _close(other_kg, o.amount.kg, Decimal("0.25")) and not _close(
                    d.amount.kg, o.amount.kg, Decimal("0.25")
                ):
                    d.amount.read_the_other_way()
                    break
    changed = True
    while changed:
        changed = False
        for d in list(kept):
            same = [o for o in kept if o is not d and o.drug_type == d.drug_type]
            others_kg = sum((o.amount.kg for o in same), Decimal(0))
            if len(same) >= 2 and _close(d.amount.kg, others_kg, Decimal("0.01")):
                kept.remove(d)
                changed = True
                break
            for o in same:
                tolerance = Decimal("0.25") if (d.amount.approximate or o.amount.approximate) else Decimal("0.02")
                if _close(d.amount.kg, o.amount.kg, tolerance):
                    # keep the precise one; between equals, the first
                    loser = d if (d.amount.approximate and not o.amount.approximate) else o
                    if d.amount.approximate == o.amount.approximate:
                        loser = _less_precise(d, o)
                    kept.remove(loser)
                    changed = True
                    break
            if changed:
                break
    return sorted(kept, key=lambda d: d.amount.start)


def _less_precise(a: DrugMention, b: DrugMention) -> DrugMention:
    def digits(m):
        return len(str(m.amount.quantity.normalize()).replace(".", ""))

    if digits(a) != digits(b):
        return a if digits(a) < digits(b) else b
    return b if b.amount.start > a.amount.start else a


def _close(a: Decimal, b: Decimal, tolerance: Decimal) -> bool:
    if a == 0 or b == 0:
        return False
    return abs(a - b) <= tolerance * max(a, b)


def story_country(agencies, countries, routes, places) -> str | None:
    """The country most of the report is about: named agencies weigh most, then places and
    country names outside routes ("bound for Panama" says nothing of where it was seized)."""
    votes: Counter[str] = Counter()
    for p in places:
        if not _in_route(p.start, routes):
            votes[p.place.country] += 2
    for mention in agencies:
        countries_of = {a.country for a in mention.candidates if a.country}
        if len(countries_of) == 1 and not mention.generic:
            votes[countries_of.pop()] += 3
    for start, _end, code in countries:
        if not _in_route(start, routes):
            votes[code] += 1
    return votes.most_common(1)[0][0] if votes else None


def article_country(mentions: Mentions) -> str | None:
    return story_country(mentions.agencies, mentions.countries, mentions.routes, mentions.places)


def build(document: Document, published: datetime.date | None, mentions: Mentions) -> list[ExtractedOperation]:
    drafts, preamble = segment(document, mentions)
    fallback_country = article_country(mentions)
    preamble_places = [p for s in preamble for p in _in(mentions.places, s) if not _in_route(p.start, mentions.routes)]
    operations: list[ExtractedOperation] = []
    previous_date: datetime.date | None = None
    for draft in drafts:
        told = [d for s in draft.sentences for d in _in(mentions.reported, s)]
        draft.reported = told[0] if told else None
        drugs = [d for d in draft.drugs if d.drug_type] or []
        known = {d.drug_type for d in drugs}
        if not known:
            # "238 paquetes de cocaína ... El pesaje arrojó 251 kilos de la droga"
            named = {
                terms.DRUGS[term][0]
                for s in draft.sentences
                if s.index not in mentions.context_only
                for start, _end, term in mentions.drug_terms
                if s.start <= start < s.end
            }
            known = named if len(named) == 1 else set()
        # A weight with no drug named beside it is the operation's drug, if it has only one
        # ("un total de 567 kilogramos", "251 kilos de la droga"); "750 kilos de droga"
        # with drugs already weighed is a sum of them, not another seizure.
        for d in draft.drugs:
            if d.drug_type or len(known) != 1:
                continue
            if d.reference == "generic" and any(o.drug_type for o in draft.drugs):
                continue
            d.drug_type = next(iter(known))
            drugs.append(d)
        drugs = _dedupe(drugs)
        if not drugs:
            continue
        # The seizure's place is where the sentences telling it put it; a later sentence that
        # looks back ("the ton found in Pedernales") or elsewhere counts only if they name none.
        told_in = draft.sentences[:1] + [s for s in draft.sentences if _in(draft.drugs, s)]
        places = [p for s in told_in for p in _in(mentions.places, s) if not _in_route(p.start, mentions.routes)]
        if not places:
            places = [
                p
                for s in draft.sentences
                if s.index not in mentions.context_only
                for p in _in(mentions.places, s)
                if not _in_route(p.start, mentions.routes)
            ]
        if not places and preamble_places:
            places = [preamble_places.pop(0)]
        # At sea only if the seizure itself is told at sea ("400 nautical miles southwest of"),
        # not a plan ("to be transferred at sea") in another sentence.
        at_sea = any(_has_any(s.text, terms.AT_SEA) for s in told_in)
        place = None if at_sea else _best_place(places, fallback_country)
        country = place.place.country if place else None
        # Agencies of the sentences that tell what was done ("seized", "joint operation"); one
        # named in a remark ("Europol warned in a report") is not the seizing one.
        acting = [
            s
            for s in draft.sentences
            if s.index not in mentions.context_only and (s in told_in or _has_any(s.text, terms.ACTION))
        ]
        op_agencies = [a for s in acting for a in _in(mentions.agencies, s)]
        if not op_agencies:
            op_agencies = [a for s in preamble for a in _in(mentions.agencies, s)]
        if at_sea and not op_agencies:
            # At sea the country is the seizing agency's, wherever it is named in the report.
            op_agencies = [a for a in mentions.agencies if not a.generic or len(a.candidates) == 1]
        if country is None:
            # At sea, or no place named: the country of the agency that made the seizure.
            resolved = [agency_rules.resolve(a, fallback_country) for a in op_agencies]
            resolved += [a.candidates[0] for a in op_agencies if len({c.country for c in a.candidates}) == 1]
            countries = [a.country for a in resolved if a and a.country]
            country = countries[0] if countries else fallback_country
        if country is None:
            continue
        date_start, date_end, precision, date_span = _dates(draft, previous_date, published)
        previous_date = date_start
        agencies_found: dict[str, Extracted[str]] = {}
        for mention in op_agencies:
            agency = agency_rules.resolve(mention, country)
            if agency and agency.code not in agencies_found:
                agencies_found[agency.code] = Extracted(
                    agency.code, mention.start, mention.end, 0.8 if mention.generic else 0.95
                )
        routes = [r for s in draft.sentences for r in _in(mentions.routes, s)]
        destinations, transit = _routes(routes, country, document.text)
        detained = [
            mentions.detentions[s.index]
            for s in draft.sentences
            if s.index in mentions.detentions and s.index not in mentions.context_only
        ]
        groups = [g for s in draft.sentences for g in _in(mentions.groups, s)]
        evidence = [
            e for s in draft.sentences if s.index not in mentions.context_only for e in _in(mentions.evidence, s)
        ]
        span_start, span_end = draft.sentences[0].start, draft.sentences[-1].end
        operation = ExtractedOperation(
            date_start=Extracted(date_start, *date_span, 0.9 if precision == "day" else 0.5),
            date_end=Extracted(date_end, *date_span, 0.9 if precision == "day" else 0.5),
            date_precision=precision,
            country=Extracted(
                country, *(place.start, place.end) if place else (span_start, span_end), 0.9 if place else 0.6
            ),
            admin1=Extracted(place.place.admin1, place.start, place.end, 0.85)
            if place and place.place.admin1
            else None,
            place=Extracted(document.text[place.start : place.end], place.start, place.end, 0.8) if place else None,
            latitude=Decimal(str(round(place.place.latitude, 5)))
            if place and place.place.latitude is not None
            else None,
            longitude=Decimal(str(round(place.place.longitude, 5)))
            if place and place.place.longitude is not None
            else None,
            agencies=list(agencies_found.values()),
            items=[_drug_item(d) for d in drugs] + [_evidence_item(e) for e in evidence],
            destinations=destinations,
            transit=transit,
            organization=Extracted(groups[0].name, groups[0].start, groups[0].end, 0.8) if groups else None,
            sentences=_runs(draft.sentences),
            confidence=0.7,
        )
        _set_detainees(operation, detained)
        operations.append(operation)
    return _merge_repeats(operations)


def _best_place(places: list[PlaceMention], country: str | None) -> PlaceMention | None:
    if not places:
        return None
    rank = {"port": 0, "city": 1, "admin2": 2, "water": 3, "admin1": 4}
    in_country = [p for p in places if p.place.country == country] or places
    # "Vila do Conde, em Barcarena, no Pará": a region named outright settles which of
    # several same-named towns is meant.
    regions = {p.place.admin1 for p in in_country if p.place.kind == "admin1" and not p.fuzzy}
    if regions:
        in_country = [_within(p, regions) for p in in_country]
        in_country = [p for p in in_country if p is not None]
    specific = sorted(in_country, key=lambda p: (p.fuzzy, not p.cued, rank.get(p.place.kind, 5), p.start))
    best = specific[0]
    if best.place.admin1 is None:
        with_region = [p for p in in_country if p.place.admin1]
        if with_region:
            return PlaceMention(
                best.start,
                best.end,
                best.text,
                type(best.place)(**{**best.place.__dict__, "admin1": with_region[0].place.admin1}),
            )
    return best


def _within(mention: PlaceMention, regions: set[str]) -> PlaceMention | None:
    if mention.place.admin1 in regions:
        return mention
    for candidate in gazetteer().lookup(mention.text, country=mention.place.country):
        if candidate.admin1 in regions:
            return PlaceMention(mention.start, mention.end, mention.text, candidate, mention.fuzzy)
    return None


def _dates(draft: Draft, previous: datetime.date | None, published: datetime.date | None):
    mention = draft.date
    if mention is not None and mention.kind == "later" and previous is not None:
        day = previous + datetime.timedelta(days=mention.offset_days)
        return day, day, "day", (mention.start, mention.end)
    if mention is not None and mention.kind == "same" and previous is not None:
        return previous, previous, "day", (mention.start, mention.end)
    if mention is not None and mention.date_start is not None:
        end = mention.date_end or mention.date_start
        return mention.date_start, end, "day", (mention.start, mention.end)
    if draft.reported is not None and draft.reported.date_start is not None:
        # Only the day it was reported is known: that day.
        told = draft.reported
        return told.date_start, told.date_end or told.date_start, "reported", (told.start, told.end)
    day = published or previous or datetime.date.today()
    start = draft.sentences[0].start
    return day, day, "reported", (start, start)


def _routes(routes: list[RouteMention], country: str, text: str) -> tuple[list[Extracted[str]], list[Extracted[str]]]:
    destinations: dict[str, Extracted[str]] = {}
    transit: dict[str, Extracted[str]] = {}
    # "hacia Panamá para luego llevarla a Estados Unidos": of two destinations told one
    # after the other, the first is a stop on the way.
    ordered = [r for r in routes if r.kind == "destination" and [c for c in r.countries if c[2] != country]]
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        if re.search(
            r"\b(?:luego|then|later|despues|depois|from there|desde alli|dali|y de alli|e dali)\b",
            text[earlier.start : later.end].lower(),
        ):
            earlier.kind = "transit"
    for route in routes:
        if route.kind == "origin":
            continue
        codes = [(s, e, c) for s, e, c in route.countries if c != country]
        if route.kind == "destination" and codes:
            # The first country named is the destination ("to Antwerp, in Belgium"), unless
            # the route goes on to another ("through Mexico to the United States"): then the
            # one before is a stop on the way.
            final = codes[0]
            stops = []
            for s, e, c in codes[1:]:
                between = text[final[1] : s].lower()
                if c != final[2] and re.search(
                    r"\b(?:to|into|a|al|para|hacia|then|luego)\s+(?:the\s+|el\s+|la\s+|o\s+|a\s+)?$", between
                ):
                    stops.append(final)
                    final = (s, e, c)
            destinations.setdefault(final[2], Extracted(final[2], final[0], final[1], 0.8))
            for s, e, stop in stops:
                transit.setdefault(stop, Extracted(stop, s, e, 0.6))
        elif route.kind == "transit":
            for s, e, c in codes:
                transit.setdefault(c, Extracted(c, s, e, 0.7))
    for code in destinations:
        transit.pop(code, None)
    return list(destinations.values()), list(transit.values())


def _drug_item(d: DrugMention) -> ExtractedItem:
    a = d.amount
    return ExtractedItem(
        category="drug",
        start=min(a.start, d.term_start),
        end=max(a.end, d.term_end),
        confidence=0.6 if a.approximate else 0.9,
        drug_type=Extracted(d.drug_type, d.term_start, d.term_end, 0.9),
        form=Extracted(d.form, d.term_start, d.term_end, 0.6) if d.form else None,
        quantity=Extracted(a.quantity, a.start, a.end, 0.6 if a.approximate else 0.95),
        unit=a.unit,
        quantity_kg=a.kg,
    )


def _evidence_item(e: Evidence) -> ExtractedItem:
    return ExtractedItem(
        category=e.category,
        start=e.start,
        end=e.end,
        confidence=0.7,
        description=e.description,
        quantity=Extracted(Decimal(e.count) if e.count else e.amount, e.start, e.end, 0.7)
        if (e.count or e.amount)
        else None,
        unit="unit" if e.count else "",
        currency=e.currency,
    )


def _set_detainees(operation: ExtractedOperation, detained: list[Detentions]) -> None:
    if not detained:
        return
    best = max(detained, key=lambda d: (d.total, len(d.by_nationality)))
    operation.detainees_total = Extracted(best.total, best.start, best.end, 0.8)
    operation.detainees_by_nationality = {
        code: Extracted(n, best.start, best.end, 0.8) for code, n in best.by_nationality.items()
    }


def _runs(sentences: list[Sentence]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for s in sentences:
        if runs and s.index == runs[-1][2] + 1:
            runs[-1] = (runs[-1][0], s.end, s.index)
        else:
            runs.append((s.start, s.end, s.index))
    return [(start, end) for start, end, _ in runs]


def _merge_repeats(operations: list[ExtractedOperation]) -> list[ExtractedOperation]:
    """The same seizure reported twice in one article (same day and country, same drugs and
    amounts) is one operation."""
    kept: list[ExtractedOperation] = []
    for op in operations:
        twin = next((k for k in kept if _same_event(k, op)), None)
        if twin is None:
            kept.append(op)
        else:
            twin.sentences.extend(op.sentences)
            for attr in ("admin1", "place", "organization"):
                if getattr(twin, attr) is None:
                    setattr(twin, attr, getattr(op, attr))
    return kept


def _same_event(a: ExtractedOperation, b: ExtractedOperation) -> bool:
    if a.country.value != b.country.value or abs((a.date_start.value - b.date_start.value).days) > 1:
        return False
    ka = sorted((i.drug_type.value, i.quantity_kg) for i in a.drugs if i.drug_type)
    kb = sorted((i.drug_type.value, i.quantity_kg) for i in b.drugs if i.drug_type)
    return bool(ka) and ka == kb
