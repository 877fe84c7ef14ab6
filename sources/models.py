"""Sources (articles, releases, posts) and the citations that tie records to their words."""

import functools
import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords
from url_normalize import url_normalize

from seizures.models import OPERATION_WORKFLOW_FIELDS, Detainee, EvidenceItem, Operation


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalise_url(url: str) -> str:
    """The form under which a URL is stored and compared: scheme and host lower-cased,
    default port and fragment dropped, percent-encoding made canonical."""
    url = url.strip()
    if not url:
        return ""
    normalised = url_normalize(url)
    return normalised.split("#", 1)[0]


class Source(models.Model):
    class Kind(models.TextChoices):
        ARTICLE = "article", "News article"
        PRESS_RELEASE = "press_release", "Press release"
        SOCIAL_POST = "social_post", "Social-media post"
        BROADCAST = "broadcast", "Broadcast"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ARTICLE)
    outlet = models.CharField(max_length=200, blank=True, db_index=True)
    # NULL, not "", when absent: the unique constraint then only bites on real URLs.
    url = models.URLField("URL", max_length=2000, null=True, blank=True, unique=True)
    title = models.CharField(max_length=500, blank=True)
    author = models.CharField(max_length=200, blank=True)
    published = models.DateField("published date", null=True, blank=True, db_index=True)
    language = models.CharField(max_length=8, blank=True, help_text="ISO 639-1 code, e.g. en, es, pt.")
    retrieved_at = models.DateTimeField(null=True, blank=True)
    text = models.TextField(help_text="The full text, as published.")
    text_sha256 = models.CharField("SHA-256 of the text", max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["text"])

    class Meta:
        ordering = ["-published", "-pk"]

    def __str__(self):
        label = self.title or (self.text[:60] + "…" if len(self.text) > 60 else self.text)
        return f"{self.outlet}: {label}" if self.outlet else label

    def save(self, *args, **kwargs):
        # Invariants the unique indexes rely on, whoever saves: the digest always matches
        # the text, and a URL is stored only in its normalised form (or as NULL).
        self.text_sha256 = text_sha256(self.text)
        self.url = normalise_url(self.url or "") or None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "text" in update_fields:
            kwargs["update_fields"] = {*update_fields, "text_sha256"}
        super().save(*args, **kwargs)

    def clean(self):
        import pycountry

        errors = {}
        if not self.text or not self.text.strip():
            errors["text"] = "A source needs its text."
        else:
            digest = text_sha256(self.text)
            twin = Source.objects.filter(text_sha256=digest).exclude(pk=self.pk).first()
            if twin:
                errors["text"] = f"This exact text is already source #{twin.pk} ({twin})."
            if self.pk:
                broken = [c.pk for c in self.citations.all() if self.text[c.start : c.end] != c.quote]
                if broken and "text" not in errors:
                    listed = ", ".join(f"#{pk}" for pk in broken)
                    errors["text"] = (
                        f"Citations {listed} quote this text and would no longer match it. Remove or correct them first."
                    )
        if self.url:
            self.url = normalise_url(self.url)
            twin = Source.objects.filter(url=self.url).exclude(pk=self.pk).first()
            if twin:
                errors["url"] = f"This URL is already source #{twin.pk} ({twin})."
        if self.language:
            self.language = self.language.strip().lower()
            if pycountry.languages.get(alpha_2=self.language) is None:
                errors["language"] = f"{self.language!r} is not an ISO 639-1 language code."
        if errors:
            raise ValidationError(errors)


class CitationQuerySet(models.QuerySet):
    def for_operation(self, operation):
        return self.filter(operation=operation)


# Record-keeping fields, not facts a source could support.
NOT_CITABLE = {
    "id",
    "operation",
    "public_id",
    *OPERATION_WORKFLOW_FIELDS,
    "version",
    "last_edited_by",
    "last_edited_at",
    "created_by",
}


@functools.cache
def citable_fields(kind: str) -> frozenset[str]:
    """Names of the fields a citation may support on a record of `kind`."""
    model = {"operation": Operation, "evidence_item": EvidenceItem, "detainee": Detainee}[kind]
    fields = [*model._meta.fields, *model._meta.many_to_many]
    return frozenset(f.name for f in fields if f.editable and f.name not in NOT_CITABLE)


