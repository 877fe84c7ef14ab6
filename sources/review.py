"""The machine's proposal beside the record, field by field, and the reviewer's answer to each.

    fields = field_reviews(operation)                  # what the operation page shows
    check_first(fields)                                # the open ones proposed with low confidence
    field_decide(operation=op, key="place", decision="accept", source_id=3, by=user)
    field_accept_all(operation=op, by=user)

Every source whose newest extraction run proposed the operation (or an operation merged into
it) is a *voice*: for each field (`FIELDS`, plus one `item-N` per proposed evidence item) it
gives a value, a confidence and the spans of text it read them from. The page shows each
field's voices next to the record's value; where two sources give different values, each is
shown with its quote, and the value the reviewer picks replaces the other on the record.

A reviewer's answer is a `FieldDecision`, kept with the value it answered. Re-extraction never
touches decisions: when the newest run proposes something else the field is shown as
*changed* since the decision, and when it no longer proposes the field at all, as *obsolete*.

Accepting a value the record already holds changes nothing but the decision; accepting
another source's value, or rejecting one (which removes it from the record), is an edit of
the operation and goes through `seizures.services` like any edit (version, history, and the
four-eyes rule).
"""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils.dateparse import parse_date
from django.utils.formats import date_format

from seizures import services
from seizures.models import Agency, Country, Detainee, EvidenceItem, Operation, Subdivision
from seizures.vocabularies import DrugType, EvidenceCategory
from sources.models import ExtractionRun, FieldDecision, OperationProposal, Source

Decision = FieldDecision.Decision
# A field proposed below this confidence is marked "check first" on the page and listed above
# the table, least sure first. 0.7 from `make calibration` (sources/extraction/README.md): the
# rule extractor's values below it (approximate amounts, a country taken from the agency, a
# month-level date) were right 85% of the time over all our corpora and 65% on real-dev,
# against 96% and 78% from 0.7 up. Another extractor's confidences mean other things: measure
# it before trusting this line for it.
LOW_CONFIDENCE = 0.7


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: str
    # The record's fields an edit of it changes on the operation form ("" for items, detainees).
    form_field: str = ""
    required: bool = False


FIELDS = [
    FieldSpec("date_start", "Start date", "date_start", required=True),
    FieldSpec("date_end", "End date", "date_end", required=True),
    FieldSpec("country", "Country", "country", required=True),
    FieldSpec("subdivision", "Subdivision", "subdivision"),
    FieldSpec("place", "Place", "place"),
    FieldSpec("agencies", "Agencies", "agencies"),
    FieldSpec("destinations", "Bound for", "destinations"),
    FieldSpec("transit", "Via", "transit"),
    FieldSpec("criminal_group", "Criminal group", "criminal_group"),
    FieldSpec("detainees", "Detainees"),
]
SPECS = {spec.key: spec for spec in FIELDS}
ITEM_PREFIX = "item-"


def spec_of(key: str) -> FieldSpec | None:
    if key in SPECS:
        return SPECS[key]
    if key.startswith(ITEM_PREFIX) and key[len(ITEM_PREFIX) :].isdigit() and int(key[len(ITEM_PREFIX) :]) > 0:
        return FieldSpec(key, f"Item {key[len(ITEM_PREFIX) :]}")
    return None


# --- Values ----------------------------------------------------------------------------------


def _number(value) -> str:
    """A decimal as plain text without trailing zeros ("3082", "0.5"), "" for none."""
    if value in (None, ""):
        return ""
    try:
        number = Decimal(str(value)).normalize()
    except InvalidOperation:
        return str(value)
    return format(number, "f")


def _code(extracted) -> str:
    if not isinstance(extracted, dict) or extracted.get("value") in (None, ""):
        return ""
    return str(extracted["value"]).strip().upper()


@dataclass
class Proposed:
    """One voice's value for one field."""

    value: object  # comparable and JSON-ready: a string, a sorted list, a dict
    confidence: float
    spans: list[tuple[int, int]]


def _single(extracted, value) -> Proposed | None:
    if not isinstance(extracted, dict) or value in (None, ""):
        return None
    return Proposed(value, float(extracted.get("confidence", 1.0)), [(extracted["start"], extracted["end"])])


