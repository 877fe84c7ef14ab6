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


@cache
def get_extractor() -> Extractor:
    path = getattr(settings, "SOURCES_EXTRACTOR", "sources.extraction.rules.RuleExtractor")
    return import_string(path)()
