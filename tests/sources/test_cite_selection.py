"""Citing a selection of a source from the operation page, and adding a source beside an
operation from that page (seizures/admin/citing.py)."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages

from seizures.models import Operation
from seizures.services import operation_reject
from sources.models import AttachedSource, Citation, ExtractionRun, Source
from tests import factories
from tests.seizures.test_permissions import make_user
from tests.sources import fake_extractor
from tests.sources.fake_extractor import drug, proposal

pytestmark = pytest.mark.django_db

Status = Operation.Status
SEIZED = "Police seized 120 kilograms of cocaine at the port on Monday."
DETAINED = "Two men were detained."
TEXT = f"{SEIZED} {DETAINED} The cargo was bound for Spain. Later that week, in Lima: {DETAINED}"


@pytest.fixture
def operation(db):
    return factories.OperationFactory()


@pytest.fixture
def source(operation):
    """A source put beside the operation, not cited yet."""
    source = factories.SourceFactory(text=TEXT, published=datetime.date(2021, 3, 4))
    AttachedSource.objects.create(operation=operation, source=source)
    return source


def page(operation) -> str:
    return f"/admin/seizures/operation/{operation.pk}/change/"


def cite_url(operation) -> str:
    return f"/admin/seizures/operation/{operation.pk}/cite/"


def add_source_url(operation) -> str:
    return f"/admin/seizures/operation/{operation.pk}/add-source/"


def messages_of(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def cite(client, operation, source, quote, start=None, supports="operation", field=""):
    data = {"source": source.pk, "quote": quote, "supports": supports, "field": field}
    if start is not None:
        data["start"] = start
    return client.post(cite_url(operation), data)


def user_with(*perms, username="perry"):
    user = factories.UserFactory(username=username)
    for dotted in perms:
        app_label, codename = dotted.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return user


# --- Citing a selection ----------------------------------------------------------------------


def test_a_selection_becomes_a_citation_at_its_offsets(editor_client, editor, operation, source):
    item = factories.EvidenceItemFactory(operation=operation)
    start = TEXT.index(SEIZED)

    response = cite(
        editor_client, operation, source, SEIZED, start, supports=f"evidence_item:{item.pk}", field="quantity"
    )

    citation = Citation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{page(operation)}#citation-{citation.pk}"
    assert (citation.source, citation.operation, citation.evidence_item, citation.detainee) == (
        source,
        operation,
        item,
        None,
    )
    assert (citation.quote, citation.start, citation.end, citation.field) == (
        SEIZED,
        start,
        start + len(SEIZED),
        "quantity",
    )
    assert citation.created_by == editor
    operation.refresh_from_db()
    assert operation.newest_source_date == datetime.date(2021, 3, 4)
    assert (operation.version, operation.last_edited_by) == (2, editor)
    assert messages_of(response) == [
        ("success", f"Citation #{citation.pk} added: “{SEIZED}” supports evidence item #{item.pk} (quantity).")
    ]


def test_the_new_citation_is_highlighted_on_the_page_it_returns_to(editor_client, operation, source):
    response = cite(editor_client, operation, source, DETAINED, TEXT.index(DETAINED))

    citation = Citation.objects.get()
    html = editor_client.get(response["Location"]).content.decode()
    assert f'<mark title="Citation {citation.pk}">{DETAINED}</mark>' in html


def test_a_quote_shortened_by_hand_is_found_at_the_occurrence_nearest_the_selection(editor_client, operation, source):
    # The editor selected "in Lima: Two men were detained." (the second report) and cut it down.
    selected_at = TEXT.index("in Lima: ")
    second = TEXT.rindex(DETAINED)
    assert TEXT.index(DETAINED) != second

    cite(editor_client, operation, source, f"  {DETAINED}\n", selected_at)

    citation = Citation.objects.get()
    assert (citation.start, citation.end) == (second, second + len(DETAINED))


def test_a_pasted_quote_without_an_offset_is_found_at_its_first_occurrence(editor_client, operation, source):
    cite(editor_client, operation, source, DETAINED)

    assert Citation.objects.get().start == TEXT.index(DETAINED)


def test_a_quote_over_a_line_break_sent_as_crlf_by_the_browser_matches_the_text(editor_client, operation):
    source = factories.SourceFactory(text="Paita, 11 February.\nThe container held palm oil.\nNothing else.")
    AttachedSource.objects.create(operation=operation, source=source)

    cite(editor_client, operation, source, "Paita, 11 February.\r\nThe container held palm oil.", 0)

    assert Citation.objects.get().quote == "Paita, 11 February.\nThe container held palm oil."


def assert_refused(response, operation, message, anchor="#cite-box"):
    assert response.status_code == 302
    assert response["Location"] == f"{page(operation)}{anchor}"
    assert messages_of(response) == [("error", message)]
    assert Citation.objects.count() == 0
    operation.refresh_from_db()
    assert (operation.version, operation.last_edited_by) == (1, None)


def test_a_quote_that_is_not_in_the_source_is_refused_and_nothing_is_saved(editor_client, operation, source):
    response = cite(editor_client, operation, source, "Police seized 12 tonnes of cocaine.", 0)

    assert_refused(
        response,
        operation,
        "The citation was not saved: This quote does not occur in the source text. Copy it exactly as written.",
    )


def test_a_refused_quote_comes_back_in_the_form_with_the_error_once(editor_client, operation, source):
    cite(editor_client, operation, source, "Police seized 12 tonnes of cocaine.", 7, field="place")

    html = editor_client.get(page(operation)).content.decode()
    assert '<details class="cite-box" id="cite-box" open>' in html
    assert ">Police seized 12 tonnes of cocaine.</textarea>" in html
    assert 'name="start" id="cite-start" value="7"' in html
    assert '<option value="place" selected>' in html
    assert "This quote does not occur in the source text." in html
    again = editor_client.get(page(operation)).content.decode()
    assert "12 tonnes" not in again
    assert '<details class="cite-box" id="cite-box">' in again


def test_a_record_of_another_operation_is_refused(editor_client, operation, source):
    elsewhere = factories.EvidenceItemFactory()

    response = cite(editor_client, operation, source, SEIZED, 0, supports=f"evidence_item:{elsewhere.pk}")

    assert_refused(response, operation, "The citation was not saved: This record belongs to another operation.")


def test_a_field_the_record_does_not_have_is_refused(editor_client, operation, source):
    detainee = factories.DetaineeFactory(operation=operation)

    response = cite(editor_client, operation, source, DETAINED, supports=f"detainee:{detainee.pk}", field="quantity")

    assert_refused(response, operation, "The citation was not saved: 'quantity' is not a field of the cited detainee.")


def test_a_record_field_is_not_citable(editor_client, operation, source):
    response = cite(editor_client, operation, source, SEIZED, field="status")

    assert_refused(response, operation, "The citation was not saved: 'status' is not a field of the cited operation.")


def test_a_source_not_shown_beside_the_operation_is_refused(editor_client, operation, source):
    other = factories.SourceFactory(text=TEXT + " More.")

    response = cite(editor_client, operation, other, SEIZED, 0)

    assert_refused(
        response,
        operation,
        "The citation was not saved: That source is not shown beside this operation: add it to the operation first.",
    )


@pytest.mark.parametrize(
    ("supports", "message"),
    [("", "Choose the record the quote supports."), ("item:1", "Choose the record the quote supports.")],
)
def test_a_missing_or_unreadable_target_is_refused(editor_client, operation, source, supports, message):
    response = cite(editor_client, operation, source, SEIZED, 0, supports=supports)

    assert_refused(response, operation, f"The citation was not saved: {message}")


def test_a_rejected_operation_cannot_be_cited(editor_client, operation, source):
    operation_reject(operation=operation, by=factories.reviewer(), reason="A monthly total")
    operation.refresh_from_db()
    version = operation.version

    response = cite(editor_client, operation, source, SEIZED, 0)

    assert messages_of(response) == [
        ("error", "The citation was not saved: This operation was rejected: reopen it before citing its sources.")
    ]
    assert Citation.objects.count() == 0
    operation.refresh_from_db()
    assert operation.version == version
    assert "cite-form" not in editor_client.get(page(operation)).content.decode()


def test_a_merged_operation_cannot_be_cited(editor_client, operation, source):
    survivor = factories.OperationFactory()
    Operation.objects.filter(pk=operation.pk).update(status=Status.MERGED, merged_into=survivor)

    response = cite(editor_client, operation, source, SEIZED, 0)

    assert messages_of(response) == [
        (
            "error",
            f"The citation was not saved: This operation was merged into #{survivor.pk}: work on that one instead.",
        )
    ]
    assert Citation.objects.count() == 0


def test_citing_the_same_words_for_the_same_record_twice_adds_nothing(editor_client, operation, source):
    first = cite(editor_client, operation, source, SEIZED, 0)
    again = cite(editor_client, operation, source, SEIZED, 0)

    citation = Citation.objects.get()
    assert again["Location"] == first["Location"] == f"{page(operation)}#citation-{citation.pk}"
    assert messages_of(again)[-1] == (
        "info",
        f"Citation #{citation.pk} already quotes this for that record: nothing new.",
    )


def test_citing_a_verified_operation_sends_it_back_to_review_and_says_so(editor_client):
    operation = factories.verified_operation()
    source = operation.citations.get().source

    response = cite(editor_client, operation, source, DETAINED, supports="operation", field="summary")

    operation.refresh_from_db()
    assert operation.status == Status.NEEDS_REVIEW
    assert [level for level, _ in messages_of(response)] == ["success", "warning"]
    assert "back in review" in messages_of(response)[1][1]


def test_cite_is_post_only(editor_client, operation, source):
    response = editor_client.get(cite_url(operation))

    assert response.status_code == 405
    assert Citation.objects.count() == 0


def test_an_unknown_operation_is_not_found(editor_client):
    assert editor_client.post("/admin/seizures/operation/999999/cite/", {}).status_code == 404


CITE_ROLES = [
    ("anonymous", "login"),
    ("partner", "login"),
    ("staff_without_role", 403),
    ("editor", 302),
    ("reviewer", 302),
]


@pytest.mark.parametrize(("role", "expected"), CITE_ROLES)
def test_who_may_cite(client, operation, source, role, expected):
    user = make_user(role)
    if user is not None:
        client.force_login(user)

    response = cite(client, operation, source, SEIZED, 0)

    if expected == "login":
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    else:
        assert response.status_code == expected
    assert Citation.objects.count() == (1 if expected == 302 else 0)


@pytest.mark.parametrize(
    "perms",
    [
        ["seizures.view_operation", "seizures.change_operation"],  # may edit, not cite
        ["seizures.view_operation", "sources.add_citation"],  # may cite, not edit the operation
    ],
)
def test_citing_needs_both_the_citation_and_the_operation_permission(client, operation, source, perms):
    client.force_login(user_with(*perms))

    response = cite(client, operation, source, SEIZED, 0)

    assert response.status_code == 403
    assert Citation.objects.count() == 0


# --- What the page offers ---------------------------------------------------------------------


def test_the_page_offers_each_record_and_the_fields_of_each_kind(editor_client, operation, source):
    item = factories.EvidenceItemFactory(operation=operation)
    detainee = factories.DetaineeFactory(operation=operation, name="Juan Pérez")

    html = editor_client.get(page(operation)).content.decode()

    assert f'<option value="{source.pk}">#{source.pk} {source.title}</option>' in html
    assert f'<option value="evidence_item:{item.pk}">Evidence item #{item.pk}: Cocaine 120 kg</option>' in html
    assert f'<option value="detainee:{detainee.pk}">Detainee #{detainee.pk}: Peru, Juan Pérez</option>' in html
    assert '<optgroup label="Evidence item fields" data-kind="evidence_item">' in html
    assert '<option value="quantity_kg">Quantity (kg)</option>' in html
    assert '<option value="status"' not in html  # bookkeeping, not a fact
    assert 'src="/static/seizures/cite.js" defer' in html


def test_detainees_are_offered_without_names_to_those_who_may_not_see_them(client, operation, source):
    client.force_login(user_with("seizures.view_operation", "seizures.change_operation", "sources.add_citation"))
    detainee = factories.DetaineeFactory(operation=operation, name="Juan Pérez", role="courier")

    html = client.get(page(operation)).content.decode()

    assert f'<option value="detainee:{detainee.pk}">Detainee #{detainee.pk}: Peru, courier</option>' in html
    assert "Juan Pérez" not in html


def test_those_who_may_not_cite_or_add_sources_get_neither_form(client, operation, source):
    client.force_login(user_with("seizures.view_operation"))

    html = client.get(page(operation)).content.decode()

    assert "cite-form" not in html and "add-source-form" not in html and "cite.js" not in html


# --- Adding a source beside the operation -----------------------------------------------------

PASTED = (
    "La Policía Nacional del Perú incautó 350 kilos de cocaína escondidos en un cargamento de mangos en el "
    "puerto de Paita el martes. Tres hombres fueron detenidos."
)


@pytest.fixture
def fake(settings):
    with fake_extractor.installed(settings) as fake:
        yield fake


def new_source(**overrides):
    data = {"text": PASTED, "url": "", "kind": "article", "outlet": "Diario de Prueba", "title": "", "published": ""}
    data.update(overrides)
    return {f"add-source-{name}": value for name, value in data.items()}


def counts():
    return [model.objects.count() for model in (Source, ExtractionRun, AttachedSource, Operation, Citation)]


def test_a_pasted_source_is_ingested_put_beside_the_operation_and_shown(editor_client, editor, operation, fake):
    response = editor_client.post(
        add_source_url(operation),
        new_source(url="diario.example.com/mangos", title="Mangos", published="2021-03-02"),
    )

    source = Source.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{page(operation)}#source-{source.pk}"
    assert (source.text, source.url, source.outlet, source.title) == (
        PASTED,
        "https://diario.example.com/mangos",
        "Diario de Prueba",
        "Mangos",
    )
    assert (source.published, source.language, source.created_by) == (datetime.date(2021, 3, 2), "es", editor)
    assert fake.calls[0]["text"] == PASTED
    assert ExtractionRun.objects.get().source == source
    attached = AttachedSource.objects.get()
    assert (attached.operation, attached.source, attached.added_by) == (operation, source, editor)
    assert messages_of(response) == [
        ("success", f"Source #{source.pk} added beside this operation (language es). fake 1.0 proposed no operation.")
    ]
    shown = editor_client.get(response["Location"])
    assert [entry["source"] for entry in shown.context["sources_panel"]] == [source]
    assert f'data-source-id="{source.pk}">{PASTED}</div>' in shown.content.decode()


def test_the_message_says_what_the_extractor_drafted(editor_client, operation, fake):
    fake.script = lambda text: [
        proposal(
            text, text.split(". ")[0], date=datetime.date(2021, 3, 2), items=[drug(text, "350 kilos", "cocaine", 350)]
        )
    ]

    response = editor_client.post(add_source_url(operation), new_source())

    draft = Operation.objects.exclude(pk=operation.pk).get()
    assert f"new draft #{draft.pk}" in messages_of(response)[0][1]


def test_a_new_source_is_shown_after_the_cited_one(editor_client, fake):
    operation = factories.cited_operation()
    cited = operation.citations.get().source

    response = editor_client.post(add_source_url(operation), new_source())

    shown = editor_client.get(response["Location"]).context["sources_panel"]
    assert [entry["source"] for entry in shown] == [cited, Source.objects.get(text=PASTED)]


@pytest.mark.parametrize("same", ["text", "URL"])
def test_a_source_already_in_is_put_beside_the_operation_instead(editor_client, operation, fake, same):
    first = factories.SourceFactory(text=PASTED, url="https://diario.example.com/mangos")
    before = counts()
    data = new_source(url="https://elsewhere.example.com/") if same == "text" else new_source(text=f"{PASTED} Más.")
    if same == "URL":
        data["add-source-url"] = "https://DIARIO.example.com/mangos#comentarios"

    response = editor_client.post(add_source_url(operation), data)

    assert response["Location"] == f"{page(operation)}#source-{first.pk}"
    assert counts() == [before[0], before[1], before[2] + 1, *before[3:]]
    assert AttachedSource.objects.get().source == first
    assert fake.calls == []
    assert messages_of(response) == [
        (
            "success",
            f"This {same} is already source #{first.pk} ({first}), now beside this operation. Nothing new was created.",
        )
    ]


def test_a_source_already_beside_the_operation_is_not_attached_twice(editor_client, fake):
    operation = factories.cited_operation()
    cited = operation.citations.get().source
    before = counts()

    response = editor_client.post(add_source_url(operation), new_source(text=cited.text))

    assert counts() == before
    assert "which is" not in messages_of(response)[0][1]
    assert "already beside this operation" in messages_of(response)[0][1]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "   "}, "Paste the source's text."),
        ({"published": "2021-02-30"}, "Published date: Enter the published date as YYYY-MM-DD."),
        ({"url": "not a url at all"}, "URL: Enter a valid URL."),
        (
            {"text": "\x01\x02\x03 binary"},
            "Not text: this looks like a binary file (it is full of control characters).",
        ),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(editor_client, operation, fake, data, message):
    before = counts()

    response = editor_client.post(add_source_url(operation), new_source(**data))

    assert response["Location"] == f"{page(operation)}#add-source"
    assert messages_of(response) == [("error", f"The source was not added: {message}")]
    assert counts() == before


def test_a_refused_source_comes_back_in_the_form(editor_client, operation, fake):
    editor_client.post(add_source_url(operation), new_source(published="last Tuesday"))

    html = editor_client.get(page(operation)).content.decode()
    assert '<details class="add-source-box" id="add-source" open>' in html
    assert f"\n{PASTED}</textarea>" in html
    assert 'value="Diario de Prueba"' in html


def test_a_failing_extractor_leaves_neither_the_source_nor_its_attachment(editor_client, operation, settings):
    before = counts()

    with fake_extractor.installed(settings, "tests.sources.fake_extractor.BrokenExtractor"):
        with pytest.raises(RuntimeError):
            editor_client.post(add_source_url(operation), new_source())

    assert counts() == before


def test_no_source_is_added_to_a_rejected_operation(editor_client, operation, fake):
    operation_reject(operation=operation, by=factories.reviewer(), reason="A monthly total")
    before = counts()

    response = editor_client.post(add_source_url(operation), new_source())

    assert messages_of(response) == [
        ("error", "The source was not added: This operation was rejected: reopen it before adding sources to it.")
    ]
    assert counts() == before


def test_add_source_is_post_only(editor_client, operation):
    assert editor_client.get(add_source_url(operation)).status_code == 405


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", "login"), ("partner", "login"), ("staff_without_role", 403), ("editor", 302), ("reviewer", 302)],
)
def test_who_may_add_a_source(client, operation, fake, role, expected):
    user = make_user(role)
    if user is not None:
        client.force_login(user)

    response = client.post(add_source_url(operation), new_source())

    if expected == "login":
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    else:
        assert response.status_code == expected
    assert Source.objects.count() == AttachedSource.objects.count() == (1 if expected == 302 else 0)


def test_adding_a_source_needs_the_source_permission(client, operation, fake):
    client.force_login(user_with("seizures.view_operation", "seizures.change_operation"))

    response = client.post(add_source_url(operation), new_source())

    assert response.status_code == 403
    assert counts() == [0, 0, 0, 1, 0]
