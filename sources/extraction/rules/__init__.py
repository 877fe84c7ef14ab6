"""The rule-based extractor (work in progress: see sources/extraction/README.md)."""

import datetime

from sources.extraction.result import ExtractionResult

VERSION = "0.1.0"


class RuleExtractor:
    name = "rules"
    version = VERSION

    def extract(
        self, text: str, *, published: datetime.date | None = None, language: str | None = None
    ) -> ExtractionResult:
        return ExtractionResult(extractor=self.name, version=self.version, language=language or "", operations=[])
