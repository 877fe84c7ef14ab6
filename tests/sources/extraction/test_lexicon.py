"""The extractor's lexicon: nationality words, counts, numerals and units in three languages."""

from decimal import Decimal

import pycountry
import pytest

from sources.extraction.lexicon import (
    DEMONYM_TERMS,
    PLURAL_DEMONYM_TERMS,
    UNIT_FACTORS,
    UNITS,
    demonym,
    demonym_terms,
    kilograms,
    nationality,
    number_word,
    parse_amount,
    parse_number,
    to_canonical,
    unit_code,
)
from sources.extraction.rules.nlp import find_terms, parse

AMERICAS = "AG AR BB BO BR BS BZ CA CL CO CR CU DM DO EC GD GT GY HN HT JM KN LC MX NI PA PE PY SR SV TT US UY VC VE"
EUROPEAN_UNION = "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK"
ALSO_REQUIRED = "GB AL RS ME TR NG GH ZA MA CN IN PK RU UA AU"


# --- Nationalities ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "language", "country"),
    [
        ("Peruvian", "en", "PE"),
        ("Peruvians", "en", "PE"),
        ("peruano", "es", "PE"),
        ("peruanos", "es", "PE"),
        ("peruana", "es", "PE"),
        ("peruanas", "es", "PE"),
        ("peruanas", "pt", "PE"),
        ("Venezuelan", "en", "VE"),
        ("Venezuelans", "en", "VE"),
        ("venezolano", "es", "VE"),
        ("venezolanos", "es", "VE"),
        ("venezolana", "es", "VE"),
        ("venezolanas", "es", "VE"),
        ("venezuelano", "pt", "VE"),
        ("venezuelanos", "pt", "VE"),
        ("Colombian", "en", "CO"),
        ("colombiano", "es", "CO"),
        ("Ecuadorian", "en", "EC"),
        ("ecuatoriano", "es", "EC"),
        ("equatoriano", "pt", "EC"),
        ("Bolivian", "en", "BO"),
        ("boliviano", "es", "BO"),
        ("Mexican", "en", "MX"),
        ("mexicano", "es", "MX"),
        ("Brazilian", "en", "BR"),
        ("brasileño", "es", "BR"),
        ("brasileiro", "pt", "BR"),
        ("Dominican", "en", "DO"),
        ("dominicano", "es", "DO"),
        ("Costa Rican", "en", "CR"),
        ("costarricense", "es", "CR"),
        ("Nicaraguan", "en", "NI"),
        ("nicaragüense", "es", "NI"),
        ("Honduran", "en", "HN"),
        ("hondureño", "es", "HN"),
        ("Guatemalan", "en", "GT"),
        ("guatemalteco", "es", "GT"),
        ("Salvadoran", "en", "SV"),
        ("salvadoreño", "es", "SV"),
        ("Panamanian", "en", "PA"),
        ("panameño", "es", "PA"),
        ("Paraguayan", "en", "PY"),
        ("paraguayo", "es", "PY"),
        ("Uruguayan", "en", "UY"),
        ("Argentine", "en", "AR"),
        ("Argentinian", "en", "AR"),
        ("argentino", "es", "AR"),
        ("Chilean", "en", "CL"),
        ("chileno", "es", "CL"),
        ("Cuban", "en", "CU"),
        ("Haitian", "en", "HT"),
        ("Jamaican", "en", "JM"),
        ("Spanish", "en", "ES"),
        ("Spaniard", "en", "ES"),
        ("español", "es", "ES"),
        ("espanhol", "pt", "ES"),
        ("Portuguese", "en", "PT"),
        ("portugués", "es", "PT"),
        ("português", "pt", "PT"),
        ("French", "en", "FR"),
        ("francés", "es", "FR"),
        ("francês", "pt", "FR"),
        ("Italian", "en", "IT"),
        ("German", "en", "DE"),
        ("alemán", "es", "DE"),
        ("Dutch", "en", "NL"),
        ("neerlandés", "es", "NL"),
        ("holandés", "es", "NL"),
        ("holandês", "pt", "NL"),
        ("Belgian", "en", "BE"),
        ("belga", "es", "BE"),
        ("belga", "pt", "BE"),
        ("British", "en", "GB"),
        ("Briton", "en", "GB"),
        ("británico", "es", "GB"),
        ("American", "en", "US"),
        ("estadounidense", "es", "US"),
        ("norte-americano", "pt", "US"),
        ("Canadian", "en", "CA"),
        ("Albanian", "en", "AL"),
        ("albanés", "es", "AL"),
        ("Serbian", "en", "RS"),
        ("Montenegrin", "en", "ME"),
        ("Croatian", "en", "HR"),
        ("Turkish", "en", "TR"),
        ("Nigerian", "en", "NG"),
        ("Chinese", "en", "CN"),
        ("chino", "es", "CN"),
        ("Russian", "en", "RU"),
        ("Ukrainian", "en", "UA"),
        ("Lebanese", "en", "LB"),
        ("Israeli", "en", "IL"),
        ("Sri Lankan", "en", "LK"),
        ("South African", "en", "ZA"),
        ("sul-africanos", "pt", "ZA"),
        ("Papua New Guinean", "en", "PG"),
    ],
)
def test_it_maps_each_nationality_word_to_its_country(word, language, country):
    assert nationality(word, language) == country
    assert nationality(word) == country