def _several(extracted_list) -> Proposed | None:
    values = [(e, _code(e)) for e in extracted_list or [] if _code(e)]
    if not values:
        return None
    return Proposed(
        sorted({code for _, code in values}),
        min(float(e.get("confidence", 1.0)) for e, _ in values),
        [(e["start"], e["end"]) for e, _ in values],
    )


def _item_value(item: dict) -> dict:
    """A proposed item as it is compared with the record's (`_record_item_value`): what makes
    two evidence items the same thing."""
    return {
        "category": item.get("category") or "",
        "drug_type": (item.get("drug_type") or {}).get("value") or "",
        "form": str((item.get("form") or {}).get("value") or "")[:100],
        "quantity": _number((item.get("quantity") or {}).get("value")),
        "unit": item.get("unit") or item.get("currency") or "",
        "quantity_kg": _number(item.get("quantity_kg")),
    }


def proposed_values(data: dict) -> dict[str, Proposed]:
    """What one proposal (`OperationProposal.data`) says of each field it states."""
    out: dict[str, Proposed] = {}
    for key, name in (("date_start", "date_start"), ("date_end", "date_end"), ("place", "place")):
        extracted = data.get(name)
        value = str(extracted.get("value") or "").strip()[:300] if isinstance(extracted, dict) else ""
        if proposed := _single(extracted, value):
            out[key] = proposed
    for key, name in (("country", "country"), ("subdivision", "admin1")):
        if proposed := _single(data.get(name), _code(data.get(name))):
            out[key] = proposed
    for key in ("agencies", "destinations", "transit"):
        if proposed := _several(data.get(key)):
            out[key] = proposed
    group = data.get("organization")
    if proposed := _single(group, str(group.get("value") or "").strip()[:200] if isinstance(group, dict) else ""):
        out["criminal_group"] = proposed
    if detainees := _detainees_proposed(data):
        out["detainees"] = detainees
    for number, item in enumerate(data.get("items") or [], start=1):
        parts = [item, *(item.get(name) for name in ("drug_type", "form", "quantity"))]
        spans = sorted({(p["start"], p["end"]) for p in parts if isinstance(p, dict) and "start" in p})
        out[f"{ITEM_PREFIX}{number}"] = Proposed(_item_value(item), float(item.get("confidence", 1.0)), spans)
    return out


def _detainees_proposed(data: dict) -> Proposed | None:
    """Detainees as {nationality code or "": count}."""
    by_nationality = {
        code.strip().upper(): extracted
        for code, extracted in (data.get("detainees_by_nationality") or {}).items()
        if isinstance(extracted, dict) and int(extracted.get("value") or 0) > 0
    }
    counts = {code: int(extracted["value"]) for code, extracted in by_nationality.items()}
    total = data.get("detainees_total")
    total_count = int(total.get("value") or 0) if isinstance(total, dict) else 0
    if total_count > sum(counts.values()):
        counts[""] = total_count - sum(counts.values())
    if not counts:
        return None
    parts = [*by_nationality.values(), *([total] if isinstance(total, dict) and total_count else [])]
    return Proposed(
        dict(sorted(counts.items())),
        min(float(p.get("confidence", 1.0)) for p in parts),
        sorted({(p["start"], p["end"]) for p in parts}),
    )


def _record_item_value(item: EvidenceItem) -> dict:
    return {
        "category": item.category,
        "drug_type": item.drug_type,
        "form": item.form,
        "quantity": _number(item.quantity),
        "unit": item.unit or item.currency,
        "quantity_kg": _number(item.quantity_kg),
    }


