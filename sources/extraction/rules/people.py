"""People detained in an operation, counted by nationality where the text gives one.

"two Peruvians and two Venezuelans were detained", "Three men, two Colombians and an
Ecuadorian, were captured", "Four men, one of them a Venezuelan citizen, were arrested",
"fueron capturados un ciudadano mexicano y dos peruanos". People who fled are not counted,
and "nobody was arrested" is a count of zero.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sources.extraction import gazetteer as gz
from sources.extraction import lexicon
from sources.extraction.rules import terms
from sources.extraction.rules.nlp import has_any

_WORD = re.compile(r"[a-z0-9][a-z0-9'-]*")
_CLAUSE_BREAK = re.compile(r"[;:]|,\s*(?:while|but|mientras|pero|enquanto|mas)\b|\b(?:while|mientras|enquanto)\b")
_ADJECTIVES = {"suspected", "alleged", "presumed", "other", "presuntos", "supuestos", "more", "mas", "otros",
               "otras", "outros", "outras",
               "young", "jovenes", "adult", "adultos"}  # fmt: skip
_CITIZEN = {"citizen", "citizens", "national", "nationals", "ciudadano", "ciudadanos", "ciudadana", "ciudadanas",
            "cidadao", "cidadaos", "cidada", "cidadas"}  # fmt: skip
_INCLUDING = {"including", "include", "includes", "incluidos", "incluidas", "incluindo", "incluyen", "incluye",
              "incluem", "inclui"}  # fmt: skip
_AMONG = {"among them", "entre ellos", "entre ellas", "entre eles", "entre elas", "of whom", "de ellos", "de eles"}
_BOTH = {"all", "both", "todos", "todas", "ambos", "ambas", "each"}
_SHE_HE = {"he", "she", "el", "ella", "ele", "ela"}
_THEM = {"them", "ellos", "ellas", "eles", "elas", "whom", "los", "las", "quienes"}
_DEFINITE = {
    "his",
    "her",
    "su",
    "seu",
    "sua",
    "the",
    "el",
    "la",
    "los",
    "las",
    "o",
    "a",
    "os",
    "as",
    "sus",
    "its",
    "their",
}


# ", de 37,", "(42)", ", 29 anos": an age written beside a person
_AGE = re.compile(r"(?:,\s*(?:de|aged|of)\s+|\(\s*)$")
# One person detained, with no count: "fue aprehendido", "foi preso", "was arrested"
_ONE_PASSIVE = re.compile(
    r"\b(?:fue|foi|was|has\s+been|ha\s+sido|quedo|resultou|acabou)\s+(?:\w+\s+)?"
    r"(?:aprehendid[oa]|detenid[oa]|capturad[oa]|arrestad[oa]|pres[oa]|detid[oa]|apresad[oa]|arrested|"
    r"detained|apprehended|captured)\b"
)


@dataclass
class Detentions:
    start: int
    end: int
    total: int
    by_nationality: dict[str, int] = field(default_factory=dict)
    none: bool = False  # "nobody was arrested"


def _words(text: str, offset: int) -> list[tuple[str, int, int]]:
    return [(m.group(0), offset + m.start(), offset + m.end()) for m in _WORD.finditer(text)]


_PAIR = {"couple": 2, "casal": 2, "pareja": 2, "pair": 2, "dupla": 2, "trio": 3}


def _count(word: str, language: str) -> int | None:
    if word.isdigit():
        return int(word)
    if word in _PAIR:
        return _PAIR[word]
    value = lexicon.number_word(word, language, article=True)
    return int(value) if value is not None else None


def _nationality(words, i, language) -> tuple[str | None, int]:
    """The nationality at words[i] (one or two words), and how many words it took: a demonym
    ("Costa Rican", "peruanos"), or a country's name used for one ("a U.S. citizen")."""
    if i + 1 < len(words):
        code = lexicon.nationality(f"{words[i][0]} {words[i + 1][0]}", language)
        if code:
            return code, 2
    code = lexicon.nationality(words[i][0], language)
    if code is None and i + 1 < len(words) and words[i + 1][0] in _CITIZEN:
        code = gz.country_from_name(words[i][0].upper() if len(words[i][0]) <= 4 else words[i][0], language)
    return code, 1


def _mixed(words, k, language) -> bool:
    """ "Dominican and Venezuelan nationals": several nationalities with no count each."""
    return (
        k + 2 < len(words)
        and words[k + 1][0] in {"and", "y", "e", "or", "o", "ou"}
        and _nationality(words, k + 2, language)[0] is not None
    )


def _is_person(word: str) -> bool:
    return word in terms.PERSON_NOUNS or word.rstrip("s") in terms.PERSON_NOUNS


# "a bordo, tres ecuatorianos", "tripulantes, dos ecuatorianos y un colombiano", "with a crew
# of four": the people aboard a craft whose load was seized
CREW = re.compile(
    r"\b(?:con\s+otros|a\s+bordo|on\s+board|aboard|tripulantes?|tripulacion|tripulacao|crew|iban|viajaban|ocupantes)\b"
)