@pytest.mark.parametrize(
    ("word", "country"),
    [
        ("PERUANAS", "PE"),
        ("Nicaraguense", "NI"),
        ("NICARAGÜENSES", "NI"),
        ("espanol", "ES"),
        ("Brasileno", "BR"),
        ("portugues", "PT"),
        ("costa ricans", "CR"),
        ("Costa  Ricans", "CR"),
        ("norte americanos", "US"),
        ("norteamericano", "US"),
    ],
)
def test_it_ignores_case_accents_hyphens_and_spacing(word, country):
    assert nationality(word) == country


@pytest.mark.parametrize(
    ("word", "language", "country"),
    [
        ("alemães", "pt", "DE"),
        ("alemãs", "pt", "DE"),
        ("alemanes", "es", "DE"),
        ("espanhóis", "pt", "ES"),
        ("españolas", "es", "ES"),
        ("franceses", "es", "FR"),
        ("francesas", "pt", "FR"),
        ("letões", "pt", "LV"),
        ("israelíes", "es", "IL"),
        ("marroquís", "es", "MA"),
        ("Frenchmen", "en", "FR"),
        ("Czechs", "en", "CZ"),
        ("costarricenses", "es", "CR"),
        ("belgas", "es", "BE"),
    ],
)
def test_it_knows_irregular_plurals_and_feminines(word, language, country):
    assert nationality(word, language) == country


@pytest.mark.parametrize(
    ("word", "language"),
    [
        ("Guinea", None),
        ("Peru", "en"),
        ("Perú", "es"),
        ("police", "en"),
        ("Lima", None),
        ("India", "es"),
        ("Philippines", "en"),
        ("", None),
        ("Frances", "en"),  # a name in English; "francés" typed without its accent in Spanish
    ],
)
def test_it_returns_none_for_words_that_are_not_nationalities(word, language):
    assert nationality(word, language) is None


def test_a_language_outside_the_three_searches_all_of_them():
    assert nationality("peruano", "fr") == "PE"
    assert nationality("peruanos", "es-PE") == "PE"


def test_it_reads_a_form_only_in_the_language_given():
    assert nationality("Frances", "es") == "FR"
    assert nationality("venezuelano", "es") is None
    assert nationality("Venezuelans", "pt") is None


@pytest.mark.parametrize(
    "phrase",
    [
        "Latin American",
        "Central American",
        "Indian Ocean",
        "Dominican Republic",
        "Saudi Arabia",
        "in Spanish",
        "Spanish-language",
        "Spanish acronym",
        "en español",
        "em português",
        "República Dominicana",
        "latino-americanos",
    ],
)
def test_phrases_that_contain_a_nationality_word_resolve_to_none(phrase):
    assert nationality(phrase) is None
    assert phrase.lower() in DEMONYM_TERMS


