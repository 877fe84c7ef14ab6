"""Adding a source in the admin, by pasting its text or uploading a .txt or .html file, and
the operation page naming the other sources that reported the same operation."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile

from seizures.models import Operation
from sources.ingestion import source_from_text, source_ingest
from sources.models import Citation, ExtractionRun, Source
from tests import factories
from tests.seizures.test_permissions import make_user
from tests.sources import fake_extractor
from tests.sources.fake_extractor import drug, proposal

pytestmark = pytest.mark.django_db

ADD = "/admin/sources/source/add/"
TEXT = (
    "La Policía Nacional del Perú incautó 350 kilos de cocaína escondidos en un cargamento de mangos en el "
    "puerto de Paita el martes, informó el Ministerio del Interior. Tres hombres fueron detenidos."
)
PAGE = f"""<html><head><title>Mangos | Diario de Prueba</title>
<meta property="og:title" content="Cocaína entre mangos">
<script>alert("no")</script></head>
<body><nav>Inicio · Policiales · Deportes</nav><article><h1>Cocaína entre mangos</h1><p>{TEXT}</p></article>
<footer>© Diario de Prueba</footer></body></html>"""
TUESDAY = datetime.date(2021, 3, 2)


@pytest.fixture(autouse=True)
def fake(settings):
    with fake_extractor.installed(settings) as fake:
        fake.script = lambda text: (
            [proposal(text, text.split(". ")[0], date=TUESDAY, items=[drug(text, "350 kilos", "cocaine", 350)])]
            if "350 kilos" in text
            else []
        )
        yield fake


def fields(**overrides):
    data = {
        "kind": "article",
        "outlet": "Diario de Prueba",
        "title": "",
        "author": "",
        "url": "",
        "published": "2021-03-02",
        "language": "",
        "retrieved_at_0": "",
        "retrieved_at_1": "",
        "text": "",
    }
    data.update(overrides)
    return data


def upload(name, content: bytes | str):
    return SimpleUploadedFile(name, content.encode("utf-8") if isinstance(content, str) else content)


def counts():
    return [model.objects.count() for model in (Source, Operation, Citation, ExtractionRun)]


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_add_page_offers_a_file_upload_beside_the_text(editor_client):
    response = editor_client.get(ADD)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file" name="upload"' in html
    assert "at most 5.0 MB" in html


def test_an_editor_uploads_a_text_file_and_operations_are_drafted_from_it(editor_client, editor):
    response = editor_client.post(ADD, fields(upload=upload("mangos.txt", f"{TEXT}\r\n")))

    assert response.status_code == 302, response.context["adminform"].form.errors
    source = Source.objects.get()
    assert (source.text, source.outlet, source.created_by) == (TEXT, "Diario de Prueba", editor)
    assert source.published == TUESDAY
    assert source.language == "es"  # detected
    draft = Operation.objects.get()
    assert (draft.status, draft.last_edited_by, draft.date_start) == (Operation.Status.NEEDS_REVIEW, None, TUESDAY)
    assert draft.citations.get().source == source
    assert ExtractionRun.objects.get().source == source
    assert any(f"new draft #{draft.pk}" in message for message in messages_of(response))


def test_an_editor_pastes_the_text(editor_client, editor):
    response = editor_client.post(ADD, fields(text=f"  {TEXT}\n", language="es", title="Mangos"))

    assert response.status_code == 302, response.context["adminform"].form.errors
    source = Source.objects.get()
    assert (source.text, source.title, source.created_by) == (TEXT, "Mangos", editor)
    assert Operation.objects.get().citations.get().source == source


def test_an_uploaded_web_page_is_reduced_to_its_article_and_names_itself(editor_client):
    response = editor_client.post(ADD, fields(upload=upload("mangos.html", PAGE)))

    assert response.status_code == 302, response.context["adminform"].form.errors
    source = Source.objects.get()
    assert TEXT in source.text
    assert "alert" not in source.text and "Policiales" not in source.text and "©" not in source.text
    assert source.title == "Cocaína entre mangos"


def form_errors(response) -> str:
    assert response.status_code == 200
    form = response.context["adminform"].form
    return " ".join(str(message) for messages in form.errors.values() for message in messages)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Paste the source's text, or upload a .txt or .html file."),
        ({"text": TEXT, "upload": upload("mangos.txt", TEXT)}, "Paste the text or upload a file, not both."),
        ({"upload": upload("mangos.txt", TEXT.encode("latin-1"))}, "Not UTF-8 text"),
        ({"upload": upload("mangos.txt", b"GIF89a\x00\x01\x00\x01")}, "looks like a binary file"),
        ({"upload": upload("empty.txt", b"")}, "The submitted file is empty."),
        ({"upload": upload("blank.txt", b"   \n  ")}, "Empty: there is no text in it."),
        ({"upload": upload("mangos.pdf", b"%PDF-1.4")}, "Upload a .txt or .html file"),
        ({"upload": upload("mangos.json", '{"text": "x"}')}, "Upload a .txt or .html file"),
        ({"text": "   "}, "Paste the source's text"),
        ({"text": TEXT, "language": "spanish"}, "not an ISO 639-1 language code"),
    ],
)
def test_bad_input_is_refused_with_a_form_error_and_nothing_is_saved(editor_client, data, message):
    before = counts()

    response = editor_client.post(ADD, fields(**data))

    assert message in form_errors(response)
    assert counts() == before


def test_an_upload_over_the_size_limit_is_refused(editor_client, settings):
    settings.SOURCES_MAX_BYTES = 100
    before = counts()

    response = editor_client.post(ADD, fields(upload=upload("long.txt", TEXT)))

    assert "Too large" in form_errors(response)
    assert counts() == before


@pytest.mark.parametrize("same", ["text", "url"])
def test_a_source_already_in_is_refused_and_the_first_named(editor_client, same):
    first = factories.SourceFactory(text=TEXT, url="https://diario.example.com/mangos")
    before = counts()
    data = {"text": TEXT, "url": "https://elsewhere.example.com/"} if same == "text" else {"text": TEXT + " Más."}
    if same == "url":
        data["url"] = "https://DIARIO.example.com/mangos#comentarios"

    response = editor_client.post(ADD, fields(**data))

    assert f"already source #{first.pk}" in form_errors(response)
    assert counts() == before


ROLES = [("anonymous", "login"), ("partner", "login"), ("staff_without_role", 403), ("editor", 302)]
ROLES += [("reviewer", 302)]


@pytest.mark.parametrize(("role", "expected"), ROLES)
def test_who_may_add_a_source(client, role, expected):
    user = make_user(role)
    if user is not None:
        client.force_login(user)

    response = client.post(ADD, fields(upload=upload("mangos.txt", TEXT)))

    if expected == "login":
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
        assert Source.objects.count() == 0
    else:
        assert response.status_code == expected
        assert Source.objects.count() == (1 if expected == 302 else 0)


# --- "Also reported by" on the operation page ----------------------------------------------------


def ingest(text, **fields):
    return source_ingest(by=None, source=source_from_text(text, **fields)).source


def test_the_operation_page_names_the_other_sources_that_reported_it(client, reviewer):
    first = ingest(TEXT, outlet="Diario de Prueba", title="Cocaína entre mangos")
    again = ingest(f"Paita: {TEXT}", outlet="Radio Norte", title="Mangos con droga", published=TUESDAY)
    operation = Operation.objects.get()
    client.force_login(reviewer)

    response = client.get(f"/admin/seizures/operation/{operation.pk}/change/")

    assert response.context["also_reported_by"] == [again]
    html = response.content.decode()
    assert "Also reported by" in html
    assert f'href="/admin/sources/source/{again.pk}/change/">Radio Norte</a>: “Mangos con droga” (2021-03-02)' in html
    assert f'href="/admin/sources/source/{first.pk}/change/">Diario de Prueba</a>: “Cocaína' not in html


def test_the_operation_page_of_a_singly_reported_operation_says_nothing_of_the_kind(client, reviewer):
    ingest(TEXT, outlet="Diario de Prueba")
    client.force_login(reviewer)

    response = client.get(f"/admin/seizures/operation/{Operation.objects.get().pk}/change/")

    assert response.context["also_reported_by"] == []
    assert "Also reported by" not in response.content.decode()
