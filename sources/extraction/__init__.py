"""Turning a source's text into draft operations.

    from sources.extraction import extract
    result = extract(text, published=date(2021, 3, 1), language="en")

`extract` uses the configured extractor (settings.SOURCES_EXTRACTOR, the rule-based one by
default). See README.md in this folder for what it reads and how.
"""

import datetime

from sources.extraction.base import Extractor, get_extractor
from sources.extraction.result import Extracted, ExtractedItem, ExtractedOperation, ExtractionResult


def extract(text: str, *, published: datetime.date | None = None, language: str | None = None) -> ExtractionResult:
    return get_extractor().extract(text, published=published, language=language)


__all__ = [
    "Extracted",
    "ExtractedItem",
    "ExtractedOperation",
    "ExtractionResult",
    "Extractor",
    "extract",
    "get_extractor",
]
