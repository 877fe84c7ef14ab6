"""What an extractor returns: draft operations whose every value carries the span of text it
came from and a confidence, so a reviewer can see why the machine proposed it.

Offsets are Python string indices into the text given to the extractor.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Extracted(Generic[T]):
    """One extracted value and where it came from."""

    value: T
    start: int
    end: int
    confidence: float = 1.0


@dataclass
class ExtractedItem:
    """A seized thing. Drugs have a drug type and, when a mass is stated, `quantity_kg`."""

    category: str
    start: int
    end: int
    confidence: float
    drug_type: Extracted[str] | None = None
    form: Extracted[str] | None = None
    description: str = ""
    quantity: Extracted[Decimal] | None = None  # the number as stated, in `unit`
    unit: str = ""
    quantity_kg: Decimal | None = None
    currency: str = ""


@dataclass
class ExtractedOperation:
    date_start: Extracted[datetime.date]
    date_end: Extracted[datetime.date]
    country: Extracted[str]
    date_precision: str = "day"
    admin1: Extracted[str] | None = None
    place: Extracted[str] | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    agencies: list[Extracted[str]] = field(default_factory=list)
    items: list[ExtractedItem] = field(default_factory=list)
    detainees_total: Extracted[int] | None = None
    detainees_by_nationality: dict[str, Extracted[int]] = field(default_factory=dict)
    destinations: list[Extracted[str]] = field(default_factory=list)
    transit: list[Extracted[str]] = field(default_factory=list)
    organization: Extracted[str] | None = None
    # The sentences the operation was read from, as (start, end): its citation.
    sentences: list[tuple[int, int]] = field(default_factory=list)
    confidence: float = 1.0

    @property
    def drugs(self) -> list[ExtractedItem]:
        return [item for item in self.items if item.category == "drug"]

    def to_gold(self) -> dict:
        """The shape of ../shared/corpus gold records (see sources/extraction/README.md)."""
        return {
            "date_start": self.date_start.value.isoformat(),
            "date_end": self.date_end.value.isoformat(),
            "country": self.country.value,
            "admin1": self.admin1.value if self.admin1 else None,
            "place": self.place.value if self.place else None,
            "agencies": [a.value for a in self.agencies],
            "seizures": [
                {
                    "drug": item.drug_type.value if item.drug_type else "other",
                    "form": item.form.value if item.form else None,
                    "quantity_kg": float(item.quantity_kg) if item.quantity_kg is not None else None,
                }
                for item in self.drugs
            ],
            "detainees": {
                "total": self.detainees_total.value if self.detainees_total else 0,
                "by_nationality": {code: n.value for code, n in self.detainees_by_nationality.items()},
            },
            "destinations": [d.value for d in self.destinations],
            "transit": [t.value for t in self.transit],
            "organization": self.organization.value if self.organization else None,
        }


@dataclass
class ExtractionResult:
    extractor: str
    version: str
    language: str
    operations: list[ExtractedOperation] = field(default_factory=list)

    def to_gold(self, article_id: str) -> dict:
        return {"id": article_id, "operations": [op.to_gold() for op in self.operations]}

    def to_dict(self) -> dict:
        """A JSON-ready copy, kept with the extraction run that produced it."""
        return _jsonable(dataclasses.asdict(self))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value
