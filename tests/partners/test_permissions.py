"""Who may use the partner API, as one table of (caller, method, url, expected status).

Partners with a key and staff with `seizures.view_operation` (reviewers, editors) may read;
nobody may write; anonymous callers get 401, logged-in users without the right get 403.
"""

import pytest

from tests import factories
from tests.partners.conftest import AGENCIES, GROUPS

OK = 200
UNAUTHENTICATED = 401
FORBIDDEN = 403

CALLERS = ["anonymous", "partner_key", "partner_user", "staff_without_role", "editor", "reviewer"]
WRITES = ["post", "put", "patch", "delete"]


@pytest.fixture
def as_caller(client, db):
    def become(caller):
        if caller == "partner_key":
            client.defaults["HTTP_AUTHORIZATION"] = f"Api-Key {factories.partner_api_key()[1]}"
        elif caller == "partner_user":
            # A Partner-group account on the site is not a key: no API access.
            client.force_login(factories.partner(username="pat"))
        elif caller == "staff_without_role":
            client.force_login(factories.UserFactory(username="stan"))
        elif caller == "editor":
            client.force_login(factories.editor(username="eddie"))
        elif caller == "reviewer":
            client.force_login(factories.reviewer(username="rita"))
        else:
            assert caller == "anonymous"
        return client

    return become


READS = {
    "anonymous": UNAUTHENTICATED,
    "partner_key": OK,
    "partner_user": FORBIDDEN,
    "staff_without_role": FORBIDDEN,
    "editor": OK,
    "reviewer": OK,
}

# Writes: refused for everyone. Partners' keys get 403 from the read-only permission (the
# key is checked before any CSRF check could matter); sessions fail CSRF or the permission.
WRITE_EXPECTED = {
    "anonymous": UNAUTHENTICATED,
    "partner_key": FORBIDDEN,
    "partner_user": FORBIDDEN,
    "staff_without_role": FORBIDDEN,
    "editor": FORBIDDEN,
    "reviewer": FORBIDDEN,
}

TABLE = [(caller, "get", url, READS[caller]) for caller in CALLERS for url in (AGENCIES, GROUPS)] + [
    (caller, method, url, WRITE_EXPECTED[caller])
    for caller in CALLERS
    for method in WRITES
    for url in (AGENCIES, GROUPS)
]


@pytest.mark.parametrize(("caller", "method", "url", "expected"), TABLE)
def test_who_may_do_what(as_caller, caller, method, url, expected):
    client = as_caller(caller)
    # A body for the writes; on a GET it would be query parameters, which the API refuses.
    data = None if method == "get" else {"name": "X", "code": "X"}
    response = getattr(client, method)(url, data=data, content_type="application/json")
    assert response.status_code == expected, response.content
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("method", WRITES)
def test_a_partner_key_cannot_write_and_nothing_changes(as_caller, method):
    from seizures.models import Agency, CriminalGroup

    before = (Agency.objects.count(), CriminalGroup.objects.count())
    client = as_caller("partner_key")
    response = getattr(client, method)(AGENCIES, data={"code": "NEW", "name": "New"}, content_type="application/json")
    assert response.status_code == FORBIDDEN
    assert response.json() == {"detail": "The partner API is read-only."}
    assert (Agency.objects.count(), CriminalGroup.objects.count()) == before


@pytest.mark.parametrize("method", WRITES)
def test_a_reviewer_with_a_valid_csrf_token_still_cannot_write(method, db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(factories.reviewer(username="rita"))
    client.get("/admin/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = getattr(client, method)(
        AGENCIES, data={}, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert response.status_code == FORBIDDEN
    assert response.json() == {"detail": "The partner API is read-only."}


def test_a_logged_in_user_without_the_right_is_told_why(as_caller):
    response = as_caller("partner_user").get(AGENCIES)
    assert response.status_code == FORBIDDEN
    assert response.json()["detail"] == "The partner API needs an API key, or a reviewer's or editor's login."
