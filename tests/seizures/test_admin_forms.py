"""The operation's change and add forms: bad input is refused with a form error and saves
nothing, concurrent edits do not overwrite each other, and edits keep the review workflow's
bookkeeping right."""

import datetime

import pytest
from django import forms
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.test import Client

from seizures.admin.inlines import NewCitationInline
from seizures.models import Detainee, EvidenceItem, Operation
from sources.models import Citation
from sources.services import citation_create
from tests import factories

Status = Operation.Status
ADD = "/admin/seizures/operation/add/"


@pytest.fixture
def operation(db):
    """An operation in review with an item and a citation, ready to verify. The citation is
    made as the extractor makes it, so that what the operation keeps about its sources is
    up to date and an unchanged save has nothing to correct."""
    operation = factories.OperationFactory()
    factories.EvidenceItemFactory(operation=operation)
    quote = "Police seized 120 kilograms of cocaine at the port on Monday."
    citation_create(by=None, source=factories.SourceFactory(), operation=operation, quote=quote)
    return Operation.objects.get(pk=operation.pk)


def change_url(operation):
    return f"/admin/seizures/operation/{operation.pk}/change/"


def transition_url(operation, action):
    return f"/admin/seizures/operation/{operation.pk}/transition/{action}/"


def _as_post_value(value):
    if value is None:
        return ""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)


def form_data(response) -> dict:
    """What a browser would post back, unchanged, from the admin form in `response`: every
    field of the main form and of each inline's forms, and the inlines' management forms."""
    assert response.status_code == 200
    all_forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        all_forms.append(inline.formset.management_form)
        all_forms.extend(inline.formset.forms)
    data = {}
    for form in all_forms:
        for name, field in form.fields.items():
            value = form[name].value()
            if value is False:
                continue  # an unticked checkbox sends nothing
            if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
                data[form.add_prefix(name)] = [str(v) for v in value or []]
            else:
                data[form.add_prefix(name)] = "on" if value is True else _as_post_value(value)
    return data


def inline_formset(response, model, inline_class=None):
    """The formset of the inline for `model` (or of that inline class) in `response`."""
    matches = [
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is model and (inline_class is None or isinstance(inline.opts, inline_class))
    ]
    assert len(matches) == 1
    return matches[0]


def db_snapshot():
    """Every row a save of the operation form could write, history included."""
    return {
        "operations": list(Operation.objects.order_by("pk").values()),
        "items": list(EvidenceItem.objects.order_by("pk").values()),
        "detainees": list(Detainee.objects.order_by("pk").values()),
        "citations": list(Citation.objects.order_by("pk").values()),
        "history": [model.history.count() for model in (Operation, EvidenceItem, Detainee, Citation)],
    }


def form_errors(response):
    assert response.status_code == 200, "the form was accepted"
    return response.context["adminform"].form.errors


def test_the_helper_posts_an_unchanged_form_back_as_valid(reviewer_client, operation):
    response = reviewer_client.post(change_url(operation), form_data(reviewer_client.get(change_url(operation))))

    assert response.status_code == 302
    assert response["Location"] == "/admin/seizures/operation/"


# --- Bad input is refused and nothing is saved ------------------------------------------------


def test_a_negative_evidence_quantity_is_refused_and_nothing_is_saved(reviewer_client, operation):
    page = reviewer_client.get(change_url(operation))
    data = form_data(page)
    data[f"{inline_formset(page, EvidenceItem).prefix}-0-quantity"] = "-5"
    data["place"] = "Changed along with the bad quantity"
    before = db_snapshot()

    response = reviewer_client.post(change_url(operation), data)

    assert response.status_code == 200
    errors = inline_formset(response, EvidenceItem).errors
    assert "quantity" in errors[0]
    assert "greater than or equal to" in str(errors[0]["quantity"])
    assert db_snapshot() == before


@pytest.mark.parametrize("page", ["add", "change"])
def test_an_unknown_country_code_is_refused_and_nothing_is_saved(reviewer_client, operation, page):
    url = ADD if page == "add" else change_url(operation)
    data = form_data(reviewer_client.get(url))
    data.update({"date_start": "2021-02-11", "date_end": "2021-02-11", "country": "XX", "place": "Nowhere"})
    before = db_snapshot()

    response = reviewer_client.post(url, data)

    assert "country" in form_errors(response)
    assert "Select a valid choice" in str(form_errors(response)["country"])
    assert db_snapshot() == before


