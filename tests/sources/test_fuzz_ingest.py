"""Property tests of the extractor and of ingestion with random and hostile text.

Texts come from three generators: random Unicode; hostile fragments (NUL and other control
characters, right-to-left marks, zero-width characters, `<script>`, nested and unclosed tags,
malformed entities, emoji, combining marks, very long lines and numbers); and texts that look
like seizure reports ("seized 3,082 kg of cocaine", dates, places, agencies, arrests) with
random numbers, units and dates, some of them impossible, and the hostile fragments mixed in.

Properties:
- the extractor never raises, and every span it returns (each value, each item, each
  sentence, and each quote ingestion would cite) lies inside the text it was given;
- ingesting a file (text, web page or JSON article) either succeeds, and then every citation
  it drafted quotes the stored text at its offsets and every drafted operation is cited from
  it, or is refused with an `IngestError` (or `DuplicateSourceError`) with nothing saved;
  and the same file ingested again is refused as a duplicate, again with nothing saved.

Three crashes these properties found (fixed since) are pinned at the end of the module, each by
its smallest input.

The runs are derandomized and keep no example database, so every run tries the same examples
and a failure in CI is one anyone can replay (the `fuzz-ingest` profile below); with
`FUZZ_INGEST=deep` in the environment they try twenty times as many, fresh ones each time. Each example runs in a transaction rolled back at its
end, inside the test's own, so examples never see each other's rows.
"""

import contextlib
import datetime
import json
import os
import re

import pytest
from django.apps import apps
from django.db import transaction
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from seizures.models import Operation
from sources.extraction import get_extractor
from sources.ingestion import DuplicateSourceError, IngestError, citation_spans, source_from_bytes, source_ingest
from sources.models import Citation, OperationProposal, Source

