"""Nothing a source or a form brings in runs as script in a reviewer's browser.

Hostile text comes in every way it can: pasted on the admin's *Add source* page, uploaded as
a web page there, ingested with `sources.ingestion`, pasted in the operation page's *Add a
source*, typed into the operation's form (place, note, a detainee's name), quoted in a
citation, given as a rejection reason, and sent back in refused forms that the page shows
again. Then every page a reviewer reads for those records is parsed, and must hold:

- no <script> but the site's own files (src under /static/, the admin's jsi18n) and JSON data
  blocks (`json_script`), no on* event-handler attribute, no javascript: link or source, no
  frame, object or embed;
- the hostile strings shown as text (decoded from the page, they read as typed), never as
  markup (the raw string is nowhere in the page).

Upload of a web page keeps its text only. The partner API answers JSON, CSV or GeoJSON, never
HTML, and tells browsers not to sniff.

The records are made once for the module, through the admin as a browser would, in a
transaction rolled back after its last test.
"""

import json
import re
from datetime import date
from html import escape
from html.parser import HTMLParser

import lxml.html
import pytest
from django import forms
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from seizures.models import Detainee, Operation
from sources.extraction import get_extractor
from sources.ingestion import IngestError, source_from_bytes, source_from_text, source_ingest
from sources.models import Citation, Source
from tests import factories
from tests.module_rows import rows_for_the_module
from tests.sources.fake_extractor import FakeExtractor, drug, proposal

# Marked as database tests, so that pytest-django runs them with the others that use the
# database, before the transactional tests (which leave the database empty behind them).
pytestmark = pytest.mark.django_db


FAKE_EXTRACTOR = "tests.sources.fake_extractor.FakeExtractor"

# --- Hostile input ------------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
SVG = "<svg onload=alert(1)>"
ANCHOR = '<a href="javascript:alert(1)">the statement</a>'
TEXTAREA = "</textarea><script>alert(2)</script>"
DOUBLE_QUOTES = '" onmouseover="alert(3)" x="'
SINGLE_QUOTES = "' onfocus='alert(4)' autofocus='"
ENTITIES = "&lt;script&gt;alert(5)&lt;/script&gt;"
JS_URL = "javascript:alert(1)"
# Strings that must never reach a page as they are (they would be markup there).
MARKUP = [SCRIPT, IMG, SVG, ANCHOR, TEXTAREA, DOUBLE_QUOTES, SINGLE_QUOTES, "<script>alert(5)</script>"]

# Pasted on the Add source page: every hostile string, around a seizure the extractor reads.
PASTED = (
    f"Police seized 250 kilograms of cocaine at {IMG} on Tuesday. "
    f"The shipment belonged to {SVG} according to {ANCHOR}. "
    f"Officers wrote {TEXTAREA} in their report. "
    f"A witness said {DOUBLE_QUOTES} and {SINGLE_QUOTES} too. "
    f"The log read {ENTITIES} verbatim. See {JS_URL} for more."
)
PASTED_TITLE = f"{SCRIPT} Port haul"
PASTED_OUTLET = f"{DOUBLE_QUOTES}{IMG}"
PASTED_AUTHOR = SINGLE_QUOTES
# Accepted as a URL (no blank), and stored percent-encoded.
PASTED_URL = f'https://news.example.org/a">{SCRIPT}'