def test_a_new_citation_whose_quote_is_not_in_the_source_is_refused_and_nothing_is_saved(reviewer_client, operation):
    page = reviewer_client.get(change_url(operation))
    data = form_data(page)
    prefix = inline_formset(page, Citation, NewCitationInline).prefix
    source = factories.SourceFactory()
    data[f"{prefix}-0-source"] = str(source.pk)
    data[f"{prefix}-0-quote"] = "Police seized 9 tonnes of cocaine."
    before = db_snapshot()

    response = reviewer_client.post(change_url(operation), data)

    assert response.status_code == 200
    errors = inline_formset(response, Citation, NewCitationInline).errors
    assert "does not occur in the source text" in str(errors[0]["quote"])
    assert db_snapshot() == before


def test_a_new_citation_whose_quote_is_in_the_source_is_saved_with_its_offsets(reviewer_client, operation, reviewer):
    page = reviewer_client.get(change_url(operation))
    data = form_data(page)
    prefix = inline_formset(page, Citation, NewCitationInline).prefix
    source = factories.SourceFactory()
    data[f"{prefix}-0-source"] = str(source.pk)
    data[f"{prefix}-0-quote"] = "Two men were detained."

    response = reviewer_client.post(change_url(operation), data)

    assert response.status_code == 302
    citation = Citation.objects.get(source=source)
    assert source.text[citation.start : citation.end] == "Two men were detained."
    assert citation.created_by == reviewer


def test_an_end_date_before_the_start_date_is_refused_and_nothing_is_saved(reviewer_client, operation):
    data = form_data(reviewer_client.get(change_url(operation)))
    data.update({"date_start": "2021-02-11", "date_end": "2021-02-10"})
    before = db_snapshot()

    response = reviewer_client.post(change_url(operation), data)

    assert "The end date cannot be before the start date." in str(form_errors(response))
    assert db_snapshot() == before


def test_a_person_adds_an_operation_as_a_draft(reviewer_client, reviewer):
    data = form_data(reviewer_client.get(ADD))
    data.update({"date_start": "2021-02-11", "country": "PE", "place": "Callao"})

    response = reviewer_client.post(ADD, data)

    assert response.status_code == 302
    operation = Operation.objects.get(place="Callao")
    assert operation.status == Status.DRAFT
    assert operation.date_end == datetime.date(2021, 2, 11)
    assert (operation.created_by, operation.last_edited_by) == (reviewer, reviewer)


# --- Concurrent edits ---------------------------------------------------------------------------


def test_a_save_based_on_an_outdated_version_is_refused_and_the_other_edit_is_kept(
    reviewer_client, operation, second_reviewer
):
    data_a = form_data(reviewer_client.get(change_url(operation)))
    assert data_a["base_version"] == "1"
    other = Client()
    other.force_login(second_reviewer)
    data_b = form_data(other.get(change_url(operation)))
    data_b["place"] = "Paita, as B wrote it"
    assert other.post(change_url(operation), data_b).status_code == 302

    data_a["place"] = "Paita, as A wrote it"
    response = reviewer_client.post(change_url(operation), data_a)

    assert response.status_code == 200
    assert "while you were editing" in str(form_errors(response))
    assert "while you were editing" in response.content.decode()
    operation.refresh_from_db()
    assert operation.place == "Paita, as B wrote it"
    assert operation.version == 2
    assert operation.last_edited_by == second_reviewer


def test_an_outdated_save_of_an_inline_is_refused_too(reviewer_client, operation, second_reviewer):
    page = reviewer_client.get(change_url(operation))
    data_a = form_data(page)
    prefix = inline_formset(page, EvidenceItem).prefix
    other = Client()
    other.force_login(second_reviewer)
    data_b = form_data(other.get(change_url(operation)))
    data_b["summary"] = "B's summary"
    assert other.post(change_url(operation), data_b).status_code == 302

    data_a[f"{prefix}-0-quantity"] = "200"
    response = reviewer_client.post(change_url(operation), data_a)

    assert "while you were editing" in str(form_errors(response))
    assert operation.evidence_items.get().quantity == 120


# --- Bookkeeping of edits -----------------------------------------------------------------------


def test_editing_a_verified_operation_sends_it_back_to_review_and_keeps_the_verified_version(
    reviewer_client, operation, reviewer, second_reviewer
):
    factories.verify_checked(operation=operation, by=second_reviewer)
    operation.refresh_from_db()
    published, version = operation.verified_version, operation.version
    data = form_data(reviewer_client.get(change_url(operation)))
    data["place"] = "Paita, corrected"

    response = reviewer_client.post(change_url(operation), data)

    assert response.status_code == 302
    operation.refresh_from_db()
    assert operation.place == "Paita, corrected"
    assert operation.status == Status.NEEDS_REVIEW
    assert operation.verified_version == published
    assert operation.verified_version.data["place"] == "Paita Port"
    assert operation.last_edited_by == reviewer
    assert operation.version == version + 1


