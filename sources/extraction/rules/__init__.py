"""The rule-based extractor: phrase matchers and patterns over the folded text, an
offline gazetteer and the agency registry. See sources/extraction/README.md."""

from __future__ import annotations

import datetime

from sources.extraction.result import ExtractionResult
from sources.extraction.rules.events import build
from sources.extraction.rules.mentions import gather
from sources.extraction.rules.nlp import LANGUAGES, guess_language, parse

VERSION = "0.13.0"


class RuleExtractor:
    name = "rules"
    version = VERSION

    def extract(
        self, text: str, *, published: datetime.date | None = None, language: str | None = None
    ) -> ExtractionResult:
        language = (language or "").lower()[:2]
        if language not in LANGUAGES:
            language = guess_language(text)
        document = parse(text, language)
        operations = build(document, published, gather(document, published)) if text.strip() else []
        return ExtractionResult(extractor=self.name, version=self.version, language=language, operations=operations)