# A web page with live markup: only its text may be kept.
LIVE_PAGE = f"""<html><head><title>&lt;img src=x onerror=alert(1)&gt; Ninety kilos</title>
<meta property="og:title" content="&lt;img src=x onerror=alert(1)&gt; Ninety kilos">
<meta property="og:site_name" content="&lt;svg onload=alert(1)&gt; Wire">
<link rel="canonical" href="{JS_URL}">
<script>alert("head")</script></head>
<body onload="alert('body')"><article>
<p>Police seized 90 kilograms of cocaine at the border post on Wednesday, the ministry said.</p>
<p>The haul {IMG} was hidden {SVG}<circle r="1"></circle></svg> in a lorry of bananas bound for Spain.</p>
<p><a href="{JS_URL}">Read the statement</a> <script>alert("body")</script> of the police, who detained two men.</p>
<p onclick="alert(6)" style="background:url({JS_URL})">Officers "quoted" and 'single' words &amp; more.</p>
<iframe src="{JS_URL}"></iframe><object data="{JS_URL}"></object>
</article></body></html>"""
LIVE_PAGE_TITLE = f"{IMG} Ninety kilos"
# A web page whose text names tags: decoded, they are words of the text, shown as such.
ENTITY_PAGE = """<html><head><title>Log of the raid</title></head><body><article>
<p>Police seized 180 kilograms of cocaine in a warehouse on Friday, the prosecutors said.</p>
<p>The suspects' laptop showed &lt;script&gt;alert(1)&lt;/script&gt; in a browser window, an officer said.</p>
<p>Another screen read &lt;/textarea&gt;&lt;script&gt;alert(2)&lt;/script&gt; when it was seized.</p>
</article></body></html>"""

# Typed into the operation's form, a rejection, a citation; pasted beside an operation.
EDITED_PLACE = DOUBLE_QUOTES + "Paita"
EDITED_SUMMARY = f"Summary {TEXTAREA} and {SINGLE_QUOTES}"
DETAINEE_NAME = f"{IMG}Juan"
REJECTION = f"Counted twice {SCRIPT}"
BESIDE_TEXT = f"Customs said {SCRIPT} and {IMG} were found in a lorry of 40 kilograms of cocaine."
BESIDE_TITLE = f"{SVG} customs"
BESIDE_OUTLET = f"{TEXTAREA}Aduanas"
REFUSED_QUOTE = f"{TEXTAREA} is not in the text"


def _script(text):
    """The stand-in extractor: one operation per text that reports a seizure, its place the
    hostile string the text holds, and the group named by markup."""
    found = re.search(r"Police seized (\d+) kilograms of cocaine", text)
    if not found:
        return []
    kg = int(found.group(1))
    when = {250: date(2021, 4, 6), 180: date(2021, 4, 20), 90: date(2021, 4, 28)}[kg]
    place = next((candidate for candidate in (IMG, "<script>alert(1)</script>") if candidate in text), None)
    return [
        proposal(
            text,
            found.group(0),
            date=when,
            items=[drug(text, f"{kg} kilograms", "cocaine", kg)],
            place=place,
            organization=SVG if SVG in text else None,
        )
    ]


def _install_fake_extractor():
    FakeExtractor.script = staticmethod(_script)
    FakeExtractor.version = "1.0"
    get_extractor.cache_clear()


# --- Reading pages ------------------------------------------------------------------------------

OWN_SCRIPTS = ("/static/", "/admin/jsi18n/", "/api/docs/?script")
# The one inline script of a page of ours: django-admin-rangefilter's date filter on the queue,
# a template of the library's holding no data (the policy's script-src 'self' blocks it anyway).
KNOWN_INLINE_SCRIPTS = [
    re.compile(r"\s*django\.jQuery\('document'\)\.ready\(function \(\) \{\s+django\.jQuery\('\.admindatefilter #")
]
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "srcdoc"}
EMBEDDING = {"iframe", "frame", "object", "embed", "base", "applet"}


def _runs_script(url: str) -> bool:
    # Browsers drop control characters and blank space in a scheme: "java\tscript:" runs.
    squeezed = re.sub(r"[\x00-\x20]", "", url).lower()
    return squeezed.startswith(("javascript:", "vbscript:", "data:text/html"))