@pytest.mark.parametrize(
    ("word", "language", "plural"),
    [
        ("Peruvian", "en", False),
        ("Peruvians", "en", True),
        ("peruano", "es", False),
        ("peruana", "es", False),
        ("peruanos", "es", True),
        ("peruanas", "es", True),
        ("Costa Ricans", "en", True),
        ("nicaragüenses", "es", True),
        ("Chinese", "en", None),
        ("Swiss", "en", None),
        ("Danes", "en", True),
        ("danes", "es", False),
    ],
)
def test_it_tells_plural_forms_from_singular_ones(word, language, plural):
    assert demonym(word, language).plural is plural


def test_the_plural_term_set_holds_only_forms_that_are_plural_in_every_language():
    assert {"peruvians", "peruanos", "peruanas", "venezuelanos", "costa ricans", "alemães", "alemaes"} <= (
        PLURAL_DEMONYM_TERMS
    )
    assert not {"peruvian", "peruano", "chinese", "danes", "latin american"} & PLURAL_DEMONYM_TERMS


def test_it_flags_forms_that_are_also_ordinary_words_or_language_names():
    assert demonym("Poles", "en").ordinary_word
    assert demonym("American", "en").ordinary_word
    assert not demonym("Peruvian", "en").ordinary_word
    assert demonym("Spanish", "en").names_a_language
    assert demonym("inglés", "es").names_a_language
    assert not demonym("inglesa", "es").names_a_language


@pytest.mark.parametrize(
    "countries",
    [AMERICAS, EUROPEAN_UNION, ALSO_REQUIRED],
    ids=["americas", "european-union", "also-required"],
)
def test_every_required_country_has_a_nationality_word_in_each_language(countries):
    # Dominica shares "Dominican" with the Dominican Republic, and Spanish and Portuguese
    # "granadino" is someone from Granada in Spain.
    no_form = {("DM", "en"), ("GD", "es"), ("GD", "pt")}
    for language in ("en", "es", "pt"):
        covered = {nationality(term, language) for term in demonym_terms(language)}
        missing = {c for c in countries.split() if c not in covered and (c, language) not in no_form}
        assert not missing, (language, missing)


def test_every_term_is_lower_case_and_every_country_is_an_iso_code():
    assert all(term == term.lower() for term in DEMONYM_TERMS)
    countries = {nationality(term) for term in DEMONYM_TERMS} - {None}
    assert all(pycountry.countries.get(alpha_2=code) for code in countries)
    assert len(countries) > 100


def test_the_terms_keep_accents_and_add_the_unaccented_spelling():
    assert {"nicaragüense", "nicaraguense", "español", "espanol", "costa rican"} <= DEMONYM_TERMS


def test_a_phrase_matcher_built_from_the_terms_finds_counted_nationalities():
    text = (
        "The PNP Anti-drug Directorate (Dirandro, in Spanish) detained two Peruvians, "
        "two Venezuelans and a Costa Rican near the Latin American border."
    )

    found = [
        (text[start:end], nationality(term, "en"), term in PLURAL_DEMONYM_TERMS)
        for start, end, term in find_terms(parse(text, "en"), DEMONYM_TERMS)
    ]

    assert found == [
        ("in Spanish", None, False),
        ("Peruvians", "PE", True),
        ("Venezuelans", "VE", True),
        ("Costa Rican", "CR", False),
        ("Latin American", None, False),
    ]


def test_a_spanish_matcher_finds_singular_and_plural_nationalities():
    text = "Fueron capturados un ciudadano mexicano y dos peruanos; los tres tripulantes, dos nicaragüenses."

    found = find_terms(parse(text, "es"), demonym_terms("es"))

    assert [(text[s:e], nationality(t, "es"), demonym(t, "es").plural) for s, e, t in found] == [
        ("mexicano", "MX", False),
        ("peruanos", "PE", True),
        ("nicaragüenses", "NI", True),
    ]