@dataclass
class Record:
    """The operation's current values, read once for every field."""

    operation: Operation
    values: dict[str, object]
    items: list[EvidenceItem]
    detainees: list[Detainee]
    # The criminal group's name and aliases, case-folded.
    group_names: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, operation: Operation) -> "Record":
        items = list(EvidenceItem.objects.filter(operation=operation).order_by("pk"))
        detainees = list(Detainee.objects.filter(operation=operation).order_by("pk"))
        group = operation.criminal_group
        values = {
            "date_start": operation.date_start.isoformat() if operation.date_start else "",
            "date_end": operation.date_end.isoformat() if operation.date_end else "",
            "country": operation.country_id or "",
            "subdivision": operation.subdivision_id or "",
            "place": operation.place,
            "agencies": sorted(code.upper() for code in operation.agencies.values_list("code", flat=True)),
            "destinations": sorted(operation.destinations.values_list("code", flat=True)),
            "transit": sorted(operation.transit.values_list("code", flat=True)),
            "criminal_group": group.name if group else "",
            "detainees": dict(sorted(Counter(d.nationality_id or "" for d in detainees).items())),
        }
        names = {name.casefold() for name in [group.name, *group.aliases] if isinstance(name, str)} if group else set()
        return cls(operation, values, items, detainees, names)

    def holds(self, key: str, value) -> bool:
        """Whether the record already has `value` for the field `key`."""
        if key.startswith(ITEM_PREFIX):
            return any(_record_item_value(item) == value for item in self.items)
        if key == "criminal_group":
            return isinstance(value, str) and value.casefold() in self.group_names
        return self.values.get(key) == value

    def display(self, key: str, labels) -> str:
        if key.startswith(ITEM_PREFIX):
            return ""
        return labels.show(key, self.values.get(key))


# --- Showing values --------------------------------------------------------------------------


class Labels:
    """Names for the country and subdivision codes a page shows, read in one query per kind
    (agencies are shown by their codes)."""

    def __init__(self, values: list[tuple[str, object]]):
        codes: dict[str, set[str]] = {"country": set(), "subdivision": set()}
        for key, value in values:
            if key in ("country", "destinations", "transit"):
                codes["country"].update(value if isinstance(value, list) else [value])
            elif key == "detainees" and isinstance(value, dict):
                codes["country"].update(code for code in value if code)
            elif key == "subdivision":
                codes["subdivision"].add(value)
        self.countries = dict(Country.objects.filter(code__in=codes["country"] - {""}).values_list("code", "name"))
        self.subdivisions = dict(
            Subdivision.objects.filter(code__in=codes["subdivision"] - {""}).values_list("code", "name")
        )

    def show(self, key: str, value) -> str:
        if value in (None, "", [], {}):
            return "—"
        if key in ("date_start", "date_end"):
            date = parse_date(value) if isinstance(value, str) else None
            return date_format(date, "j M Y") if date else str(value)
        if key == "country":
            return f"{self.countries.get(value, value)} ({value})"
        if key == "subdivision":
            return f"{self.subdivisions.get(value, value)} ({value})"
        if key in ("destinations", "transit"):
            return ", ".join(self.countries.get(code, code) for code in value)
        if key == "agencies":
            return ", ".join(code for code in value)
        if key == "detainees":
            total = sum(value.values())
            parts = [f"{n} {code or 'nationality not stated'}" for code, n in value.items()]
            return f"{total}: " + ", ".join(parts)
        if key.startswith(ITEM_PREFIX):
            return show_item(value)
        return str(value)


def show_item(value: dict) -> str:
    what = dict(DrugType.choices).get(value.get("drug_type")) or dict(EvidenceCategory.choices).get(
        value.get("category"), value.get("category") or "item"
    )
    amount = f" {value['quantity']} {value['unit']}".rstrip() if value.get("quantity") else ""
    form = f" ({value['form']})" if value.get("form") else ""
    return f"{what}{amount}{form}"


# --- The page's rows -------------------------------------------------------------------------


@dataclass
class Voice:
    """One source's value for a field, with the words it was read from."""

    source: Source
    value: object
    display: str
    confidence: float
    spans: list[tuple[int, int]]
    on_record: bool

    @property
    def quote(self) -> str:
        start, end = min(s for s, _ in self.spans), max(e for _, e in self.spans)
        return self.source.text[start:end].strip()

    @property
    def low_confidence(self) -> bool:
        return self.confidence < LOW_CONFIDENCE

    @property
    def percent(self) -> int:
        return round(self.confidence * 100)