class PageScan(HTMLParser):
    """Every tag of a page, read as an HTML tokenizer reads them (also inside a <textarea>,
    so a textarea closed early by its content shows up), with what could run script."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.strings: list[str] = []  # text and attribute values, decoded
        self.scripts: list[dict] = []
        self._script: dict | None = None

    def handle_starttag(self, tag, attrs):
        shown = self.get_starttag_text()
        for name, value in attrs:
            self.strings.append(value or "")
            if name.startswith("on"):
                self.problems.append(f"event handler {name!r}: {shown}")
            if name in URL_ATTRIBUTES and value and _runs_script(value):
                self.problems.append(f"script URL in {name!r}: {shown}")
        if tag in EMBEDDING:
            self.problems.append(f"<{tag}>: {shown}")
        if tag == "meta" and any(n == "http-equiv" and (v or "").lower() == "refresh" for n, v in attrs):
            self.problems.append(f"meta refresh: {shown}")
        if tag == "script":
            self._script = {"attrs": dict(attrs), "text": "", "tag": shown}
            self.scripts.append(self._script)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self._script = None

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self._script["text"] += data
        else:
            self.strings.append(data)

    def close(self):
        super().close()
        for script in self.scripts:
            src = script["attrs"].get("src")
            if src is not None:
                if not src.startswith(OWN_SCRIPTS) or script["text"].strip():
                    self.problems.append(f"script not ours: {script['tag']}{script['text'][:80]}")
            elif script["attrs"].get("type") == "application/json":
                try:
                    json.loads(script["text"])
                except ValueError:
                    self.problems.append(f"data block that is not JSON: {script['tag']}{script['text'][:80]}")
            elif not (
                any(known.match(script["text"]) for known in KNOWN_INLINE_SCRIPTS)
                and "alert(" not in script["text"]
                and "</" not in script["text"]
            ):
                self.problems.append(f"inline script: {script['tag']}{script['text'][:80]}")


def scan(html: str) -> PageScan:
    page = PageScan()
    page.feed(html)
    page.close()
    return page


def assert_harmless(html: str, *, shows=(), where: str = ""):
    """Nothing in `html` could run script, no hostile string is in it as markup, and each of
    `shows` is in it as text (so it was escaped, not dropped)."""
    page = scan(html)
    assert not page.problems, f"{where}: executable markup:\n  " + "\n  ".join(page.problems)
    raw = [hostile for hostile in MARKUP if hostile in html]
    assert not raw, f"{where}: hostile strings unescaped in the page: {raw}"
    missing = [text for text in shows if not any(text in string for string in page.strings)]
    assert not missing, f"{where}: not shown as text: {missing}"
    return page


def source_text_shown(html: str, source: Source) -> str:
    """The text of the operation page's panel for `source`, as a browser shows it."""
    document = lxml.html.fromstring(html)
    panels = document.xpath(f'//div[contains(@class, "source-text")][@data-source-id="{source.pk}"]')
    assert len(panels) == 1, f"no single text panel for source #{source.pk}"
    return panels[0].text_content()


def test_the_checks_find_what_they_look_for():
    """The scanner itself, on the markup it must catch and on a page it must let through."""
    hostile_pages = [
        f"<p>{SCRIPT}</p>",
        f"<p>{IMG}</p>",
        f"<div>{SVG}</div>",
        f"<p>{ANCHOR}</p>",
        f"<textarea>{TEXTAREA}</textarea>",
        f'<input value="{DOUBLE_QUOTES}">',
        f"<input value='{SINGLE_QUOTES}'>",
        '<a href=" java\tscript:alert(1)">x</a>',
        '<iframe src="https://example.org/"></iframe>',
        '<script src="https://evil.example/x.js"></script>',
        '<script type="application/json">{"a": 1}</script><script>alert(1)</script>',
    ]
    for html in hostile_pages:
        assert scan(html).problems, html
    fine = (
        '<script src="/static/seizures/cite.js" defer></script>'
        '<script type="application/json" id="x">{"a": "\\u003Cscript\\u003E"}</script>'
        f'<p>{escape(SCRIPT)}</p><input value="{escape(DOUBLE_QUOTES)}"><a href="/admin/">ok</a>'
    )
    assert not assert_harmless(fine, shows=[SCRIPT, DOUBLE_QUOTES]).problems


# --- The scene ----------------------------------------------------------------------------------

ADD_SOURCE = "/admin/sources/source/add/"