# --- Counts written as words -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "language", "count"),
    [
        ("one", "en", 1),
        ("Two", "en", 2),
        ("seven", "en", 7),
        ("twelve", "en", 12),
        ("nineteen", "en", 19),
        ("twenty", "en", 20),
        ("thirty", "en", 30),
        ("forty", "en", 40),
        ("fifty", "en", 50),
        ("twenty-one", "en", 21),
        ("thirty five", "en", 35),
        ("a dozen", "en", 12),
        ("dozen", "en", 12),
        ("both", "en", 2),
        ("a pair", "en", 2),
        ("un", "es", 1),
        ("uno", "es", 1),
        ("una", "es", 1),
        ("dos", "es", 2),
        ("tres", "es", 3),
        ("once", "es", 11),
        ("dieciséis", "es", 16),
        ("dieciseis", "es", 16),
        ("veinte", "es", 20),
        ("veintidós", "es", 22),
        ("treinta", "es", 30),
        ("treinta y dos", "es", 32),
        ("ambos", "es", 2),
        ("um", "pt", 1),
        ("uma", "pt", 1),
        ("dois", "pt", 2),
        ("duas", "pt", 2),
        ("três", "pt", 3),
        ("tres", "pt", 3),
        ("quatro", "pt", 4),
        ("dezesseis", "pt", 16),
        ("vinte", "pt", 20),
        ("vinte e um", "pt", 21),
        ("uma dúzia", "pt", 12),
    ],
)
def test_it_reads_counts_written_as_words(word, language, count):
    assert number_word(word, language) == count


def test_an_english_article_counts_as_one_only_when_asked():
    assert number_word("a", "en") is None
    assert number_word("an", "en") is None
    assert number_word("a", "en", article=True) == 1
    assert number_word("An", "en", article=True) == 1
    # Portuguese "a" is "the".
    assert number_word("a", "pt", article=True) is None


@pytest.mark.parametrize(
    ("word", "language"),
    [
        ("dozens", "en"),
        ("several", "en"),
        ("once", "en"),
        ("dos", "pt"),  # "of the"
        ("decenas", "es"),
        ("twenty-ten", "en"),
        ("veinte y veinte", "es"),
        ("12", "en"),
        ("Peruvians", "en"),
    ],
)
def test_it_returns_none_for_words_that_are_not_counts(word, language):
    assert number_word(word, language) is None


def test_without_a_language_a_word_counts_in_any_of_the_three():
    assert number_word("dos") == 2
    assert number_word("três") == 3
    assert number_word("once") == 11


# --- Numerals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "value"),
    [
        ("1,020", "en", "1020"),
        ("4.3", "en", "4.3"),
        ("3,560.7", "en", "3560.7"),
        ("1.2", "en", "1.2"),
        ("1,000,000", "en", "1000000"),
        ("1.250", "es", "1250"),
        ("617,9", "es", "617.9"),
        ("2,3", "es", "2.3"),
        ("1.845", "es", "1845"),
        ("9.400", "es", "9400"),
        ("12.400,5", "es", "12400.5"),
        ("742,5", "pt", "742.5"),
        ("1.000.000", "pt", "1000000"),
        ("12 400", "es", "12400"),
        ("12\u00a0400", "es", "12400"),
        ("12\u202f400,5", "pt", "12400.5"),
        ("12\u2009400", "en", "12400"),
        ("1\u00a0234\u00a0567", "en", "1234567"),
        ("216", "en", "216"),
        (" 3,082 ", "en", "3082"),
        (".5", "en", "0.5"),
    ],
)
def test_it_reads_numerals_with_the_languages_separators(text, language, value):
    parsed = parse_number(text, language)

    assert isinstance(parsed, Decimal)
    assert parsed == Decimal(value)


