"""Who may read the operations, stats and sources endpoints, and what they see of detainees.

Without the personal-data scope a detainee is only a nationality: no name, age, sex, role or
id, and no name anywhere in the body, not even inside a quote from a source.
"""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from seizures.models import Country
from tests import factories

pytestmark = pytest.mark.django_db

OPERATIONS = "/api/v1/operations/"
REMOVED = "/api/v1/operations/removed/"
STATS = "/api/v1/stats/"
SOURCES = "/api/v1/sources/"

COURIER = "Wilmer Quispe Huamán"
DRIVER = "Ana Torres Lazo"
# Parts of the names that are nowhere else in the data (and need no escaping in JSON).
NAME_PARTS = ["Quispe", "Torres", "Lazo"]
PERSONAL_KEYS = {"id", "name", "age", "sex", "role"}

TEXT = (
    "Police seized 300 kilograms of cocaine at Paita Port on Monday. "
    f"{COURIER}, 34, a Colombian courier, was arrested at the scene. "
    f"Officers said {DRIVER.upper()} drove the truck to the port."
)


@pytest.fixture
def published(reviewer):
    """A verified operation with coordinates, two detainees (one of unknown nationality),
    a citation about the courier and a citation of the whole record naming the driver."""
    source = factories.SourceFactory(text=TEXT)
    operation = factories.OperationFactory(latitude=Decimal("-5.08917"), longitude=Decimal("-81.11444"))
    factories.EvidenceItemFactory(operation=operation, quantity=Decimal("300"), quantity_kg=Decimal("300"))
    courier = factories.DetaineeFactory(
        operation=operation,
        nationality=Country.objects.get(code="CO"),
        name=COURIER,
        age=34,
        sex="male",
        role="courier",
    )
    factories.DetaineeFactory(operation=operation, nationality=None, name=DRIVER, age=41, sex="female", role="driver")
    factories.CitationFactory(
        operation=operation, source=source, quote="Police seized 300 kilograms of cocaine at Paita Port on Monday."
    )
    factories.CitationFactory(
        operation=operation,
        source=source,
        quote=f"{COURIER}, 34, a Colombian courier, was arrested at the scene.",
        detainee=courier,
    )
    factories.CitationFactory(operation=operation, source=source, quote=TEXT[TEXT.index("Officers") :])
    return factories.verify_checked(operation=operation, by=reviewer)


def detail(operation) -> str:
    return f"{OPERATIONS}{operation.public_id}/"


def key_header(personal_data: bool) -> dict:
    return {"Authorization": f"Api-Key {factories.partner_api_key(personal_data=personal_data)[1]}"}


def assert_no_personal_data(document: dict) -> None:
    assert document["detainee_count"] == 2
    assert document["detainees"] == [{"nationality": "CO"}, {"nationality": None}]
    # The citation about the courier is left out; the driver's name is withheld in the other.
    assert [citation["quote"] for citation in document["citations"]] == [
        "Police seized 300 kilograms of cocaine at Paita Port on Monday.",
        "Officers said [name withheld] drove the truck to the port.",
    ]
    assert all("detainee" not in citation for citation in document["citations"])


def assert_personal_data(document: dict) -> None:
    assert document["detainee_count"] == 2
    assert [(d["name"], d["age"], d["sex"], d["role"], d["nationality"]) for d in document["detainees"]] == [
        (COURIER, 34, "male", "courier", "CO"),
        (DRIVER, 41, "female", "driver", None),
    ]
    assert all(set(d) == {"nationality", *PERSONAL_KEYS} for d in document["detainees"])
    quotes = [citation["quote"] for citation in document["citations"]]
    assert f"{COURIER}, 34, a Colombian courier, was arrested at the scene." in quotes
    assert f"Officers said {DRIVER.upper()} drove the truck to the port." in quotes
    courier_id = document["detainees"][0]["id"]
    assert [c["detainee"] for c in document["citations"]] == [None, courier_id, None]


