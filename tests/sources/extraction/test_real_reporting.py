"""The failure classes of issue 13, each on short reports written for this test in the way real
news, police and navy releases are written (no text is taken from any corpus).

Each test states one reading a careful reviewer would make and checks what the rule extractor
drafts: how many operations, their seizure lines, dates, places and people. The same readings
are scored at scale on ../shared/corpus/real-dev by `make eval`.
"""

from __future__ import annotations

import datetime

import pytest

from seizures.models import Agency
from sources.extraction import extract
from sources.extraction.rules import agencies as agency_rules
from sources.ingestion import use_agency_table

D = datetime.date


def drafted(text: str, published: datetime.date, language: str) -> list[dict]:
    return extract(text, published=published, language=language).to_gold("t")["operations"]


def lines(operation: dict) -> list[tuple[str, float]]:
    return sorted((s["drug"], round(s["quantity_kg"], 3)) for s in operation["seizures"])


# --- 1. separate operations fused --------------------------------------------------------------


def test_boats_listed_one_by_one_are_operations_with_their_own_crews():
    text = (
        "La Fuerza Naval interceptó cuatro lanchas en aguas del Pacífico entre el 4 y el 9 de mayo.\n"
        "Este es el detalle de cada una:\n"
        "- Primera lancha: 1 210 kg de cocaína; a bordo, dos colombianos.\n"
        "- Segunda lancha: 980 kg, con otros tres ecuatorianos.\n"
        "- Tercera lancha: 1 105 kg de cocaína; tripulantes, un colombiano y dos ecuatorianos."
    )
    operations = drafted(text, D(2025, 5, 12), "es")
    assert [lines(op) for op in operations] == [[("cocaine", 1210.0)], [("cocaine", 980.0)], [("cocaine", 1105.0)]]
    assert [op["detainees"]["by_nationality"] for op in operations] == [{"CO": 2}, {"EC": 3}, {"CO": 1, "EC": 2}]
    # the summary's days date the boats told without a day of their own
    assert {op["date_start"] for op in operations} == {"2025-05-04"}


def test_two_cutters_in_one_sentence_are_two_interdictions():
    text = (
        "The cutter Harriet Lane seized about 1,320 pounds of cocaine in a single interdiction, and the "
        "cutter Northland seized about 2,640 pounds of cocaine, also in one interdiction, the Coast Guard said."
    )
    operations = drafted(text, D(2024, 8, 20), "en")
    assert [lines(op) for op in operations] == [[("cocaine", 598.742)], [("cocaine", 1197.484)]]
    assert all(op["country"] == "US" and op["admin1"] is None for op in operations)


def test_an_ordinal_case_opens_a_new_operation():
    text = (
        "Dois aviões com cocaína foram interceptados pela Polícia Federal no domingo, 7.\n"
        "O primeiro flagrante ocorreu em Cuiabá, onde os agentes acharam 380 kg da droga em um monomotor.\n"
        "O segundo flagrante ocorreu perto de Campo Grande, onde um bimotor levava 415 kg de cocaína."
    )
    operations = drafted(text, D(2021, 3, 8), "pt")
    assert [lines(op) for op in operations] == [[("cocaine", 380.0)], [("cocaine", 415.0)]]
    assert [op["admin1"] for op in operations] == ["BR-MT", "BR-MS"]


# --- 2. totals and running figures -------------------------------------------------------------


def test_a_series_summary_and_a_few_days_tally_are_not_seizures():
    text = (
        "Agentes antidrogas decomisaron más de 60 kilos de droga en una serie de operativos en distintos "
        "puntos de Cochabamba.\n"
        "En el primer caso, el martes 3 de junio, hallaron 41 kilos de marihuana en un camión."
    )
    assert [lines(op) for op in drafted(text, D(2025, 6, 5), "es")] == [[("cannabis", 41.0)]]
    text = (
        "In just a few days the navy has seized some 6 metric tons of cocaine off the coast.\n"
        "On March 4, sailors found 2.2 metric tons of cocaine aboard a fishing boat near Tumaco."
    )
    assert [lines(op) for op in drafted(text, D(2023, 3, 8), "en")] == [[("cocaine", 2200.0)]]