def _add_source_fields(**overrides):
    data = {
        "kind": "article",
        "outlet": "",
        "title": "",
        "author": "",
        "url": "",
        "published": "2021-04-07",
        "language": "en",
        "retrieved_at_0": "",
        "retrieved_at_1": "",
        "text": "",
    }
    return {**data, **overrides}


def _form_data(response) -> dict:
    """What a browser posts back, unchanged, from the admin change form in `response`."""
    assert response.status_code == 200
    forms_shown = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms_shown += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms_shown:
        for name, field in form.fields.items():
            value = form[name].value()
            if value is False:
                continue  # an unticked box sends nothing
            if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
                data[form.add_prefix(name)] = [str(v) for v in value or []]
            elif value is None:
                data[form.add_prefix(name)] = ""
            elif value is True:
                data[form.add_prefix(name)] = "on"
            else:
                data[form.add_prefix(name)] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return data


def _add_inline_row(response, data: dict, model, values: dict, parent) -> None:
    formset = next(i.formset for i in response.context["inline_admin_formsets"] if i.formset.model is model)
    index = int(data[f"{formset.prefix}-TOTAL_FORMS"])
    data[f"{formset.prefix}-TOTAL_FORMS"] = str(index + 1)
    data[f"{formset.prefix}-{index}-id"] = ""
    data[f"{formset.prefix}-{index}-operation"] = str(parent.pk)
    for name, value in values.items():
        data[f"{formset.prefix}-{index}-{name}"] = value


class Scene:
    """The records the hostile input made, and the pages answered to the posts that made them."""

    def __init__(self):
        self.ids: dict = {}
        self.captured: dict[str, str] = {}  # page name: HTML
        self.clients: dict[str, Client] = {}
        self.key: str = ""


def _ok(response, what):
    assert response.status_code in (200, 302), f"{what}: {response.status_code}"
    return response


