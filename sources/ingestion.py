"""Taking sources in and drafting operations from them.

    source = source_from_file(Path("article.html"))          # read and check; nothing saved
    result = source_ingest(by=None, source=source)           # save it, run the extractor
    run = source_extract(source=source)                      # again, e.g. after an upgrade

Each source goes in in one transaction, with its extraction run and the draft operations,
items, detainees and citations drafted from it: a failure leaves nothing behind. Drafts are
machine drafts (`needs_review`, no editor). An extracted operation that is the same event as
one already recorded (see `sources.matching`) is not drafted again: the new source becomes
another citation of the existing one.

Running the extractor again on a source never overwrites what a person did: only untouched
machine drafts (in review, never edited) take the new values; beside the others the new
proposal is stored and their fields are left as they are.
"""

import datetime
import json
import time
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from seizures.models import Agency, Country, CriminalGroup, Detainee, EvidenceItem, Operation, Subdivision
from seizures.services import history_reason, operation_create, operation_fact_fields, operation_source_added
from sources.extraction import ExtractedItem, ExtractedOperation, get_extractor
from sources.matching import DATE_WINDOW, Event, event_of_operation, event_of_proposal, same_event
from sources.models import (
    Citation,
    ExtractionRun,
    FieldDecision,
    OperationProposal,
    Source,
    normalise_url,
    text_sha256,
)
from sources.services import citation_create, source_create
from sources.text import TextError, check_size, clean_text, decode, detect_language, html_to_article