def test_a_rounded_total_of_container_lines_is_not_another_line():
    text = (
        "A Receita Federal apreendeu mais de uma tonelada de cocaína no porto de Santos na terça-feira.\n"
        "No primeiro contêiner havia 412 quilos; no segundo, 305 quilos da droga; no terceiro, 330 quilos."
    )
    (operation,) = drafted(text, D(2022, 4, 7), "pt")
    assert lines(operation) == [("cocaine", 305.0), ("cocaine", 330.0), ("cocaine", 412.0)]


def test_what_a_quantity_fetches_is_a_price_not_a_seizure():
    text = (
        "A Polícia Federal apreendeu 640 kg de cocaína no porto de Itajaí na sexta-feira.\n"
        "Na Europa, uma tonelada da droga pode valer mais de 30 milhões de euros."
    )
    (operation,) = drafted(text, D(2022, 4, 9), "pt")
    assert lines(operation) == [("cocaine", 640.0)]


def test_further_shipments_totalling_a_weight_are_a_sum_not_a_seizure():
    text = (
        "Customs officers found 420 kg of cocaine in a banana container at the port of Antwerp on Tuesday.\n"
        "Further shipments totalling 900 kg have been stopped at the port since the summer."
    )
    assert [lines(op) for op in drafted(text, D(2023, 10, 12), "en")] == [[("cocaine", 420.0)]]


def test_the_day_a_months_figure_came_out_does_not_make_it_one_operation():
    text = (
        "La policía incautó 75 kilos de marihuana en un camión en Tarija el lunes 14 de julio.\n"
        "En junio, según trascendió el 20 de julio, la unidad había decomisado 1.300 kilos de droga."
    )
    (operation,) = drafted(text, D(2025, 7, 22), "es")
    assert lines(operation) == [("cannabis", 75.0)]


# --- 3. one seizure emitted twice --------------------------------------------------------------


def test_headline_figure_and_weighed_figure_are_one_seizure_on_the_raid_day():
    text = (
        "Puerto Caucedo: la DNCD ocupa 64 kilos de cocaína\n"
        "Sábado 16 marzo, 2019\n"
        "En un operativo realizado la noche del jueves en el puerto Caucedo, la Dirección Nacional de Control "
        "de Drogas (DNCD) decomisó 64 kilos de cocaína.\n"
        "El peritaje determinó que la sustancia pesó 64,35 kilogramos."
    )
    (operation,) = drafted(text, D(2019, 3, 16), "es")
    assert lines(operation) == [("cocaine", 64.35)]
    assert operation["date_start"] == "2019-03-14"


def test_a_dateline_under_the_headline_is_when_it_was_filed():
    text = (
        "Caen 300 kilos de cocaína en un puerto fluvial\n"
        "ASUNCIÓN, 14 mar (EFE).- Las autoridades de Paraguay incautaron 300 kilos de cocaína, informaron "
        "este viernes.\n"
        "Según la Fiscalía, los agentes dieron con la carga este miércoles en Villeta."
    )
    (operation,) = drafted(text, D(2025, 3, 14), "es")
    assert operation["date_start"] == "2025-03-12"
    assert (operation["country"], operation["admin1"]) == ("PY", "PY-11")


# --- 4. cargo and drugs not seized -------------------------------------------------------------


def test_drugs_thrown_into_a_river_and_never_recovered_are_not_seized():
    text = (
        "Militares hallaron una avioneta accidentada que llevaba 280 kilos de cocaína, lanzados a un río "
        "antes del siniestro.\n"
        "El lunes, efectivos de la Guardia Nacional Bolivariana decomisaron 12 kilos de marihuana en un "
        "vehículo; tres sujetos quedaron detenidos."
    )
    (operation,) = drafted(text, D(2023, 10, 4), "es")
    assert lines(operation) == [("cannabis", 12.0)]
    assert operation["detainees"]["total"] == 3
    assert operation["agencies"] == ["FANB"]


# --- 5. numbers as printed ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "kg"),
    [
        ("una tonelada y cuarenta kilos de cocaína", 1040.0),
        ("mil 212 kilogramos de cocaína", 1212.0),
        ("18 kilos con 250 gramos de cocaína", 18.25),
    ],
)
def test_weights_written_in_parts_are_one_quantity(phrase, kg):
    text = f"La policía decomisó {phrase} en un camión en Tarija."
    (operation,) = drafted(text, D(2024, 2, 2), "es")
    assert lines(operation) == [("cocaine", kg)]