def _build_scene() -> Scene:
    scene = Scene()
    editor = factories.editor(username="eddie")
    reviewer = factories.reviewer(username="rita")
    scene.clients["editor"] = as_editor = Client()
    as_editor.force_login(editor)
    scene.clients["reviewer"] = as_reviewer = Client()
    as_reviewer.force_login(reviewer)

    # 1. Pasted on the Add source page, every field hostile.
    response = as_editor.post(
        ADD_SOURCE,
        _add_source_fields(text=PASTED, title=PASTED_TITLE, outlet=PASTED_OUTLET, author=PASTED_AUTHOR, url=PASTED_URL),
        follow=True,
    )
    assert response.redirect_chain, response.context["adminform"].form.errors if response.context else response
    scene.captured["after adding a pasted source"] = response.content.decode()
    pasted = Source.objects.get(title=PASTED_TITLE)

    # 2. A javascript: URL is refused; the form comes back with what was typed.
    response = as_editor.post(ADD_SOURCE, _add_source_fields(text=BESIDE_TEXT, title=PASTED_TITLE, url=JS_URL))
    assert response.status_code == 200 and "url" in response.context["adminform"].form.errors
    scene.captured["add source refused for its javascript: URL"] = response.content.decode()

    # 3. A live web page uploaded on the Add source page.
    response = as_editor.post(
        ADD_SOURCE, _add_source_fields(upload=SimpleUploadedFile("raid.html", LIVE_PAGE.encode())), follow=True
    )
    assert response.redirect_chain, response.context["adminform"].form.errors if response.context else response
    uploaded = Source.objects.get(title=LIVE_PAGE_TITLE)

    # 4. A web page naming tags, through sources.ingestion.
    decoded = source_ingest(by=editor, source=source_from_bytes(ENTITY_PAGE.encode(), filename="log.html")).source

    first = Operation.objects.get(citations__source=pasted)  # its place: IMG, its group: SVG
    second = Operation.objects.get(citations__source=decoded)  # its place: <script>alert(1)</script>
    third = Operation.objects.get(citations__source=uploaded)
    first_page = f"/admin/seizures/operation/{first.pk}"
    second_page = f"/admin/seizures/operation/{second.pk}"

    # 5. Fields decided, a quote of markup cited, then the form edited with markup.
    _ok(
        as_editor.post(f"{first_page}/fields/date_start/accept/", {"source": pasted.pk}),
        "field accepted",
    )
    response = as_editor.post(
        f"{first_page}/cite/",
        {"source": pasted.pk, "quote": SVG, "start": "", "supports": "operation", "field": "criminal_group"},
        follow=True,
    )
    scene.captured["after citing a quote of markup"] = response.content.decode()
    assert Citation.objects.filter(operation=first, quote=SVG).exists()
    page = as_editor.get(f"{first_page}/change/")
    data = _form_data(page)
    data.update(place=EDITED_PLACE, summary=EDITED_SUMMARY, latitude="-5.08", longitude="-81.11")
    _add_inline_row(page, data, Detainee, {"name": DETAINEE_NAME, "age": "30", "nationality": "PE"}, first)
    response = as_editor.post(f"{first_page}/change/", data, follow=True)
    assert response.redirect_chain, response.context["adminform"].form.errors if response.context else response
    scene.captured["after saving the operation form"] = response.content.decode()
    first.refresh_from_db()
    assert (first.place, first.summary) == (EDITED_PLACE, EDITED_SUMMARY)
    assert first.detainees.filter(name=DETAINEE_NAME).exists()
    # The editor decides the other fields; verified by the reviewer: published, on the
    # overview and in the API.
    _ok(as_editor.post(f"{first_page}/fields/all/accept/"), "Accepted")
    factories.check(first, by=editor)
    _ok(as_reviewer.post(f"{first_page}/transition/verify/"), "verified")
    first.refresh_from_db()
    assert first.status == Operation.Status.VERIFIED

    # 6. On the second operation's page: a source pasted beside it, the same again (refused
    #    with the first named), a form refused and shown again, a quote refused and shown again.
    beside = {
        "add-source-text": BESIDE_TEXT,
        "add-source-url": "",
        "add-source-kind": "article",
        "add-source-outlet": BESIDE_OUTLET,
        "add-source-title": BESIDE_TITLE,
        "add-source-published": "2021-04-21",
    }
    response = as_editor.post(f"{second_page}/add-source/", beside, follow=True)
    scene.captured["after adding a source beside an operation"] = response.content.decode()
    beside_source = Source.objects.get(title=BESIDE_TITLE)
    response = as_editor.post(f"{second_page}/add-source/", beside, follow=True)
    scene.captured["after adding the same source again"] = response.content.decode()
    response = as_editor.post(
        f"{second_page}/add-source/",
        {**beside, "add-source-text": f"Other text {TEXTAREA}", "add-source-url": JS_URL},
        follow=True,
    )
    scene.captured["after a refused source, shown again"] = response.content.decode()
    response = as_editor.post(
        f"{second_page}/cite/",
        {"source": decoded.pk, "quote": REFUSED_QUOTE, "start": "", "supports": "operation", "field": ""},
        follow=True,
    )
    scene.captured["after a refused quote, shown again"] = response.content.decode()

    # 7. The third operation rejected with markup in the reason.
    _ok(
        as_reviewer.post(f"/admin/seizures/operation/{third.pk}/transition/reject/", {"reason": REJECTION}),
        "rejected",
    )

    scene.key = factories.partner_api_key(personal_data=True)[1]
    scene.ids = {
        "first": first.pk,
        "second": second.pk,
        "third": third.pk,
        "first_public": first.public_id,
        "pasted": pasted.pk,
        "uploaded": uploaded.pk,
        "decoded": decoded.pk,
        "beside": beside_source.pk,
        "group": first.criminal_group_id,
        "citation": Citation.objects.get(operation=first, quote=SVG).pk,
        "first_history": first.history.latest("history_id").history_id,
        "pasted_history": pasted.history.latest("history_id").history_id,
    }
    return scene


@pytest.fixture(scope="module")
def scene(django_db_setup, django_db_blocker):
    try:
        with rows_for_the_module(django_db_blocker, SOURCES_EXTRACTOR=FAKE_EXTRACTOR, DEBUG=False):
            _install_fake_extractor()
            yield _build_scene()
    finally:
        get_extractor.cache_clear()
        cache.clear()


