"""Words the rule-based extractor reads in English, Spanish and Portuguese reports: nationality
words, counts written as words, numerals with thousands and decimal separators, and units.

Pure Python: no database, no network, no spaCy. Every lookup folds case and accents, so
"Nicaragüense", "nicaraguense" and "NICARAGÜENSE" are the same word. `language` is "en", "es"
or "pt" (a tag such as "es-PE" is read as "es"); None, or any other language, means "any of
the three", which is weaker: pass the article's language when it is known.

    nationality("peruanas", "es")        -> "PE"
    demonym("Peruvians").plural          -> True
    number_word("tres")                  -> 3
    parse_number("449,520", "es")        -> Decimal("449.520")
    parse_amount("2,5 millones", "es")   -> Decimal("2500000")
    to_canonical(Decimal(1200), "gallons") -> (Decimal("4542.4941408"), "l")
    kilograms(Decimal("4.3"), "t")       -> Decimal("4300.0")
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

LANGUAGES = ("en", "es", "pt")


def _fold(text: str) -> str:
    """Lower-case, strip accents, read hyphens as spaces and collapse whitespace."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.replace("-", " ").split())


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def _languages(language: str | None) -> tuple[str, ...]:
    if language:
        code = language.lower().replace("_", "-").split("-")[0]
        if code in LANGUAGES:
            return (code,)
    return LANGUAGES


# --- Nationalities ---------------------------------------------------------------------------