def assert_no_name_in(body: bytes) -> None:
    text = body.decode("utf-8")
    assert text  # never vacuous
    for name in (COURIER, DRIVER, DRIVER.upper(), *NAME_PARTS):
        assert name not in text
        assert name.lower() not in text.lower()


# --- Partner keys ------------------------------------------------------------------------


def test_without_the_scope_the_list_shows_detainees_only_by_nationality(client, published):
    response = client.get(OPERATIONS, headers=key_header(personal_data=False))
    (document,) = response.json()["results"]
    assert document["id"] == str(published.public_id)
    assert_no_personal_data(document)
    assert_no_name_in(response.content)


def test_without_the_scope_the_detail_shows_detainees_only_by_nationality(client, published):
    response = client.get(detail(published), headers=key_header(personal_data=False))
    assert response.status_code == 200
    assert_no_personal_data(response.json())
    assert_no_name_in(response.content)


def test_with_the_scope_the_list_and_detail_show_names_and_ages(client, published):
    headers = key_header(personal_data=True)
    (listed,) = client.get(OPERATIONS, headers=headers).json()["results"]
    assert_personal_data(listed)
    response = client.get(detail(published), headers=headers)
    assert response.status_code == 200
    assert_personal_data(response.json())


def test_without_the_scope_no_name_is_in_the_csv_or_geojson(client, published):
    headers = key_header(personal_data=False)
    for fmt in ("csv", "geojson"):
        response = client.get(OPERATIONS, {"format": fmt}, headers=headers)
        assert response.status_code == 200
        assert str(published.public_id) in response.content.decode()
        assert_no_name_in(response.content)


def test_the_csv_gives_nationalities_but_never_names_whatever_the_scope(client, published):
    for personal_data in (False, True):
        response = client.get(OPERATIONS, {"format": "csv"}, headers=key_header(personal_data=personal_data))
        (row,) = csv.DictReader(io.StringIO(response.content.decode("utf-8")))
        assert (row["detainee_count"], row["detainee_nationalities"]) == ("2", "CO;unknown")
        assert_no_name_in(response.content)


def test_geojson_properties_follow_the_scope(client, published):
    public = client.get(OPERATIONS, {"format": "geojson"}, headers=key_header(personal_data=False)).json()
    personal = client.get(OPERATIONS, {"format": "geojson"}, headers=key_header(personal_data=True)).json()
    (public_feature,) = public["features"]
    (personal_feature,) = personal["features"]
    assert public_feature["properties"]["detainees"] == [{"nationality": "CO"}, {"nationality": None}]
    assert [d["name"] for d in personal_feature["properties"]["detainees"]] == [COURIER, DRIVER]


@pytest.mark.parametrize("where", ["summary", "source title"])
def test_without_the_scope_a_detainees_name_appears_nowhere_in_the_body(client, reviewer, where):
    source = factories.SourceFactory(text=f"Police arrested {COURIER} at the port. Police seized 120 kilograms.")
    operation = factories.OperationFactory()
    factories.EvidenceItemFactory(operation=operation)
    factories.DetaineeFactory(operation=operation, name=COURIER)
    factories.CitationFactory(operation=operation, source=source, quote="Police seized 120 kilograms.")
    if where == "summary":
        operation.summary = f"{COURIER} was arrested with 120 kg of cocaine."
        operation.save()
    else:
        source.title = f"{COURIER} arrested at the port"
        source.save()
    factories.verify_checked(operation=operation, by=reviewer)
    personal = client.get(OPERATIONS, headers=key_header(personal_data=True))
    assert COURIER in personal.content.decode()

    response = client.get(OPERATIONS, headers=key_header(personal_data=False))

    assert response.json()["results"][0]["detainees"] == [{"nationality": "PE"}]
    assert_no_name_in(response.content)


def test_source_text_names_people_so_it_is_served_only_with_the_scope(client, published):
    (public,) = client.get(SOURCES, headers=key_header(personal_data=False)).json()["results"]
    (personal,) = client.get(SOURCES, headers=key_header(personal_data=True)).json()["results"]
    assert "text" not in public
    assert personal["text"] == TEXT


# --- Staff sessions ----------------------------------------------------------------------


