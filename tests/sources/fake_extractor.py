"""A stand-in extractor for ingestion tests: it proposes exactly what a test scripts, so the
tests pin what ingestion does with a proposal, whatever the real extractor reads.

    with installed(settings) as fake:
        fake.script = lambda text: [proposal(text, SENTENCE, date=..., kg="120")]
"""

import contextlib
import datetime
from decimal import Decimal

from sources.extraction import Extracted, ExtractedItem, ExtractedOperation, ExtractionResult, get_extractor


class FakeExtractor:
    name = "fake"
    version = "1.0"
    # text -> list[ExtractedOperation]; tests replace it.
    script = staticmethod(lambda text: [])
    calls: list[dict] = []

    def extract(self, text, *, published=None, language=None):
        cls = type(self)
        cls.calls.append({"text": text, "published": published, "language": language})
        return ExtractionResult(
            extractor=cls.name, version=cls.version, language=language or "", operations=cls.script(text)
        )


class BrokenExtractor:
    name = "broken"
    version = "0"

    def extract(self, text, *, published=None, language=None):
        raise RuntimeError("the extractor fell over")


@contextlib.contextmanager
def installed(settings, path: str = "tests.sources.fake_extractor.FakeExtractor"):
    """Make `path` the configured extractor for the duration, with a clean script."""
    FakeExtractor.script = staticmethod(lambda text: [])
    FakeExtractor.version = "1.0"
    FakeExtractor.calls = []
    settings.SOURCES_EXTRACTOR = path
    get_extractor.cache_clear()
    try:
        yield FakeExtractor
    finally:
        get_extractor.cache_clear()


def span(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def at(text: str, phrase: str, value, confidence: float = 0.9) -> Extracted:
    """`value`, read from the first occurrence of `phrase` in `text`."""
    start, end = span(text, phrase)
    return Extracted(value=value, start=start, end=end, confidence=confidence)


def drug(text: str, phrase: str, kind: str, kg, *, form: str = "") -> ExtractedItem:
    start, end = span(text, phrase)
    kg = Decimal(str(kg))
    return ExtractedItem(
        category="drug",
        start=start,
        end=end,
        confidence=0.9,
        drug_type=Extracted(kind, start, end),
        form=Extracted(form, start, end) if form else None,
        quantity=Extracted(kg, start, end),
        unit="kg",
        quantity_kg=kg,
    )


def proposal(
    text: str,
    *sentences: str,
    date: datetime.date,
    date_end: datetime.date | None = None,
    country: str = "PE",
    items=(),
    place: str | None = None,
    admin1: str | None = None,
    agencies=(),
    detainees: int | None = None,
    nationalities: dict[str, int] | None = None,
    destinations=(),
    transit=(),
    organization: str | None = None,
) -> ExtractedOperation:
    """An extracted operation told in `sentences` (each found in `text`); every value's span is
    the first sentence, except where a value names its own phrase."""
    first = sentences[0]

    def here(value):
        return at(text, first, value)

    return ExtractedOperation(
        date_start=here(date),
        date_end=here(date_end or date),
        country=here(country),
        admin1=here(admin1) if admin1 else None,
        place=at(text, place, place) if place and place in text else (here(place) if place else None),
        agencies=[here(code) for code in agencies],
        items=list(items),
        detainees_total=here(detainees) if detainees is not None else None,
        detainees_by_nationality={code: here(n) for code, n in (nationalities or {}).items()},
        destinations=[here(code) for code in destinations],
        transit=[here(code) for code in transit],
        organization=here(organization) if organization else None,
        sentences=[span(text, sentence) for sentence in sentences],
    )