# One row per country: alpha-2 | English | Spanish | Portuguese. Each column lists base forms,
# comma-separated, and each base form is inflected by its language's rule (Peruvian/Peruvians;
# peruano/peruana/peruanos/peruanas; francés/francesa/franceses/francesas; francês/francesa...).
# A form written "sg sg / pl pl" is irregular and listed in full ("Philippine /" has no plural:
# "Philippines" is the country). A form ending in "?" is also an
# ordinary word, a name or a wider group ("American", "Pole", "indio", "boliviano" the
# currency): callers should want a capital letter or a following noun before trusting it.
#
# Left out on purpose: Spanish "india" (the country's own name), "granadino" (in Spanish and
# Portuguese it is mostly someone from Granada, Spain), "galés"/"galês" ("Gales" is Wales),
# "trinitario" (also a gang) and Kosovo (XK is not an ISO 3166-1 code). English "Dominican" is
# the Dominican Republic, by far the likelier in drug reports; Dominica has no English demonym of
# its own. "Congolese" is taken as DR Congo, "Korean" as South Korea, and Portuguese
# "guineense" as Guinea-Bissau, its usual sense in Portuguese.
_DEMONYM_TABLE = """
AG | Antiguan, Barbudan | antiguano | antiguano
AR | Argentine, Argentinian | argentino | argentino
AW | Aruban | arubeño, arubano | arubano
BB | Barbadian, Bajan | barbadense | barbadiano, barbadense
BO | Bolivian | boliviano? | boliviano?
BR | Brazilian | brasileño, brasilero | brasileiro
BS | Bahamian | bahameño | bahamense
BZ | Belizean | beliceño | belizenho, belizense
CA | Canadian | canadiense | canadense
CL | Chilean | chileno | chileno
CO | Colombian | colombiano | colombiano
CR | Costa Rican | costarricense, costarriqueño | costa-riquenho, costarriquenho, costarriquense
CU | Cuban | cubano | cubano
CW | Curaçaoan | curazoleño | curaçauense
DM | | dominiqués | dominiquense
DO | Dominican? | dominicano | dominicano
EC | Ecuadorian, Ecuadorean | ecuatoriano | equatoriano
GD | Grenadian | |
GT | Guatemalan | guatemalteco | guatemalteco
GY | Guyanese | guyanés | guianense
HN | Honduran | hondureño | hondurenho
HT | Haitian | haitiano | haitiano
JM | Jamaican | jamaiquino, jamaicano | jamaicano
KN | Kittitian, Nevisian | sancristobaleño | são-cristovense
LC | Saint Lucian, St. Lucian, St Lucian | santalucense | santa-lucense
MX | Mexican | mexicano | mexicano
NI | Nicaraguan | nicaragüense | nicaraguense, nicaragüense
PA | Panamanian | panameño | panamenho, panamense
PE | Peruvian | peruano | peruano
PR | Puerto Rican | puertorriqueño, portorriqueño | porto-riquenho, porto-riquense
PY | Paraguayan | paraguayo | paraguaio
SR | Surinamese, Surinamer | surinamés | surinamês
SV | Salvadoran, Salvadorean, Salvadorian | salvadoreño | salvadorenho
TT | Trinidadian, Tobagonian | trinitense | trinidadiano
US | American? | estadounidense, norteamericano, americano? | estadunidense, norte-americano, americano?
UY | Uruguayan | uruguayo | uruguaio
VC | Vincentian | sanvicentino | são-vicentino
VE | Venezuelan | venezolano | venezuelano

AT | Austrian | austriaco, austríaco | austríaco, austriaco
BE | Belgian | belga | belga
BG | Bulgarian | búlgaro | búlgaro
CY | Cypriot | chipriota | cipriota
CZ | Czech / Czechs | checo | tcheco, checo
DE | German | alemán | alemão alemã / alemães alemãs
DK | Danish, Dane? | danés | dinamarquês
EE | Estonian | estonio | estoniano, estónio
ES | Spanish, Spaniard | español | espanhol espanhola / espanhóis espanholas
FI | Finnish, Finn? | finlandés | finlandês
FR | French, Frenchman / Frenchmen, Frenchwoman / Frenchwomen | francés | francês
GR | Greek | griego | grego
HR | Croatian, Croat | croata | croata
HU | Hungarian | húngaro | húngaro
IE | Irish, Irishman / Irishmen | irlandés | irlandês
IT | Italian | italiano | italiano
LT | Lithuanian | lituano | lituano
LU | Luxembourger, Luxembourgish | luxemburgués | luxemburguês
LV | Latvian | letón | letão letã / letões letãs
MT | Maltese | maltés | maltês
NL | Dutch, Dutchman / Dutchmen, Netherlander | neerlandés, holandés | neerlandês, holandês
PL | Polish?, Pole? | polaco | polonês, polaco
PT | Portuguese | portugués | português
RO | Romanian | rumano | romeno
SE | Swedish, Swede? | sueco | sueco
SI | Slovenian, Slovene | esloveno | esloveno
SK | Slovak, Slovakian | eslovaco | eslovaco

GB | British, Briton, Brit, English, Englishman / Englishmen, Scottish, Scot, Scotsman / Scotsmen, Welsh?, Northern Irish | británico, inglés, escocés | britânico, inglês, escocês
AD | Andorran | andorrano | andorrano
AL | Albanian | albanés | albanês
AM | Armenian | armenio | armênio, arménio
AZ | Azerbaijani, Azeri | azerbaiyano | azerbaijano
BA | Bosnian | bosnio | bósnio
BY | Belarusian | bielorruso | bielorrusso
CH | Swiss | suizo | suíço
GE | Georgian? | georgiano? | georgiano?
IS | Icelander, Icelandic | islandés | islandês
MD | Moldovan | moldavo | moldavo
ME | Montenegrin | montenegrino | montenegrino
MK | North Macedonian, Macedonian? | macedonio? | macedônio?, macedónio?
NO | Norwegian | noruego | norueguês
RS | Serbian, Serb | serbio | sérvio
RU | Russian | ruso | russo
TR | Turkish, Turk | turco | turco
UA | Ukrainian | ucraniano | ucraniano

AO | Angolan | angoleño | angolano
BJ | Beninese | beninés | beninense
CD | Congolese? | congoleño? | congolês?
CI | Ivorian | marfileño | marfinense, costa-marfinense
CM | Cameroonian | camerunés | camaronês
CV | Cape Verdean | caboverdiano | cabo-verdiano
DZ | Algerian | argelino | argelino
EG | Egyptian | egipcio | egípcio
ET | Ethiopian | etíope | etíope
GH | Ghanaian | ghanés | ganês
GM | Gambian | gambiano | gambiano
GN | Guinean | guineano | guineano
GQ | Equatorial Guinean | ecuatoguineano | equato-guineense
GW | Bissau-Guinean | bisauguineano | guineense
KE | Kenyan | keniano, keniata | queniano
LR | Liberian | liberiano | liberiano
LY | Libyan | libio | líbio
MA | Moroccan | marroquí | marroquino
ML | Malian | maliense | malinês, maliano
MZ | Mozambican | mozambiqueño | moçambicano
NG | Nigerian | nigeriano | nigeriano
SL | Sierra Leonean | sierraleonés | serra-leonês, serra-leonense
SN | Senegalese | senegalés | senegalês
TG | Togolese | togolés | togolês
TN | Tunisian | tunecino | tunisiano
TZ | Tanzanian | tanzano | tanzaniano
ZA | South African | sudafricano, surafricano | sul-africano

AE | Emirati | emiratí | emiradense, emiratense
AF | Afghan | afgano | afegão afegã / afegãos afegãs
BD | Bangladeshi | bangladesí, bangladeshí | bangladês, bangladeshiano
CN | Chinese | chino | chinês
HK | Hongkonger, Hong Konger | hongkonés | honconguês
ID | Indonesian | indonesio | indonésio
IL | Israeli | israelí | israelense, israelita
IN | Indian? | indio? / indios? indias?, hindú? | indiano
IQ | Iraqi | iraquí | iraquiano
IR | Iranian | iraní | iraniano
JO | Jordanian | jordano | jordaniano
JP | Japanese | japonés | japonês
KH | Cambodian | camboyano | cambojano
KP | North Korean | norcoreano | norte-coreano
KR | South Korean, Korean? | surcoreano, sudcoreano, coreano? | sul-coreano, coreano?
KZ | Kazakh, Kazakhstani | kazajo | cazaque
LA | Laotian | laosiano | laosiano
LB | Lebanese | libanés | libanês
LK | Sri Lankan | esrilanqués, ceilanés | cingalês, srilanquês
MM | Burmese | birmano | birmanês
MY | Malaysian | malasio | malaio?
NP | Nepalese, Nepali | nepalí, nepalés | nepalês
PH | Filipino, Filipina, Philippine / | filipino | filipino
PK | Pakistani | pakistaní, paquistaní | paquistanês
PS | Palestinian | palestino | palestino
QA | Qatari | catarí | catariano
SA | Saudi, Saudi Arabian | saudí, saudita | saudita
SY | Syrian | sirio | sírio
TH | Thai | tailandés | tailandês
TW | Taiwanese | taiwanés | taiwanês
VN | Vietnamese | vietnamita | vietnamita

AU | Australian | australiano | australiano
FJ | Fijian | fiyiano | fijiano
NZ | New Zealander | neozelandés | neozelandês
PG | Papua New Guinean | papú?, papuano | papuásio, papua-guineense
"""

