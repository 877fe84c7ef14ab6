"""Criminal groups named as owning a shipment: "the narcotrafficking ring Los Aceiteros de
Paita", "belonged to the Clan del Golfo", "a cell of the Sinaloa Cartel", "uma rede ligada
ao Primeiro Comando da Capital (PCC)", a clan nicknamed "Los Halcones del Pachitea"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sources.extraction.rules import terms
from sources.extraction.rules.nlp import Document

# Well-known groups, so they are found whatever words surround them.
KNOWN = [
    "Clan del Golfo", "Sinaloa Cartel", "Cartel de Sinaloa", "Cártel de Sinaloa", "Jalisco New Generation Cartel",
    "Cartel Jalisco Nueva Generación", "Cártel Jalisco Nueva Generación", "CJNG", "Gulf Cartel", "Cartel del Golfo",
    "Primeiro Comando da Capital", "Comando Vermelho", "Los Lobos", "Los Choneros", "Tren de Aragua",
    "Los Tiguerones", "Los Chone Killers", "Los Rastrojos", "ELN", "Sendero Luminoso", "Shining Path",
    "'Ndrangheta", "Ndrangheta", "Camorra", "Balkan cartel", "Kinahan cartel", "Los Urabeños", "Oficina de Envigado",
    "Cartel de los Soles", "Los Zetas", "Beltrán Leyva", "Familia Michoacana", "La Familia Michoacana",
    "Autodefensas Gaitanistas de Colombia", "Autodefensas Gaitanistas", "Comandos de la Frontera",
    "Segunda Marquetalia", "Estado Mayor Central", "Los Pachenca", "Autodefensas Conquistadoras de la Sierra Nevada",
    "Primer Comando Capital", "Família do Norte", "Bonde do Maluco", "Sindicato do Crime", "Os Manos",
    "Cártel del Noreste", "Cartel del Noreste", "Los Mayos", "Los Chapitos", "Cártel de Santa Rosa de Lima",
    "Barrio 18", "Mara Salvatrucha", "MS-13", "Los Shoneros", "Los Lagartos", "Latin Kings", "Fatales",
    "Mocro Maffia", "Clan Úsuga", "Los Espartanos", "Los Pepes", "Camorra", "disidencias de las FARC",
    "FARC dissidents", "dissidentes das FARC",
]  # fmt: skip

# Acronyms that stand for one group in these reports, and the name they stand for.
ACRONYMS = {"PCC": "Primeiro Comando da Capital", "CJNG": "Cártel Jalisco Nueva Generación", "ELN": "ELN",
            "AGC": "Autodefensas Gaitanistas de Colombia"}  # fmt: skip

_NAME = r"[A-ZÁÉÍÓÚÑ][\w'’-]*(?:\s+(?:(?:de|del|la|las|los|do|da|dos|das|of|the)\s+)?[A-ZÁÉÍÓÚÑ0-9][\w'’-]*)*"
PATTERNS = [
    # "el frente 36 de las disidencias de las FARC", "the 48th front of the FARC dissidents"
    re.compile(
        r"\b(?:frente|front|bloque|columna|column)\s+\d+(?:\s+(?:de|of)\s+(?:las|los|the)\s+[\w ]{0,30}?(?:FARC|ELN|EMC))?"
    ),
    # Los Aceiteros de Paita, Las ..., Os ...
    re.compile(rf"\b(?:Los|Las|Os)\s+(?:(?:de|del|da|do)\s+)?{_NAME}"),
    # "Los Halcones del Pachitea", «...», “...”
    re.compile(r"[\"“«‘']([A-ZÁÉÍÓÚÑ][^\"”»’'\n]{2,60})[\"”»’']"),
    # the Dagoberto Ramos column / Sinaloa Cartel / Gulf Clan / X gang
    re.compile(rf"{_NAME}\s+(?:column|front|cartel|Cartel|clan|Clan|gang|faction|network)\b"),
    # Cartel de X / Clan X / Frente X / Columna X / Comando X
    re.compile(rf"\b(?:Cartel|Cártel|Clan|Frente|Columna|Comando|Familia)\s+(?:de\s+|del\s+|da\s+)?{_NAME}"),
]
_NOT_GROUPS = {"los angeles", "las vegas", "los mochis", "las palmeras"}


_KNOWN = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in sorted(KNOWN, key=len, reverse=True)) + r")(?!\w)")
_ACRONYM = re.compile(r"(?<![\w(])(?:" + "|".join(ACRONYMS) + r")(?![\w)])")


@dataclass
class GroupMention:
    start: int
    end: int
    name: str
    cued: bool  # a word such as "belonged to" stands before it


def find_groups(document: Document) -> list[GroupMention]:
    found: list[GroupMention] = []
    for match in _KNOWN.finditer(document.text):
        found.append(GroupMention(match.start(), match.end(), match.group(0), True))
    for match in _ACRONYM.finditer(document.text):
        if not any(g.start <= match.start() < g.end + 8 for g in found):
            found.append(GroupMention(match.start(), match.end(), ACRONYMS[match.group(0)], True))
    for pattern in PATTERNS:
        for match in pattern.finditer(document.text):
            start, end = (match.start(1), match.end(1)) if match.groups() else (match.start(), match.end())
            name = document.text[start:end].strip().strip("'\"’”")
            if name.lower() in _NOT_GROUPS or any(g.start <= start < g.end for g in found):
                continue
            before = document.folded[max(0, start - 45) : start]
            cued = any(cue in before for cue in terms.GROUP_CUES)
            # "trying to establish whether the load belonged to X or to Y": not said it did
            if re.search(r"\b(?:whether|si|se)\b", document.folded[max(0, start - 70) : start]):
                continue
            if not cued:
                continue
            found.append(GroupMention(start, end, name, cued))
    found.sort(key=lambda g: g.start)
    return found