def staff_reader(**kwargs):
    """A staff user allowed to view operations but not personal data."""
    user = factories.UserFactory(**kwargs)
    user.user_permissions.add(Permission.objects.get(content_type__app_label="seizures", codename="view_operation"))
    return user


@pytest.mark.parametrize("role", ["reviewer", "editor"])
def test_reviewers_and_editors_read_with_their_session_and_see_personal_data(client, published, role):
    user = factories.reviewer(username="rita") if role == "reviewer" else factories.editor(username="eddie")
    assert user.has_perm("seizures.view_personal_data")
    client.force_login(user)

    response = client.get(OPERATIONS)
    assert response.status_code == 200
    assert_personal_data(response.json()["results"][0])
    assert_personal_data(client.get(detail(published)).json())
    assert "text" in client.get(SOURCES).json()["results"][0]
    for url in (STATS, REMOVED):
        assert client.get(url).status_code == 200


def test_staff_without_the_personal_data_permission_see_no_names(client, published):
    user = staff_reader(username="stella")
    assert not user.has_perm("seizures.view_personal_data")
    client.force_login(user)

    response = client.get(OPERATIONS)

    assert response.status_code == 200
    assert_no_personal_data(response.json()["results"][0])
    assert_no_name_in(response.content)
    assert_no_name_in(client.get(detail(published)).content)
    assert "text" not in client.get(SOURCES).json()["results"][0]


ENDPOINTS = [OPERATIONS, REMOVED, STATS, SOURCES]


@pytest.mark.parametrize("url", ENDPOINTS)
@pytest.mark.parametrize(("caller", "status"), [("anonymous", 401), ("partner user", 403)])
def test_partner_users_and_anonymous_callers_cannot_read(client, db, url, caller, status):
    if caller == "partner user":
        client.force_login(factories.partner(username="pat"))
    response = client.get(url)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert client.get(url, headers=key_header(personal_data=False)).status_code == 200


def test_anonymous_callers_cannot_read_an_operation(client, published):
    assert client.get(detail(published)).status_code == 401
    assert client.get(detail(published), headers=key_header(personal_data=False)).status_code == 200


# --- Keys that do not authenticate -------------------------------------------------------


def _no_key():
    return None


def _wrong_key():
    _, key = factories.partner_api_key()
    prefix, _, secret = key.partition(".")
    return f"{prefix}.{'x' * len(secret)}"


def _revoked_key():
    api_key, key = factories.partner_api_key()
    api_key.revoked = True
    api_key.save()
    return key


def _expired_key():
    return factories.partner_api_key(expiry_date=timezone.now() - datetime.timedelta(minutes=1))[1]


KEYS = [
    (_no_key, "Authentication credentials were not provided."),
    (_wrong_key, "Invalid API key."),
    (_revoked_key, "This API key has been revoked."),
    (_expired_key, "This API key has expired."),
]


@pytest.mark.parametrize("url", ENDPOINTS)
@pytest.mark.parametrize(("make_key", "message"), KEYS, ids=["no key", "wrong key", "revoked", "expired"])
def test_a_request_without_a_usable_key_gets_401_json(client, db, url, make_key, message):
    key = make_key()
    headers = {"Authorization": f"Api-Key {key}"} if key else {}
    for params in ({}, {"format": "csv"}) if url == OPERATIONS else ({},):
        response = client.get(url, params, headers=headers)
        assert response.status_code == 401
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"detail": message}
        assert response["WWW-Authenticate"] == "Api-Key"


# --- Throttling --------------------------------------------------------------------------


def test_the_operations_endpoint_is_throttled_per_key(client, published, settings):
    settings.PARTNER_API_RATE = "2/minute"
    headers = key_header(personal_data=False)
    assert client.get(OPERATIONS, headers=headers).status_code == 200
    assert client.get(detail(published), headers=headers).status_code == 200

    response = client.get(OPERATIONS, headers=headers)

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert response["Content-Type"] == "application/json"
    assert client.get(OPERATIONS, headers=key_header(personal_data=False)).status_code == 200