STATE_LABELS = {
    "undecided": "Not decided",
    "accepted": "Accepted",
    "edited": "Edited",
    "rejected": "Rejected",
    "changed": "Changed since decided",
    "obsolete": "No longer proposed",
    "disputed": "A source disagrees since decided",
}


@dataclass
class FieldReview:
    spec: FieldSpec
    voices: list[Voice]
    record_display: str
    decision: FieldDecision | None = None
    decided_display: str = ""
    # The decided value is no longer what its source proposes / its source proposes nothing.
    changed: bool = False
    obsolete: bool = False
    changed_to: str = ""

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def edit_target(self) -> str:
        """The id of the element of the page where the field is edited."""
        if self.spec.form_field:
            return f"id_{self.spec.form_field}"
        return "detainees-group" if self.key == "detainees" else "evidence_items-group"

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def disagree(self) -> bool:
        return len({_frozen(v.value) for v in self.voices}) > 1

    @property
    def on_record(self) -> bool:
        return any(v.on_record for v in self.voices)

    @property
    def unsettled(self) -> bool:
        """Sources disagree, and the decision did not see one of the values they give now
        (a source added, or extracted again, since)."""
        if self.decision is None or not self.disagree:
            return False
        seen = self.decision.seen or []
        return any([v.source.pk, v.value] not in seen for v in self.voices)

    @property
    def state(self) -> str:
        if self.decision is None:
            return "undecided"
        if self.obsolete:
            return "obsolete"
        if self.changed:
            return "changed"
        if self.unsettled:
            return "disputed"
        return self.decision.decision

    @property
    def is_open(self) -> bool:
        """Still waiting for a person: a proposed value nobody decided, or decided before the
        proposal or a disagreement it answers changed."""
        return bool(self.voices) and self.state in ("undecided", "changed", "disputed")

    @property
    def may_reject(self) -> bool:
        return not self.spec.required

    @property
    def lowest_confidence(self) -> float:
        return min((v.confidence for v in self.voices), default=1.0)

    @property
    def lowest_percent(self) -> int:
        return round(self.lowest_confidence * 100)

    @property
    def check_first(self) -> bool:
        """Still open, and proposed with a confidence under LOW_CONFIDENCE by some source."""
        return self.is_open and self.lowest_confidence < LOW_CONFIDENCE

    @property
    def decided_voice(self) -> Voice | None:
        if self.decision is None:
            return None
        return next((v for v in self.voices if v.source.pk == self.decision.source_id), None)


def _frozen(value):
    if isinstance(value, dict):
        return tuple(sorted(value.items()))
    if isinstance(value, list):
        return tuple(value)
    return value


def current_proposals(operation: Operation) -> list[OperationProposal]:
    """The proposals of this operation, and of the operations merged into it, from the newest
    extraction run of each source (a source re-extracted since, whose newest run no longer
    proposes it, has none)."""
    newest_run = ExtractionRun.objects.filter(source=OuterRef("run__source")).order_by("-created_at", "-pk")
    return list(
        OperationProposal.objects.filter(
            Q(operation=operation) | Q(operation__merged_into=operation), run=Subquery(newest_run.values("pk")[:1])
        )
        .exclude(outcome=OperationProposal.Outcome.SKIPPED)
        .select_related("run__source")
        .defer("run__output")
        .order_by("run__source__published", "run__source_id", "index")
    )


