"""Withholding detainees' names from what keys without the personal-data scope read: names as
reports and URLs write them, generated (hypothesis) as well as the cases met in reports."""

import unicodedata
from urllib.parse import quote

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from partners.redaction import AGE_WITHHELD, WITHHELD, Names, fold

NAME = "Rosa Elvira Huamán Torres"
NAMES = Names([NAME])

# Words of names as Latin American reports write them, accents and all.
GIVEN = ["Rosa", "Elvira", "José", "María", "Ángel", "Iñaki", "Joâo", "Wilmer", "Yésica", "Luz"]
SURNAMES = ["Huamán", "Torres", "Quispe", "Peña", "Muñoz", "Gonçalves", "Núñez", "Ibáñez", "Zúñiga", "Cáceres"]


def leaks(text: str, name: str) -> list[str]:
    """The distinctive words of `name` that `text` still holds, compared folded."""
    folded = fold(text)
    return [word for word in fold(name).split() if len(word) > 2 and word in folded]


# --- Variants of a name ------------------------------------------------------------------


def unaccented(name: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFD", name) if not unicodedata.combining(ch))


VARIANTS = {
    "as written": lambda name: name,
    "without accents": unaccented,
    "in capitals": str.upper,
    "in capitals without accents": lambda name: unaccented(name).upper(),
    "in lower case": str.lower,
    "decomposed": lambda name: unicodedata.normalize("NFD", name),
    "surname alone": lambda name: name.split()[-2] if len(name.split()) > 2 else name.split()[-1],
    "last surname alone": lambda name: name.split()[-1],
    "possessive": lambda name: f"{name.split()[-1]}'s",
    "curly possessive": lambda name: f"{name.split()[-1]}’s",
    "initial and surnames": lambda name: f"{name[0]}. {' '.join(name.split()[-2:])}",
    "hyphenated surnames": lambda name: "-".join(name.split()[-2:]),
}


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_name_is_withheld_however_the_report_writes_it(variant):
    written = VARIANTS[variant](NAME)
    text = f"Police said {written} was carrying the load at Paita port."

    withheld = NAMES.withhold(text)

    assert WITHHELD in withheld
    assert not leaks(withheld, NAME), withheld
    assert withheld.startswith("Police said ") and withheld.endswith(" was carrying the load at Paita port.")


@settings(max_examples=200, deadline=None)
@given(
    given_names=st.lists(st.sampled_from(GIVEN), min_size=1, max_size=2, unique=True),
    surnames=st.lists(st.sampled_from(SURNAMES), min_size=1, max_size=2, unique=True),
    variant=st.sampled_from(sorted(VARIANTS)),
    before=st.sampled_from(["", "Detained: ", "La PNP detuvo a ", "(", "«"]),
    after=st.sampled_from(["", ".", " was held.", ", a courier,", "»", ")", " y su socio."]),
)
@example(given_names=["Rosa", "Elvira"], surnames=["Huamán", "Torres"], variant="possessive", before="", after=".")
def test_no_variant_of_a_generated_name_is_left(given_names, surnames, variant, before, after):
    name = " ".join([*given_names, *surnames])
    text = f"{before}{VARIANTS[variant](name)}{after}"

    withheld = Names([name]).withhold(text)

    assert not leaks(withheld, name), (text, withheld)
    assert withheld.startswith(before) and withheld.endswith(after.removeprefix("'s"))


@pytest.mark.parametrize(
    "text",
    [
        "Customs seized 3,082 kg of liquid cocaine at Paita port.",
        "The Torreón market and the huamanga road were searched.",  # words that contain a name
        "Agents of the DIRANDRO, de la costa, y el puerto.",  # particles alone
    ],
)
def test_text_without_the_names_is_left_as_it_is(text):
    assert NAMES.withhold(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Huamán, 34, was held.", f"{WITHHELD}, {AGE_WITHHELD}, was held."),
        ("Huamán (34) was held.", f"{WITHHELD} ({AGE_WITHHELD}) was held."),
        ("Huamán, de 34 años, fue detenida.", f"{WITHHELD}, {AGE_WITHHELD}, fue detenida."),
        ("Rosa Huamán, aged 34, was held.", f"{WITHHELD}, {AGE_WITHHELD}, was held."),
        ("A 34-year-old courier, Huamán, was held.", f"A {AGE_WITHHELD} courier, {WITHHELD}, was held."),
        # A number next to a name that is not an age stays.
        ("Huamán, 34 kilograms in all, was held.", f"{WITHHELD}, 34 kilograms in all, was held."),
    ],
)
def test_an_age_written_next_to_a_withheld_name_is_withheld(text, expected):
    assert NAMES.withhold(text) == expected


def test_the_markers_of_a_run_of_name_words_read_as_one_name():
    assert NAMES.withhold("Detained: Rosa Elvira HUAMAN Torres.") == f"Detained: {WITHHELD}."


# --- URLs --------------------------------------------------------------------------------

SITE = "https://news.example.org/"


@pytest.mark.parametrize(
    "url",
    [
        "https://news.example.org/2021/02/rosa-elvira-huaman-torres-detenida-paita",
        "https://news.example.org/2021/02/rosaelvirahuamantorres",
        "https://news.example.org/2021/02/HUAMAN_Torres.html",
        f"https://news.example.org/nota/{quote('huamán-detenida')}",
        f"https://news.example.org/nota/{quote(quote('huamán'))}",  # encoded twice
        "https://news.example.org/buscar?q=rosa+huaman",
        "https://news.example.org/nota#huaman",
    ],
)
def test_a_url_that_names_a_detainee_is_cut_back_to_its_site(url):
    assert NAMES.withhold_url(url) == SITE


def test_a_url_whose_host_names_a_detainee_is_not_served():
    assert NAMES.withhold_url("https://rosahuaman.example.org/") is None
    assert NAMES.withhold_url("https://xn--huamn-0qa.example/nota") is None


def test_a_url_without_the_names_is_served_as_it_is():
    url = "https://news.example.org/2021/02/paita-3082-kg-cocaina?page=2"
    assert NAMES.withhold_url(url) == url
    assert NAMES.withhold_url(None) is None


@settings(max_examples=100, deadline=None)
@given(
    surname=st.sampled_from(SURNAMES),
    slug_case=st.sampled_from([str.lower, str.upper, str.title]),
    joiner=st.sampled_from(["-", "_", "", "+", "%20"]),
    encode=st.booleans(),
)
def test_no_slug_of_a_generated_name_is_served(surname, slug_case, joiner, encode):
    name = f"Rosa {surname}"
    slug = joiner.join(slug_case(word) for word in (name if encode else unaccented(name)).split())
    url = f"https://news.example.org/2021/{quote(slug, safe='%+') if encode else slug}-detenida"

    served = Names([name]).withhold_url(url)

    assert served == SITE