# Forms that also name a language: "(CCFFAA, in Spanish)", "por sus siglas en inglés".
_LANGUAGE_NAMES = {
    "en": """english spanish portuguese french german italian dutch chinese russian japanese turkish
        polish greek albanian ukrainian romanian hungarian czech swedish danish finnish norwegian
        croatian serbian bulgarian slovak slovenian lithuanian latvian estonian icelandic maltese
        luxembourgish irish welsh korean vietnamese thai indonesian armenian georgian bosnian
        macedonian montenegrin belarusian nepali burmese kazakh""",
    "es": """español inglés francés portugués alemán italiano chino ruso japonés neerlandés holandés
        turco polaco griego albanés ucraniano rumano húngaro checo sueco danés finlandés noruego
        croata serbio búlgaro coreano vietnamita tailandés indonesio""",
    "pt": """português inglês espanhol francês alemão italiano chinês russo japonês holandês
        neerlandês turco polonês grego albanês ucraniano romeno húngaro tcheco sueco dinamarquês
        finlandês norueguês croata sérvio búlgaro coreano vietnamita tailandês""",
}

# Phrases that contain a nationality word but are not one. They resolve to None, and they are
# in DEMONYM_TERMS so that a matcher keeping the longest span ("Latin American" over
# "American", "República Dominicana" over "dominicana") drops them.
_NOT_NATIONALITIES = {
    "en": [
        "Latin American",
        "South American",
        "Central American",
        "North American",
        "Native American",
        "African American",
        "Pan-American",
        "Inter-American",
        "Indian Ocean",
        "West Indian",
        "Dominican Republic",
        "Czech Republic",
        "Saudi Arabia",
        "Russian Federation",
        "French Guiana",
        "French Polynesia",
        "British Columbia",
        "British Virgin Islands",
        "Dutch Caribbean",
    ],
    "es": [
        "República Dominicana",
        "República Checa",
        "Arabia Saudita",
        "Federación Rusa",
        "Guayana Francesa",
        "Polinesia Francesa",
        "Islas Vírgenes Británicas",
        "Antillas Neerlandesas",
        "Estados Unidos Mexicanos",
    ],
    "pt": [
        "latino-americano",
        "latino-americana",
        "latino-americanos",
        "latino-americanas",
        "sul-americano",
        "sul-americana",
        "sul-americanos",
        "sul-americanas",
        "centro-americano",
        "centro-americana",
        "centro-americanos",
        "centro-americanas",
        "pan-americano",
        "República Dominicana",
        "República Tcheca",
        "Arábia Saudita",
        "Federação Russa",
        "Guiana Francesa",
        "Polinésia Francesa",
        "Ilhas Virgens Britânicas",
        "Antilhas Holandesas",
    ],
}
# "in Spanish", "Spanish-language", "its Spanish acronym", "en español", "em português".
_LANGUAGE_PHRASES = {
    "en": ["in {}", "{}-language", "{}-speaking", "{} acronym", "{} initials"],
    "es": ["en {}"],
    "pt": ["em {}"],
}


@dataclass(frozen=True)
class Demonym:
    """One surface form of a nationality word in one language.

    `plural` is True for "Peruvians"/"peruanos", False for "Peruvian"/"peruana", and None for
    English forms that do not change ("Chinese", "Swiss", "French"). A singular form also
    works as an adjective ("Peruvian authorities"), so False only means the word itself does not
    count more than one person. `country` is None for phrases that look like nationalities and
    are not ("Latin American", "in Spanish").
    """

    form: str
    country: str | None
    language: str
    plural: bool | None
    names_a_language: bool = False
    ordinary_word: bool = False


