"""The extractor interface. The rule-based extractor is the default; another (for example a
language model behind an OpenAI-compatible endpoint) can be plugged in by settings without
touching ingestion."""

from __future__ import annotations

import datetime
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from sources.extraction.result import ExtractionResult


class Extractor(Protocol):
    name: str
    version: str

    def extract(
        self, text: str, *, published: datetime.date | None = None, language: str | None = None
    ) -> ExtractionResult:
        """Draft operations from `text`. Pure: no database, no network, same output for the
        same input."""


class ExtractorPathError(ImportError):
    """A dotted path that does not name an extractor class; the message says what is wrong."""


def load_extractor(path: str) -> Extractor:
    """An instance of the extractor class at the dotted `path` ("package.module.Class")."""
    try:
        found = import_string(path)
    except ImportError as error:
        raise ExtractorPathError(f"{path!r} does not name an extractor class: {error}") from None
    if not isinstance(found, type):
        raise ExtractorPathError(f"{path!r} is not a class.")
    try:
        extractor = found()
    except TypeError as error:
        raise ExtractorPathError(f"{path!r} cannot be made without arguments: {error}") from None
    missing = [name for name in ("name", "version") if not isinstance(getattr(extractor, name, None), str)]
    if not callable(getattr(extractor, "extract", None)):
        missing.append("extract()")
    if missing:
        raise ExtractorPathError(f"{path!r} is not an extractor: it has no {', '.join(missing)}.")
    return extractor


@cache
def get_extractor() -> Extractor:
    return load_extractor(getattr(settings, "SOURCES_EXTRACTOR", "sources.extraction.rules.RuleExtractor"))