class Citation(models.Model):
    """A quote from a source supporting an operation, or one of its evidence items or
    detainees, and optionally one field of that record.

    The quote must occur in the source's text; `start`/`end` are its character offsets
    there (Python string indices, so `source.text[start:end] == quote`).
    """

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="citations")
    evidence_item = models.ForeignKey(
        EvidenceItem, on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    detainee = models.ForeignKey(Detainee, on_delete=models.CASCADE, null=True, blank=True, related_name="citations")
    field = models.CharField(
        max_length=50, blank=True, help_text="The field the quote supports; empty for the whole record."
    )
    quote = models.TextField()
    start = models.PositiveIntegerField(null=True, blank=True, help_text="Offset of the quote in the source text.")
    end = models.PositiveIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    history = HistoricalRecords()
    objects = CitationQuerySet.as_manager()

    class Meta:
        ordering = ["operation", "start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(evidence_item__isnull=False, detainee__isnull=False),
                name="citation_one_target",
            ),
        ]

    def __str__(self):
        quote = self.quote if len(self.quote) <= 60 else self.quote[:57] + "…"
        return f"“{quote}”"

    @property
    def target_kind(self) -> str:
        if self.evidence_item_id:
            return "evidence_item"
        if self.detainee_id:
            return "detainee"
        return "operation"

    def clean(self):
        errors = {}
        if not self.source_id:
            # Nothing to check a quote against; the required source field says what is missing.
            # (An empty form of the admin's read-only citation rows lands here when the
            # citation was deleted meanwhile, and must not fail on fields it does not show.)
            return
        self.quote = (self.quote or "").strip()
        if not self.quote:
            errors["quote"] = "Quote the words of the source that support the record."
        elif self.source_id:
            text = self.source.text
            if self.start is not None:
                if text[self.start : self.start + len(self.quote)] != self.quote:
                    errors["start"] = "The quote is not at this offset in the source text."
            else:
                found = text.find(self.quote)
                if found < 0:
                    errors["quote"] = "This quote does not occur in the source text. Copy it exactly as written."
                else:
                    self.start = found
            if "quote" not in errors and "start" not in errors:
                self.end = self.start + len(self.quote)
        if self.evidence_item_id and self.detainee_id:
            errors["detainee"] = "A citation supports the operation, one evidence item or one detainee, not several."
        for target in ("evidence_item", "detainee"):
            record = getattr(self, target) if getattr(self, f"{target}_id") else None
            if record is not None and self.operation_id and record.operation_id != self.operation_id:
                errors[target] = "This record belongs to another operation."
        if self.field and self.field not in citable_fields(self.target_kind):
            errors["field"] = f"'{self.field}' is not a field of the cited {self.target_kind.replace('_', ' ')}."
        if errors:
            raise ValidationError(errors)


# --- Extraction ----------------------------------------------------------------------------