@pytest.fixture(autouse=True)
def quiet_site(settings):
    settings.DEBUG = False
    settings.PARTNER_API_RATE = "100000/hour"
    settings.SOURCES_EXTRACTOR = FAKE_EXTRACTOR
    _install_fake_extractor()
    cache.clear()
    yield
    cache.clear()
    get_extractor.cache_clear()


# --- What came in -------------------------------------------------------------------------------


def test_the_hostile_input_is_stored_as_typed(scene, db):
    pasted = Source.objects.get(pk=scene.ids["pasted"])
    assert (pasted.text, pasted.title, pasted.outlet, pasted.author) == (
        PASTED,
        PASTED_TITLE,
        PASTED_OUTLET,
        PASTED_AUTHOR,
    )
    # Kept percent-encoded: no quote or bracket of it can reach an attribute.
    assert pasted.url == "https://news.example.org/a%22%3E%3Cscript%3Ealert(1)%3C/script%3E"
    first = Operation.objects.get(pk=scene.ids["first"])
    assert first.criminal_group.name == SVG
    assert Operation.objects.get(pk=scene.ids["second"]).place == "<script>alert(1)</script>"
    assert Operation.objects.get(pk=scene.ids["third"]).rejection_reason == REJECTION
    beside = Source.objects.get(pk=scene.ids["beside"])
    assert (beside.title, beside.outlet, beside.text) == (BESIDE_TITLE, BESIDE_OUTLET, BESIDE_TEXT)


def test_an_uploaded_web_page_is_stored_as_text_without_its_markup(scene, db):
    uploaded = Source.objects.get(pk=scene.ids["uploaded"])

    assert "Police seized 90 kilograms of cocaine at the border post" in uploaded.text
    assert "bound for Spain" in uploaded.text and "Read the statement" in uploaded.text
    for markup in ["<", ">", "alert", "onerror", "onload", "onclick", "javascript", "iframe", "circle"]:
        assert markup not in uploaded.text, markup
    # What the page says about itself is text too, and taken as such (its canonical
    # javascript: link is not a web address, so not its URL).
    assert uploaded.title == LIVE_PAGE_TITLE
    assert uploaded.url is None


def test_tags_named_by_a_web_page_are_words_of_its_text(scene, db):
    decoded = Source.objects.get(pk=scene.ids["decoded"])

    assert "showed <script>alert(1)</script> in a browser window" in decoded.text
    assert "</textarea><script>alert(2)</script>" in decoded.text


@pytest.mark.parametrize(
    "url",
    [
        JS_URL,
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>x</script>",
    ],
)
def test_ingestion_refuses_a_url_that_is_not_a_web_address(scene, db, url):
    before = Source.objects.count()

    with pytest.raises(IngestError, match="URL"):
        source_ingest(by=None, source=source_from_text("Forty kilograms of cocaine were seized.", url=url))
    with pytest.raises(IngestError, match="URL"):
        article = json.dumps({"text": "Thirty kilograms of cocaine were seized.", "url": url})
        source_ingest(by=None, source=source_from_bytes(article.encode(), filename="article.json"))

    assert Source.objects.count() == before


# --- Every page a reviewer reads ----------------------------------------------------------------

FIRST = "/admin/seizures/operation/{first}"
SECOND = "/admin/seizures/operation/{second}"

