"""Places named in a report, resolved with the offline gazetteer: "Paita Port", "the
Amazonian district of Mariscal Castilla, in Loreto", "Puerto Multimodal Caucedo, en Boca
Chica", "the port of Callado" (a misspelling of Callao)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sources.extraction import gazetteer as gz
from sources.extraction import lexicon
from sources.extraction.rules.nlp import Document

# Capitalised runs, allowing the small words of place names inside ("Isla del Rey").
_CANDIDATE = re.compile(
    r"(?<![\w])(?:[A-ZÁÉÍÓÚÑÇÂÊÔÃÕ][\w'’.-]*|BR-\d+)(?:\s+(?:(?:de|del|la|las|los|do|da|dos|das|y|e|of|the)\s+)?"
    r"(?:[A-ZÁÉÍÓÚÑÇÂÊÔÃÕ][\w'’-]*))*"
)
_EDGE_WORDS = {"port", "puerto", "porto", "terminal", "province", "provincia", "district", "distrito", "region",
               "región", "municipality", "municipio", "município", "department", "departamento", "state", "the",
               "el", "la", "los", "las", "international", "multimodal", "de", "del", "of", "city", "ciudad",
               "e", "y", "and", "a", "o", "os", "as"}  # fmt: skip
# Words that start sentences or name things other than places.
_NOT_PLACES = {"the", "on", "in", "at", "el", "la", "los", "las", "en", "a", "o", "an", "this", "it", "they", "he",
               "she", "we", "police", "officers", "agents", "agentes", "marines", "troops", "soldiers", "navy",
               "army", "customs", "according", "según", "segundo", "con", "com", "during", "durante", "between",
               "entre", "also", "también", "então", "then", "separately", "investigators", "authorities",
               "when", "once", "some", "no", "nobody", "none", "nadie", "ninguém", "about", "more", "más", "mais",
               "officials", "office", "national", "federal", "general", "director", "head", "minister", "ministry",
               "coast", "guard", "special", "service", "servicio", "policía", "polícia", "policia", "fuerza",
               "armada", "marina", "ejército", "inside", "behind", "after", "before", "two", "three", "four",
               "dos", "tres", "cuatro", "un", "una", "one", "por", "para", "by", "from", "with", "de",
               "del", "do", "da", "ese", "esa", "este", "esta", "hasta", "until", "so", "far", "meanwhile",
               "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
               "norte", "sur", "sul", "oeste", "centro", "district", "court", "attorney", "marinha", "exército",
               "aduana", "aduanas", "receita", "fiscalía", "ministerio", "ministério", "secretaría", "secretaria",
               "guardia", "gendarmería", "prefectura", "capital", "pública", "publica", "público", "nacional",
               "america", "américa", "europe", "europa", "africa", "áfrica", "asia", "ásia", "oceania"}  # fmt: skip


@dataclass
class PlaceMention:
    start: int
    end: int
    text: str
    place: gz.Place
    fuzzy: bool = False  # found by a close spelling ("Callado"), not the name itself
    cued: bool = False  # introduced as a location ("near Benjamin Constant", "en Pichari")
    reference: bool = False  # a point a distance is measured from ("a 30 km de Asunción")


# "a unos 30 kilómetros de la capital, Asunción", "50 miles from Miami"
_DISTANCE_FROM = re.compile(
    r"\b\d[\d.,]*\s*(?:km|kms|kilometros|kilometers|kilometres|quilometros|millas|miles|milhas|mi)\b\s+"
    r"(?:\w+\s+){0,3}?(?:de|from|of|da|do|del|off)\s+(?:la\s+|el\s+|the\s+|a\s+|o\s+)?"
    r"(?:(?:capital|ciudad|city|cidade|town|puerto|port|porto)(?:\s+de)?,?\s+)?$"
)


def _variants(words: list[str]):
    """The phrase, then shorter phrases with edge words ("Port", "provincia") dropped."""
    n = len(words)
    seen = {" ".join(words)}
    yield " ".join(words)  # "Puerto Bolívar" as written, before "Bolívar"
    for size in range(n, 0, -1):
        for i in range(0, n - size + 1):
            part = words[i : i + size]
            while part and part[0].lower() in _EDGE_WORDS:
                part = part[1:]
            while part and part[-1].lower() in _EDGE_WORDS:
                part = part[:-1]
            phrase = " ".join(part)
            if phrase and phrase not in seen:
                seen.add(phrase)
                yield phrase


def _sentence_initial(document: Document, start: int) -> bool:
    before = document.text[max(0, start - 3) : start]
    return start == 0 or not before.strip() or before.rstrip()[-1:] in {".", "!", "?", "\n", "|", "“", '"'}


def _plausible(place: gz.Place, country_hint: str | None, initial: bool) -> bool:
    """Far-away homonyms of ordinary words ("Forces", "Ayer") are not places of the story:
    a place outside the story's country must be a port, a region or a large city."""
    if place.kind == "country":
        return False
    if country_hint is None or place.country == country_hint:
        return not initial or place.kind in {"port", "admin1", "admin2"} or place.population >= 20000
    return place.kind in {"port", "admin1"} or place.population >= 200000


