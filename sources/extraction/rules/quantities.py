"""Amounts of drugs, cash and other evidence: "3,082 kg of liquid cocaine", "half a ton of
marijuana", "3 kilos 120 gramos de pasta básica", "US$12,400 in cash", "two pistols"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from sources.extraction import lexicon
from sources.extraction.rules import terms
from sources.extraction.rules.nlp import Document, find_terms

_NUM = r"\d{1,3}(?:[.,\u00a0\u202f ]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_SCALE = r"(?:\s+(?:million|millions|millon|millones|milhao|milhoes|mil|thousand))?"
_UNIT = (
    r"kgs?|kilos?|kilogram(?:me)?s?|kilogramos?|quilos?|quilogramas?|g|grams?|gramos?|gramas?|"
    r"mg|milligrams?|metric\s+tons?|tons?|tonnes?|toneladas?|t|lbs?|pounds?|libras?|ounces?|oz|onzas?|"
    r"liters?|litres?|litros?|l|gallons?|galones?|galoes"
)
_APPROX = (
    r"(?:about|approximately|around|roughly|some|nearly|almost|more\s+than|over|at\s+least|close\s+to|"
    r"up\s+to|less\s+than|alrededor\s+de|cerca\s+de|casi|mas\s+de|unos|unas|aproximadamente|quase|perto\s+de|por\s+volta\s+de|"
    r"mais\s+de|menos\s+de|pouco\s+mais\s+de|poco\s+mas\s+de)\s+"
)
_WORD_AMOUNT = (
    r"half\s+a|a\s+half|media|meia|a\s+quarter\s+of\s+a|one|a|an|una|uma|un|um|two|three|four|five|six|seven|"
    r"eight|nine|ten|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|duas|dois|quatro|sete|oito|nove|dez"
)

QUANTITY = re.compile(
    rf"(?P<approx>{_APPROX})?"
    # "mil 354 kilogramos": a thousand written out before the rest
    rf"(?:(?P<mil>\bmil\s+)?(?P<num>{_NUM})(?P<scale>{_SCALE})|(?P<word>{_WORD_AMOUNT}))\s*(?P<unit>{_UNIT})\b"
    # "una tonelada y media", "a ton and a half", "uma tonelada e meia"
    rf"(?P<half>\s+(?:y|e|and)\s+(?:media|meia|a\s+half)\b)?"
)
# The rest of a compound weight: "3 kilos 120 gramos", "34 kilos con 121 gramos", "una
# tonelada y sesenta kilos" (grams after kilos, kilos after tons)
_COMPOUND = re.compile(
    r"\s*(?:y|e|and|con|com|with|,)?\s*(?:(?P<num2>\d+(?:[.,]\d+)?)|(?P<word2>[a-z]+))\s*"
    r"(?P<unit2>gramos|gramas|grams|g|kilos|kilogramos|quilos|kg)\b"
)
CASH = re.compile(rf"(?P<sign>us\$|usd|r\$|s/\.?|\$|€|eur)\s*(?P<num>{_NUM}){_SCALE}")
CASH_AFTER = re.compile(
    rf"(?P<num>{_NUM})(?P<scale>{_SCALE})\s+(?:de\s+)?(?P<currency>dolares|dollars|euros|soles|pesos|reais|"
    r"quetzales|lempiras|colones|balboas|bolivianos|guaranies)\b"
)

_WORD_VALUES = {
    "half a": Decimal("0.5"),
    "a half": Decimal("0.5"),
    "media": Decimal("0.5"),
    "meia": Decimal("0.5"),
    "a quarter of a": Decimal("0.25"),
}


@dataclass
class Amount:
    start: int
    end: int
    quantity: Decimal  # as stated, in `unit`
    unit: str  # canonical code: kg, g, t, lb, oz, l, ml
    approximate: bool
    # "1,246" or "449.520": a single separator before three digits reads either way; the
    # other reading, for when the report itself shows which one it meant.
    other_reading: Decimal | None = None

    @property
    def kg(self) -> Decimal | None:
        return lexicon.kilograms(self.quantity, self.unit)

    def read_the_other_way(self) -> None:
        self.quantity, self.other_reading = self.other_reading, self.quantity


@dataclass
class DrugMention:
    amount: Amount
    drug_type: str
    form: str | None
    term_start: int
    term_end: int
    # For a weight with no drug beside it: "generic" ("of drugs"), "definite" ("of the
    # drug"), or "" (nothing said).
    reference: str = ""

    @property
    def start(self) -> int:
        return self.amount.start


def _value(match: re.Match, style: str, language: str) -> Decimal | None:
    """The amount's value: a numeral read with the report's separators (`style`), a number
    word in the report's language."""
    if match.group("num"):
        value = lexicon.parse_amount(match.group("num") + (match.group("scale") or ""), style)
        if match.group("mil") and value is not None and re.fullmatch(r"\d{3}", match.group("num")):
            value += 1000
        return value
    word = re.sub(r"\s+", " ", match.group("word"))
    if word in _WORD_VALUES:
        return _WORD_VALUES[word]
    return Decimal(lexicon.number_word(word, language, article=True) or 0) or None