def _inflect_en(form: str) -> list[tuple[str, bool | None]]:
    if form.endswith(("ese", "ss", "ish", "ch", "sh")):
        return [(form, None)]
    return [(form, False), (form + "s", True)]


def _inflect_es(form: str) -> list[tuple[str, bool | None]]:
    if form.endswith("o"):
        stem = form[:-1]
        return [(form, False), (stem + "a", False), (stem + "os", True), (stem + "as", True)]
    if form.endswith(("a", "e")):
        return [(form, False), (form + "s", True)]
    if form.endswith(("í", "ú")):
        return [(form, False), (form + "es", True), (form + "s", True)]
    if form.endswith(("és", "án", "ón", "ín")):
        stem = form[:-2] + _strip_accents(form[-2]) + form[-1]
        return [(form, False), (stem + "a", False), (stem + "es", True), (stem + "as", True)]
    if form.endswith(("l", "n", "r", "s")):
        return [(form, False), (form + "a", False), (form + "es", True), (form + "as", True)]
    raise ValueError(f"no Spanish inflection for {form!r}")


def _inflect_pt(form: str) -> list[tuple[str, bool | None]]:
    if form.endswith("o"):
        stem = form[:-1]
        return [(form, False), (stem + "a", False), (stem + "os", True), (stem + "as", True)]
    if form.endswith(("a", "e")):
        return [(form, False), (form + "s", True)]
    if form.endswith("ês"):
        stem = form[:-2] + "es"
        return [(form, False), (stem + "a", False), (stem + "es", True), (stem + "as", True)]
    raise ValueError(f"no Portuguese inflection for {form!r}")


_INFLECT = {"en": _inflect_en, "es": _inflect_es, "pt": _inflect_pt}


def _demonym_entries() -> list[Demonym]:
    language_names = {lang: {_fold(w) for w in words.split()} for lang, words in _LANGUAGE_NAMES.items()}
    entries = []
    for row in _DEMONYM_TABLE.strip().splitlines():
        if not row.strip():
            continue
        country, *columns = (cell.strip() for cell in row.split("|"))
        for language, column in zip(LANGUAGES, columns, strict=True):
            for item in filter(None, (i.strip().lower() for i in column.split(","))):
                ordinary = "?" in item
                item = item.replace("?", "")
                if "/" in item:
                    singular, plural = item.split("/")
                    forms = [(w, False) for w in singular.split()] + [(w, True) for w in plural.split()]
                else:
                    forms = _INFLECT[language](item)
                entries += [
                    Demonym(
                        form=form,
                        country=country,
                        language=language,
                        plural=plural,
                        names_a_language=_fold(form) in language_names[language],
                        ordinary_word=ordinary,
                    )
                    for form, plural in forms
                ]
    for language, phrases in _NOT_NATIONALITIES.items():
        entries += [Demonym(form=p.lower(), country=None, language=language, plural=None) for p in phrases]
    for language, templates in _LANGUAGE_PHRASES.items():
        names = {e.form for e in entries if e.language == language and e.names_a_language}
        entries += [
            Demonym(form=t.format(name), country=None, language=language, plural=None)
            for t in templates
            for name in sorted(names)
        ]
    return entries


def _index(entries: Iterable[Demonym]) -> dict[str, dict[str, Demonym]]:
    index: dict[str, dict[str, Demonym]] = {}
    for entry in entries:
        by_language = index.setdefault(_fold(entry.form), {})
        known = by_language.get(entry.language)
        if known is not None and known.country != entry.country:
            raise ValueError(f"{entry.form!r} ({entry.language}) is both {known.country} and {entry.country}")
        by_language.setdefault(entry.language, entry)
    return index


_DEMONYMS = _demonym_entries()
_DEMONYM_INDEX = _index(_DEMONYMS)


def _spellings(form: str) -> set[str]:
    # A report typed without accents ("nicaraguense", "espanol") is still a report.
    return {form, _strip_accents(form)}


def demonym_terms(language: str | None = None) -> frozenset[str]:
    """Every surface form in `language` (all three if None), lower-case, with and without
    accents, for a phrase matcher on folded text. Keep the longest of overlapping matches
    and resolve each with `nationality`: a few terms ("Latin American", "in Spanish") are there
    only to shadow the shorter word inside them, and resolve to None."""
    languages = _languages(language)
    return frozenset(s for e in _DEMONYMS if e.language in languages for s in _spellings(e.form))


DEMONYM_TERMS: frozenset[str] = demonym_terms()


def _plural_terms() -> frozenset[str]:
    plural = {s for e in _DEMONYMS if e.plural and e.country for s in _spellings(e.form)}
    # English "Danes" is Spanish "danés" typed without its accent.
    singular = {s for e in _DEMONYMS if e.plural is False for s in _spellings(e.form)}
    return frozenset(plural - singular)