def detentions(sentence_text: str, sentence_start: int, language: str, *, crew: bool = False) -> Detentions | None:
    """The detentions a sentence reports (folded text), or None if it reports none. With
    `crew`, the people a seizure's sentence says were aboard count as detained too."""
    # "a U.S. citizen": one word for the word splitter, same length for the offsets
    text = re.sub(r"\bu\.s\.", "us  ", sentence_text)
    if not has_any(text, terms.DETAIN) and not (crew and CREW.search(text)):
        return None
    if has_any(text, terms.NO_ONE):
        return Detentions(sentence_start, sentence_start + len(text), 0, none=True)
    plain, groups, appositive = [], {}, {}
    marks = []  # (word index, count) of each nationality group, to tell appositions
    joins = set()  # word indexes of "and": what follows one is more people, not an apposition
    base = 0
    position = 0
    for clause in _CLAUSE_BREAK.split(text):
        clause_start = text.find(clause, position)
        position = clause_start + len(clause)
        if has_any(clause, terms.FLEE) and not has_any(clause, terms.DETAIN):
            continue
        words = _words(clause, sentence_start + clause_start)
        at, base = base, base + len(words)  # word positions across clauses, for appositions
        joins.update(at + n for n, (w, _, _) in enumerate(words) if w in {"and", "y", "e"})
        i = 0
        while i < len(words):
            word = words[i][0]
            n = _count(word, language)
            if n is not None and word.isdigit() and _AGE.search(text, 0, words[i][1] - sentence_start):
                # "Juan 'N', de 37, ambos guatemaltecos": an age, not a count
                i += 1
                continue
            if n is None or n > 500:
                # "the Bolivian pilot and co-pilot": a nationality before joined roles
                if word in _DEFINITE and i + 1 < len(words):
                    code, width = _nationality(words, i + 1, language)
                    j = i + 1 + width
                    roles = 0
                    while code and j < len(words) and _is_person(words[j][0]):
                        roles += 1
                        j += 1
                        if j < len(words) and words[j][0] in {"and", "y", "e"}:
                            j += 1
                    if roles:
                        groups[code] = groups.get(code, 0) + roles
                        marks.append((at + i, roles))
                        i = j
                        continue
                    if (
                        code is None
                        and i + 1 < len(words)
                        and _is_person(words[i + 1][0])
                        and not words[i + 1][0].endswith("s")
                    ):
                        # "the driver", "el conductor, de nacionalidad panameña", "o motorista paraguaio"
                        k = i + 2
                        while k < len(words) and (
                            words[k][0] in {"a", "an", "un", "una", "um", "uma", "de", "anos", "years", "old"}
                            or words[k][0].startswith("nacionalidad")
                            or re.fullmatch(r"\d+(?:-year-old)?", words[k][0])
                        ):
                            k += 1
                        code, width = _nationality(words, k, language) if k < len(words) else (None, 0)
                        if code:
                            groups[code] = groups.get(code, 0) + 1
                            marks.append((at + i, 1))
                            i = k + width
                            continue
                        plain.append((1, at + i + 2))
                i += 1
                continue
            # "one of them a Venezuelan": a nationality within a count already made
            # "one of them a Venezuelan", "two of them Colombian citizens", "dos de ellos peruanos"
            them = i + 2 < len(words) and words[i + 1][0] in {"of", "de"} and words[i + 2][0] in _THEM
            if them or (i + 1 < len(words) and words[i + 1][0] in {"deles", "delas"}):
                k = i + 3 if them else i + 2
                while k < len(words) and words[k][0] in {
                    "a",
                    "an",
                    "un",
                    "una",
                    "um",
                    "uma",
                    "are",
                    "were",
                    "son",
                    "eran",
                    "sao",
                    "eram",
                    "de",
                    "nacionalidad",
                    "nacionalidade",
                }:
                    k += 1
                code, width = _nationality(words, k, language) if k < len(words) else (None, 0)
                if code:
                    appositive[code] = appositive.get(code, 0) + n
                    i = k + width
                    continue
            # "among them two Colombians", "ambos argentinos": nationalities of people counted
            # already, not more people
            within = (
                word in _BOTH
                or (i >= 2 and f"{words[i - 2][0]} {words[i - 1][0]}" in _AMONG)
                or (i >= 1 and words[i - 1][0] in _INCLUDING)
            )
            j = i + 1
            while j < len(words) and (
                words[j][0] in _ADJECTIVES or re.fullmatch(r"\d+-year-old|de|nacionalidad|nacionalidade", words[j][0])
            ):
                j += 1
            code, width = _nationality(words, j, language) if j < len(words) else (None, 0)
            if code and within:
                appositive[code] = appositive.get(code, 0) + n
                i = j + width
                continue
            if code and _mixed(words, j, language):
                code = None
            # "um empresário português": a noun we do not know, then the nationality
            if (
                code is None
                and j + 1 < len(words)
                and not _is_person(words[j][0])
                and _count(words[j][0], language) is None
            ):
                code, width = _nationality(words, j + 1, language)
                if code and lexicon.demonym(words[j + 1][0], language) is not None:
                    j += 1
                else:
                    code, width = None, 0
            # "los otros tres, de nacionalidad marroquí"
            if (
                code is None
                and j + 1 < len(words)
                and words[j][0] == "de"
                and words[j + 1][0].startswith("nacionalidad")
            ):
                code, width = _nationality(words, j + 2, language) if j + 2 < len(words) else (None, 0)
                j += 2 if code else 0
            if code:
                k = j + width
                while k < len(words) and _is_person(words[k][0]):
                    k += 1
                groups[code] = groups.get(code, 0) + n
                marks.append((at + i, n))
                i = k
                continue
            # "two dock workers": one word of description before the noun
            if j + 1 < len(words) and not _is_person(words[j][0]) and _is_person(words[j + 1][0]):
                j += 1
            if j < len(words) and _is_person(words[j][0]):
                k = j + 1
                while k < len(words) and _is_person(words[k][0]):
                    k += 1
                # "de nacionalidad paraguaya"
                if k + 1 < len(words) and words[k][0] == "de" and words[k + 1][0] in {"nacionalidad", "nacionalidade"}:
                    k += 2
                # "The three crew members, all Ecuadorians", "two port workers, both Ecuadorian",
                # "los dos ocupantes del vehículo, ciudadanos peruanos"
                if (
                    k + 1 < len(words)
                    and words[k][0] in {"del", "de", "of", "do", "da"}
                    and not words[k + 1][0].startswith("nacionalidad")
                ):
                    k += 3 if words[k + 1][0] in {"the", "la", "el", "o", "a"} else 2
                while k < len(words) and (
                    words[k][0] in _BOTH or words[k][0] in _CITIZEN or words[k][0] in {"of", "them", "de", "ellos"}
                ):
                    k += 1
                code, width = _nationality(words, k, language) if k < len(words) else (None, 0)
                if code and _mixed(words, k, language):
                    code = None
                if code and within:
                    appositive[code] = appositive.get(code, 0) + n
                    i = k + width
                    continue
                if code:  # "un transportista costarricense", "un ciudadano mexicano"
                    groups[code] = groups.get(code, 0) + n
                    marks.append((at + i, n))
                    i = k + width
                else:
                    plain.append((n, at + k))
                    i = k
                continue
            i += 1
    if not plain and not groups and not appositive:
        # "Ela foi presa em flagrante", "He was arrested at the airport"
        head = [w for w, _, _ in _words(text[:60], 0)][:4]
        if any(w in _SHE_HE for w in head) or _ONE_PASSIVE.search(text):
            # "el representante legal de la empresa fue aprehendido"
            plain.append((1, 0))
    by_nationality = dict(groups)
    for code, n in appositive.items():
        by_nationality[code] = max(by_nationality.get(code, 0), n)
    # "Three men, two Colombians and an Ecuadorian": the nationalities describe a count
    # already made. "Two port workers, both Ecuadorian, and the driver": they add up.
    describing = set()
    starts = sorted(end for _, end in plain)
    for n, end in plain:
        # nationalities told after a count, before the next count, that add up to it
        # describe it: "Three men who were guarding the load, two Colombians and an Ecuadorian"
        limit = next((later for later in starts if later > end), float("inf"))
        following = [(at, m) for at, m in marks if end <= at < limit and (at, m) not in describing]
        if following and any(end <= j < following[0][0] for j in joins):
            continue  # "O motorista ... e um passageiro paraguaio": two people
        counted, used = 0, []
        for mark in following:
            if counted >= n:
                break
            counted += mark[1]
            used.append(mark)
        if counted == n:
            describing.update(used)
    # and the other way: "Two Ecuadorians, a port operator and the driver": people counted by
    # nationality, then described one by one
    described = set()
    mark_starts = sorted(at for at, _ in marks)
    for at, m in marks:
        if (at, m) in describing:
            continue
        limit = next((later for later in mark_starts if later > at), float("inf"))
        following = [(n, end) for n, end in plain if at < end <= limit + 1 and (n, end) not in described]
        counted, used = 0, []
        for item in following:
            if counted >= m:
                break
            counted += item[0]
            used.append(item)
        if counted == m and len(used) > 1:
            described.update(used)
    total = sum(n for n, end in plain if (n, end) not in described) + sum(
        m for mark in marks if mark not in describing for m in [mark[1]]
    )
    if total == 0 and not by_nationality:
        return None
    total = max(total, sum(by_nationality.values()))
    return Detentions(sentence_start, sentence_start + len(text), total, by_nationality)
