"""When two reports are the same seizure.

Outlets report the same operation days apart, round the weight differently ("3 tonnes",
"3,082 kg") and date it by the raid or by the press release. Two reports are taken for one
event when they are in the same country, their dates are at most three days apart, and
either they name the same drug with weights within 2% of each other, or they name the same
place (ignoring case) on the same day.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from seizures.vocabularies import EvidenceCategory

DATE_WINDOW = datetime.timedelta(days=3)
WEIGHT_TOLERANCE = Decimal("0.02")


@dataclass(frozen=True)
class Event:
    """What the matching rule looks at, from an operation or from an extractor's proposal."""

    country: str
    date_start: datetime.date
    date_end: datetime.date
    place: str = ""
    # (drug type, kilograms) of each drug item with a known weight.
    drugs: tuple[tuple[str, Decimal], ...] = field(default_factory=tuple)


def _days_apart(a: Event, b: Event) -> datetime.timedelta:
    """The gap between two date ranges; zero when they overlap."""
    return max(datetime.timedelta(0), max(a.date_start, b.date_start) - min(a.date_end, b.date_end))


def _weights_agree(a: Decimal, b: Decimal) -> bool:
    return abs(a - b) <= WEIGHT_TOLERANCE * max(a, b)


def same_event(a: Event, b: Event) -> bool:
    if not a.country or a.country != b.country or _days_apart(a, b) > DATE_WINDOW:
        return False
    if any(da == db and _weights_agree(ka, kb) for da, ka in a.drugs for db, kb in b.drugs):
        return True
    same_place = bool(a.place.strip()) and a.place.strip().casefold() == b.place.strip().casefold()
    return same_place and a.date_start == b.date_start


def event_of_operation(operation, drug_items) -> Event:
    """`drug_items`: the operation's evidence items (any category; only drugs count)."""
    return Event(
        country=operation.country_id or "",
        date_start=operation.date_start,
        date_end=operation.date_end or operation.date_start,
        place=operation.place or "",
        drugs=tuple(
            (item.drug_type, item.quantity_kg)
            for item in drug_items
            if item.category == EvidenceCategory.DRUG and item.quantity_kg
        ),
    )


def _value(data, name):
    entry = data.get(name) if isinstance(data, dict) else None
    return entry.get("value") if isinstance(entry, dict) else None


def event_of_proposal(data: dict) -> Event | None:
    """The event an extractor's stored proposal (ExtractedOperation as JSON) describes, or
    None if it is too damaged to say."""
    try:
        start = datetime.date.fromisoformat(_value(data, "date_start"))
        end = datetime.date.fromisoformat(_value(data, "date_end") or _value(data, "date_start"))
    except (TypeError, ValueError):
        return None
    drugs = []
    for item in data.get("items") or []:
        if not isinstance(item, dict) or item.get("category") != EvidenceCategory.DRUG:
            continue
        try:
            kg = Decimal(str(item.get("quantity_kg")))
        except (InvalidOperation, ValueError):
            continue
        if kg.is_finite() and kg > 0:
            drugs.append((_value(item, "drug_type") or "other", kg))
    return Event(
        country=str(_value(data, "country") or "").upper(),
        date_start=start,
        date_end=max(start, end),
        place=str(_value(data, "place") or ""),
        drugs=tuple(drugs),
    )