# Forms that name more than one person in any language: "two Peruvians", "dos peruanos". With
# the article's language known, `demonym(word, language).plural` is the sharper test.
PLURAL_DEMONYM_TERMS: frozenset[str] = _plural_terms()


def demonym(word: str, language: str | None = None) -> Demonym | None:
    """The nationality word `word` in `language`, or None if it is not one. Without a language,
    a form that means different countries in different languages resolves to None."""
    by_language = _DEMONYM_INDEX.get(_fold(word), {})
    found = [by_language[lang] for lang in _languages(language) if lang in by_language]
    if not found or len({e.country for e in found}) > 1:
        return None
    return found[0]


def nationality(word: str, language: str | None = None) -> str | None:
    """ISO 3166-1 alpha-2 code of the nationality word `word` ("Peruvians" -> "PE",
    "venezolanas" -> "VE", "Costa Rican" -> "CR", "American" -> "US"), or None."""
    entry = demonym(word, language)
    return entry.country if entry else None


# --- Counts written as words -----------------------------------------------------------------

_NUMBER_WORDS: dict[str, dict[str, int]] = {
    "en": {
        "zero": 0,
        "one": 1,
        "two": 2,
        "three": 3,
        "four": 4,
        "five": 5,
        "six": 6,
        "seven": 7,
        "eight": 8,
        "nine": 9,
        "ten": 10,
        "eleven": 11,
        "twelve": 12,
        "thirteen": 13,
        "fourteen": 14,
        "fifteen": 15,
        "sixteen": 16,
        "seventeen": 17,
        "eighteen": 18,
        "nineteen": 19,
        "twenty": 20,
        "thirty": 30,
        "forty": 40,
        "fifty": 50,
        "sixty": 60,
        "seventy": 70,
        "eighty": 80,
        "ninety": 90,
        "both": 2,
        "pair": 2,
        "a pair": 2,
        "dozen": 12,
        "a dozen": 12,
    },
    "es": {
        "cero": 0,
        "un": 1,
        "uno": 1,
        "una": 1,
        "dos": 2,
        "tres": 3,
        "cuatro": 4,
        "cinco": 5,
        "seis": 6,
        "siete": 7,
        "ocho": 8,
        "nueve": 9,
        "diez": 10,
        "once": 11,
        "doce": 12,
        "trece": 13,
        "catorce": 14,
        "quince": 15,
        "dieciséis": 16,
        "diecisiete": 17,
        "dieciocho": 18,
        "diecinueve": 19,
        "veinte": 20,
        "veintiún": 21,
        "veintiuno": 21,
        "veintiuna": 21,
        "veintidós": 22,
        "veintitrés": 23,
        "veinticuatro": 24,
        "veinticinco": 25,
        "veintiséis": 26,
        "veintisiete": 27,
        "veintiocho": 28,
        "veintinueve": 29,
        "treinta": 30,
        "cuarenta": 40,
        "cincuenta": 50,
        "sesenta": 60,
        "setenta": 70,
        "ochenta": 80,
        "noventa": 90,
        "cien": 100,
        "ambos": 2,
        "ambas": 2,
        "un par": 2,
        "docena": 12,
        "una docena": 12,
    },
    "pt": {
        "zero": 0,
        "um": 1,
        "uma": 1,
        "dois": 2,
        "duas": 2,
        "três": 3,
        "quatro": 4,
        "cinco": 5,
        "seis": 6,
        "sete": 7,
        "oito": 8,
        "nove": 9,
        "dez": 10,
        "onze": 11,
        "doze": 12,
        "treze": 13,
        "catorze": 14,
        "quatorze": 14,
        "quinze": 15,
        "dezesseis": 16,
        "dezasseis": 16,
        "dezessete": 17,
        "dezassete": 17,
        "dezoito": 18,
        "dezenove": 19,
        "dezanove": 19,
        "vinte": 20,
        "trinta": 30,
        "quarenta": 40,
        "cinquenta": 50,
        "sessenta": 60,
        "setenta": 70,
        "oitenta": 80,
        "noventa": 90,
        "cem": 100,
        "ambos": 2,
        "ambas": 2,
        "um par": 2,
        "dúzia": 12,
        "uma dúzia": 12,
    },
}
_NUMBER_INDEX = {lang: {_fold(w): n for w, n in words.items()} for lang, words in _NUMBER_WORDS.items()}
# "twenty-one", "treinta y dos", "vinte e dois".
_COMPOUND_JOINERS = {"en": ("",), "es": ("y",), "pt": ("e",)}


def _number_in(key: str, language: str) -> int | None:
    words = _NUMBER_INDEX[language]
    if key in words:
        return words[key]
    parts = key.split()
    for joiner in _COMPOUND_JOINERS[language]:
        expected = 3 if joiner else 2
        if len(parts) != expected or (joiner and parts[1] != joiner):
            continue
        tens, unit = words.get(parts[0]), words.get(parts[-1])
        if tens in (20, 30, 40, 50, 60, 70, 80, 90) and unit is not None and 1 <= unit <= 9:
            return tens + unit
    return None