def field_reviews(operation: Operation) -> list[FieldReview]:
    """A row for every field a current proposal states or a decision answered, in form order."""
    proposals = current_proposals(operation)
    decisions = {d.field: d for d in FieldDecision.objects.filter(operation=operation).select_related("decided_by")}
    if not proposals and not decisions:
        return []  # an operation a person entered: nothing to compare
    record = Record.of(operation)
    per_proposal = [(proposal, proposed_values(proposal.data)) for proposal in proposals]
    keys = [spec.key for spec in FIELDS]
    item_keys = sorted(
        {key for _, values in per_proposal for key in values if key.startswith(ITEM_PREFIX)}
        | {key for key in decisions if key.startswith(ITEM_PREFIX)},
        key=lambda key: int(key[len(ITEM_PREFIX) :]),
    )
    labels = Labels(
        [(key, p.value) for _, values in per_proposal for key, p in values.items()]
        + [(key, value) for key, value in record.values.items()]
        + [(key, d.proposed) for key, d in decisions.items()]
    )
    rows = []
    for key in [*keys, *item_keys]:
        spec = spec_of(key)
        voices = [
            Voice(
                source=proposal.run.source,
                value=values[key].value,
                display=labels.show(key, values[key].value),
                confidence=values[key].confidence,
                spans=values[key].spans,
                on_record=record.holds(key, values[key].value),
            )
            for proposal, values in per_proposal
            if key in values
        ]
        decision = decisions.get(key)
        if not voices and decision is None:
            continue
        row = FieldReview(spec=spec, voices=voices, record_display=record.display(key, labels), decision=decision)
        if decision is not None:
            row.decided_display = labels.show(key, decision.proposed)
            from_source = [v for v in voices if v.source.pk == decision.source_id]
            if not from_source:
                row.obsolete = True
            elif all(_frozen(v.value) != _frozen(decision.proposed) for v in from_source):
                row.changed = True
                row.changed_to = from_source[0].display
        rows.append(row)
    return rows


def check_first(rows: list[FieldReview]) -> list[FieldReview]:
    """The open fields proposed with a low confidence, least sure first (then in form order):
    what the page lists above its table."""
    low = [(row.lowest_confidence, index, row) for index, row in enumerate(rows) if row.check_first]
    return [row for _, _, row in sorted(low, key=lambda entry: entry[:2])]


def review_progress(rows: list[FieldReview]) -> tuple[int, int]:
    """(decided, total) over the fields still proposed."""
    live = [row for row in rows if row.voices]
    return sum(1 for row in live if not row.is_open), len(live)


OPEN_REASONS = {
    "undecided": "not decided",
    "changed": "proposed differently since decided",
    "disputed": "sources disagree: pick one",
}


def open_fields(operation: Operation, rows: list[FieldReview] | None = None) -> list[tuple[str, str]]:
    """(label, why) of each proposed field still waiting for a person's decision (among
    `rows`, if the caller has them). An operation with any cannot be verified
    (`seizures.services.verify_blockers`)."""
    rows = field_reviews(operation) if rows is None else rows
    return [
        (row.spec.label, OPEN_REASONS["disputed" if row.disagree and row.state == "undecided" else row.state])
        for row in rows
        if row.is_open
    ]


# --- Deciding --------------------------------------------------------------------------------


class DecisionError(services.WorkflowError):
    pass


def _voices(operation: Operation, key: str) -> list[tuple[Source, Proposed]]:
    """Every current proposal of `key`, with its source."""
    voices = []
    for proposal in current_proposals(operation):
        values = proposed_values(proposal.data)
        if key in values:
            voices.append((proposal.run.source, values[key]))
    return voices


def _voice(voices: list[tuple[Source, Proposed]], source_id: int | None) -> tuple[Source, Proposed]:
    """The proposal of `source_id` among `voices` (the first if none is named)."""
    for source, proposed in voices:
        if source_id is None or source.pk == source_id:
            return source, proposed
    raise DecisionError("That proposal is no longer current: the source was extracted again. Reload the page.")


def _check(operation: Operation, by, expected_version: int | None) -> Operation:
    if by is None or not by.has_perm(services.EDIT_PERMISSION):
        raise DecisionError("You do not have permission to review the fields of operations.")
    current = Operation.objects.select_for_update().get(pk=operation.pk)
    if current.status in Operation.FROZEN_STATUSES:
        raise DecisionError(f"This operation is {current.get_status_display().lower()}: its fields are settled.")
    if expected_version is not None and current.version != expected_version:
        raise services.ConcurrentEditError(services.concurrent_edit_message(current))
    return current


def _record_decision(operation, key, decision, source, value, by, *, seen) -> FieldDecision:
    """`seen`: every (source id, value) proposed for the field when it was decided, so that a
    disagreement arising later is known to be undecided."""
    row = FieldDecision.objects.filter(operation=operation, field=key).first() or FieldDecision(
        operation=operation, field=key
    )
    row.decision, row.source, row.proposed, row.decided_by = decision, source, value, by
    row.seen = [[source_id, proposed] for source_id, proposed in seen]
    row._history_user = by
    row.save()
    return row