Outcome = OperationProposal.Outcome

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm"}
JSON_SUFFIXES = {".json"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES
# Source fields an article, a web page or the person ingesting may state.
METADATA = ("kind", "outlet", "url", "title", "author", "published", "language")
# A report of thousands of arrests is a yearly figure, not one operation: past this many,
# detainee rows are not drafted one by one (the reviewer is told).
MAX_DETAINEE_ROWS = 500


class IngestError(Exception):
    """A source that cannot be taken in. The message is meant for the user."""


class DuplicateSourceError(IngestError):
    """The source is already in: `existing` is the first one."""

    def __init__(self, existing: Source, same: str):
        self.existing = existing
        self.same = same
        super().__init__(f"Already ingested as source #{existing.pk} ({existing}): same {same}. Nothing was created.")


# --- Reading ----------------------------------------------------------------------------------


def parse_date(value, *, what: str) -> datetime.date | None:
    """An ISO date (a full ISO timestamp is cut to its date); None for an empty value."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            try:
                return datetime.datetime.fromisoformat(value.strip()).date()
            except ValueError:
                pass
    raise IngestError(f"{what} is {value!r}, which is not a date (use YYYY-MM-DD).")


def _apply_metadata(source: Source, metadata: dict, *, fill_only: bool) -> None:
    for name, value in metadata.items():
        if name not in METADATA or value in (None, ""):
            continue
        if fill_only and getattr(source, name):
            continue
        setattr(source, name, value)


def source_from_text(text: str, **metadata) -> Source:
    """An unsaved source for `text` (pasted, or read from a .txt file)."""
    try:
        source = Source(text=clean_text(text))
    except TextError as error:
        raise IngestError(str(error)) from None
    _apply_metadata(source, metadata, fill_only=False)
    return source


def source_from_html(html: str, **metadata) -> Source:
    """An unsaved source holding the article of a web page. What the page says about itself
    (title, author, site, date) fills whatever `metadata` leaves empty."""
    try:
        page = html_to_article(html)
    except TextError as error:
        raise IngestError(str(error)) from None
    source = Source(text=page.text)
    _apply_metadata(source, metadata, fill_only=False)
    stated = {"title": page.title, "author": page.author, "outlet": page.outlet, "published": page.published}
    # A page's own canonical URL is only taken when it is a web address, not a file path.
    if page.url.startswith(("http://", "https://")):
        stated["url"] = page.url
    _apply_metadata(source, stated, fill_only=True)
    return source


ARTICLE_STRINGS = ("title", "outlet", "url", "language", "author", "kind")


def source_from_article(raw: str, **metadata) -> Source:
    """An unsaved source from an article in the corpus's JSON shape:
    {"id", "title", "outlet", "url", "published", "language", "text"} (all but "text" may be
    null). `metadata` overrides what the article says."""
    try:
        article = json.loads(raw)
    except json.JSONDecodeError as error:
        raise IngestError(
            f"Malformed JSON article: {error.msg} at line {error.lineno}, column {error.colno}."
        ) from None
    if not isinstance(article, dict):
        raise IngestError(f'Malformed JSON article: expected an object with a "text", found a {_json_type(article)}.')
    text = article.get("text")
    if not isinstance(text, str):
        raise IngestError('Malformed JSON article: "text" must be a string holding the article.')
    fields = {}
    for name in ARTICLE_STRINGS:
        value = article.get(name)
        if value is not None and not isinstance(value, str):
            raise IngestError(f'Malformed JSON article: "{name}" must be a string or null, not a {_json_type(value)}.')
        fields[name] = (value or "").strip()
    fields["published"] = parse_date(article.get("published"), what='The article\'s "published" date')
    try:
        source = Source(text=clean_text(text))
    except TextError as error:
        raise IngestError(str(error)) from None
    _apply_metadata(source, fields, fill_only=False)
    _apply_metadata(source, metadata, fill_only=False)
    return source


def _json_type(value) -> str:
    return {dict: "object", list: "list", str: "string", bool: "boolean", int: "number", float: "number"}.get(
        type(value), "null"
    )


def source_from_bytes(data: bytes, *, filename: str, **metadata) -> Source:
    """An unsaved source from a file's content: .txt (plain UTF-8 text), .html/.htm (a web
    page, reduced to its article) or .json (an article in the corpus's shape)."""
    suffix = Path(filename).suffix.lower()
    if suffix not in SUFFIXES:
        raise IngestError(f"Unsupported file type {suffix or '(none)'!r}: use .txt, .html or .json.")
    try:
        content = decode(data)
    except TextError as error:
        raise IngestError(str(error)) from None
    if suffix in HTML_SUFFIXES:
        return source_from_html(content, **metadata)
    if suffix in JSON_SUFFIXES:
        return source_from_article(content, **metadata)
    return source_from_text(content, **metadata)


def source_from_file(path: Path, **metadata) -> Source:
    path = Path(path)
    if not path.is_file():
        raise IngestError("No such file." if not path.exists() else "Not a file.")
    try:
        check_size(path.stat().st_size)
        with path.open("rb") as file:
            # Read at most one byte past the limit: a file that grows while read, or a device,
            # is refused without being read whole.
            data = file.read(settings.SOURCES_MAX_BYTES + 1)
    except TextError as error:
        raise IngestError(str(error)) from None
    except OSError as error:
        raise IngestError(f"Cannot read it: {error.strerror or error}.") from None
    return source_from_bytes(data, filename=path.name, **metadata)


# --- Saving -----------------------------------------------------------------------------------


def find_duplicate(source: Source) -> DuplicateSourceError | None:
    """The error to give if a source with this URL or this exact text is already in."""
    url = normalise_url(source.url or "")
    if url:
        existing = Source.objects.filter(url=url).exclude(pk=source.pk).first()
        if existing:
            return DuplicateSourceError(existing, "URL")
    existing = Source.objects.filter(text_sha256=text_sha256(source.text)).exclude(pk=source.pk).first()
    if existing:
        return DuplicateSourceError(existing, "text")
    return None


def _validation_message(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
    return " ".join(error.messages)


@dataclass
class IngestResult:
    source: Source
    run: ExtractionRun


@transaction.atomic
def source_ingest(*, by, source: Source) -> IngestResult:
    """Save a new source (from `source_from_*` or a form) and draft operations from it.

    Refuses, saving nothing, a source whose URL or text is already in (DuplicateSourceError
    names the first) and any source that does not validate. Detects the language when none
    is given."""
    if source.pk is not None:
        raise IngestError(f"Source #{source.pk} is already saved; re-extract it instead.")
    try:
        source.text = clean_text(source.text or "")
        check_size(len(source.text.encode("utf-8")))
    except TextError as error:
        raise IngestError(str(error)) from None
    if duplicate := find_duplicate(source):
        raise duplicate
    if not source.language:
        source.language = detect_language(source.text)
    try:
        # A savepoint: if another process saves the same URL or text between the check above
        # and this insert, the unique index refuses it and the refusal is reported as such.
        with transaction.atomic():
            source_create(by=by, source=source)
    except ValidationError as error:
        raise IngestError(_validation_message(error)) from None
    except IntegrityError:
        source.pk = None
        duplicate = find_duplicate(source)
        if duplicate is None:
            raise
        raise duplicate from None
    return IngestResult(source=source, run=source_extract(source=source))


@transaction.atomic
def use_agency_table() -> None:
    """Have the rule extractor read agencies as the Agency table keeps them (aliases added in
    the admin included): one small query, and the extractor's index is rebuilt only when the
    table changed."""
    # Imported here, not at the top: importing the rules compiles their patterns (a fifth of
    # a second), which every other command (migrate, check) has no use for.
    from sources.extraction.rules import agencies as agency_rules

    agency_rules.use_registry(
        (a.code, a.country_id or "", a.parent.code if a.parent else "", a.name, a.aliases or [])
        for a in Agency.objects.select_related("parent").order_by("code")
    )


def source_extract(*, source: Source) -> ExtractionRun:
    """Run the configured extractor on `source` and record what it proposes: new draft
    operations, citations of existing operations that are the same event, new values for
    the untouched drafts an earlier run made from this source, and, for operations a person
    edited or verified, the proposal alone, beside their values."""
    extractor = get_extractor()
    started = time.monotonic()
    use_agency_table()
    result = extractor.extract(source.text, published=source.published, language=source.language or None)
    duration = datetime.timedelta(seconds=time.monotonic() - started)
    earlier = _earlier_operations(source)
    run = ExtractionRun.objects.create(
        source=source,
        extractor=result.extractor,
        version=result.version,
        output=result.to_dict(),
        duration=duration,
    )
    paired: set[int] = set()
    for index, extracted in enumerate(result.operations):
        proposal = OperationProposal(run=run, index=index, data=run.output["operations"][index])
        _record(proposal, extracted, source=source, earlier=earlier, paired=paired)
        proposal.save()
    return run


# --- From a proposal to records ---------------------------------------------------------------


@dataclass
class Draft:
    """The records an extracted operation maps to, unsaved."""

    operation: Operation
    agencies: list[Agency]
    destinations: list[Country]
    transit: list[Country]
    organization: str
    items: list[EvidenceItem]
    nationalities: list[Country | None]
    notes: list[str] = field(default_factory=list)

    @property
    def event(self) -> Event:
        return event_of_operation(self.operation, self.items)


def _code(extracted) -> str:
    return str(extracted.value).strip().upper() if extracted is not None and extracted.value else ""


def _countries(codes: list[str], notes: list[str], what: str) -> list[Country]:
    found = {c.code: c for c in Country.objects.filter(code__in=codes)}
    unknown = [code for code in codes if code not in found]
    if unknown:
        notes.append(f"Unknown {what} {', '.join(unknown)} left out.")
    return [found[code] for code in dict.fromkeys(codes) if code in found]


def _decimal(value, places: str) -> Decimal | None:
    """`value` rounded to the places its field stores (pounds make kilograms with eight
    decimals; the field keeps six), or None."""
    if value is None:
        return None
    try:
        return Decimal(str(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number.") from None


def _item(extracted: ExtractedItem) -> EvidenceItem:
    return EvidenceItem(
        category=extracted.category,
        drug_type=str(extracted.drug_type.value) if extracted.drug_type else "",
        form=str(extracted.form.value)[:100] if extracted.form else "",
        description=(extracted.description or "")[:300],
        quantity=_decimal(extracted.quantity.value, "0.000001") if extracted.quantity else None,
        unit=extracted.unit or "",
        currency=extracted.currency or "",
        quantity_kg=_decimal(extracted.quantity_kg, "0.000001"),
    )


def _draft(extracted: ExtractedOperation) -> tuple[Draft | None, str]:
    """The records for `extracted`, or None and why it cannot be recorded."""
    notes: list[str] = []
    code = _code(extracted.country)
    country = Country.objects.filter(code=code).first() if code else None
    if country is None:
        return None, f"Country {code or '(none)'} is not a known ISO 3166-1 country, so the operation was not recorded."
    subdivision = None
    if admin1 := _code(extracted.admin1):
        subdivision = Subdivision.objects.filter(code=admin1, country=country, parent__isnull=True).first()
        if subdivision is None:
            notes.append(f"{admin1} is not a top-level subdivision of {country.code}; subdivision left empty.")
    try:
        latitude, longitude = _decimal(extracted.latitude, "0.00001"), _decimal(extracted.longitude, "0.00001")
    except ValueError:
        latitude = longitude = None
        notes.append("Unreadable coordinates left out.")
    operation = Operation(
        date_start=extracted.date_start.value,
        date_end=extracted.date_end.value if extracted.date_end else extracted.date_start.value,
        date_precision=extracted.date_precision or "day",
        country=country,
        subdivision=subdivision,
        place=str(extracted.place.value)[:300] if extracted.place else "",
        latitude=latitude,
        longitude=longitude,
    )
    try:
        operation.full_clean(exclude=["status"])
    except ValidationError as error:
        return None, f"The operation was not recorded: {_validation_message(error)}"

    agency_codes = list(dict.fromkeys(_code(a) for a in extracted.agencies if _code(a)))
    agencies = {a.code.upper(): a for a in Agency.objects.filter(code__in=agency_codes)}
    if unknown := [code for code in agency_codes if code not in agencies]:
        notes.append(f"Unknown agency {', '.join(unknown)} left out.")

    items = []
    for number, extracted_item in enumerate(extracted.items, start=1):
        try:
            item = _item(extracted_item)
            item.full_clean(exclude=["operation"])
        except (ValidationError, TypeError, ValueError) as error:
            reason = _validation_message(error) if isinstance(error, ValidationError) else str(error)
            notes.append(f"Item {number} left out: {reason}")
            continue
        items.append(item)

    by_code = {_code_of(key): n.value for key, n in extracted.detainees_by_nationality.items()}
    nationals = {c.code: c for c in Country.objects.filter(code__in=list(by_code))}
    if unknown := [code for code in by_code if code not in nationals]:
        notes.append(f"Unknown nationality {', '.join(unknown)}: counted without a nationality.")
    nationalities: list[Country | None] = []
    for code, count in by_code.items():
        nationalities += [nationals.get(code)] * max(int(count or 0), 0)
    total = int(extracted.detainees_total.value or 0) if extracted.detainees_total else 0
    nationalities += [None] * max(total - len(nationalities), 0)
    if len(nationalities) > MAX_DETAINEE_ROWS:
        notes.append(
            f"{len(nationalities)} detainees reported; none drafted (more than {MAX_DETAINEE_ROWS} is not one operation)."
        )
        nationalities = []

    draft = Draft(
        operation=operation,
        agencies=[agencies[code] for code in agency_codes if code in agencies],
        destinations=_countries([_code(d) for d in extracted.destinations if _code(d)], notes, "destination"),
        transit=_countries([_code(t) for t in extracted.transit if _code(t)], notes, "transit country"),
        organization=str(extracted.organization.value).strip()[:200] if extracted.organization else "",
        items=items,
        nationalities=nationalities,
        notes=notes,
    )
    return draft, ""


def _code_of(key) -> str:
    return str(key).strip().upper()


def find_criminal_group(name: str) -> CriminalGroup | None:
    """The group called `name`, or known by it as an alias, ignoring case."""
    if not name:
        return None
    group = CriminalGroup.objects.filter(name__iexact=name).first()
    if group:
        return group
    wanted = name.casefold()
    # Aliases are a JSON list; comparing them in Python keeps this the same on every database.
    for group in CriminalGroup.objects.exclude(aliases=[]).only("pk", "name", "aliases"):
        if any(isinstance(alias, str) and alias.casefold() == wanted for alias in group.aliases):
            return group
    return None


def criminal_group_for(name: str) -> CriminalGroup | None:
    """The group called `name` (see find_criminal_group), created if it is new."""
    if not name:
        return None
    group = find_criminal_group(name)
    if group is None:
        group = CriminalGroup(name=name)
        group._history_user = None
        group._change_reason = "named by the extractor"
        group.save()
    return group


def citation_spans(text: str, extracted: ExtractedOperation) -> list[tuple[int, int]]:
    """Where the operation is told in `text`: one (start, end) per run of adjacent sentences,
    trimmed of blank space, so each is a contiguous quote. Without sentences, the stretch from
    its first extracted value to its last."""
    spans = sorted((s, e) for s, e in extracted.sentences if 0 <= s < e <= len(text))
    if not spans:
        values = [v for v in _values(extracted) if 0 <= v.start < v.end <= len(text)]
        spans = [(min(v.start for v in values), max(v.end for v in values))] if values else []
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and (start <= merged[-1][1] or not text[merged[-1][1] : start].strip()):
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    trimmed = []
    for start, end in merged:
        quote = text[start:end]
        start += len(quote) - len(quote.lstrip())
        end -= len(quote) - len(quote.rstrip())
        if start < end:
            trimmed.append((start, end))
    return trimmed


def _values(extracted: ExtractedOperation):
    singles = [extracted.date_start, extracted.date_end, extracted.country, extracted.admin1, extracted.place]
    singles += [extracted.detainees_total, extracted.organization]
    many = [*extracted.agencies, *extracted.destinations, *extracted.transit]
    many += list(extracted.detainees_by_nationality.values())
    for value in [*singles, *many]:
        if value is not None:
            yield value
    yield from extracted.items


def _cite(*, source: Source, operation: Operation, spans: list[tuple[int, int]]) -> int:
    """Cite `source` on `operation` at `spans` (those not cited yet); the number added."""
    existing = set(Citation.objects.filter(source=source, operation=operation).values_list("start", "end"))
    added = 0
    for start, end in spans:
        if (start, end) not in existing:
            citation_create(by=None, source=source, operation=operation, quote=source.text[start:end], start=start)
            existing.add((start, end))
            added += 1
    return added


def _recite(*, source: Source, operation: Operation, spans: list[tuple[int, int]]) -> int:
    """Make this source's machine citations of `operation` the quotes at `spans`: those still
    quoted stay as they are (a reviewer's open page keeps pointing at them), the others go.
    The number of citations added or removed."""
    removed, _ = (
        Citation.objects.filter(operation=operation, source=source, created_by__isnull=True)
        .exclude(
            pk__in=[
                pk
                for pk, start, end in Citation.objects.filter(operation=operation, source=source).values_list(
                    "pk", "start", "end"
                )
                if (start, end) in spans
            ]
        )
        .delete()
    )
    return removed + _cite(source=source, operation=operation, spans=spans)


def _save_children(operation: Operation, draft: Draft) -> None:
    operation.agencies.set(draft.agencies)
    operation.destinations.set(draft.destinations)
    operation.transit.set(draft.transit)
    for item in draft.items:
        item.operation = operation
        item._history_user = None
        item.save()
    for nationality in draft.nationalities:
        detainee = Detainee(operation=operation, nationality=nationality)
        detainee._history_user = None
        detainee.save()


def _create(draft: Draft, *, source: Source, spans) -> Operation:
    draft.operation.criminal_group = criminal_group_for(draft.organization)
    operation = operation_create(by=None, operation=draft.operation)
    _save_children(operation, draft)
    _cite(source=source, operation=operation, spans=spans)
    return operation


def is_untouched(operation: Operation) -> bool:
    """A machine draft nobody has edited, decided a field of, verified or rejected: the
    extractor may rewrite it. (Accepting the values a draft holds edits nothing, and a
    verified draft reopened without an edit still has no editor: neither is untouched.)"""
    return (
        operation.status == Operation.Status.NEEDS_REVIEW
        and operation.last_edited_by_id is None
        and operation.status_changed_by_id is None
        and not operation.verified_versions.exists()
        and not FieldDecision.objects.filter(operation=operation).exists()
    )


def _plain(value) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return "" if value is None else str(value)


def _item_key(item: EvidenceItem) -> tuple[str, ...]:
    names = ("category", "drug_type", "form", "description", "quantity", "unit", "currency", "quantity_kg")
    return tuple(_plain(getattr(item, name)) for name in (*names, "concealment"))


def _fact_attnames() -> list[str]:
    return [Operation._meta.get_field(name).attname for name in operation_fact_fields()]


def _has_values_of(operation: Operation, draft: Draft) -> bool:
    """Whether an untouched draft already holds exactly what `draft` would give it."""
    group = find_criminal_group(draft.organization)
    if draft.organization and group is None:
        return False
    draft.operation.criminal_group = group
    now = {name: _plain(getattr(operation, name)) for name in _fact_attnames()}
    proposed = {name: _plain(getattr(draft.operation, name)) for name in _fact_attnames()}
    return (
        now == proposed
        and sorted(operation.agencies.values_list("pk", flat=True)) == sorted(a.pk for a in draft.agencies)
        and sorted(operation.destinations.values_list("pk", flat=True)) == sorted(c.pk for c in draft.destinations)
        and sorted(operation.transit.values_list("pk", flat=True)) == sorted(c.pk for c in draft.transit)
        and sorted(map(_item_key, operation.evidence_items.all())) == sorted(map(_item_key, draft.items))
        and sorted(_plain(d.nationality_id) for d in operation.detainees.all())
        == sorted(_plain(c.pk if c else None) for c in draft.nationalities)
    )


def _rewrite(operation: Operation, draft: Draft, *, source: Source, spans, reason: str) -> None:
    """Give an untouched draft (locked by the caller) the values of a newer proposal."""
    draft.operation.criminal_group = criminal_group_for(draft.organization)
    fields = operation_fact_fields()
    for name in fields:
        attname = Operation._meta.get_field(name).attname
        setattr(operation, attname, getattr(draft.operation, attname))
    # A new version: a reviewer who opened the draft before this rewrite cannot save over it.
    operation.version += 1
    operation.last_edited_at = timezone.now()
    operation._history_user = None
    operation._change_reason = history_reason(reason)
    operation.save(update_fields=[*fields, "version", "last_edited_at", "updated_at"])
    # Untouched, so every item, detainee and citation of it is the extractor's.
    operation.evidence_items.all().delete()
    operation.detainees.all().delete()
    _save_children(operation, draft)
    _recite(source=source, operation=operation, spans=spans)


@dataclass
class Earlier:
    """An operation an earlier run on the same source drafted, updated or cited."""

    operation: Operation
    events: list[Event]
    # Whether its values are this source's proposal (it drafted or last rewrote it).
    drafted_here: bool


def _earlier_operations(source: Source) -> list[Earlier]:
    proposals = (
        OperationProposal.objects.filter(run__source=source, operation__isnull=False)
        .select_related("operation")
        .order_by("operation_id", "run__created_at", "pk")
    )
    by_operation: dict[int, Earlier] = {}
    for proposal in proposals:
        entry = by_operation.get(proposal.operation_id)
        if entry is None:
            operation = proposal.operation
            entry = by_operation[operation.pk] = Earlier(
                operation=operation,
                events=[event_of_operation(operation, operation.evidence_items.all())],
                drafted_here=False,
            )
        if event := event_of_proposal(proposal.data):
            entry.events.append(event)
    if by_operation:
        # Whose values each has: the newest proposal that drafted or rewrote it.
        last_writers = (
            OperationProposal.objects.filter(
                operation_id__in=by_operation, outcome__in=OperationProposal.VALUE_OUTCOMES
            )
            .order_by("operation_id", "-run__created_at", "-pk")
            .values_list("operation_id", "run__source_id")
        )
        seen = set()
        for operation_id, source_id in last_writers:
            if operation_id not in seen:
                seen.add(operation_id)
                by_operation[operation_id].drafted_here = source_id == source.pk
    return list(by_operation.values())


def _find_match(event: Event) -> Operation | None:
    candidates = Operation.objects.filter(
        country_id=event.country,
        date_start__lte=event.date_end + DATE_WINDOW,
        date_end__gte=event.date_start - DATE_WINDOW,
    ).order_by("pk")
    for operation in candidates.prefetch_related("evidence_items"):
        if same_event(event, event_of_operation(operation, operation.evidence_items.all())):
            return operation
    return None


def _record(
    proposal: OperationProposal,
    extracted: ExtractedOperation,
    *,
    source: Source,
    earlier: list[Earlier],
    paired: set[int],
) -> None:
    draft, why_not = _draft(extracted)
    if draft is None:
        proposal.outcome, proposal.note = Outcome.SKIPPED, why_not
        return
    notes = draft.notes
    spans = citation_spans(source.text, extracted)
    event = draft.event
    twin = next(
        (e for e in earlier if e.operation.pk not in paired and any(same_event(event, seen) for seen in e.events)),
        None,
    )
    if twin is not None:
        paired.add(twin.operation.pk)
        # Locked: a reviewer may be saving this operation right now; whoever comes second
        # sees the other's result (an edit makes it no longer untouched).
        operation = Operation.objects.select_for_update().get(pk=twin.operation.pk)
        proposal.operation = operation
        if not is_untouched(operation):
            proposal.outcome = Outcome.KEPT
            notes.insert(
                0, "A person has edited, verified or rejected this operation: its values were left as they are."
            )
        elif twin.drafted_here and _has_values_of(operation, draft):
            # Nothing to rewrite: no new version, so a reviewer's open page stays current.
            _recite(source=source, operation=operation, spans=spans)
            proposal.outcome = Outcome.UNCHANGED
        elif twin.drafted_here:
            reason = f"re-extracted ({proposal.run.extractor} {proposal.run.version})"
            _rewrite(operation, draft, source=source, spans=spans, reason=reason)
            proposal.outcome = Outcome.UPDATED
        else:
            if _recite(source=source, operation=operation, spans=spans):
                operation_source_added(operation=operation, source=source)
            proposal.outcome = Outcome.CITED
    elif (match := _find_match(event)) is not None:
        if _cite(source=source, operation=match, spans=spans):
            # Another report of a verified operation changes it: back to review.
            operation_source_added(operation=match, source=source)
        proposal.operation, proposal.outcome = match, Outcome.CITED
    else:
        proposal.operation = _create(draft, source=source, spans=spans)
        proposal.outcome = Outcome.CREATED
    proposal.note = " ".join(notes)


# --- Telling people what happened -------------------------------------------------------------


def describe_run(run: ExtractionRun) -> str:
    """One line saying what a run did, for the command's output and the admin's message."""
    proposals = list(run.proposals.all())
    if not proposals:
        return f"{run.extractor} {run.version} proposed no operation."
    parts = []
    labels = {
        Outcome.CREATED: "new draft",
        Outcome.UPDATED: "draft updated",
        Outcome.UNCHANGED: "draft unchanged",
        Outcome.CITED: "cited on existing",
        Outcome.KEPT: "kept beside a person's values on",
    }
    for outcome, label in labels.items():
        ids = [f"#{p.operation_id}" for p in proposals if p.outcome == outcome]
        if ids:
            parts.append(f"{label} {', '.join(ids)}")
    skipped = [p.note for p in proposals if p.outcome == Outcome.SKIPPED]
    if skipped:
        parts.append(f"{len(skipped)} skipped ({' '.join(skipped)})")
    return f"{run.extractor} {run.version}: " + "; ".join(parts) + "."