def test_number_words_are_read_in_the_reports_language():
    text = "A Polícia Judiciária apreendeu quase oito toneladas de cocaína num semissubmersível."
    (operation,) = drafted(text, D(2024, 2, 2), "pt")
    assert lines(operation) == [("cocaine", 8000.0)]


# --- 8. places ---------------------------------------------------------------------------------


def test_a_semi_submersible_intercepted_on_the_high_seas_has_no_subdivision():
    text = (
        "A Polícia Judiciária apreendeu perto de sete toneladas de cocaína num semissubmersível.\n"
        'O semissubmersível foi intercetado na quinta-feira "em alto mar a cerca de 300 milhas náuticas dos '
        'Açores", anunciou a polícia.'
    )
    (operation,) = drafted(text, D(2025, 2, 1), "pt")
    assert (operation["country"], operation["admin1"]) == ("PT", None)
    assert lines(operation) == [("cocaine", 7000.0)]


def test_the_azores_by_their_portuguese_name_are_portugal():
    text = "A Polícia Judiciária anunciou que apreendeu 420 quilos de cocaína num veleiro que chegou aos Açores."
    (operation,) = drafted(text, D(2020, 6, 5), "pt")
    assert (operation["country"], operation["admin1"]) == ("PT", "PT-20")


def test_a_port_of_destination_is_not_the_place_of_the_seizure():
    text = (
        "A Receita Federal apreendeu 210 quilos de cocaína no Porto de Santos na quarta-feira.\n"
        "O contêiner tinha embarque previsto para o porto de Antuérpia, na Bélgica."
    )
    (operation,) = drafted(text, D(2021, 9, 3), "pt")
    assert (operation["country"], operation["admin1"]) == ("BR", "BR-SP")
    assert operation["destinations"] == ["BE"]


def test_a_town_given_a_distance_from_the_capital_keeps_its_own_region():
    text = (
        "Las autoridades de Paraguay incautaron 150 kilos de cocaína el jueves en el puerto de Villeta, "
        "localidad situada a unos 30 kilómetros de la capital, Asunción."
    )
    (operation,) = drafted(text, D(2025, 8, 29), "es")
    assert operation["admin1"] == "PY-11"


# --- 9. detainees ------------------------------------------------------------------------------


def test_one_person_detained_without_a_count():
    text = (
        "La Policía Nacional del Ecuador decomisó 300 kilos de cocaína en Guayaquil.\n"
        "El representante legal de la empresa exportadora fue aprehendido."
    )
    (operation,) = drafted(text, D(2023, 4, 3), "es")
    assert operation["detainees"]["total"] == 1


def test_an_age_beside_a_name_is_not_a_count():
    text = (
        "Agentes decomisaron 20 kilos de cocaína; fueron detenidos Pedro 'N', de 41, y Luis 'N', de 37, "
        "ambos guatemaltecos."
    )
    (operation,) = drafted(text, D(2024, 1, 5), "es")
    assert operation["detainees"]["total"] != 37
    assert operation["detainees"]["by_nationality"].get("GT") != 37


# --- 10. agencies ------------------------------------------------------------------------------


def test_a_bodys_name_written_as_ordinary_words_is_not_that_body():
    text = (
        "Las autoridades de Paraguay incautaron 90 kilos de cocaína en Villeta; la detección se produjo "
        "en un área bajo vigilancia aduanera."
    )
    (operation,) = drafted(text, D(2025, 8, 29), "es")
    assert "SVA-ES" not in operation["agencies"]
    assert operation["country"] == "PY"


@pytest.mark.django_db
def test_an_alias_added_in_the_admin_reaches_the_extractor():
    text = "Agentes de la Brigada Costera del Norte decomisaron 75 kilos de cocaína en Paita."
    try:
        use_agency_table()
        assert "DIRANDRO" not in drafted(text, D(2024, 6, 1), "es")[0]["agencies"]
        agency = Agency.objects.get(code="DIRANDRO")
        agency.aliases = [*agency.aliases, "Brigada Costera del Norte"]
        agency.save()
        use_agency_table()
        assert "DIRANDRO" in drafted(text, D(2024, 6, 1), "es")[0]["agencies"]
    finally:
        agency_rules.use_registry(agency_rules.AGENCIES)