@pytest.mark.parametrize(
    ("text", "language", "value"),
    [
        # One mark before exactly three digits follows the language's convention.
        ("449,520", "en", "449520"),
        ("449,520", "es", "449.52"),
        ("449,520", "pt", "449.52"),
        ("1.250", "en", "1.25"),
        ("1,020", "es", "1.02"),
        # Without a language it is read as grouping thousands, the commoner case in reports.
        ("449,520", None, "449520"),
        ("1.250", None, "1250"),
        # One or two digits, or four or more, make it a decimal mark in any language.
        ("4,3", "en", "4.3"),
        ("4,35", "en", "4.35"),
        ("1.2", "es", "1.2"),
        ("61.3", "pt", "61.3"),
        ("1,2345", "en", "1.2345"),
        ("1.2345", "es", "1.2345"),
        # Three digits cannot group thousands after a zero or a four-digit whole part.
        ("0,500", "en", "0.5"),
        ("1234,567", "en", "1234.567"),
        ("1234.567", "es", "1234.567"),
        # With both marks the last is the decimal one, whatever the language.
        ("3,560.7", "es", "3560.7"),
        ("12.400,5", "en", "12400.5"),
    ],
)
def test_it_resolves_ambiguous_separators(text, language, value):
    assert parse_number(text, language) == Decimal(value)


@pytest.mark.parametrize(
    "text",
    ["", "abc", "1,00,000", "1.2.3", "1.000,000,5", "3,082.", "-3", "US$12,400", "12 40", "1,,2", "12kg", "½"],
)
def test_it_returns_none_for_what_is_not_a_numeral(text):
    assert parse_number(text, "en") is None


@pytest.mark.parametrize(
    ("text", "language", "value"),
    [
        ("1.2 million", "en", "1200000"),
        ("70 million", "en", "70000000"),
        ("2.7 billion", "en", "2700000000"),
        ("2,5 millones", "es", "2500000"),
        ("2,5 millones de", "es", "2500000"),
        ("un millón", "es", "1000000"),
        ("12 mil", "es", "12000"),
        ("12 mil", "pt", "12000"),
        ("mil", "es", "1000"),
        ("mil millones", "es", "1000000000"),
        ("1,5 milhão", "pt", "1500000"),
        ("3 milhões", "pt", "3000000"),
        ("2 bilhões", "pt", "2000000000"),
        ("two thousand", "en", "2000"),
        ("a million", "en", "1000000"),
        ("two dozen", "en", "24"),
        ("two", "en", "2"),
        ("dos", "es", "2"),
        ("duas", "pt", "2"),
        ("half a", "en", "0.5"),
        ("half", "en", "0.5"),
        ("media", "es", "0.5"),
        ("medio", "es", "0.5"),
        ("meia", "pt", "0.5"),
        ("a quarter of a", "en", "0.25"),
        ("un cuarto de", "es", "0.25"),
        ("três quartos de", "pt", "0.75"),
        ("one and a half", "en", "1.5"),
        ("uno y medio", "es", "1.5"),
        ("una y media", "es", "1.5"),
        ("um e meio", "pt", "1.5"),
        ("duas e meia", "pt", "2.5"),
        ("2 and a half", "en", "2.5"),
        ("half a million", "en", "500000"),
        ("medio millón", "es", "500000"),
        ("1,020", "en", "1020"),
        ("617,9", "es", "617.9"),
        ("12\u00a0400", "es", "12400"),
    ],
)
def test_it_reads_amounts_with_scales_number_words_and_fractions(text, language, value):
    parsed = parse_amount(text, language)

    assert isinstance(parsed, Decimal)
    assert parsed == Decimal(value)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("", "en"),
        ("a", "en"),
        ("dozens", "en"),
        ("millions", "en"),
        ("several", "en"),
        ("some 225", "en"),
        ("3 kilos", "es"),
        ("1,00,000 million", "en"),
        ("two three", "en"),
        ("millones", "es"),
    ],
)
def test_it_returns_none_for_amounts_it_cannot_read(text, language):
    assert parse_amount(text, language) is None


