"""Where a shipment was going ("bound for Panama", "con destino final al puerto de Amberes,
en Bélgica") and where it would stop on the way ("with a stop in Algeciras, Spain", "escalas
en Manzanillo (Panamá) y Rotterdam"); and, to keep them out of the seizure's own place,
where it came from ("shipped from Guayaquil, Ecuador")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sources.extraction import gazetteer as gz
from sources.extraction import lexicon
from sources.extraction.rules import terms
from sources.extraction.rules.nlp import Document, has_any


@dataclass
class RouteMention:
    start: int  # the cue
    end: int  # the end of the window read after it
    kind: str  # destination, transit, origin
    countries: list[tuple[int, int, str]]  # (start, end, alpha-2) in order


def _cue_pattern(cues) -> re.Pattern:
    alternatives = "|".join(re.escape(c).replace(r"\ ", r"\s+") for c in sorted(cues, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})\b")


_PATTERNS = [
    ("transit", _cue_pattern(terms.TRANSIT_CUES)),
    ("destination", _cue_pattern(terms.DESTINATION_CUES)),
    ("origin", _cue_pattern(terms.ORIGIN_CUES)),
]
_NAME = re.compile(
    r"(?<![\w])[A-ZÁÉÍÓÚÑÇ][\w'’.-]*(?:\s+(?:(?:de|del|la|las|los|do|da|dos|das|of|the)\s+)?[A-ZÁÉÍÓÚÑÇ][\w'’.-]*)*"
)


def _countries_in(document: Document, start: int, end: int) -> list[tuple[int, int, str]]:
    found = []
    names = list(_NAME.finditer(document.text, start, end))
    for i, match in enumerate(names):
        phrase = match.group(0).strip(".")
        code = gz.country_from_name(phrase, document.language)
        following = names[i + 1] if i + 1 < len(names) else None
        if (
            code is None
            and following is not None
            and re.fullmatch(r"\s*[,(]\s*", document.text[match.end() : following.start()])
        ):
            # "Manzanillo, Mexico", "Manzanillo (Panamá)": the country named with the port says which
            if gz.country_from_name(following.group(0).strip("."), document.language):
                continue
        if code is None:
            place = gz.gazetteer().best(phrase)
            if place is not None and place.kind in {"port", "city", "admin1", "admin2"} and place.population >= 0:
                code = place.country
        if code:
            found.append((match.start(), match.end(), code))
    return found


_HEDGE = re.compile(r"\b(?:whether|investigan si|investiga si|averiguar si|establecer si|investigam se|apuram se)\b")
_MARKET = re.compile(
    r"\b(?:(?:market|mercado|mercados|consumers|consumidores)\s+(?P<word>[a-z]+)|(?P<before>[a-z]+)\s+(?:market|consumers))\b"
)


def _market(document: Document, start: int, end: int) -> list[tuple[int, int, str]]:
    """ "con destino el mercado brasileño", "for the European market": a country by its demonym."""
    found = []
    for match in _MARKET.finditer(document.folded, start, end):
        group = "word" if match.group("word") else "before"
        code = lexicon.nationality(match.group(group), document.language)
        if code:
            found.append((match.start(group), match.end(group), code))
    return found


def find_routes(document: Document) -> list[RouteMention]:
    found: list[RouteMention] = []
    taken: list[tuple[int, int]] = []
    cue_starts = sorted(m.start() for _, pattern in _PATTERNS for m in pattern.finditer(document.folded))
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(document.folded):
            if any(s <= match.start() < e for s, e in taken):
                continue
            sentence = document.sentence_at(match.start())
            window_end = min(sentence.end, match.end() + 90)
            # A route names its places right away; stop at the next clause that is not a list.
            stop = re.search(
                r"[.;]|\b(?:where|donde|onde|when|cuando|quando|but|pero)\b", document.folded[match.end() : window_end]
            )
            if stop:
                window_end = match.end() + stop.start()
            # "bound for Valencia, Spain, with a scheduled stop in Cartagena": each cue its own list.
            later_cues = [c for c in cue_starts if match.end() <= c < window_end]
            if later_cues:
                window_end = later_cues[0]
            if kind == "destination" and has_any(
                document.folded[max(0, match.start() - 25) : match.start()], terms.FLEE
            ):
                continue  # "huyeron hacia la frontera con Venezuela": an escape, not a shipment's route
            if kind == "destination" and _HEDGE.search(document.folded, max(0, match.start() - 45), match.start()):
                continue  # "investigan si la droga iba a ser enviada a Puerto Rico o a Europa"
            countries = _countries_in(document, match.end(), window_end) or (
                _market(document, match.end(), window_end) if kind == "destination" else []
            )
            # A route names its first place right after the cue ("bound for Panama", "con
            # destino final al puerto de Amberes"); a country further on is about something else.
            if not countries or countries[0][0] - match.end() > 45:
                continue
            found.append(RouteMention(match.start(), window_end, kind, countries))
            taken.append((match.start(), window_end))
    found.sort(key=lambda r: r.start)
    return found