# What lies between an amount and what it weighs: "kg of", "litros de insumos", "kilos de los".
_WEIGHS = re.compile(r"\s*(?:of|de|da|do|del|em|in)?\s*(?:the\s+|la\s+|el\s+|los\s+|las\s+|o\s+|a\s+)?(?:[a-z]+\s+)?")
_NEW_CLAUSE = re.compile(r",\s*(?:y|e|and|while|mientras|enquanto)\b|;|\b\d+\s+(?:restantes|remaining|others|otros)\b")
_GENERIC_DRUG = re.compile(
    r"\s+(?:of|de|(?P<contracted>da|do|das|dos|del))\s+(?P<the>la\s+|las\s+|los\s+|the\s+|a\s+|esa\s+|essa\s+|that\s+)?"
    r"(?:illegal\s+|illicit\s+|ilegales?\s+|presunta\s+|supuesta\s+|alleged\s+|suspected\s+|possible\s+|suposta\s+)?"
    r"(?:drugs?|drogas?|narcotics|narcoticos|estupefacientes|entorpecentes|sustancias|substancias|substances)\b"
)
_AMBIGUOUS = re.compile(r"^[1-9]\d{0,2}[.,]\d{3}$")
_COUNTED = re.compile(
    r"(?<![\d.,])[1-9]\d{0,2}([.,])\d{3}(?![\d.,])\s+(?:packages|packets|bricks|bales|sacks|bags|pills|tablets|"
    r"people|units|paquetes|panes|ladrillos|bultos|fardos|sacos|bolsas|pastillas|tabletas|comprimidos|"
    r"pacotes|tabletes|tijolos|pessoas|personas|unidades|dosis|doses)\b"
)
_DECIMAL_POINT = re.compile(r"(?<![\d.,])\d+\.\d{1,2}(?![\d.,])|\d{1,3}(?:,\d{3}){2,}")
_DECIMAL_COMMA = re.compile(r"(?<![\d.,])\d+,\d{1,2}(?![\d.,])|\d{1,3}(?:\.\d{3}){2,}")


def number_style(folded: str, language: str) -> str:
    """Whose separators the report uses: "en" (1,250.5) or "es" (1.250,5). Mexican and
    Central American outlets write Spanish with English separators; some Peruvian English
    with Spanish ones. Unambiguous numerals decide; the language otherwise."""
    points, commas = len(_DECIMAL_POINT.findall(folded)), len(_DECIMAL_COMMA.findall(folded))
    # "1,218 paquetes", "2.600 bricks": a count of things has no decimals, so its separator
    # is the report's thousands separator.
    for separator in _COUNTED.findall(folded):
        if separator == ",":
            points += 1
        else:
            commas += 1
    if points > commas:
        return "en"
    if commas > points:
        return "es"
    return "en" if language == "en" else "es"