@transaction.atomic
def field_decide(
    *, operation: Operation, key: str, decision: str, by, source_id: int | None = None, expected_version=None
) -> FieldDecision:
    """Accept or reject the value `source_id` proposes for `key` (see the module's docstring).
    Refused, changing nothing, when the operation moved on since the page was loaded."""
    spec = spec_of(key)
    if spec is None:
        raise DecisionError(f"{key!r} is not a field the extractor proposes.")
    if decision not in (Decision.ACCEPTED, Decision.REJECTED):
        raise DecisionError("A field is accepted or rejected here; edit it in the form.")
    current = _check(operation, by, expected_version)
    voices = _voices(current, key)
    source, proposed = _voice(voices, source_id)
    record = Record.of(current)
    holds = record.holds(key, proposed.value)
    if decision == Decision.ACCEPTED and not holds:
        # Where sources disagree, picking one value replaces the others' on the record.
        others = [
            p.value for s, p in voices if _frozen(p.value) != _frozen(proposed.value) and record.holds(key, p.value)
        ]
        reason = f"accepted the proposed {spec.label.lower()}" + (f" of source #{source.pk}" if others else "")
        try:
            _apply(current, record, key, proposed.value, replacing=others, by=by, reason=reason)
        except ValidationError as error:
            # Rolled back with the transaction: the value cannot stand on this record as it is.
            raise DecisionError(
                f"The proposed {spec.label.lower()} cannot be taken: {' '.join(error.messages)}"
            ) from None
    elif decision == Decision.REJECTED:
        if spec.required:
            raise DecisionError(f"{spec.label} is required: correct it in the form instead of rejecting it.")
        if holds:
            _remove(current, record, key, proposed.value, by=by, reason=f"rejected the proposed {spec.label.lower()}")
    return _record_decision(
        current, key, decision, source, proposed.value, by, seen=[(s.pk, p.value) for s, p in voices]
    )


@transaction.atomic
def field_accept_all(*, operation: Operation, by, expected_version=None) -> tuple[int, list[str]]:
    """Accept every undecided field whose proposal the record already holds and on which the
    sources agree. Never changes the record: a field that differs from it, or on which
    sources disagree, is left for the reviewer (their labels are returned)."""
    current = _check(operation, by, expected_version)
    accepted, left = 0, []
    for row in field_reviews(current):
        if not row.voices or not row.is_open:
            continue
        if row.disagree or not row.voices[0].on_record:
            left.append(row.spec.label)
            continue
        voice = row.voices[0]
        _record_decision(current, row.key, Decision.ACCEPTED, voice.source, voice.value, by, seen=_seen(row.voices))
        accepted += 1
    return accepted, left


def record_edits(*, operation: Operation, changed_fields: list[str], by, changed_parts=()) -> None:
    """After the reviewer saved the form: every proposed field they changed there is `edited`.
    `changed_parts` ("evidence_items", "detainees") names the inlines they changed: a proposed
    item the record no longer holds was corrected (or removed) there, and so were the
    proposed detainees."""
    wanted = {spec.key for spec in FIELDS if spec.form_field and spec.form_field in changed_fields}
    if not wanted and not changed_parts:
        return
    for row in field_reviews(operation):
        corrected = row.is_open and not row.on_record
        if "detainees" in changed_parts and row.key == "detainees" and corrected:
            wanted.add(row.key)
        if "evidence_items" in changed_parts and row.key.startswith(ITEM_PREFIX) and corrected:
            wanted.add(row.key)
        if row.key in wanted and row.voices:
            voice = row.decided_voice or row.voices[0]
            _record_decision(operation, row.key, Decision.EDITED, voice.source, voice.value, by, seen=_seen(row.voices))


def _seen(voices: list[Voice]) -> list[tuple[int, object]]:
    return [(voice.source.pk, voice.value) for voice in voices]


