"""What publishing writes for partners without the personal-data scope."""

import orjson
import pytest

from partners.models import PublishedOperation
from partners.redaction import WITHHELD, Names
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Police held Ana Quispe Mamani, 34.", f"Police held {WITHHELD}, [age withheld]."),
        ("QUISPE was driving.", f"{WITHHELD} was driving."),
        ("Juan de la Cruz and Ana Quispe were held.", f"{WITHHELD} and {WITHHELD} were held."),
        # Words that merely contain a name, and name particles alone, stay.
        ("The quispeño market, de la costa.", "The quispeño market, de la costa."),
    ],
)
def test_detainees_names_are_withheld_whole_and_word_by_word(text, expected):
    assert Names(["Ana Quispe Mamani", "Juan de la Cruz"]).withhold(text) == expected


def test_the_public_document_withholds_names_in_quotes_and_summary_but_the_personal_one_keeps_them(reviewer):
    operation = factories.OperationFactory(summary="Rosa Huamán was caught with the load.")
    factories.EvidenceItemFactory(operation=operation)
    source = factories.SourceFactory(text="Report. Police seized cocaine. Rosa Huamán, 41, was arrested at the port.")
    factories.CitationFactory(operation=operation, source=source, quote="Police seized cocaine.")
    detainee = factories.DetaineeFactory(operation=operation, name="Rosa Huamán", age=41)
    factories.CitationFactory(
        operation=operation, source=source, detainee=detainee, quote="Rosa Huamán, 41, was arrested at the port."
    )
    factories.verify_checked(operation=operation, by=reviewer)
    publication = PublishedOperation.objects.get()

    public, personal = orjson.loads(publication.document), orjson.loads(publication.document_personal)

    assert "Huamán" not in publication.document
    assert public["summary"] == f"{WITHHELD} was caught with the load."
    assert [c["quote"] for c in public["citations"]] == ["Police seized cocaine."]
    assert public["detainees"] == [{"nationality": "PE"}]
    assert personal["summary"] == "Rosa Huamán was caught with the load."
    assert len(personal["citations"]) == 2
    assert personal["detainees"][0]["name"] == "Rosa Huamán"
    assert personal["detainees"][0]["age"] == 41
