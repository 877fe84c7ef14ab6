"""Who may do what in the admin, as one table of (role, method, url, expected status).

Anonymous visitors and partners (who are not staff) are sent to the login page; staff
without the permission get 403; a POST that is refused must leave the database as it was.
"""

import pytest

from seizures.models import Agency, Operation, VerifiedVersion
from tests import factories

LOGIN = "login"  # 302 to the admin login page
DONE = 302  # 302 elsewhere: the request went through
OK = 200
FORBIDDEN = 403

ROLES = ["anonymous", "partner", "staff_without_role", "editor", "reviewer", "superuser"]


@pytest.fixture
def world(db):
    """The records the urls point to: an operation ready to verify, its source and
    citation, and an agency from the registry."""
    operation = factories.check(factories.cited_operation())  # its values checked by an editor
    citation = operation.citations.get()
    return {
        "op": operation.pk,
        "source": citation.source_id,
        "agency": Agency.objects.get(code="PNP").pk,
    }


def make_user(role):
    if role == "anonymous":
        return None
    if role == "partner":
        return factories.partner(username="pat")
    if role == "staff_without_role":
        return factories.UserFactory(username="stan")
    if role == "editor":
        return factories.editor(username="eddie")
    if role == "reviewer":
        return factories.reviewer(username="rita")
    if role == "superuser":
        return factories.UserFactory(username="sue", is_superuser=True)
    raise AssertionError(role)


@pytest.fixture
def as_role(client, db):
    def log_in(role):
        user = make_user(role)
        if user is not None:
            client.force_login(user)
        return client

    return log_in


def db_state(world):
    """Everything the POSTs below could change."""
    operation = Operation.objects.get(pk=world["op"])
    agency = Agency.objects.get(pk=world["agency"])
    return {
        "status": operation.status,
        "rejection_reason": operation.rejection_reason,
        "version": operation.version,
        "verified_versions": VerifiedVersion.objects.filter(operation_id=world["op"]).count(),
        "agency_name": agency.name,
        "operations": Operation.objects.count(),
    }


QUEUE = "/admin/seizures/operation/"
CHANGE = "/admin/seizures/operation/{op}/change/"
ADD = "/admin/seizures/operation/add/"
HISTORY = "/admin/seizures/operation/{op}/history/"
VERIFY = "/admin/seizures/operation/{op}/transition/verify/"
REJECT = "/admin/seizures/operation/{op}/transition/reject/"
SOURCES = "/admin/sources/source/"
SOURCE = "/admin/sources/source/{source}/change/"
CITATIONS = "/admin/sources/citation/"
AGENCY = "/admin/seizures/agency/{agency}/change/"
USERS = "/admin/auth/user/"
GROUPS = "/admin/auth/group/"

REASON = {"reason": "A monthly total, not an operation."}
AGENCY_EDIT = {"code": "PNP", "name": "Policía Nacional (renamed)", "country": "PE", "parent": "", "aliases": "[]"}
# Confirmed: the first POST of the action only shows which operations can be verified.
BULK_VERIFY = {"action": "verify_selected", "index": "0", "_selected_action": ["{op}"], "post": "yes"}
BULK_REJECT = {"action": "reject_selected", "_selected_action": ["{op}"], "confirm": "yes", **REASON}

VERIFIED = {"status": Operation.Status.VERIFIED, "version": 2, "verified_versions": 1}
REJECTED = {"status": Operation.Status.REJECTED, "rejection_reason": REASON["reason"]}
RENAMED = {"agency_name": AGENCY_EDIT["name"]}


def row(role, method, url, expected, data=None, changes=None):
    return pytest.param(role, method, url, data, expected, changes or {}, id=_row_id(role, method, url, data))


def _row_id(role, method, url, data):
    screen = url.removeprefix("/admin/").rstrip("/").replace("{op}", "<id>").replace("{source}", "<id>")
    screen = screen.replace("{agency}", "<id>")
    action = (data or {}).get("action")
    return f"{role}-{method}-{screen}" + (f"-{action}" if action else "")


def rows_for(method, url, expected_by_role, data=None, changes_by_role=None):
    changes_by_role = changes_by_role or {}
    return [
        row(role, method, url, expected_by_role[role], data, changes_by_role.get(role)) for role in expected_by_role
    ]


# Who can reach the reviewers' screens at all.
SEES_RECORDS = {
    "anonymous": LOGIN,
    "partner": LOGIN,
    "staff_without_role": FORBIDDEN,
    "editor": OK,
    "reviewer": OK,
    "superuser": OK,
}
SUPERUSER_ONLY = {**SEES_RECORDS, "editor": FORBIDDEN, "reviewer": FORBIDDEN}
# Transitions: an editor may see the operation but not verify or reject it.
TRANSITION = {**SEES_RECORDS, "editor": FORBIDDEN, "reviewer": DONE, "superuser": DONE}
# An editor's POST of an action that is not offered re-renders the changelist; nothing changes.
BULK_ACTION = {**SEES_RECORDS, "reviewer": DONE, "superuser": DONE}
AGENCY_POST = {**SEES_RECORDS, "editor": FORBIDDEN, "reviewer": DONE, "superuser": DONE}