settings.register_profile(
    "fuzz-ingest",
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    # The test's `db` transaction is shared by the examples on purpose: each example rolls
    # back its own savepoint (see `rolled_back`).
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile("fuzz-ingest-deep", settings.get_profile("fuzz-ingest"), max_examples=1000, derandomize=False)
PROFILE = settings.get_profile("fuzz-ingest-deep" if os.environ.get("FUZZ_INGEST") == "deep" else "fuzz-ingest")


# --- Strategies ---------------------------------------------------------------------------------

HOSTILE = [
    "\x00",
    "\x01\x02\x03",
    "\x07",
    "\x0b",
    "\x1b[31m",
    "\x7f",
    "\u200f",  # right-to-left mark
    "\u202e",  # right-to-left override
    "\u2066\u2069",  # isolates
    "\u200b\u200c\u200d",  # zero-width space, non-joiner, joiner
    "\ufeff",  # byte-order mark in the middle
    "\u00a0",
    "\u2028\u2029",  # line and paragraph separators
    "e\u0301",  # combining accent
    "\u0627\u0644\u0634\u0631\u0637\u0629",  # Arabic
    "\u05de\u05e9\u05d8\u05e8\u05d4",  # Hebrew
    "<script>alert('seized 1 kg')</script>",
    "<style>p{}</style>",
    "<b><i>nested</b></i>",
    "<p><p><p>",
    "<div",
    "</html>",
    "<!-- 500 kg -->",
    "<![CDATA[ 20 kg ]]>",
    "&amp;",
    "&amp",
    "&#xZZ;",
    "&#99999999;",
    "&#0;",
    "&nbsp",
    "&;",
    "🚢💊🧪",
    "👩🏽‍✈️",
    "🇵🇪",
    "\r\n",
    "\r",
    "\t\t",
    "\n\n\n",
    "9" * 28,
    "0.000000000000000000000001 kg",
    "1e308",
    "NaN kg",
    "-0 kg",
    "3,082,,,kg",
    "1.2.3.4 kg",
    "½ ton",
    "٣٠٨٢ kg",  # Arabic-Indic digits
    "３０８２ kg",  # full-width digits
]

DRUGS = ["cocaine", "cocaína", "marijuana", "cannabis", "heroin", "fentanyl", "methamphetamine", "cocaine paste"]
UNITS = ["kg", "kilograms", "kilos", "kilogramos", "tons", "tonnes", "toneladas"]
UNITS += ["g", "grams", "pounds", "lb", "litres"]
PLACES = ["Paita Port", "Callao", "Lima", "Guayaquil", "Santa Marta", "Rotterdam", "Satipo province", "Ciudad del Este"]
AGENCIES = ["DIRANDRO", "Police", "the Navy", "Policía Nacional", "customs officers", "the DEA", "Polícia Federal"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November"]
MONTHS += ["December", "enero", "febrero", "marzo"]


@st.composite
def numbers(draw) -> str:
    # Up to 28 digits: one more crashes the extractor (see the known bugs at the end).
    value = draw(st.one_of(st.integers(0, 10_000), st.integers(0, 10**28 - 1), st.floats(0, 1e12, allow_nan=False)))
    if isinstance(value, float):
        return draw(st.sampled_from([f"{value:.2f}", f"{value:,.3f}", f"{value:.1f}".replace(".", ",")]))
    return draw(st.sampled_from([str(value), f"{value:,}", f"{value:,}".replace(",", "."), f"{value:_}"]))


@st.composite
def dates(draw) -> str:
    day, year = draw(st.integers(0, 40)), draw(st.integers(1, 9999))
    month = draw(st.sampled_from(MONTHS))
    return draw(
        st.sampled_from(
            [
                f"on {day} {month} {year}",
                f"on {month} {day}, {year}",
                f"el {day} de {month} de {year}",
                f"{year}-{day:02d}-{day:02d}",
                f"{day}/{day}/{year}",
                "on Monday",
                "yesterday",
                "two days later",
            ]
        )
    )


@st.composite
def seizure_sentences(draw) -> str:
    number, unit, drug = draw(numbers()), draw(st.sampled_from(UNITS)), draw(st.sampled_from(DRUGS))
    where, who, when = draw(st.sampled_from(PLACES)), draw(st.sampled_from(AGENCIES)), draw(dates())
    return draw(
        st.sampled_from(
            [
                f"{who} seized {number} {unit} of {drug} at {where} {when}.",
                f"{when.capitalize()}, {who} found {number} {unit} of {drug} in a container in {where}.",
                f"Se incautaron {number} {unit} de {drug} en {where} {when}.",
                f"{number} Peruvians and {number} Colombians were arrested in {where}.",
                f"The shipment of {number} {unit} was bound for {where} via {draw(st.sampled_from(PLACES))}.",
                f"In {when[3:] if when.startswith('on ') else when} a total of {number} {unit} were seized.",
            ]
        )
    )


pieces = st.one_of(
    seizure_sentences(),
    st.sampled_from(HOSTILE),
    st.text(max_size=30),
    st.sampled_from([" ", ". ", "\n\n", "\n"]),
)
reports = st.lists(pieces, min_size=1, max_size=12).map("".join)


@st.composite
def plausible_reports(draw) -> str:
    """A report the extractor drafts operations from (a country, a real date, an amount of a
    drug), with random numbers and units, and hostile fragments between its sentences."""
    country = draw(st.sampled_from(["Peru", "Colombia", "Ecuador", "Brazil", "Panama"]))
    headline = draw(st.sampled_from([f"{country}: police seize drugs", f"Record haul in {country}", ""]))
    sentences = []
    for _ in range(draw(st.integers(1, 3))):
        date = draw(st.dates(datetime.date(2000, 1, 1), datetime.date(2025, 12, 31)))
        when = draw(st.sampled_from([f"On {date.day} {date:%B %Y}", f"On {date:%B} {date.day}, {date.year}"]))
        number = draw(st.one_of(st.integers(1, 20_000).map("{:,}".format), numbers()))
        unit = draw(st.sampled_from(UNITS))
        drug, who = draw(st.sampled_from(DRUGS)), draw(st.sampled_from(AGENCIES))
        sentences.append(
            f"{when}, {who} seized {number} {unit} of {drug} in {draw(st.sampled_from(PLACES))}, {country}."
        )
        sentences.append(draw(st.one_of(st.just(""), seizure_sentences(), st.sampled_from(HOSTILE))))
    separator = draw(st.sampled_from([" ", "\n\n", "\n", " \u200f", "<br>"]))
    return separator.join([headline, *sentences])


long_lines = st.builds(lambda s, n: s * n, st.sampled_from(["a", "seized 1 kg ", "💊", "9"]), st.integers(500, 4000))
# Listed twice: half the texts are ones the extractor finds operations in.
texts = st.one_of(plausible_reports(), plausible_reports(), st.text(max_size=300), reports, long_lines)


@st.composite
def html_pages(draw) -> str:
    body = "".join(f"<p>{draw(reports)}</p>" for _ in range(draw(st.integers(1, 4))))
    noise = draw(st.sampled_from(["", "<nav>Home | News</nav>", "<script>var kg = 500;</script>", "<div><div>"]))
    title = draw(st.sampled_from(["Seizure", "", "<b>Big</b> haul", draw(st.text(max_size=20))]))
    return f"<html><head><title>{title}</title></head><body>{noise}<article>{body}</article></body></html>"


@st.composite
def json_articles(draw) -> str:
    article = {"text": draw(texts)}
    if draw(st.booleans()):
        article["published"] = draw(
            st.one_of(
                st.dates().map(datetime.date.isoformat),
                st.text(max_size=12),
                st.integers(),
                st.none(),
                st.sampled_from(["2021-02-30", "2021-13-01", "0000-01-01", "2021-03-01T25:00"]),
                st.sampled_from(EDGE_DATES).map(datetime.date.isoformat),
            )
        )
    if draw(st.booleans()):
        article["title"] = draw(st.one_of(st.text(max_size=40), st.integers(), st.none()))
    if draw(st.booleans()):
        article["url"] = draw(st.sampled_from(["", "https://news.example.org/a", "not a url", "javascript:alert(1)"]))
    return json.dumps(article, ensure_ascii=draw(st.booleans()))


def utf8(text: str) -> bytes:
    # `st.text` makes no lone surrogates (UTF-8 cannot encode them; a JSON article can still
    # escape one: see the known bugs at the end).
    return text.encode("utf-8")


# A numeral of 29 digits or more, once the extractor has folded the text (NFKD: full-width
# digits become ASCII) and read "3,082" or "12 400" as one number (as lexicon's numerals do:
# a point or comma between digits, a space before a group of three).
_DIGIT_SEPARATOR = re.compile(r"(?<=\d)(?:[.,]|\s(?=\d{3}(?!\d)))(?=\d)")
# Publication dates this close to the calendar's ends: "yesterday", "last Sunday", "two days
# later" (chained from one operation to the next) step off it.
_CALENDAR_MARGIN = datetime.timedelta(days=366)
# Publication dates the generators offer besides random ones: the calendar's ends.
EDGE_DATES = [datetime.date.min, datetime.date.min + datetime.timedelta(days=1), datetime.date.max]


files = st.one_of(
    st.tuples(st.just("report.txt"), texts.map(utf8)),
    st.tuples(st.just("page.html"), html_pages().map(utf8)),
    st.tuples(st.just("article.json"), json_articles().map(utf8)),
    st.tuples(st.sampled_from(["report.txt", "page.html", "article.json"]), st.binary(max_size=200)),
)


# --- The extractor ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def extractor():
    return get_extractor()


def extracted_values(operation):
    singles = [operation.date_start, operation.date_end, operation.country, operation.admin1, operation.place]
    singles += [operation.detainees_total, operation.organization]
    many = [*operation.agencies, *operation.destinations, *operation.transit]
    many += list(operation.detainees_by_nationality.values())
    for item in operation.items:
        many += [item.drug_type, item.form, item.quantity]
    return [value for value in [*singles, *many] if value is not None]


def assert_spans_inside(text: str, result) -> None:
    json.dumps(result.to_dict())  # kept with the run as JSON: must serialise
    for operation in result.operations:
        assert operation.date_start is not None and operation.country is not None
        for value in extracted_values(operation):
            assert 0 <= value.start <= value.end <= len(text), value
        for item in operation.items:
            assert 0 <= item.start <= item.end <= len(text), item
        for start, end in operation.sentences:
            assert 0 <= start < end <= len(text), (start, end)
        # What ingestion would quote: contiguous, inside, trimmed, not empty.
        for start, end in citation_spans(text, operation):
            quote = text[start:end]
            assert 0 <= start < end <= len(text) and quote == quote.strip() and quote, (start, end, quote)


# Extracting is quicker than ingesting: more examples for the same time.
@settings(PROFILE, max_examples=PROFILE.max_examples * 5 // 2)
@given(
    text=texts,
    published=st.one_of(st.none(), st.dates(), st.sampled_from(EDGE_DATES)),
    language=st.sampled_from([None, "en", "es", "xx", ""]),
)
@example(text="Police seized 3,082 kg of cocaine at Paita Port on 11 February 2021.", published=None, language="en")
@example(text="\u202eseized 9999999999999999999999999999 kg of cocaine\u200f", published=None, language=None)
def test_the_extractor_never_raises_and_every_span_lies_inside_the_text(extractor, text, published, language):
    result = extractor.extract(text, published=published, language=language)

    event("operations found" if result.operations else "no operation found")
    assert_spans_inside(text, result)


# --- Ingestion ----------------------------------------------------------------------------------


@contextlib.contextmanager
def rolled_back():
    """A savepoint rolled back at the end of the block, whatever happened in it: one example's
    rows never reach the next."""
    with transaction.atomic():
        try:
            yield
        finally:
            transaction.set_rollback(True)


def row_counts() -> dict[str, int]:
    """Rows in every table Django knows, history and many-to-many tables included."""
    return {
        model._meta.db_table: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
    }


def ingest_file(filename: str, data: bytes):
    source = source_from_bytes(data, filename=filename, outlet="Fuzz Wire")
    return source_ingest(by=None, source=source)


def assert_refused_with_nothing_saved(filename: str, data: bytes, before: dict[str, int]):
    """Ingest, expecting a refusal; return it."""
    with pytest.raises(IngestError) as refusal:
        ingest_file(filename, data)
    assert str(refusal.value).strip(), "a refusal says why"
    assert row_counts() == before
    return refusal.value


def assert_stored_consistently(result) -> None:
    source = Source.objects.get(pk=result.source.pk)
    assert source.text == result.source.text and source.text == source.text.strip() and source.text
    for citation in Citation.objects.filter(source=source):
        assert citation.quote, citation.pk
        assert source.text[citation.start : citation.end] == citation.quote, (citation.start, citation.end)
        assert citation.end == citation.start + len(citation.quote)
    for proposal in OperationProposal.objects.filter(run=result.run):
        if proposal.outcome == OperationProposal.Outcome.CREATED:
            drafted = Operation.objects.get(pk=proposal.operation_id)
            assert drafted.status == Operation.Status.NEEDS_REVIEW
            assert Citation.objects.filter(source=source, operation=drafted).exists(), "a draft cites its source"


def outcome(text: str) -> None:
    """Count an outcome in hypothesis' statistics, when a property is running."""
    if currently_in_test_context():
        event(text)


def check_ingest(filename: str, data: bytes) -> None:
    """Ingest the file twice: the first either goes in whole or is refused with nothing saved;
    if it went in, the second is refused as its duplicate, with nothing saved."""
    before = row_counts()
    try:
        result = ingest_file(filename, data)
    except IngestError as refusal:
        outcome(f"{filename}: refused")
        assert not isinstance(refusal, DuplicateSourceError), "nothing else was ingested in this example"
        assert str(refusal).strip(), "a refusal says why"
        assert row_counts() == before, "a refused file leaves nothing behind"
        return
    assert_stored_consistently(result)
    drafted = result.run.proposals.filter(outcome=OperationProposal.Outcome.CREATED).count()
    outcome(f"{filename}: ingested, {'operations drafted' if drafted else 'nothing drafted'}")
    after = row_counts()
    assert after["sources_source"] == before["sources_source"] + 1
    # The same file again: refused as a duplicate, naming the first, with nothing saved.
    duplicate = assert_refused_with_nothing_saved(filename, data, after)
    assert isinstance(duplicate, DuplicateSourceError), repr(duplicate)
    assert duplicate.existing.pk == result.source.pk


@settings(PROFILE)
@given(file=files)
@example(file=("report.txt", b"Police seized 3,082 kg of cocaine at Paita Port, Peru, on 11 February 2021."))
@example(file=("page.html", b"<html><body><script>alert(1)</script><p>&#xZZ; \xe2\x80\x8f</p></body></html>"))
@example(file=("article.json", b'{"text": "seized 1 kg", "published": "2021-02-30"}'))
@example(file=("report.txt", b"seized 5 kg\x00 of cocaine"))
def test_an_ingest_saves_a_consistent_source_or_refuses_with_nothing_saved(db, file):
    filename, data = file
    with rolled_back():
        check_ingest(filename, data)


# --- Crashes found, fixed --------------------------------------------------------------------
# What the properties above found, each reduced to its smallest input and kept as a test.

# 29 digits, one more than the precision of Python's default decimal context: the extractor's
# sources/extraction/lexicon.py `_tidy` quantized the amount and decimal raised.
HUGE_QUANTITY = "10000000000000000000000000000 kg"


def test_regression_a_29_digit_quantity_does_not_crash_the_extractor(extractor):
    result = extractor.extract(HUGE_QUANTITY, published=None, language=None)

    assert_spans_inside(HUGE_QUANTITY, result)


def test_regression_a_report_of_a_29_digit_quantity_is_ingested_or_refused(db):
    with rolled_back():
        check_ingest("report.txt", f"Police seized {HUGE_QUANTITY} of cocaine in Lima.".encode())


# A JSON article may escape a lone surrogate ("\ud800"), which json.loads accepts and UTF-8
# cannot encode: source_ingest's size check (`source.text.encode("utf-8")`) raised
# UnicodeEncodeError instead of refusing the file with an IngestError.
LONE_SURROGATE_ARTICLE = b'{"text": "\\ud800"}'


def test_regression_a_json_article_escaping_a_lone_surrogate_is_refused_with_nothing_saved(db):
    assert json.loads(LONE_SURROGATE_ARTICLE)["text"] == "\ud800"
    with rolled_back():
        check_ingest("article.json", LONE_SURROGATE_ARTICLE)


# "yesterday" in a source published on 1 January of year 1: sources/extraction/rules/dates.py
# find_dates computed `published - timedelta(days=1)`, which overflows, and OverflowError was
# not among the errors it skipped (ValueError, KeyError). The same for a weekday ("On Tuesday")
# near the start, and for "two days later" (rules/events.py `_dates`) near 31 December 9999.


def test_regression_yesterday_in_a_source_published_on_the_first_day_of_the_calendar(extractor):
    result = extractor.extract("yesterday", published=datetime.date.min, language="en")

    assert_spans_inside("yesterday", result)


def test_regression_a_json_article_published_0001_01_01_saying_yesterday_is_ingested_or_refused(db):
    with rolled_back():
        check_ingest("article.json", b'{"text": "yesterday", "published": "0001-01-01"}')