def number_word(word: str, language: str | None = None, *, article: bool = False) -> int | None:
    """The count a word or short phrase writes out, or None: "five", "a dozen", "both",
    "twenty-one", "dos", "una", "treinta y dos", "duas", "três"/"tres", "vinte e um".

    English "a"/"an" mean 1 only with `article=True` (for "a Peruvian"); Spanish and Portuguese
    "un", "una", "um", "uma" are always 1. "dozens", "decenas" and "several" are not counts.
    Without a language, a word that is a number in one language counts (Spanish "once" is 11),
    so pass the language when it is known.
    """
    key = _fold(word)
    values = set()
    for lang in _languages(language):
        value = _number_in(key, lang)
        if value is None and article and lang == "en" and key in ("a", "an"):
            value = 1
        if value is not None:
            values.add(value)
    return values.pop() if len(values) == 1 else None


# --- Numerals --------------------------------------------------------------------------------

# The thousands mark each language uses; the other one is its decimal mark.
_THOUSANDS_MARK = {"en": ",", "es": ".", "pt": "."}
# Regular, no-break, narrow no-break, thin and figure spaces.
_SPACES = " \u00a0\u202f\u2009\u2007"
_SPACE_GROUPED = re.compile(rf"\d{{1,3}}(?:[{_SPACES}]\d{{3}})+(?:[.,]\d+)?")
_NUMERAL = re.compile(r"[.,]?\d+(?:[.,]\d+)*")


def parse_number(text: str, language: str | None) -> Decimal | None:
    """The value of a numeral as written in an article in `language`, or None.

    - Spaces (also no-break, narrow and thin ones) group thousands: "12 400", "12 400,5".
    - With both marks, the last one is the decimal mark whatever the language:
      "3,560.7" -> 3560.7, "12.400,5" -> 12400.5.
    - One mark repeated groups thousands: "1,000,000", "1.000.000".
    - One mark once, followed by exactly three digits after one to three digits, is the
      language's thousands mark: "1,020" is 1020 in English and 1.02 in Spanish; "1.250" is 1250
      in Spanish and 1.25 in English; "449,520" is 449520 in English and 449.52 in Spanish (as
      Peruvian outlets mean it). With no known language it is read as thousands.
    - Otherwise a single mark is decimal in any language: "4,3" and "4.3" are 4.3, "1.2" is 1.2,
      "0,500" is 0.5, "1234,567" is 1234.567.

    Thousands groups must have three digits ("1,00,000" is None). Returns the Decimal as written
    (never a float); anything else, including signs, currency and trailing punctuation, is None.
    """
    text = text.strip()
    if _SPACE_GROUPED.fullmatch(text):
        return Decimal(re.sub(f"[{_SPACES}]", "", text).replace(",", "."))
    if not _NUMERAL.fullmatch(text):
        return None
    marks = [c for c in text if c in ".,"]
    if not marks:
        return Decimal(text)
    decimal_mark = marks[-1]
    if len(set(marks)) == 2:
        thousands_mark = "," if decimal_mark == "." else "."
        if marks.count(decimal_mark) > 1:
            return None
        whole, fraction = text.split(decimal_mark)
        return _grouped(whole, thousands_mark, fraction)
    if len(marks) > 1:
        return _grouped(text, decimal_mark, "")
    whole, fraction = text.split(decimal_mark)
    languages = _languages(language)
    language_mark = _THOUSANDS_MARK[languages[0]] if len(languages) == 1 else None
    groups_thousands = len(fraction) == 3 and 1 <= len(whole) <= 3 and not whole.startswith("0")
    if groups_thousands and language_mark in (decimal_mark, None):
        return Decimal(whole + fraction)
    return Decimal(f"{whole or '0'}.{fraction}")


def _grouped(whole: str, mark: str, fraction: str) -> Decimal | None:
    first, *groups = whole.split(mark)
    if not 1 <= len(first) <= 3 or any(len(g) != 3 for g in groups):
        return None
    return Decimal("".join([first, *groups]) + (f".{fraction}" if fraction else ""))


# --- Amounts: numerals or number words with scales and fractions -----------------------------

_SCALES: dict[str, dict[str, int]] = {
    "en": {
        "hundred": 100,
        "thousand": 1_000,
        "million": 1_000_000,
        "mn": 1_000_000,
        "billion": 1_000_000_000,
        "bn": 1_000_000_000,
        "trillion": 10**12,
        "dozen": 12,
    },
    # Spanish "billón" is a million million.
    "es": {"mil": 1_000, "millon": 1_000_000, "millones": 1_000_000, "billon": 10**12, "billones": 10**12},
    # Brazilian usage: "bilhão" is a thousand million; "mi" and "bi" are the press's short forms.
    "pt": {
        "mil": 1_000,
        "milhao": 1_000_000,
        "milhoes": 1_000_000,
        "mi": 1_000_000,
        "bilhao": 1_000_000_000,
        "bilhoes": 1_000_000_000,
        "bi": 1_000_000_000,
        "trilhao": 10**12,
        "trilhoes": 10**12,
    },
}
_SCALES["es"].update({"docena": 12, "docenas": 12})
_SCALES["pt"].update({"duzia": 12, "duzias": 12})

