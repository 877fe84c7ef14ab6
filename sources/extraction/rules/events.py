"""From drafts to operations: each group of sentences becomes an ExtractedOperation with its
values and their spans. Within an operation, a quantity that is the sum of others (a stated
total) or that restates another (the same seizure twice, in other words) is kept once; an
article's operations that are the same event are merged.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from decimal import Decimal

from sources.extraction import lexicon
from sources.extraction.gazetteer import gazetteer
from sources.extraction.result import Extracted, ExtractedItem, ExtractedOperation
from sources.extraction.rules import agencies as agency_rules
from sources.extraction.rules import terms
from sources.extraction.rules.mentions import SET_IN, Mentions, article_country, in_route, in_sentence
from sources.extraction.rules.nlp import Document, Sentence, has_any
from sources.extraction.rules.people import Detentions
from sources.extraction.rules.places import PlaceMention
from sources.extraction.rules.quantities import DrugMention, Evidence
from sources.extraction.rules.routes import RouteMention
from sources.extraction.rules.segment import Draft, segment


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
            # a stated total: the sum of the others, or a rounded figure of it ("mais de uma
            # tonelada" over 259 + 444 + 326 kilos)
            tolerance = Decimal("0.15") if d.amount.approximate else Decimal("0.01")
            if len(same) >= 2 and _close(d.amount.kg, others_kg, tolerance):
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


def build(document: Document, published: datetime.date | None, mentions: Mentions) -> list[ExtractedOperation]:
    drafts, preamble = segment(document, mentions)
    fallback_country = article_country(mentions)
    preamble_places = [
        p for s in preamble for p in in_sentence(mentions.places, s) if not in_route(p.start, mentions.routes)
    ]
    operations: list[ExtractedOperation] = []
    previous_date: datetime.date | None = None
    previous_draft_date = None
    for draft in drafts:
        told = [d for s in draft.sentences for d in in_sentence(mentions.reported, s)]
        draft.reported = told[0] if told else None
        drugs = [d for d in draft.drugs if d.drug_type] or []
        known = {d.drug_type for d in drugs}
        # A weight with no drug named beside it is the operation's drug, if it has only one
        # ("un total de 567 kilogramos", "251 kilos de la droga"); "750 kilos de droga"
        # with drugs already weighed is a sum of them, not another seizure.
        if not known:
            # "238 paquetes de cocaína ... El pesaje arrojó 251 kilos de la droga"
            named = _drugs_named(draft, mentions)
            if not named:
                # nothing named in its own sentences: the one drug the whole report is about
                named = {terms.DRUGS[term][0] for _s, _e, term in mentions.drug_terms}
            known = named if len(named) == 1 else set()
        elif len(known) > 1:
            # "1.1 million fentanyl pills ... The pills weighed about 110 kilograms": of the
            # drugs named, the one not weighed where it was named.
            unweighed = _drugs_named(draft, mentions, weighed=[(d.term_start, d.term_end) for d in drugs])
            known = unweighed if len(unweighed) == 1 else known
        typed = [d for d in draft.drugs if d.drug_type and d.amount.kg]
        # the sum of several weighed lines, told again as one figure
        typed_kg = sum((d.amount.kg for d in typed), Decimal(0)) if len(typed) >= 2 else Decimal(0)
        for d in draft.drugs:
            if d.drug_type or len(known) != 1:
                continue
            if typed_kg and d.amount.kg and _close(d.amount.kg, typed_kg, Decimal("0.01")):
                continue  # "2.714 kilogramos ... de ese total 2.302 de cocaína y 412 de marihuana"
            if d.reference == "generic" and any(o.drug_type for o in draft.drugs):
                # "750 kilos de droga" beside weighed drugs is their sum, unless it is the
                # precise figure of a rounded one ("más de una tonelada de cocaína ... una
                # tonelada y sesenta kilos de droga")
                rounded = [
                    o for o in typed if o.amount.approximate and _close(d.amount.kg or 0, o.amount.kg, Decimal("0.25"))
                ]
                if not rounded or d.amount.approximate:
                    continue
            d.drug_type = next(iter(known))
            drugs.append(d)
        drugs = _dedupe(drugs)
        if not drugs:
            continue
        # The seizure's place is where the sentences telling it put it; a later sentence that
        # looks back ("the ton found in Pedernales") or elsewhere counts only if they name none.
        told_in = draft.sentences[:1] + [s for s in draft.sentences if in_sentence(draft.drugs, s)]
        places = [p for s in told_in for p in in_sentence(mentions.places, s) if not in_route(p.start, mentions.routes)]
        if not places:
            places = [
                p
                for s in draft.sentences
                if s.index not in mentions.context_only
                for p in in_sentence(mentions.places, s)
                if not in_route(p.start, mentions.routes)
            ]
        if not places and preamble_places:
            places = [preamble_places.pop(0)]
        # At sea only if the seizure itself is told at sea ("400 nautical miles southwest of"),
        # not a plan ("to be transferred at sea") in another sentence.
        at_sea = any(
            has_any(s.text, terms.AT_SEA)
            or _OFFSHORE.search(s.text)
            # "spotted a go-fast north of La Guajira": a vessel stopped off a coast
            or (has_any(s.text, terms.VESSELS) and _BEARING.search(s.text))
            # a navy's or coast guard's ship stopping a vessel: "the cutter Escanaba seized"
            or _INTERDICTION.search(s.text)
            for s in told_in
        ) or any(
            # "o semissubmersível foi intercetado em alto mar a 230 milhas náuticas"
            has_any(s.text, terms.AT_SEA) and _INTERCEPTED.search(s.text)
            for s in draft.sentences
            if s.index not in mentions.context_only
        )
        # Where the sentences telling it say it happened ("In El Salvador, the navy ..."), or
        # the country of its agencies: a place elsewhere with the same name gives way.
        set_in = [
            code
            for s in told_in
            for start, _e, code in in_sentence(mentions.countries, s)
            if not in_route(start, mentions.routes)
            and (
                SET_IN.search(document.folded, max(s.start, start - 12), start)
                # "Spain's Civil Guard seized ..." (not "Colombia's Guajira Peninsula")
                or (
                    document.text[_e : _e + 2] in {"'s", "’s"}
                    and any(_e + 2 <= a.start <= _e + 4 for a in mentions.agencies)
                )
            )
        ]
        agency_countries = {
            country
            for s in told_in
            for a in in_sentence(mentions.agencies, s)
            if not a.generic
            for country in ([a.country] if a.country else [c.country for c in a.candidates if c.country])
        }
        hint = set_in[0] if set_in else (next(iter(agency_countries)) if len(agency_countries) == 1 else None)
        if hint:
            places = [_relocated(p, hint) for p in places]
            domestic = bool(set_in) or not any(
                c.code in agency_rules.ABROAD
                for s in told_in
                for a in in_sentence(mentions.agencies, s)
                for c in a.candidates
            )
            if domestic and any(p.place.country != hint for p in places):
                # A police force, army or customs service seizes at home: a place abroad in
                # its sentences ("una célula del Tren de Aragua") is not where it happened.
                places = [p for p in places if p.place.country == hint]
        place = None if at_sea else _best_place(places, hint or fallback_country)
        country = place.place.country if place else hint
        # Agencies of the sentences that tell what was done ("seized", "joint operation"); one
        # named in a remark ("Europol warned in a report") is not the seizing one.
        acting = [
            s
            for s in draft.sentences
            if s.index not in mentions.context_only and (s in told_in or has_any(s.text, terms.ACTION))
        ]
        op_agencies = [a for s in acting for a in in_sentence(mentions.agencies, s)]
        if not op_agencies:
            op_agencies = [a for s in preamble for a in in_sentence(mentions.agencies, s)]
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
        if draft.date is None and mentions.series is not None:
            draft.date = mentions.series
        if draft.date is None and previous_draft_date is not None and previous_draft_date.kind == "range":
            # boats told one by one after "cuatro lanchas entre el 4 y el 9 de mayo": the days
            # of the series, not the day it was published
            draft.date = previous_draft_date
        previous_draft_date = draft.date
        date_start, date_end, precision, date_span = _dates(draft, previous_date, published)
        # Confidences are set from `make calibration` on real reports (real-dev): a value is
        # shown at x only where values of its kind were right about x of the time there.
        date_confidence = 0.8 if precision == "day" else 0.5
        previous_date = date_start
        agencies_found: dict[str, Extracted[str]] = {}
        for mention in op_agencies:
            agency = agency_rules.resolve(mention, country)
            if agency and agency.code not in agencies_found:
                agencies_found[agency.code] = Extracted(
                    agency.code, mention.start, mention.end, 0.7 if mention.generic else 0.85
                )
        routes = [r for s in draft.sentences for r in in_sentence(mentions.routes, s)]
        destinations, transit = _routes(routes, country, document.text)
        detained = [
            mentions.detentions[s.index]
            for s in draft.sentences
            if s.index in mentions.detentions and s.index not in mentions.context_only
        ]
        groups = [g for s in draft.sentences for g in in_sentence(mentions.groups, s)]
        evidence = [
            e
            for s in draft.sentences
            if s.index not in mentions.context_only
            for e in in_sentence(mentions.evidence, s)
        ]
        span_start, span_end = draft.sentences[0].start, draft.sentences[-1].end
        operation = ExtractedOperation(
            date_start=Extracted(date_start, *date_span, date_confidence),
            date_end=Extracted(date_end, *date_span, date_confidence),
            date_precision=precision,
            country=Extracted(
                country, *(place.start, place.end) if place else (span_start, span_end), 0.85 if place else 0.6
            ),
            admin1=Extracted(place.place.admin1, place.start, place.end, 0.75)
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
    # (Not a region given as a distance: "Villeta, a unos 30 kilómetros de la capital, Asunción".)
    regions = {p.place.admin1 for p in in_country if p.place.kind == "admin1" and not p.fuzzy and not p.reference}
    if regions:
        in_country = [_within(p, regions) for p in in_country]
        in_country = [p for p in in_country if p is not None]
    specific = sorted(in_country, key=lambda p: (p.reference, p.fuzzy, not p.cued, rank.get(p.place.kind, 5), p.start))
    best = specific[0]
    if best.place.admin1 is None:
        with_region = [p for p in in_country if p.place.admin1]
        if with_region:
            return dataclasses.replace(best, place=dataclasses.replace(best.place, admin1=with_region[0].place.admin1))
    return best


_INTERCEPTED = re.compile(r"\b(?:intercept|intercet|interdict|abordad|boarded|interceptad|interceptou)")
_INTERDICTION = re.compile(r"\b(?:cutter|uss|hnlms|interdictions?|interdiccion(?:es)?)\b")
_BEARING = re.compile(
    r"\b(?:north|south|east|west|northwest|northeast|southwest|southeast|norte|sur|sul|oeste|noroeste|nordeste|"
    r"suroeste|sudoeste|sureste|sudeste)\s+(?:of|de|del|da|do)\b"
)
# "west of the Galápagos Islands", "al sur de la isla de Coiba": off an island, at sea
_OFFSHORE = re.compile(
    r"\b(?:north|south|east|west|northwest|northeast|southwest|southeast|norte|sur|sul|este|oeste|noroeste|"
    r"nordeste|suroeste|sudoeste|sureste|sudeste)\s+(?:of|de|del|da|do)\s+(?:the\s+|la\s+|las\s+|a\s+)?"
    r"(?:[a-z]+\s+){0,2}(?:islands?|isla|islas|ilha|ilhas|isle)\b"
)


def _drugs_named(draft: Draft, mentions: Mentions, weighed: list[tuple[int, int]] = ()) -> set[str]:
    """Drug types named in the operation's sentences, leaving out the words of weighed lines
    ("412 kilos a marihuana tipo creepy": what follows a weighed drug is that drug's own)."""
    return {
        terms.DRUGS[term][0]
        for s in draft.sentences
        if s.index not in mentions.context_only
        for start, _end, term in mentions.drug_terms
        if s.start <= start < s.end and not any(ws <= start <= we + 25 for ws, we in weighed)
    }


def _relocated(mention: PlaceMention, country: str) -> PlaceMention:
    """The same name in `country`, if there is such a place ("Zulia" in a Venezuelan story is
    the state, not the Colombian town)."""
    if mention.place.country == country:
        return mention
    for candidate in gazetteer().lookup(mention.text, country=country):
        if candidate.country == country:
            return dataclasses.replace(mention, place=candidate)
    return mention


def _within(mention: PlaceMention, regions: set[str]) -> PlaceMention | None:
    if mention.place.admin1 in regions:
        return mention
    for candidate in gazetteer().lookup(mention.text, country=mention.place.country):
        if candidate.admin1 in regions:
            return dataclasses.replace(mention, place=candidate, cued=False)
    return None


def _dates(draft: Draft, previous: datetime.date | None, published: datetime.date | None):
    mention = draft.date
    if mention is not None and mention.kind == "later" and previous is not None:
        try:
            day = previous + datetime.timedelta(days=mention.offset_days)
        except OverflowError:  # "two days later" than 9999-12-31
            day = None
        if day is not None:
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
    final = [
        r
        for r in ordered
        if "final" in text[r.start : r.start + 40].lower() or "final" in text[max(0, r.start - 25) : r.start].lower()
    ]
    if final:
        # "booked to Valencia, but the drug's final destination was Italy"
        for route in ordered:
            if route not in final:
                route.kind = "transit"
        ordered = final
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        if re.search(
            r"\b(?:luego|then|later|despues|depois|from there|from where|desde alli|desde donde|de donde|de onde|dali|y de alli|e dali)\b",
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
            destinations.setdefault(final[2], Extracted(final[2], final[0], final[1], 0.75))
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
        confidence=0.6 if a.approximate else 0.8,
        drug_type=Extracted(d.drug_type, d.term_start, d.term_end, 0.9),
        form=Extracted(d.form, d.term_start, d.term_end, 0.6) if d.form else None,
        quantity=Extracted(a.quantity, a.start, a.end, 0.6 if a.approximate else 0.85),
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
    """The same seizure reported twice in one article (same country, same drugs and amounts:
    "88 kilos" in the headline, "88,12 kilogramos" weighed later) is one operation. A raid
    and its announcement are days apart: the earlier day told is the seizure's."""
    kept: list[ExtractedOperation] = []
    for op in operations:
        twin = next((k for k in kept if _same_event(k, op)), None)
        if twin is None:
            kept.append(op)
            continue
        twin.sentences.extend(op.sentences)
        if _date_rank(op) < _date_rank(twin):
            twin.date_start, twin.date_end, twin.date_precision = op.date_start, op.date_end, op.date_precision
        for attr in ("admin1", "place", "organization", "detainees_total"):
            if getattr(twin, attr) is None:
                setattr(twin, attr, getattr(op, attr))
        if not twin.detainees_by_nationality:
            twin.detainees_by_nationality = op.detainees_by_nationality
        for attr in ("agencies", "destinations", "transit"):
            values = getattr(twin, attr)
            values.extend(v for v in getattr(op, attr) if v.value not in {k.value for k in values})
        # the more precise weighing of each line ("88,12" over "88")
        for item in twin.drugs:
            for other in op.drugs:
                if other.drug_type and item.drug_type and other.drug_type.value == item.drug_type.value:
                    if _close(item.quantity_kg, other.quantity_kg, Decimal("0.02")) and _digits(other) > _digits(item):
                        item.quantity, item.quantity_kg, item.unit = other.quantity, other.quantity_kg, other.unit
    return kept


def _date_rank(op: ExtractedOperation) -> tuple[bool, datetime.date]:
    return (op.date_precision != "day", op.date_start.value)


def _digits(item: ExtractedItem) -> int:
    return len(str(item.quantity_kg.normalize()).replace(".", "")) if item.quantity_kg else 0


def _same_event(a: ExtractedOperation, b: ExtractedOperation) -> bool:
    if a.country.value != b.country.value:
        return False
    ka = sorted((i.drug_type.value, i.quantity_kg) for i in a.drugs if i.drug_type and i.quantity_kg)
    kb = sorted((i.drug_type.value, i.quantity_kg) for i in b.drugs if i.drug_type and i.quantity_kg)
    if not ka or len(ka) != len(kb):
        return False
    return all(da == db and _close(qa, qb, Decimal("0.02")) for (da, qa), (db, qb) in zip(ka, kb, strict=True))
