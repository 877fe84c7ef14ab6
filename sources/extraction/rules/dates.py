"""Dates in a report: "February 10-12, 2021", "del 10 al 12 de abril", "on Dec. 29", "el
pasado domingo", "na última quarta-feira (18)", "Ayer", "two days later".

Patterns find the date; dateparser reads only the matched words (never a whole paragraph:
that is slow and misreads ranges and Spanish). A date without a year is the latest such date
not after the publication date; a weekday is the latest such day before it.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import dateparser

MONTHS = {
    "en": ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december"],
    "es": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
           "noviembre", "diciembre"],
    "pt": ["janeiro", "fevereiro", "marco", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro",
           "novembro", "dezembro"],
}  # fmt: skip
_ABBREVIATIONS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
                  "oct": 10, "nov": 11, "dec": 12, "ene": 1, "dic": 12, "setiembre": 9, "fev": 2, "dez": 12}  # fmt: skip
MONTH_NUMBER = {name: i + 1 for names in MONTHS.values() for i, name in enumerate(names)} | _ABBREVIATIONS
_MONTH = r"(?P<month>" + "|".join(sorted(MONTH_NUMBER, key=len, reverse=True)) + r")\.?"
_MONTH2 = _MONTH.replace("?P<month>", "?P<month2>")

WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
    "lunes": 0, "martes": 1, "miercoles": 2, "jueves": 3, "viernes": 4, "sabado": 5, "domingo": 6,
    "segunda-feira": 0, "terca-feira": 1, "quarta-feira": 2, "quinta-feira": 3, "sexta-feira": 4,
    "segunda": 0, "terca": 1, "quarta": 2, "quinta": 3, "sexta": 4,
}  # fmt: skip
_PORTUGUESE_ONLY = {"segunda", "terca", "quarta", "quinta", "sexta"}
_WEEKDAY = r"(?P<weekday>" + "|".join(sorted(WEEKDAYS, key=len, reverse=True)) + r")"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th|º|°)?"
_DAY2 = r"(?P<day2>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_TO = (
    r"\s*(?:-|–|to|and|through|until|al|a|y|e|ate)\s*(?:el\s+|o\s+)?"
    r"(?:(?:lunes|martes|miercoles|jueves|viernes|sabado|domingo|monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday|segunda|terca|quarta|quinta|sexta)(?:-feira)?,?\s+)?"
)

PATTERNS = [
    # February 10-25, 2021 / March 3 and 5 / Feb. 28 to March 2
    ("range", re.compile(rf"\b{_MONTH}\s+{_DAY}{_TO}(?:{_MONTH2}\s+)?{_DAY2}\b(?:,?\s+{_YEAR})?")),
    # del 10 al 12 de abril (de 2025) / 10-12 February 2021 / from 10 to 12 February
    ("range", re.compile(rf"\b{_DAY}{_TO}{_DAY2}\s+(?:de\s+)?{_MONTH}\b(?:,?\s+(?:de\s+|del\s+)?{_YEAR})?")),
    # February 11, 2021 / Dec. 29 / Nov. 18
    ("day", re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?![.,]\d)(?!\s*(?:kg|kilo|ton|%|mil))(?:,?\s+{_YEAR})?")),
    # 4 de setiembre (de 2022) / 11 February 2021
    ("day", re.compile(rf"\b{_DAY}\s+(?:de\s+)?{_MONTH}\b(?:,?\s+(?:de\s+|del\s+)?{_YEAR})?")),
    # quarta-feira (18) / domingo 4
    ("weekday_day", re.compile(rf"\b{_WEEKDAY}\s*\(?\s*{_DAY}\s*\)")),
    # between Friday and Saturday / entre el viernes y el sábado / entre sexta e sábado
    ("weekday_range", re.compile(rf"\b(?:between|entre)\s+(?:el\s+|a\s+)?{_WEEKDAY}(?:-feira)?\s+(?:and|y|e)\s+"
                                 rf"(?:el\s+|o\s+)?(?P<weekday2>{_WEEKDAY[14:]}")),
    ("weekend", re.compile(r"\b(?:last\s+weekend|over\s+the\s+weekend|this\s+weekend|el\s+(?:pasado\s+)?fin\s+de\s+"
                           r"semana(?:\s+pasado)?|este\s+fin\s+de\s+semana|no\s+(?:ultimo\s+)?fim\s+de\s+semana|"
                           r"neste\s+fim\s+de\s+semana)\b")),
    ("weekday", re.compile(rf"\b{_WEEKDAY}\b")),
    ("yesterday", re.compile(r"\b(?:yesterday|last\s+night|ayer|anoche|ontem|anteayer|anteontem|antenoche)\b")),
    # Bare "today", "hoy", "hoje" mostly describe the present ("percorre hoje"); these name a time.
    ("today", re.compile(r"\b(?:this\s+morning|earlier\s+today|early\s+today|hoy\s+temprano|esta\s+manana|esta\s+madrugada|"
                         r"nesta\s+manha|nesta\s+madrugada)\b")),
    ("holiday", re.compile(r"\b(?:new\s+year'?s\s+(?:day|eve)|christmas\s+(?:day|eve)|christmas|ano\s+nuevo|"
                           r"nochevieja|nochebuena|navidad|ano\s+novo|vespera\s+de\s+natal|natal|"
                           r"(?:the\s+)?(?:last|first)\s+day\s+of\s+(?:the\s+year|(?:19|20)\d\d)|"
                           r"(?:el\s+)?(?:ultimo|primer)\s+dia\s+del?\s+(?:ano|(?:19|20)\d\d)|"
                           r"(?:o\s+)?(?:ultimo|primeiro)\s+dia\s+d[eo]\s+(?:ano|(?:19|20)\d\d))\b")),
    # "a day earlier", "un día antes", "la víspera": the day before the previous operation
    ("earlier", re.compile(r"\b(?:(?P<n>a|one|two|three|un|uno|dos|tres|um|dois)\s+(?:days?|dias?)\s+"
                           r"(?:earlier|before|antes)|the\s+day\s+before|el\s+dia\s+anterior|la\s+vispera|"
                           r"na\s+vespera|no\s+dia\s+anterior)\b")),
    ("later", re.compile(r"\b(?P<n>a|one|two|three|four|five|six|un|uno|dos|tres|cuatro|cinco|um|dois|tres|quatro)"
                         r"\s+(?:days?|dias?)\s+(?:later|after|despues|mas\s+tarde|depois)\b")),
    ("later", re.compile(r"\b(?:the\s+(?:next|following)\s+day|al\s+dia\s+siguiente|el\s+dia\s+siguiente|"
                         r"no\s+dia\s+seguinte|o\s+dia\s+seguinte)\b")),
    ("same", re.compile(r"\b(?:that\s+same\s+day|the\s+same\s+day|ese\s+mismo|el\s+mismo\s+dia|esa\s+misma|"
                        r"no\s+mesmo\s+dia|nesse\s+mesmo)\b")),
    # in March / en febrero / em março (no day): a month, usually of a total
    ("month", re.compile(rf"\b(?:in|during|en|durante|em|de|last|el\s+pasado\s+mes\s+de|en\s+el\s+mes\s+de)\s+"
                         rf"{_MONTH}\b(?!\s+\d)")),
]  # fmt: skip

# A capitalised word or a number just before "de Mayo": the month is part of a name.
_NAME_BEFORE = re.compile(r"(?:\b[A-ZÁÉÍÓÚÑ][\wáéíóúñ]+|\d+)\s+$")

_LATER_WORDS = {"a": 1, "one": 1, "un": 1, "uno": 1, "um": 1, "two": 2, "dos": 2, "dois": 2, "three": 3,
                "tres": 3, "four": 4, "cuatro": 4, "quatro": 4, "five": 5, "cinco": 5, "six": 6}  # fmt: skip


@dataclass
class DateMention:
    start: int
    end: int
    kind: str  # range, day, weekday, yesterday, later, same, month
    date_start: datetime.date | None = None
    date_end: datetime.date | None = None
    offset_days: int = 0  # for "later": days after the previous operation
    explicit_year: bool = False

    @property
    def is_absolute(self) -> bool:
        return self.date_start is not None and self.kind != "month"


def _parse(words: str, month: int, day: int, year: str | None, published, language) -> datetime.date | None:
    """The date `words` ("Dec. 29", "4 de setiembre", "February 10, 2021") name, read by
    dateparser as of the publication date, preferring the past: a date without a year is the
    latest such date not after publication. The pattern's own reading of the day and month
    is the check (and the answer, should dateparser not read the words)."""
    settings = {"PREFER_DATES_FROM": "past", "REQUIRE_PARTS": ["day", "month"]}
    if published is not None:
        settings["RELATIVE_BASE"] = datetime.datetime.combine(published, datetime.time())
    parsed = dateparser.parse(words, languages=[language, "en"], settings=settings)
    if parsed is not None and (parsed.month, parsed.day) == (month, day) and (not year or parsed.year == int(year)):
        return parsed.date()
    base = published or datetime.date.today()
    candidate = datetime.date(int(year) if year else base.year, month, day)
    if not year and candidate > base:
        candidate = candidate.replace(year=candidate.year - 1)
    return candidate


def _weekday_before(weekday: int, published: datetime.date | None, strictly: bool) -> datetime.date | None:
    if published is None:
        return None
    delta = (published.weekday() - weekday) % 7
    if delta == 0 and strictly:
        delta = 7
    return published - datetime.timedelta(days=delta)


def find_dates(
    folded: str, *, published: datetime.date | None, language: str, original: str | None = None
) -> list[DateMention]:
    """Dates in `folded` (the folded text); `original` is the text as written, which
    dateparser reads."""
    original = original if original is not None else folded
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []

    def free(start, end):
        return all(end <= s or start >= e for s, e in taken)

    for kind, pattern in PATTERNS:
        for m in pattern.finditer(folded):
            if not free(m.start(), m.end()):
                continue
            groups = m.groupdict()
            if language != "pt" and groups.get("weekday") in _PORTUGUESE_ONLY:
                continue  # Spanish "segunda embarcación", "la quinta": an ordinal, not a weekday
            mention = DateMention(m.start(), m.end(), kind)
            try:
                if kind in {"range", "day"}:
                    month = MONTH_NUMBER[groups["month"]]
                    day = int(groups["day"])
                    year = groups.get("year")
                    mention.explicit_year = bool(year)
                    month_words = original[m.start("month") : m.end("month")]
                    first = original[m.start() : m.end()] if kind == "day" else f"{day} {month_words} {year or ''}"
                    mention.date_start = _parse(first.strip(), month, day, year, published, language)
                    if kind == "range":
                        month2 = MONTH_NUMBER[groups["month2"]] if groups.get("month2") else month
                        month2_words = (
                            original[m.start("month2") : m.end("month2")] if groups.get("month2") else month_words
                        )
                        day2 = int(groups["day2"])
                        end = _parse(
                            f"{day2} {month2_words} {year or ''}".strip(), month2, day2, year, published, language
                        )
                        if mention.date_start and end and end < mention.date_start:
                            mention.date_start = mention.date_start.replace(year=end.year)
                        mention.date_end = end
                    else:
                        mention.date_end = mention.date_start
                    if mention.date_start is None or mention.date_end is None:
                        continue
                elif kind == "weekday_day":
                    day = int(groups["day"])
                    base = published or datetime.date.today()
                    candidate = base.replace(day=day) if day <= 28 or day <= _month_length(base) else None
                    if candidate and candidate > base:
                        candidate = (base.replace(day=1) - datetime.timedelta(days=1)).replace(day=day)
                    mention.date_start = mention.date_end = candidate
                    mention.kind = "day"
                elif kind == "weekday_range":
                    first = _weekday_before(WEEKDAYS[groups["weekday"]], published, True)
                    last = _weekday_before(WEEKDAYS[groups["weekday2"]], published, True)
                    if first and last and last < first:
                        first -= datetime.timedelta(days=7)
                    mention.date_start, mention.date_end = first, last
                    mention.kind = "range"
                elif kind == "weekend":
                    saturday = _weekday_before(5, published, True)
                    mention.date_start, mention.date_end = saturday, saturday
                    mention.kind = "day"
                elif kind == "today":
                    mention.date_start = mention.date_end = published
                    mention.kind = "day"
                elif kind == "holiday":
                    month, day = _HOLIDAYS[next(k for k in _HOLIDAYS if re.search(k, m.group(0)))]
                    year = re.search(r"(?:19|20)\d\d", m.group(0))
                    mention.date_start = mention.date_end = _parse(
                        m.group(0), month, day, year.group(0) if year else None, published, "en"
                    )
                    mention.kind = "day"
                elif kind == "weekday":
                    # "Santo Domingo", "vía Domingo Díaz": a weekday's word inside a name
                    if _inside_name(original, m.start(), m.end(), language):
                        continue
                    before = folded[max(0, m.start() - 22) : m.start()]
                    strictly = bool(
                        re.search(r"(?:last|pasado|ultim[oa]|passad[oa])\s*(?:el\s+|la\s+|o\s+|a\s+)?$", before)
                    )
                    mention.date_start = mention.date_end = _weekday_before(
                        WEEKDAYS[groups["weekday"]], published, strictly
                    )
                elif kind == "yesterday":
                    if published:
                        days = 2 if m.group(0).startswith("ante") else 1
                        mention.date_start = mention.date_end = published - datetime.timedelta(days=days)
                        mention.kind = "day"
                elif kind == "later":
                    mention.offset_days = _LATER_WORDS.get(groups.get("n") or "", 1)
                elif kind == "earlier":
                    mention.kind = "later"
                    mention.offset_days = -_LATER_WORDS.get(groups.get("n") or "", 1)
                elif kind == "month":
                    word = original[m.start("month") : m.end("month")]
                    if language in {"es", "pt"} and word[:1].isupper() and _NAME_BEFORE.search(original, 0, m.start()):
                        continue  # "la zona Primero de Mayo", "la empresa 15 de Abril": a name
                    mention.date_start = datetime.date(1, MONTH_NUMBER[groups["month"]], 1)
            except (ValueError, KeyError, OverflowError):
                # A date past the calendar's ends ("yesterday" of a source dated year 1).
                continue
            taken.append((m.start(), m.end()))
            found.append(mention)
    found.sort(key=lambda d: d.start)
    return found


_HOLIDAYS = {
    r"last\s+day|ultimo\s+dia": (12, 31),
    r"first\s+day|primer\s+dia|primeiro\s+dia": (1, 1),
    r"new\s+year'?s\s+eve|nochevieja": (12, 31),
    r"new\s+year|ano\s+nuevo|ano\s+novo": (1, 1),
    r"christmas\s+eve|nochebuena|vespera": (12, 24),
    r"christmas|navidad|natal": (12, 25),
}


def _inside_name(original: str, start: int, end: int, language: str) -> bool:
    """ "Santo Domingo", "vía Domingo Díaz": a weekday's word in a name. English capitalises
    weekdays ("On Thursday morning"), so there only a saint's or street's word before counts."""
    word = original[start:end]
    if not word[:1].isupper():
        return False
    before = original[max(0, start - 20) : start].rstrip()
    if language == "en":
        previous = before.split()[-1].lower() if before.split() else ""
        return previous in {"santo", "san", "via", "vía", "avenida", "calle"}
    after = original[end : end + 20].lstrip()
    previous = before.split()[-1] if before.split() else ""
    at_sentence_start = not previous or previous[-1:] in ".!?:;\n—–-"
    return (previous[:1].isupper() and not at_sentence_start) or after[:1].isupper()


def _month_length(day: datetime.date) -> int:
    following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return (following - datetime.timedelta(days=1)).day