_HALF, _QUARTER = Decimal("0.5"), Decimal("0.25")
_FRACTIONS: dict[str, dict[tuple[str, ...], Decimal]] = {
    "en": {
        ("half",): _HALF,
        ("a", "half"): _HALF,
        ("one", "half"): _HALF,
        ("quarter",): _QUARTER,
        ("a", "quarter"): _QUARTER,
        ("one", "quarter"): _QUARTER,
        ("three", "quarters"): Decimal("0.75"),
    },
    "es": {
        ("medio",): _HALF,
        ("media",): _HALF,
        ("un", "cuarto"): _QUARTER,
        ("tres", "cuartos"): Decimal("0.75"),
    },
    "pt": {
        ("meio",): _HALF,
        ("meia",): _HALF,
        ("um", "quarto"): _QUARTER,
        ("tres", "quartos"): Decimal("0.75"),
    },
}
# "one and a half", "uno y medio", "una y media", "um e meio", "duas e meia".
_AND_A_HALF = {
    "en": [("and", "a", "half")],
    "es": [("y", "medio"), ("y", "media")],
    "pt": [("e", "meio"), ("e", "meia")],
}
# What may trail the amount before its unit: "half a", "a quarter of a", "2,5 millones de".
_CONNECTIVES = {"en": {"of", "a", "an"}, "es": {"de"}, "pt": {"de"}}

_AMOUNT_TOKEN = re.compile(rf"[.,]?\d(?:\d|[.,](?=\d)|[{_SPACES}](?=\d{{3}}(?!\d)))*|[^\W\d_]+|\S")


def parse_amount(text: str, language: str | None) -> Decimal | None:
    """The quantity a numeral or number phrase states, before its unit, or None.

    "1.2 million" -> 1200000, "2,5 millones" -> 2500000, "12 mil" -> 12000, "two" -> 2,
    "dos" -> 2, "a million" -> 1000000, "half a" / "media" / "meia" -> 0.5,
    "a quarter of a" -> 0.25, "one and a half" / "uno y medio" / "um e meio" -> 1.5,
    "medio millón" -> 500000, "mil millones" -> 1000000000, "two dozen" -> 24.

    Numerals follow `parse_number`. Scales multiply ("mil millones"); Spanish "billón" is 10^12
    and Portuguese "bilhão" 10^9 (Brazilian usage). A trailing "of", "a", "de" is allowed. Vague
    words ("dozens", "several", "millones" alone) are None, and so is a bare English "a":
    use `number_word(..., article=True)` for "a ton".
    """
    languages = _languages(language)
    tokens = [t for t in _AMOUNT_TOKEN.findall(_fold_words(text)) if t not in {".", ",", "-", "–"}]
    connectives = set().union(*(_CONNECTIVES[lang] for lang in languages))
    while tokens and tokens[-1] in connectives:
        tokens.pop()
    if not tokens:
        return None
    scales: dict[str, int] = {}
    for lang in languages:
        scales.update(_SCALES[lang])
    head = _amount_head(tokens, language, languages, scales)
    if head is None:
        return None
    value, rest = head
    for lang in languages:
        for phrase in _AND_A_HALF[lang]:
            if tuple(rest[: len(phrase)]) == phrase:
                value += _HALF
                rest = rest[len(phrase) :]
                break
    for token in rest:
        if token not in scales:
            return None
        value *= scales[token]
    return _tidy(value)


def _fold_words(text: str) -> str:
    # Fold accents and case but keep hyphens and spacing: "12 400" is one numeral.
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("-", " ")


def _amount_head(
    tokens: list[str], language: str | None, languages: tuple[str, ...], scales: dict[str, int]
) -> tuple[Decimal, list[str]] | None:
    if tokens[0][-1].isdigit():
        value = parse_number(tokens[0], language)
        return (value, tokens[1:]) if value is not None else None
    for size in (2, 1):
        for lang in languages:
            fraction = _FRACTIONS[lang].get(tuple(tokens[:size]))
            if fraction is not None:
                rest = tokens[size:]
                # "half a million"
                if lang == "en" and rest[:1] in (["a"], ["an"]):
                    rest = rest[1:]
                return fraction, rest
    for size in range(min(3, len(tokens)), 0, -1):
        value = number_word(" ".join(tokens[:size]), language)
        if value is not None:
            return Decimal(value), tokens[size:]
    if len(tokens) > 1 and tokens[0] in ("a", "an") and "en" in languages and tokens[1] in scales:
        return Decimal(1), tokens[1:]
    if tokens[0] == "mil" and ({"es", "pt"} & set(languages)):
        return Decimal(1), tokens
    return None