# (name, URL, who reads it, strings it must show as text)
PAGES = [
    ("the index and its inbox", "/admin/", "reviewer", []),
    ("the queue", "/admin/seizures/operation/?status=all", "reviewer", [EDITED_PLACE, "<script>alert(1)</script>"]),
    ("the queue searched with markup", f"/admin/seizures/operation/?status=all&q={SCRIPT}", "reviewer", [SCRIPT]),
    (
        "the verified operation's page",
        f"{FIRST}/change/",
        "reviewer",
        [EDITED_PLACE, EDITED_SUMMARY, DETAINEE_NAME, PASTED_TITLE, PASTED_OUTLET, SVG, IMG],
    ),
    (
        "the verified operation's page, for its editor",
        f"{FIRST}/change/",
        "editor",
        [EDITED_PLACE, EDITED_SUMMARY, DETAINEE_NAME, PASTED_TITLE],
    ),
    (
        "the operation in review's page",
        f"{SECOND}/change/",
        "reviewer",
        ["<script>alert(1)</script>", BESIDE_TITLE, BESIDE_OUTLET],
    ),
    ("the rejected operation's page", "/admin/seizures/operation/{third}/change/", "reviewer", [REJECTION]),
    ("the operation's history", f"{FIRST}/history/", "reviewer", [EDITED_PLACE, IMG, DETAINEE_NAME]),
    ("a version of the operation", f"{FIRST}/history/{{first_history}}/", "reviewer", [EDITED_PLACE]),
    ("the sources", "/admin/sources/source/", "reviewer", [PASTED_TITLE, PASTED_OUTLET, LIVE_PAGE_TITLE, BESIDE_TITLE]),
    ("the sources searched with markup", f"/admin/sources/source/?q={IMG}", "reviewer", [IMG]),
    (
        "the pasted source's page",
        "/admin/sources/source/{pasted}/change/",
        "reviewer",
        [PASTED, PASTED_TITLE, PASTED_OUTLET, PASTED_AUTHOR],
    ),
    ("the uploaded source's page", "/admin/sources/source/{uploaded}/change/", "reviewer", [LIVE_PAGE_TITLE]),
    (
        "the decoded source's page",
        "/admin/sources/source/{decoded}/change/",
        "reviewer",
        ["<script>alert(1)</script>", TEXTAREA],
    ),
    ("the pasted source's history", "/admin/sources/source/{pasted}/history/", "reviewer", []),
    (
        "a version of the pasted source",
        "/admin/sources/source/{pasted}/history/{pasted_history}/",
        "reviewer",
        [PASTED_TITLE],
    ),
    ("the citations", "/admin/sources/citation/", "reviewer", [SVG]),
    ("the citation of markup", "/admin/sources/citation/{citation}/change/", "reviewer", [SVG]),
    ("the criminal groups", "/admin/seizures/criminalgroup/", "reviewer", [SVG]),
    ("the group named with markup", "/admin/seizures/criminalgroup/{group}/change/", "reviewer", [SVG]),
    ("the add source page", ADD_SOURCE, "editor", []),
    ("the overview", "/overview/", "reviewer", [EDITED_PLACE]),
    ("the overview with markup in its filters", f"/overview/?country={SCRIPT}&drug={IMG}", "reviewer", []),
    ("a login page sent to a javascript: URL", f"/admin/login/?next={JS_URL}", "anonymous", []),
    ("an admin page that is not there", f"/admin/{SCRIPT}/", "reviewer", []),
    ("the API's docs", "/api/docs/", "anonymous", []),
]


def _client(scene, who):
    return scene.clients.get(who) or Client()


@pytest.mark.parametrize(("name", "url", "who", "shows"), PAGES, ids=[page[0] for page in PAGES])
def test_a_page_runs_no_hostile_script(scene, db, name, url, who, shows):
    response = _client(scene, who).get(url.format(**scene.ids))

    assert response.status_code in (200, 400, 404), f"{name}: {response.status_code}"
    assert response["Content-Type"].startswith("text/html")
    assert_harmless(response.content.decode(), shows=shows, where=name)


@pytest.mark.parametrize(
    "name",
    [
        "after adding a pasted source",
        "add source refused for its javascript: URL",
        "after citing a quote of markup",
        "after saving the operation form",
        "after adding a source beside an operation",
        "after adding the same source again",
        "after a refused source, shown again",
        "after a refused quote, shown again",
    ],
)
def test_a_page_answering_a_post_runs_no_hostile_script(scene, name):
    """The pages shown after the posts that brought the markup in: their messages name the
    sources, and a refused form comes back with what was typed."""
    assert_harmless(scene.captured[name], where=name)