def amounts(document: Document) -> list[Amount]:
    """Every mass or volume in the text."""
    found = []
    style = number_style(document.folded, document.language)
    other_style = "es" if style == "en" else "en"
    consumed = 0  # the end of the last compound weight: its second part is not an amount of its own
    for match in QUANTITY.finditer(document.folded):
        if match.start() < consumed:
            continue
        # A bare "t" or "l" is a unit only right after a numeral ("2 t"), never after a word.
        unit_text = re.sub(r"\s+", " ", match.group("unit"))
        if unit_text in {"t", "l", "g"} and not match.group("num"):
            continue
        if match.group("word") in {"a", "an", "un", "um", "una", "uma", "one"} and unit_text in {"g", "l", "t"}:
            continue
        value = _value(match, style, document.language)
        if value is None or value <= 0:
            continue
        if match.group("half"):
            value += Decimal("0.5")  # "una tonelada y media"
        quantity, unit = lexicon.to_canonical(value, unit_text)
        other = None
        if match.group("num") and _AMBIGUOUS.match(match.group("num")) and not match.group("scale"):
            other_value = lexicon.parse_number(match.group("num"), other_style)
            if other_value is not None and other_value != value:
                other = lexicon.to_canonical(other_value, unit_text)[0]
        end = match.end()
        rest = _COMPOUND.match(document.folded, end) if not match.group("half") else None
        if rest:
            extra = (
                lexicon.parse_number(rest.group("num2"), document.language)
                if rest.group("num2")
                else lexicon.number_word(rest.group("word2"), document.language)
            )
            grams = rest.group("unit2") in {"gramos", "gramas", "grams", "g"}
            if extra is not None and extra < 1000 and ((unit == "kg" and grams) or (unit == "t" and not grams)):
                quantity = quantity + Decimal(extra) / 1000
                end = consumed = rest.end()
        start = (
            match.start("mil")
            if match.group("mil")
            else match.start("num")
            if match.group("num")
            else match.start("word")
        )
        if match.group("approx"):
            start = match.start()
        found.append(Amount(start, end, quantity, unit, bool(match.group("approx")), other))
    return found


def drug_mentions(document: Document) -> list[DrugMention]:
    """Masses tied to a drug: the drug named just after the amount ("380 kg of cocaine"), or
    else just before it ("ecstasy tablets weighing 840 grams"), within the same clause."""
    drugs = find_terms(document, terms.DRUGS)
    not_drugs = find_terms(document, terms.NOT_DRUGS)
    forms = find_terms(document, terms.FORMS)
    found = []
    all_amounts = [a for a in amounts(document) if a.kg is not None or a.unit in {"l", "ml"}]
    for i, amount in enumerate(all_amounts):
        sentence = document.sentence_at(amount.start)
        next_start = all_amounts[i + 1].start if i + 1 < len(all_amounts) else sentence.end
        prev_end = all_amounts[i - 1].end if i > 0 else sentence.start
        window_end = min(sentence.end, next_start, amount.end + 60)
        window_start = max(sentence.start, prev_end, amount.start - 70)
        generic = _GENERIC_DRUG.match(document.folded, amount.end)
        if generic:
            # "1,15 toneladas de droga" is all the drugs together; "251 kilos de la droga"
            # is the one already named. The operation decides (events.build).
            found.append(
                DrugMention(
                    amount,
                    "",
                    None,
                    amount.start,
                    amount.end,
                    # "444 quilos da droga", "251 kilos de la droga": the one already named
                    "definite" if generic.group("the") or generic.group("contracted") else "generic",
                )
            )
            continue
        after = [d for d in drugs if amount.end <= d[0] < window_end]
        # "2,100 kilograms of chemical precursors": the thing weighed is named right after.
        blocked = [
            n
            for n in not_drugs
            if amount.end <= n[0] < min(amount.end + 30, after[0][0] if after else window_end)
            and _WEIGHS.fullmatch(document.folded[amount.end : n[0]])
        ]
        if blocked:
            continue
        if after and _NEW_CLAUSE.search(document.folded[amount.end : after[0][0]]):
            # "con un peso de 1.596 kilos, y los 280 restantes para marihuana": the drug
            # after the clause is the next figure's; this one's was named before
            before = [d for d in drugs if window_start <= d[0] and d[1] <= amount.start]
            after = [] if before else after
        if after:
            term = after[0]
        else:
            before = [d for d in drugs if window_start <= d[0] and d[1] <= amount.start]
            if not before:
                # A weight with no drug named near it; the caller may still give it the
                # operation's drug ("un total de 567 kilogramos").
                found.append(DrugMention(amount, "", None, amount.start, amount.end))
                continue
            term = before[-1]
        drug_type, form = terms.DRUGS[term[2]]
        if form is None:
            # The amount's own words first ("300 kilograms in liquid form"), then the drug's.
            own = [f for f in forms if amount.start - 15 <= f[0] < min(amount.end + 25, window_end)]
            nearby = own or [f for f in forms if window_start <= f[0] < window_end and abs(f[0] - term[0]) < 40]
            if nearby:
                form = terms.FORMS[nearby[0][2]]
        found.append(DrugMention(amount, drug_type, form, term[0], term[1]))
    return found