def _tidy(value: Decimal) -> Decimal | None:
    try:
        if value == value.to_integral_value():
            return value.quantize(Decimal(1))
    except InvalidOperation:
        # More digits than the decimal context holds: no real quantity, so not one.
        return None
    return value.normalize()


# --- Units -----------------------------------------------------------------------------------

# Surface form -> canonical code. Tons are metric; "short ton" and "long ton" are named in full
# when meant. Packaging ("packages", "bales", "bricks", "maletines") is not a unit of quantity.
UNITS: dict[str, str] = {
    **dict.fromkeys(
        """kg kgs kilo kilos kilogram kilograms kilogramme kilogrammes kilogramo kilogramos
        kilograma kilogramas quilo quilos quilograma quilogramas""".split(),
        "kg",
    ),
    **dict.fromkeys("g gr grs gram grams gramme grammes gramo gramos grama gramas".split(), "g"),
    **dict.fromkeys(
        """mg milligram milligrams milligramme milligrammes miligramo miligramos miligrama
        miligramas""".split(),
        "mg",
    ),
    **dict.fromkeys(
        [
            *"t tn tm ton tons tonne tonnes tonelada toneladas".split(),
            "metric ton",
            "metric tons",
            "metric tonne",
            "metric tonnes",
            "tonelada métrica",
            "toneladas métricas",
        ],
        "t",
    ),
    **dict.fromkeys(
        "lb lbs pound pounds libra libras".split() + ["short ton", "short tons", "long ton", "long tons"],
        "lb",
    ),
    **dict.fromkeys("oz ounce ounces onza onzas onça onças".split(), "oz"),
    **dict.fromkeys(
        """l lt lts liter liters litre litres litro litros gallon gallons galón galones galão
        galões""".split(),
        "l",
    ),
    **dict.fromkeys("ml milliliter milliliters millilitre millilitres mililitro mililitros".split(), "ml"),
    **dict.fromkeys(
        """unit units unidad unidades unidade pill pills tablet tablets pastilla pastillas tableta
        tabletas comprimido comprimidos pastilha pastilhas capsule capsules cápsula cápsulas dose
        doses dosis""".split(),
        "unit",
    ),
}
# How many canonical units one of these forms is; every other form is 1.
UNIT_FACTORS: dict[str, Decimal] = {
    # US liquid gallon.
    **dict.fromkeys("gallon gallons galón galones galão galões".split(), Decimal("3.785411784")),
    **dict.fromkeys(["short ton", "short tons"], Decimal(2000)),
    **dict.fromkeys(["long ton", "long tons"], Decimal(2240)),
}
_UNIT_INDEX = {_fold(form): form for form in UNITS}

# Exact, by definition: the international pound is 0.45359237 kg and the ounce 1/16 of it.
_KILOGRAMS_PER = {
    "kg": Decimal(1),
    "t": Decimal(1000),
    "lb": Decimal("0.45359237"),
    "oz": Decimal("0.028349523125"),
    "g": Decimal("0.001"),
    "mg": Decimal("0.000001"),
}
_NOT_MASS = {"l", "ml", "unit"}


def _unit_form(form: str) -> str | None:
    key = _fold(form)
    return _UNIT_INDEX.get(key) or _UNIT_INDEX.get(key.rstrip("."))


def unit_code(form: str) -> str | None:
    """Canonical code of a unit word or abbreviation ("Kilos" -> "kg", "kg." -> "kg",
    "toneladas métricas" -> "t", "gallons" -> "l"), or None."""
    known = _unit_form(form)
    return UNITS[known] if known else None


def to_canonical(quantity: Decimal | int, unit_form: str) -> tuple[Decimal, str] | None:
    """`quantity` of `unit_form` in its canonical unit: (1200, "gallons") -> (4542.4941408, "l"),
    (2, "short tons") -> (4000, "lb"), (617.9, "kilos") -> (617.9, "kg"). None for an unknown
    unit. Floats are refused: quantities stay exact."""
    if isinstance(quantity, float):
        raise TypeError("quantities are Decimal, not float")
    known = _unit_form(unit_form)
    if known is None:
        return None
    return Decimal(quantity) * UNIT_FACTORS.get(known, Decimal(1)), UNITS[known]


def kilograms(quantity: Decimal, code: str) -> Decimal | None:
    """`quantity` in the canonical unit `code`, in kilograms; None for volumes and counts
    ("l", "ml", "unit"), which have no weight without a density."""
    if code in _NOT_MASS:
        return None
    if code not in _KILOGRAMS_PER:
        raise ValueError(f"unknown unit code {code!r}")
    return Decimal(quantity) * _KILOGRAMS_PER[code]