# --- Units -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "code"),
    [
        ("kg", "kg"),
        ("kgs", "kg"),
        ("KG.", "kg"),
        ("kilo", "kg"),
        ("Kilos", "kg"),
        ("kilogram", "kg"),
        ("kilograms", "kg"),
        ("kilogramme", "kg"),
        ("kilogrammes", "kg"),
        ("kilogramo", "kg"),
        ("kilogramos", "kg"),
        ("quilo", "kg"),
        ("quilos", "kg"),
        ("quilograma", "kg"),
        ("quilogramas", "kg"),
        ("g", "g"),
        ("gram", "g"),
        ("grams", "g"),
        ("gramo", "g"),
        ("gramos", "g"),
        ("grama", "g"),
        ("gramas", "g"),
        ("mg", "mg"),
        ("ton", "t"),
        ("tons", "t"),
        ("tonne", "t"),
        ("tonnes", "t"),
        ("tonelada", "t"),
        ("toneladas", "t"),
        ("metric tons", "t"),
        ("toneladas métricas", "t"),
        ("toneladas metricas", "t"),
        ("lb", "lb"),
        ("lbs", "lb"),
        ("pound", "lb"),
        ("pounds", "lb"),
        ("libra", "lb"),
        ("libras", "lb"),
        ("ounce", "oz"),
        ("ounces", "oz"),
        ("onza", "oz"),
        ("onzas", "oz"),
        ("liter", "l"),
        ("liters", "l"),
        ("litre", "l"),
        ("litres", "l"),
        ("litro", "l"),
        ("litros", "l"),
        ("gallon", "l"),
        ("gallons", "l"),
        ("ml", "ml"),
        ("units", "unit"),
        ("pastillas", "unit"),
        ("comprimidos", "unit"),
    ],
)
def test_it_maps_unit_forms_to_canonical_codes(form, code):
    assert unit_code(form) == code


@pytest.mark.parametrize("form", ["bales", "maletines", "packages", "kilometers", "", "sacks"])
def test_it_knows_no_unit_for_packaging_or_other_words(form):
    assert unit_code(form) is None
    assert to_canonical(Decimal(5), form) is None


def test_the_units_table_keys_are_lower_case_and_every_factor_names_a_known_form():
    assert all(form == form.lower() for form in UNITS)
    assert set(UNIT_FACTORS) <= set(UNITS)
    assert set(UNITS.values()) == {"kg", "g", "mg", "t", "lb", "oz", "l", "ml", "unit"}


@pytest.mark.parametrize(
    ("quantity", "form", "expected"),
    [
        ("1200", "gallons", ("4542.4941408", "l")),
        ("1", "galón", ("3.785411784", "l")),
        ("617.9", "kilos", ("617.9", "kg")),
        ("4.3", "tons", ("4.3", "t")),
        ("2", "short tons", ("4000", "lb")),
        ("9400", "litros", ("9400", "l")),
    ],
)
def test_it_converts_a_quantity_to_its_canonical_unit(quantity, form, expected):
    value, code = to_canonical(Decimal(quantity), form)

    assert (value, code) == (Decimal(expected[0]), expected[1])


def test_it_refuses_a_float_quantity():
    with pytest.raises(TypeError):
        to_canonical(4.3, "tons")


@pytest.mark.parametrize(
    ("quantity", "code", "kg"),
    [
        ("4.3", "t", "4300"),
        ("1", "t", "1000"),
        ("17400", "lb", "7892.507238"),
        ("1", "lb", "0.45359237"),
        ("1", "oz", "0.028349523125"),
        ("840", "g", "0.84"),
        ("500", "mg", "0.0005"),
        ("742.5", "kg", "742.5"),
    ],
)
def test_it_converts_mass_to_kilograms_exactly(quantity, code, kg):
    assert kilograms(Decimal(quantity), code) == Decimal(kg)


@pytest.mark.parametrize("code", ["l", "ml", "unit"])
def test_volumes_and_counts_have_no_weight(code):
    assert kilograms(Decimal(5), code) is None


def test_it_refuses_an_unknown_unit_code():
    with pytest.raises(ValueError, match="unknown unit code 'kilos'"):
        kilograms(Decimal(5), "kilos")


def test_a_gallon_quantity_chains_to_no_weight_and_pounds_chain_to_kilograms():
    assert kilograms(*to_canonical(Decimal(1200), "gallons")) is None
    assert kilograms(*to_canonical(Decimal("7850"), "pounds")) == Decimal("3560.7001045")