@dataclass
class Evidence:
    start: int
    end: int
    category: str
    description: str
    count: int | None
    currency: str = ""
    amount: Decimal | None = None


def other_evidence(document: Document) -> list[Evidence]:
    """Phones, weapons, vehicles, vessels, documents, and cash."""
    found = []
    for start, end, term in find_terms(document, terms.EVIDENCE):
        category, description = terms.EVIDENCE[term]
        count, count_start = None, start
        for word in reversed(list(re.finditer(r"\S+", document.folded[max(0, start - 25) : start]))[-3:]):
            text = word.group(0)
            value = lexicon.parse_number(text, document.language) if text[:1].isdigit() else None
            value = value if value is not None else lexicon.number_word(text, document.language, article=True)
            if value is not None:
                count, count_start = int(value), max(0, start - 25) + word.start()
                break
        found.append(Evidence(count_start, end, category, description, count))
    for match in CASH.finditer(document.folded):
        amount = lexicon.parse_amount(match.group(0)[match.start("num") - match.start() :], document.language)
        tail = document.folded[match.end() : match.end() + 25]
        if amount is None or not any(word in tail for word in terms.CASH_WORDS):
            continue  # a value or a price, not cash found
        currency = terms.CURRENCY_SIGNS.get(match.group("sign"), "")
        found.append(Evidence(match.start(), match.end(), "cash", "cash", None, currency, amount))
    # "3.500 dólares en efectivo", "R$ 40 mil em dinheiro" with the currency after the number
    for match in CASH_AFTER.finditer(document.folded):
        if any(e.start <= match.start() < e.end for e in found if e.category == "cash"):
            continue
        tail = document.folded[match.end() : match.end() + 25]
        amount = lexicon.parse_amount(match.group("num") + (match.group("scale") or ""), document.language)
        if amount is None or not any(word in tail for word in terms.CASH_WORDS):
            continue
        currency = terms.CURRENCY_SIGNS.get(match.group("currency"), "")
        found.append(Evidence(match.start(), match.end(), "cash", "cash", None, currency, amount))
    return _one_per_thing(found)


def _one_per_thing(found: list[Evidence]) -> list[Evidence]:
    """The same thing named twice ("a truck ... the truck") is one item: keep the mention that
    gives a count."""
    kept: dict[tuple, Evidence] = {}
    for item in sorted(found, key=lambda e: e.start):
        if item.category == "cash":
            kept[(item.start,)] = item
            continue
        key = (item.category, item.description.rstrip("s"))
        previous = kept.get(key)
        if previous is None or (previous.count is None and item.count is not None):
            kept[key] = item
    return sorted(kept.values(), key=lambda e: e.start)