_WATER_WORDS = {"river", "rio", "río", "lagoon", "bay", "estuary"}
_WATER_BEFORE = re.compile(r"\b(?:río|rio)\s+$", re.IGNORECASE)
_WATER_AFTER = re.compile(r"\s+(?:river|rio|río|rivers|lagoon|bay|estuary|delta)\b", re.IGNORECASE)


_LOCATIVE = re.compile(
    r"(?:\bnear|\bin|\bat|\boff|\ben|\bem|\bna|\bno|\bproximidades\s+de|\bcerca\s+de|\bperto\s+de|\bproximo\s+(?:a|de)|"
    r"\bmunicipio\s+de|\bdistrito\s+de|\bprovincia\s+de|\bdepartamento\s+de|\bport\s+of|\bpuerto\s+de|\bporto\s+de|"
    r"\blocalidad\s+de|\bsector|\bsetor)\s+(?:the\s+|la\s+|el\s+|los\s+|las\s+|o\s+|a\s+|del\s+|de\s+)?$"
)


def find_places(
    document: Document,
    *,
    country_hint: str | None = None,
    exclude: list[tuple[int, int]] = (),
    span: tuple[int, int] | None = None,
) -> list[PlaceMention]:
    gazetteer = gz.gazetteer()
    found = []
    start_at, end_at = span or (0, len(document.text))
    for match in _CANDIDATE.finditer(document.text, start_at, end_at):
        words = match.group(0).split()
        # "Manaus. É o mesmo": a run of capitals ends with its sentence
        for i, word in enumerate(words[:-1]):
            if word.endswith("."):
                words = words[: i + 1]
                break
        words[-1] = words[-1].rstrip(".")
        if len(words) == 1 and words[0].lower() in _NOT_PLACES:
            continue
        if any(s < match.end() and match.start() < e for s, e in exclude):
            continue
        # "la ruta Tacna–Santiago": the ends of a bus or shipping route, not the place; nor
        # where a load was taken afterwards or where people ran to
        if _ROUTE_ENDS.search(document.folded, max(0, match.start() - 25), match.start()):
            continue
        if _ELSEWHERE.search(document.folded, max(0, match.start() - 45), match.start()):
            continue
        # "the Paraná River", "el río Paraná": a river, not the city of Paraná.
        if _WATER_AFTER.match(document.text, match.end()) or words[-1].lower() in _WATER_WORDS:
            continue
        if _WATER_BEFORE.search(document.text, max(0, match.start() - 6), match.start()):
            continue
        for phrase in _variants(words):
            if phrase.lower() in _NOT_PLACES or len(phrase) < 3:
                continue
            if phrase.lower() in _GENERIC_NAMES and len(words) > 1:
                continue  # "Santa" of "Santa Marta", "Laguna" of "Bruce Laguna"
            if gz.country_from_name(phrase.rstrip("."), document.language):
                break  # a country ("Paraguai"), not a town that shares its name
            offset = match.group(0).find(phrase)
            initial = _sentence_initial(document, match.start() + max(offset, 0)) and " " not in phrase
            if lexicon.nationality(phrase, document.language):
                break  # "Jamaican", "peruano": a demonym, not the town named like it
            place = gazetteer.best(phrase, country=country_hint)
            if _PORT_OF.search(document.folded, max(0, match.start() - 16), match.start()):
                ports = [p for p in gazetteer.lookup(phrase) if p.kind == "port"]
                place = ports[0] if ports and (place is None or place.kind != "port") else place
            fuzzy = False
            exact_elsewhere = any(
                gazetteer.best(v, country=country_hint)
                for v in _variants(words)
                if " " in v and v.lower() not in _GENERIC_NAMES
            )
            if (
                (place is None or place.country != country_hint)
                and len(phrase) >= 6
                and country_hint
                and not exact_elsewhere
            ):
                close = gazetteer.fuzzy(phrase, country=country_hint, score_cutoff=85)
                if close is not None and close != place:
                    place, fuzzy = close, True
            # "Carlos Armando Cacua Guerrero": a word of a longer name is a place only in the
            # story's country (not Mexico's Guerrero in a Colombian story)
            partial = (
                len(phrase.split()) < len(words)
                and len(words) >= 3
                # a name's words before it, with no "de la" between: a person's name
                and not any(w.lower() in _CONNECTORS for w in words[: max(0, words.index(phrase.split()[0]))])
                and not phrase.lower().startswith(("puerto", "porto", "port"))
            )
            if place is not None and partial and country_hint and place.country != country_hint:
                continue
            if place is not None and _plausible(place, country_hint, initial):
                start = match.start() + max(offset, 0)
                state = _STATE_CODE.match(document.text, start + len(phrase))
                if state:
                    # "São Gonçalo do Amarante (CE)": the state written beside the town says which
                    code = f"{place.country}-{state.group(1)}"
                    same = [p for p in gazetteer.lookup(phrase, country=place.country) if p.admin1 == code]
                    place = same[0] if same else place
                cued = bool(_LOCATIVE.search(document.folded, max(0, start - 30), start))
                reference = bool(_DISTANCE_FROM.search(document.folded, max(0, start - 60), start))
                found.append(PlaceMention(start, start + len(phrase), phrase, place, fuzzy, cued, reference))
                break
    return found


