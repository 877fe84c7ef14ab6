"""Which sentences report which seizure event.

A report is read sentence by sentence. A sentence that names a drug quantity belongs to the
current operation unless it brings a new date, a new place, an agency of another country or a
word that opens a new case ("Separately", "En otro operativo"); sentences without quantities
add details (detainees, destination, group) to the operation they follow. Sentences of totals,
yearly figures, records and prices are set aside.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from sources.extraction.rules import terms
from sources.extraction.rules.dates import MONTH_NUMBER, DateMention
from sources.extraction.rules.mentions import Mentions, in_route, in_sentence
from sources.extraction.rules.nlp import Document, Sentence, has_any
from sources.extraction.rules.quantities import DrugMention

# "in 61 operations", "en dos hechos", "in five separate cases": figures over several events
_SEVERAL_EVENTS = re.compile(
    r"\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|several|various|dos|tres|cuatro|cinco|seis|siete|"
    r"ocho|nueve|diez|varios|varias|diversos|diversas|duas|dois|quatro|sete|oito|nove|dez|different|distintos|"
    r"diferentes|series\s+of|serie\s+de|una\s+serie\s+de|uma\s+serie\s+de)\s+(?:separate\s+|distintas?\s+|distintos\s+|"
    r"diferentes\s+|[a-z]+\s+)?(?:cases|operations|interdictions|"
    r"raids|seizures|incidents|hechos|casos|operativos|operaciones|acciones|decomisos|incautaciones|operacoes|"
    r"acoes|apreensoes|ocorrencias)\b"
)


# "em ações que somaram mais de uma tonelada", "further shipments totalling 600 kg": the sum of
# several actions
_SUMMED = re.compile(
    r"\b(?:acoes|operacoes|apreensoes|operativos|operaciones|acciones|decomisos|operations|raids|seizures|"
    r"shipments|consignments|cargamentos|remessas|carregamentos)\s+"
    r"(?:que\s+)?(?:somaram|somam|sumaron|suman|totalizaram|totalizaron|totaling|totalling|that\s+totaled)\b"
)


# "in 2024", "en lo que va de 2025", "durante 2023": a year's figures (with no day named)
_YEAR_ONLY = re.compile(
    r"\b(?:in|en|em|durante|during|del|de|for|throughout|todo|since|desde)\s+(?:(?:el|o|the)\s+)?"
    r"(?:(?:fiscal\s+)?year\s+|ano\s+(?:fiscal\s+)?)?(?:19|20)\d\d\b"
)
# "between January and August", "entre enero y agosto": months of figures
_MONTHS_SPAN = re.compile(
    r"\b(?:between|from|entre|de)\s+(?:"
    + "|".join(MONTH_NUMBER)
    + r")\s+(?:and|to|y|a|e|hasta|ate)\s+(?:"
    + "|".join(MONTH_NUMBER)
    + r")\b(?!\s+\d)"
)
# "since October", "desde enero": a running figure
_SINCE_MONTH = re.compile(r"\b(?:since|desde|from)\s+(?:" + "|".join(MONTH_NUMBER) + r")\b(?!\s+\d)")
# No single seizure has come near this: a figure this large is a total.
LARGEST_SEIZURE_KG = Decimal("60000")


def is_aggregate(sentence: Sentence, dates: list[DateMention] = (), reported: list[DateMention] = ()) -> bool:
    """A sentence of totals, running figures, records or prices, not of one operation.
    ("A total weight of 2,961 kg", "1.212 kilogramos en total" describe one seizure; a
    stated total equal to its parts is dropped later, not here.) The day something was told
    ("En mayo, según trascendió el 25 de julio, ...") names no day of the event."""
    text = sentence.text
    in_sentence = [d for d in dates if sentence.start <= d.start < sentence.end and d not in reported]
    named_day = any(d.is_absolute or d.kind in {"later", "same"} for d in in_sentence)
    if any(d.kind == "month" for d in in_sentence) and not named_day:
        return True  # "in March", "en febrero": a month's figures
    if (_YEAR_ONLY.search(text) or _MONTHS_SPAN.search(text) or _SINCE_MONTH.search(text)) and not named_day:
        return True
    return bool(_SEVERAL_EVENTS.search(text) or _SUMMED.search(text) or has_any(text, terms.AGGREGATE))


@dataclass
class Draft:
    sentences: list[Sentence] = field(default_factory=list)
    drugs: list[DrugMention] = field(default_factory=list)
    date: DateMention | None = None
    reported: DateMention | None = None  # "X reported on Saturday that ..."
    cued: bool = False  # opened by a word that opens a new case ("En otro operativo")


# "Después de apartar el contenedor, los agentes...": a step of the same case, not a new one
_AFTER_STEP = re.compile(r"^\W*(?:despu[eé]s|depois)\s+d[ea]\s+\w+(?:ar|er|ir)\b", re.IGNORECASE)


# "- Segunda embarcación: 1 650 kg", "The second boat carried...": craft told one by one
_NEXT_CRAFT = re.compile(
    r"^\W*(?:(?:the|la|el|o|a|en\s+la|en\s+el|na|no)\s+)?(?:first|second|third|fourth|fifth|sixth|primer[oa]?|"
    r"segund[oa]|tercer[oa]?|terceir[oa]|cuart[oa]|quart[oa]|quint[oa]|sext[oa])\s+(?:embarcac\w*|lanchas?|boats?|"
    r"vessels?|semi-?submersibles?|semisumergibles?|semissubmers\w*|aeronaves?|avionetas?|avi[aã]o|avioes|planes?|"
    r"aircraft|barcos?|buques?|navios?|go-fasts?|narcolanchas?|veleros?|veleiros?|pesqueros?|pesqueiros?|"
    r"interdictions?|interdicc\w*|monomotor|bimotor|helicopters?|helicopteros?|cases?|casos?|flagrantes?|"
    r"seizures?|operativos?|decomisos?|apreens\w*|hallazgos?|containers?|contenedores?|conteineres?)\b",
    re.IGNORECASE,
)


def _opens_case(sentence: Sentence) -> bool:
    if _NEXT_CRAFT.match(sentence.text):
        return True
    head = _AFTER_STEP.sub("", sentence.text[:60])[:40]
    return has_any(head, terms.NEW_OPERATION)


def segment(document: Document, mentions: Mentions) -> tuple[list[Draft], list[Sentence]]:
    """Operations as groups of sentences, and the preamble read before the first one."""
    drafts: list[Draft] = []
    preamble: list[Sentence] = []
    pending: Draft | None = None
    current: Draft | None = None
    for sentence in document.sentences:
        too_large = any(
            d.amount.kg and d.amount.kg >= LARGEST_SEIZURE_KG for d in in_sentence(mentions.drugs, sentence)
        )
        if too_large or is_aggregate(sentence, mentions.dates, mentions.reported):
            if current is None:
                # "Cinco embarcaciones cayeron entre el 2 y el 10 de junio": the days of the
                # series, for those of its cases told with no day of their own
                series = [d for d in in_sentence(mentions.dates, sentence) if d.kind == "range"]
                if series:
                    mentions.series = series[0]
            # Figures of totals are set aside; words around them may still describe the
            # operation being told ("which has used four airstrips since last year").
            if not in_sentence(mentions.drugs, sentence):
                mentions.context_only.add(sentence.index)
                (current.sentences if current is not None and pending is None else preamble).append(sentence)
            continue
        drugs = [d for d in in_sentence(mentions.drugs, sentence)]
        # "Two days later, ..." opens a case; "had left the coast two days earlier" tells its past
        dates = [
            d
            for d in in_sentence(mentions.dates, sentence)
            if d.kind != "month" and (d.kind != "later" or d.start - sentence.start < 30)
        ]
        # "na segunda-feira (29 de janeiro)": the named day before the weekday
        dates.sort(key=lambda d: (d.kind not in {"range", "day"}, d.start))
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
                # a weight with no drug named ("El pesaje final, realizado en Guayaquil,
                # arrojó 5.612 kilos") adds to the current seizure wherever it was weighed
                or (any(d.drug_type for d in drugs) and _new_place(sentence, current, mentions))
                or (any(d.drug_type for d in drugs) and _new_country(sentence, current, mentions))
            ):
                target = Draft(cued=_opens_case(sentence))
                drafts.append(target)
            else:
                target = current
            groups = _by_craft(document, drugs)
            target.sentences.append(sentence)
            target.drugs.extend(groups[0])
            if target.date is None and new_date is not None:
                target.date = new_date
            for group in groups[1:]:
                # "the cutter Confidence took 1,089 pounds, and the cutter Escanaba seized 2,200"
                target = Draft(sentences=[sentence], drugs=group, date=target.date)
                drafts.append(target)
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
            pending = Draft(sentences=[sentence], date=new_date, cued=_opens_case(sentence))
        elif pending is not None:
            pending.sentences.append(sentence)
        else:
            current.sentences.append(sentence)
            if current.date is None and new_date is not None:
                current.date = new_date
    if pending is not None and current is not None and not pending.cued:
        # A date told after the seizure with no quantity of its own ("los agentes dieron con la
        # carga este jueves"): more about the same seizure, not a case of its own.
        current.sentences.extend(pending.sentences)
        if current.date is None:
            current.date = pending.date
    return drafts, preamble


_ANOTHER_CRAFT = re.compile(
    r"\b(?:and|while|whereas|y|e|mientras|enquanto)\s+(?:the\s+|el\s+|la\s+|o\s+|a\s+)?(?:coast\s+guard\s+)?"
    r"(?:cutter|uss|hnlms|hms|ship|buque|patrullera|patrullero|navio|fragata|frigate|corbeta|corvette|"
    r"another\s+(?:boat|vessel|cutter|crew)|otra\s+(?:lancha|embarcacion)|outra\s+(?:lancha|embarcacao))\b"
)


def _by_craft(document: Document, drugs: list[DrugMention]) -> list[list[DrugMention]]:
    """A sentence's quantities, grouped by the craft that seized them: a new group where
    another ship is named between two of them."""
    groups = [[]]
    for d in drugs:
        if groups[-1] and _ANOTHER_CRAFT.search(document.folded, groups[-1][-1].amount.end, d.amount.start):
            groups.append([])
        groups[-1].append(d)
    return groups


def _new_country(sentence: Sentence, current: Draft, mentions: Mentions) -> bool:
    """An agency of another country than the current operation's: another seizure ("Del
    otro lado de la frontera, la FANB informó...")."""

    def countries(sentences):
        found = set()
        for s in sentences:
            for a in in_sentence(mentions.agencies, s):
                codes = {c.country for c in a.candidates if c.country}
                if len(codes) == 1 and not a.generic:
                    found |= codes
        return found

    here, before = countries([sentence]), countries(current.sentences)
    return bool(here and before and not here & before)


def _new_place(sentence: Sentence, current: Draft, mentions: Mentions) -> bool:
    """Whether the sentence's place is another one than the current operation's (and so,
    with a quantity, another seizure)."""
    here = [p for p in in_sentence(mentions.places, sentence) if not in_route(p.start, mentions.routes)]
    if not here:
        return False
    before = [
        p for s in current.sentences for p in in_sentence(mentions.places, s) if not in_route(p.start, mentions.routes)
    ]
    if not before:
        return False
    regions = {(p.place.country, p.place.admin1) for p in before}
    return all((p.place.country, p.place.admin1) not in regions for p in here)