def _apply(operation: Operation, record: Record, key: str, value, *, replacing=(), by, reason: str) -> None:
    """Give the record the proposed `value` for `key` in place of the values `replacing` (other
    sources' proposals the record holds): an edit, through the services."""
    if key in ("date_start", "date_end", "place"):
        setattr(operation, key, parse_date(value) if key != "place" else value)
        operation.full_clean(exclude=["status"], validate_unique=False)
        services.operation_update(operation=operation, by=by, reason=reason)
        return
    if key in ("country", "subdivision"):
        model = Country if key == "country" else Subdivision
        target = model.objects.filter(pk=value).first()
        if target is None:
            raise DecisionError(f"{value} is not a known {key}.")
        setattr(operation, key, target)
        if key == "country" and operation.subdivision_id and operation.subdivision.country_id != value:
            operation.subdivision = None
        if key == "subdivision" and target.country_id != operation.country_id:
            raise DecisionError(f"{target} is not in {operation.country}: accept the country first.")
        services.operation_update(operation=operation, by=by, reason=reason)
        return
    if key == "criminal_group":
        from sources.ingestion import criminal_group_for

        operation.criminal_group = criminal_group_for(value)
        services.operation_update(operation=operation, by=by, reason=reason)
        return
    if key in ("agencies", "destinations", "transit"):
        model = Agency if key == "agencies" else Country
        lookup = "code__in"
        related = getattr(operation, key)
        replaced = {code for other in replacing for code in other} - set(value)
        related.remove(*related.filter(code__in=replaced))
        related.add(*model.objects.filter(**{lookup: value}))
    elif key == "detainees":
        # The chosen counts, for the nationalities the chosen and the replaced values name.
        wanted = {**{code: 0 for other in replacing for code in other}, **value}
        have = Counter(d.nationality_id or "" for d in record.detainees)
        for code, count in wanted.items():
            for _ in range(count - have.get(code, 0)):
                detainee = Detainee(operation=operation, nationality_id=code or None)
                detainee._history_user = by
                detainee.save()
        extra = Counter(
            {code: have.get(code, 0) - count for code, count in wanted.items() if have.get(code, 0) > count}
        )
        _delete_plain_detainees(record, extra, by=by)
    elif key.startswith(ITEM_PREFIX):
        # The item another source's value is on, corrected (its citations stay with it), or a new one.
        item = next((i for i in record.items if _record_item_value(i) in replacing), None)
        item = item or EvidenceItem(operation=operation)
        is_cash = value["category"] == EvidenceCategory.CASH
        item.category, item.drug_type, item.form = value["category"], value["drug_type"], value["form"]
        item.quantity = Decimal(value["quantity"]) if value["quantity"] else None
        item.unit, item.currency = ("", value["unit"]) if is_cash else (value["unit"], "")
        item.quantity_kg = Decimal(value["quantity_kg"]) if value["quantity_kg"] else None
        item.full_clean(exclude=["operation"])
        item._history_user = by
        item.save()
    services.operation_touch(operation=operation, by=by, reason=reason)


def _delete_plain_detainees(record: Record, counts: Counter, *, by) -> None:
    """Delete up to `counts[code]` detainees of each nationality, among the rows that say
    nothing more than their nationality: a name or a role someone entered is not the machine's
    to take away."""
    counts = Counter(counts)
    for detainee in record.detainees:
        code = detainee.nationality_id or ""
        plain = not (detainee.name or detainee.age or detainee.sex or detainee.role)
        if plain and counts[code] > 0:
            counts[code] -= 1
            detainee._history_user = by
            detainee.delete()


def _remove(operation: Operation, record: Record, key: str, value, *, by, reason: str) -> None:
    """Take the proposed `value` of `key` off the record: an edit, through the services."""
    if key in ("subdivision", "place", "criminal_group"):
        setattr(operation, key, "" if key == "place" else None)
        services.operation_update(operation=operation, by=by, reason=reason)
        return
    if key in ("agencies", "destinations", "transit"):
        related = getattr(operation, key)
        related.remove(*related.filter(code__in=value))
    elif key == "detainees":
        _delete_plain_detainees(record, Counter(value), by=by)
    elif key.startswith(ITEM_PREFIX):
        item = next(item for item in record.items if _record_item_value(item) == value)
        item._history_user = by
        item.delete()
    services.operation_touch(operation=operation, by=by, reason=reason)