TABLE = [
    *rows_for("GET", QUEUE, SEES_RECORDS),
    *rows_for("GET", CHANGE, SEES_RECORDS),
    *rows_for("GET", ADD, SEES_RECORDS),
    *rows_for("GET", HISTORY, SEES_RECORDS),
    *rows_for("POST", VERIFY, TRANSITION, changes_by_role={"reviewer": VERIFIED, "superuser": VERIFIED}),
    *rows_for("POST", REJECT, TRANSITION, REASON, changes_by_role={"reviewer": REJECTED, "superuser": REJECTED}),
    *rows_for("GET", SOURCES, SEES_RECORDS),
    *rows_for("GET", SOURCE, SEES_RECORDS),
    *rows_for("GET", CITATIONS, SEES_RECORDS),
    *rows_for("GET", AGENCY, SEES_RECORDS),
    *rows_for("POST", AGENCY, AGENCY_POST, AGENCY_EDIT, changes_by_role={"reviewer": RENAMED, "superuser": RENAMED}),
    *rows_for("GET", USERS, SUPERUSER_ONLY),
    *rows_for("GET", GROUPS, SUPERUSER_ONLY),
    *rows_for("POST", QUEUE, BULK_ACTION, BULK_VERIFY, changes_by_role={"reviewer": VERIFIED, "superuser": VERIFIED}),
    *rows_for("POST", QUEUE, BULK_ACTION, BULK_REJECT, changes_by_role={"reviewer": REJECTED, "superuser": REJECTED}),
]


def _fill(value, world):
    if isinstance(value, list):
        return [_fill(v, world) for v in value]
    return value.format(**world)


@pytest.mark.parametrize(("role", "method", "url", "data", "expected", "changes"), TABLE)
def test_admin_permissions(as_role, world, role, method, url, data, expected, changes):
    client = as_role(role)
    url = url.format(**world)
    before = db_state(world)

    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, {key: _fill(value, world) for key, value in (data or {}).items()})

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    elif expected == DONE:
        assert response.status_code == 302
        assert not response["Location"].startswith("/admin/login/")
    else:
        assert response.status_code == expected
    # Forbidden requests change nothing; allowed ones change exactly this.
    assert db_state(world) == {**before, **changes}


def test_the_table_covers_every_role_on_every_screen():
    screens = {(p.values[1], p.values[2], (p.values[3] or {}).get("action")) for p in TABLE}
    for screen in screens:
        roles = {p.values[0] for p in TABLE if (p.values[1], p.values[2], (p.values[3] or {}).get("action")) == screen}
        assert roles == set(ROLES), screen


# --- The refusals, in more detail -----------------------------------------------------------


def test_an_editor_posting_verify_is_forbidden_and_the_operation_stays_in_review(client, world):
    client.force_login(factories.editor(username="eddie"))

    response = client.post(VERIFY.format(**world))

    assert response.status_code == 403
    operation = Operation.objects.get(pk=world["op"])
    assert operation.status == Operation.Status.NEEDS_REVIEW
    assert operation.verified_version is None
    assert operation.status_changed_by is None


def test_an_editor_posting_reject_is_forbidden_and_the_reason_is_not_recorded(client, world):
    client.force_login(factories.editor(username="eddie"))

    response = client.post(REJECT.format(**world), REASON)

    assert response.status_code == 403
    operation = Operation.objects.get(pk=world["op"])
    assert operation.status == Operation.Status.NEEDS_REVIEW
    assert operation.rejection_reason == ""


def test_the_change_page_offers_verify_and_reject_to_a_reviewer_only(client, world):
    client.force_login(factories.editor(username="eddie"))
    as_editor = client.get(CHANGE.format(**world))
    client.force_login(factories.reviewer(username="rita"))
    as_reviewer = client.get(CHANGE.format(**world))

    assert as_editor.context["transitions"] == []
    assert not as_editor.context["can_reject"]
    assert VERIFY.format(**world).encode() not in as_editor.content
    assert as_reviewer.context["transitions"] == [("verify", "Verify")]
    assert as_reviewer.context["can_reject"]
    assert VERIFY.format(**world).encode() in as_reviewer.content


def test_the_bulk_actions_are_offered_to_a_reviewer_and_not_to_an_editor(client, world):
    client.force_login(factories.editor(username="eddie"))
    as_editor = client.get(QUEUE)
    client.force_login(factories.reviewer(username="rita"))
    as_reviewer = client.get(QUEUE)

    assert as_editor.context["action_form"] is None
    assert b"verify_selected" not in as_editor.content
    assert b"reject_selected" not in as_editor.content
    offered = {name for name, _ in as_reviewer.context["action_form"].fields["action"].choices}
    assert {"verify_selected", "reject_selected"} <= offered
    # Nobody in the roles may delete operations, so the stock bulk delete is not offered.
    assert "delete_selected" not in offered


def test_an_editor_cannot_save_an_agency_they_may_only_view(client, world):
    client.force_login(factories.editor(username="eddie"))

    page = client.get(AGENCY.format(**world))

    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert b'name="name"' not in page.content  # shown, not editable
    assert client.post(AGENCY.format(**world), AGENCY_EDIT).status_code == 403
    assert Agency.objects.get(pk=world["agency"]).name == "Policía Nacional del Perú"