_CONNECTORS = {"de", "del", "la", "las", "los", "do", "da", "dos", "das", "y", "e", "of", "the"}
# Words that name a kind of place and many places: alone they say little ("Laguna" in "Bruce
# Laguna", "Santa" in "Santa Marta").
_GENERIC_NAMES = {"laguna", "lago", "puerto", "porto", "rio", "río", "isla", "ilha", "playa", "praia", "cerro", "sierra",
                  "santa", "santo", "san", "bahia", "bahía", "costa", "valle", "monte", "punta", "boca", "barra",
                  "villa", "vila", "ciudad", "nueva", "nuevo", "nova", "novo", "sur", "norte", "central"}  # fmt: skip
_ROUTE_ENDS = re.compile(r"\b(?:ruta|route|rota|linea|line|trayecto|trajeto)\s+(?:[\w]+\s*[–-]\s*)?$")
_PORT_OF = re.compile(r"\b(?:port|puerto|porto|terminal|harbou?r)\s+(?:of|de|del|do|da)\s+(?:la\s+|el\s+)?$")
_ELSEWHERE = re.compile(
    r"\b(?:taken|brought|flown|transferred|moved|trasladad[oa]s?|llevad[oa]s?|conducid[oa]s?|levad[oa]s?|"
    r"transferid[oa]s?|escap\w*|fled|fugaron|huy\w*|fugiram|fugiu|direccion|rumbo)\b[^.;]{0,30}"
    r"\b(?:to|a|al|hacia|para|ate|toward|towards|en|em)\s+(?:the\s+|la\s+|el\s+|a\s+|o\s+)?$"
)
_STATE_CODE = re.compile(r"\s*\(([A-Z]{2})\)")

# "near the border with Colombia", "na fronteira com o Paraguai": a neighbour, not the place.
_BORDER = re.compile(
    r"(?:border|borders|frontera|fronteras|fronteira|fronteiras|limite|frontier)\s+(?:with|con|com)\s+"
    r"(?:the\s+|el\s+|la\s+|o\s+|a\s+)?(?:[\w-]+(?:,\s*|\s+(?:and|y|e)\s+)){0,3}$"
)


def country_mentions(document: Document) -> list[tuple[int, int, str]]:
    """Countries named in the text as where things happen, as (start, end, alpha-2)."""
    found = []
    for match in _CANDIDATE.finditer(document.text):
        phrase = match.group(0)
        words = phrase.split()
        # the longest run of words naming a country ("En Costa Rica" -> "Costa Rica"), where it is
        named = None
        for size in range(len(words), 0, -1):
            for i in range(0, len(words) - size + 1):
                part = re.sub(r"['’]s$", "", " ".join(words[i : i + size]).rstrip(".,"))  # "Spain's"
                code = gz.country_from_name(part, document.language)
                if code:
                    start = match.start() + phrase.find(words[i])
                    named = (start, start + len(part), code)
                    break
            if named:
                break
        if named and not _BORDER.search(document.folded, max(0, named[0] - 60), named[0]):
            found.append(named)
    return found