class ExtractionRun(models.Model):
    """One pass of an extractor over a source: exactly what it returned (every value with the
    span of text it came from), kept so that a reviewer can see what the machine proposed and
    why, and so that a later extractor version can be compared with this one."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="extraction_runs")
    extractor = models.CharField(max_length=100)
    version = models.CharField(max_length=50)
    output = models.JSONField(help_text="The extractor's result (ExtractionResult.to_dict()).")
    duration = models.DurationField(help_text="How long the extractor took.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["source", "-created_at", "-pk"]
        get_latest_by = ["created_at", "pk"]

    def __str__(self):
        return f"{self.extractor} {self.version} on source #{self.source_id}"


class OperationProposal(models.Model):
    """One operation an extraction run proposed, and what ingestion did with it.

    `data` is the extracted operation as the extractor gave it (values with their spans and
    confidence). The operation it was created from, merged into, or kept beside is linked,
    so its page can show the machine's proposal next to what the reviewer decided.
    """

    class Outcome(models.TextChoices):
        CREATED = "created", "Created a draft operation"
        UPDATED = "updated", "Updated an untouched draft"
        UNCHANGED = "unchanged", "Confirmed an untouched draft's values"
        CITED = "cited", "Matched an existing operation; the source was added as a citation"
        KEPT = "kept", "Kept beside an operation a person had edited or verified"
        SKIPPED = "skipped", "Not recorded"

    # The outcomes after which the operation holds this proposal's values.
    VALUE_OUTCOMES = [Outcome.CREATED, Outcome.UPDATED, Outcome.UNCHANGED]

    run = models.ForeignKey(ExtractionRun, on_delete=models.CASCADE, related_name="proposals")
    index = models.PositiveSmallIntegerField(help_text="Its position in the run's output.")
    operation = models.ForeignKey(Operation, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposals")
    data = models.JSONField(help_text="The extracted operation, with each value's span and confidence.")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    note = models.TextField(blank=True, help_text="What could not be recorded, and why.")

    class Meta:
        ordering = ["run", "index"]
        constraints = [models.UniqueConstraint(fields=["run", "index"], name="proposal_unique_index")]

    def __str__(self):
        return f"Proposal {self.index} of run #{self.run_id} ({self.outcome})"


# --- Review -----------------------------------------------------------------------------------


class FieldDecision(models.Model):
    """A reviewer's answer to one field the machine proposed for an operation: accepted,
    edited or rejected. It records the proposal it answered (its source, and the value as
    proposed then), so that when a later extraction proposes something else the page can say
    the decision was taken on an older proposal, without the decision itself changing.

    `field` is a key of `sources.review.FIELDS` ("date_start", "agencies", "items.0"...).
    """

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        EDITED = "edited", "Edited"
        REJECTED = "rejected", "Rejected"

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="field_decisions")
    field = models.CharField(max_length=50)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    source = models.ForeignKey(
        Source, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", help_text="Whose proposal."
    )
    proposed = models.JSONField(null=True, blank=True, help_text="The value as proposed when decided.")
    seen = models.JSONField(
        default=list,
        blank=True,
        help_text="[source id, value] of every proposal of the field when it was decided.",
    )
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["operation", "field"]
        constraints = [models.UniqueConstraint(fields=["operation", "field"], name="field_decision_unique")]

    def __str__(self):
        return f"{self.field}: {self.decision}"


class AttachedSource(models.Model):
    """A source an editor put beside an operation to cite from, before (or without) any
    citation of it: the operation page shows it with the cited ones."""

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="attached_sources")
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="attachments")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["operation", "added_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["operation", "source"], name="attached_source_unique")]

    def __str__(self):
        return f"Source #{self.source_id} beside operation #{self.operation_id}"


class IngestBatch(models.Model):
    """Many files taken in by background workers (`manage.py ingest_batch`), one item a file.

    The batch's state is in the database, not in the broker: each item is ingested in one
    transaction with the source it creates, so a worker killed midway, or a broker that
    restarts empty, loses nothing and repeats nothing; `resume` sends the work out again.
    """

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    label = models.CharField(max_length=300, blank=True, help_text="What was ingested, e.g. the folder.")
    metadata = models.JSONField(default=dict, blank=True, help_text="What the files do not say: outlet, kind...")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING, db_index=True)
    total = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Moved on by each item done: a running batch whose heartbeat stops has lost its workers.
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "ingest batches"

    def __str__(self):
        return f"Batch #{self.pk}" + (f" ({self.label})" if self.label else "")


class IngestItem(models.Model):
    """One file of a batch: its bytes until it is taken in, then what became of it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        CREATED = "created", "Created"
        DUPLICATE = "duplicate", "Already ingested"
        FAILED = "failed", "Failed"

    batch = models.ForeignKey(IngestBatch, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=500, help_text="The file's name or path.")
    # Kept in the database so that any worker on any machine can take the item; emptied once
    # the item is done (the text is then in its source).
    content = models.BinaryField(blank=True, default=b"")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    source = models.ForeignKey(Source, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    message = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["batch", "position"]
        constraints = [models.UniqueConstraint(fields=["batch", "position"], name="ingest_item_unique_position")]
        indexes = [models.Index(fields=["batch", "status", "position"], name="ingest_item_todo")]

    def __str__(self):
        return f"{self.name} ({self.get_status_display().lower()})"