def test_what_a_refused_form_comes_back_with_is_shown_as_text(scene):
    refused_source = scan(scene.captured["after a refused source, shown again"])
    assert any(f"Other text {TEXTAREA}" in string for string in refused_source.strings)
    refused_quote = scan(scene.captured["after a refused quote, shown again"])
    assert any(REFUSED_QUOTE in string for string in refused_quote.strings)
    refused_url = scan(scene.captured["add source refused for its javascript: URL"])
    assert JS_URL in refused_url.strings  # in the URL field, to correct; never a link
    duplicate = scan(scene.captured["after adding the same source again"])
    assert any(BESIDE_TITLE in string and "already source" in string for string in duplicate.strings)


def test_the_source_text_beside_an_operation_reads_as_the_source(scene, db):
    """The panel splits the text around highlights and field links; shown, it is the
    source's text exactly, the markup in it included as words."""
    html = scene.clients["reviewer"].get(f"/admin/seizures/operation/{scene.ids['first']}/change/").content.decode()
    pasted = Source.objects.get(pk=scene.ids["pasted"])
    assert source_text_shown(html, pasted) == PASTED
    document = lxml.html.fromstring(html)
    # The quote of markup and the proposed place are marked and linked in it.
    assert any(mark.text_content() == SVG for mark in document.xpath("//div[@data-source-id]//mark"))
    assert document.xpath('//div[@data-source-id]//a[contains(@class, "field-span")]')
    # The link to the original is the stored, percent-encoded URL.
    links = document.xpath('//a[text()="original"]/@href')
    assert links == [pasted.url]

    html = scene.clients["reviewer"].get(f"/admin/seizures/operation/{scene.ids['second']}/change/").content.decode()
    for source in Source.objects.filter(pk__in=[scene.ids["decoded"], scene.ids["beside"]]):
        assert source_text_shown(html, source) == source.text


# --- The partner API ---------------------------------------------------------------------------

API_PAGES = [
    ("/api/v1/operations/", "application/json"),
    ("/api/v1/operations/?format=csv", "text/csv"),
    ("/api/v1/operations/?format=geojson", "application/geo+json"),
    ("/api/v1/operations/{first_public}/", "application/json"),
    ("/api/v1/sources/", "application/json"),
    ("/api/v1/sources/{pasted}/", "application/json"),
    ("/api/v1/criminal-groups/", "application/json"),
    ("/api/v1/stats/", "application/json"),
    (f"/api/v1/operations/?country={SCRIPT}", "application/json"),
    (f"/api/v1/{SCRIPT}/", "application/json"),
    ("/api/v1/operations/?format=api", "application/json"),
    ("/api/schema/?format=json", "application/vnd.oai.openapi+json"),
]


@pytest.mark.parametrize(("url", "content_type"), API_PAGES)
def test_the_api_answers_data_never_a_page(scene, db, url, content_type):
    """A partner's key: whatever the records hold, the answer is data a browser will not
    render as a page."""
    client = Client(HTTP_AUTHORIZATION=f"Api-Key {scene.key}")

    response = client.get(url.format(**scene.ids))

    assert response["Content-Type"].split(";")[0] == content_type, response.content[:300]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_api_carries_the_hostile_strings_as_data(scene, db):
    client = Client(HTTP_AUTHORIZATION=f"Api-Key {scene.key}")

    document = client.get(f"/api/v1/operations/{scene.ids['first_public']}/").json()

    assert document["place"] == EDITED_PLACE
    assert [d["name"] for d in document["detainees"]] == [DETAINEE_NAME]
    # CSV cells that a spreadsheet would read as a formula or markup stay plain text.
    csv = client.get("/api/v1/operations/?format=csv").content.decode()
    assert EDITED_PLACE.replace('"', '""') in csv


def test_the_admin_autocomplete_answers_data_never_a_page(scene, db):
    response = scene.clients["reviewer"].get(
        "/admin/autocomplete/",
        {"app_label": "seizures", "model_name": "operation", "field_name": "criminal_group", "term": "svg"},
    )

    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert [result["text"] for result in response.json()["results"]] == [SVG]