def test_saving_without_changing_anything_does_not_make_the_user_the_last_editor(reviewer_client, operation):
    assert operation.last_edited_by is None  # a machine draft
    data = form_data(reviewer_client.get(change_url(operation)))
    before = db_snapshot()

    response = reviewer_client.post(change_url(operation), data)

    assert response.status_code == 302
    operation.refresh_from_db()
    assert operation.last_edited_by is None
    assert operation.version == 1
    assert db_snapshot() == before


def test_the_last_editor_is_refused_the_verify_button_by_the_four_eyes_rule(reviewer_client, operation, reviewer):
    data = form_data(reviewer_client.get(change_url(operation)))
    data["summary"] = "Checked against the press release."
    saved = reviewer_client.post(change_url(operation), data, follow=True)
    assert saved.redirect_chain == [("/admin/seizures/operation/", 302)]

    response = reviewer_client.post(transition_url(operation, "verify"), follow=True)

    assert response.redirect_chain == [(change_url(operation), 302)]
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Not verified. You decided or edited its values since it was last verified, so another reviewer must "
        "verify it (four-eyes rule)."
    ]
    assert "another reviewer must verify it (four-eyes rule)" in response.content.decode()
    operation.refresh_from_db()
    assert operation.status == Status.NEEDS_REVIEW
    assert operation.verified_version is None
    assert operation.last_edited_by == reviewer


# --- Personal data ------------------------------------------------------------------------------

DETAINEE_NAME = "Xochitl Quenta-Mamani"


@pytest.fixture
def detained(operation):
    factories.DetaineeFactory(operation=operation, name=DETAINEE_NAME, age=34, sex="female")
    return operation


def staff_with(*codenames, username="vera"):
    user = factories.UserFactory(username=username)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="seizures", codename__in=codenames))
    return user


def test_a_user_without_the_personal_data_permission_does_not_see_detainee_names(client, detained):
    client.force_login(staff_with("view_operation", "view_detainee"))

    response = client.get(change_url(detained))

    assert response.status_code == 200
    detainees = inline_formset(response, Detainee)
    assert len(detainees.forms) == 1
    assert "name" not in detainees.forms[0].fields
    assert "age" not in detainees.forms[0].fields
    assert DETAINEE_NAME not in response.content.decode()


def test_a_reviewer_sees_detainee_names(reviewer_client, detained):
    response = reviewer_client.get(change_url(detained))

    prefix = inline_formset(response, Detainee).prefix
    assert f'name="{prefix}-0-name"' in response.content.decode()
    assert DETAINEE_NAME in response.content.decode()


def test_the_history_page_hides_detainee_names_from_a_user_without_the_personal_data_permission(
    reviewer_client, detained
):
    history_url = f"/admin/seizures/operation/{detained.pk}/history/"
    without_permission = Client()
    without_permission.force_login(staff_with("view_operation", "view_detainee"))

    hidden = without_permission.get(history_url)

    assert hidden.status_code == 200
    assert DETAINEE_NAME not in hidden.content.decode()
    assert "(hidden)" in hidden.content.decode()
    assert DETAINEE_NAME in reviewer_client.get(history_url).content.decode()


def test_editing_detainees_without_the_personal_data_permission_keeps_their_names(client, detained):
    client.force_login(
        staff_with("view_operation", "change_operation", "view_detainee", "change_detainee", username="ed")
    )
    page = client.get(change_url(detained))
    data = form_data(page)
    prefix = inline_formset(page, Detainee).prefix
    data[f"{prefix}-0-role"] = "courier"

    response = client.post(change_url(detained), data)

    assert response.status_code == 302
    detainee = detained.detainees.get()
    assert (detainee.role, detainee.name, detainee.age) == ("courier", DETAINEE_NAME, 34)


def test_a_citation_deleted_while_the_page_was_open_gives_a_clear_refusal_not_a_crash(client, reviewer, editor):
    from sources.services import citation_delete

    operation = factories.cited_operation()
    citation = operation.citations.get()
    client.force_login(reviewer)
    url = f"/admin/seizures/operation/{operation.pk}/change/"
    data = form_data(client.get(url))
    # Meanwhile an editor removes the citation the page is showing.
    citation_delete(by=editor, citation=citation)
    data["place"] = "Paita"

    response = client.post(url, data)

    assert response.status_code == 200
    assert "while you were editing" in response.content.decode()
    operation.refresh_from_db()
    assert operation.place == "Paita Port"
