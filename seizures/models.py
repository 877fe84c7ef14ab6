"""Seizure operations and what they turned up, plus the reference data they point to.

An Operation is one seizure event as reported by one or more sources. Its status is only ever
changed by the functions in `seizures.services`; see that module for the review workflow.
"""

import uuid
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from simple_history.models import HistoricalRecords

from seizures import vocabularies as vocab

# --- Reference data ----------------------------------------------------------------------


class Country(models.Model):
    """An ISO 3166-1 country, loaded from pycountry by a data migration."""

    code = models.CharField("ISO 3166-1 alpha-2", max_length=2, primary_key=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"

    def __str__(self):
        return f"{self.name} ({self.code})"


class Subdivision(models.Model):
    """An ISO 3166-2 subdivision. Operations point only to top-level ones (no parent)."""

    code = models.CharField("ISO 3166-2", max_length=6, primary_key=True)
    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="subdivisions")
    name = models.CharField(max_length=150)
    category = models.CharField(max_length=80, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class Agency(models.Model):
    """A law-enforcement or state body that carries out or announces seizures."""

    code = models.CharField(max_length=30, unique=True, help_text="Short stable code, e.g. DIRANDRO.")
    name = models.CharField(max_length=200)
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agencies",
        help_text="Empty for international bodies (Europol, MAOC-N).",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
        help_text="The body this unit belongs to.",
    )
    aliases = models.JSONField(default=list, blank=True, help_text="Other names and acronyms, one string each.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["country_id", "code"]
        verbose_name_plural = "agencies"

    def __str__(self):
        return f"{self.code} – {self.name}"

    def clean(self):
        if not isinstance(self.aliases, list) or not all(isinstance(a, str) for a in self.aliases):
            raise ValidationError({"aliases": "Aliases must be a list of strings."})
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": "An agency cannot be its own parent."})


class CriminalGroup(models.Model):
    name = models.CharField(max_length=200, unique=True)
    aliases = models.JSONField(default=list, blank=True, help_text="Other names, one string each.")
    countries = models.ManyToManyField(
        Country, blank=True, related_name="criminal_groups", help_text="Where it operates."
    )
    notes = models.TextField(blank=True)
    history = HistoricalRecords(m2m_fields=[countries])

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        if not isinstance(self.aliases, list) or not all(isinstance(a, str) for a in self.aliases):
            raise ValidationError({"aliases": "Aliases must be a list of strings."})


# --- Operations --------------------------------------------------------------------------

# Fields only the workflow writes (seizures.services); an edit never takes them from a form.
OPERATION_WORKFLOW_FIELDS = [
    "status",
    "status_changed_at",
    "status_changed_by",
    "rejection_reason",
    "verified_version",
    "newest_source_date",
    "merged_into",
    "claimed_by",
    "claimed_at",
]


def fields_decided_by(person=None):
    """The field decisions of an operation (`OuterRef("pk")`) made by `person`, or by
    whoever claims it if None. For `Exists`."""
    from sources.models import FieldDecision

    return FieldDecision.objects.filter(
        operation=OuterRef("pk"), decided_by=OuterRef("claimed_by") if person is None else person
    )


class OperationQuerySet(models.QuerySet):
    def needing_review(self):
        return self.filter(status=Operation.Status.NEEDS_REVIEW)

    def verified(self):
        return self.filter(status=Operation.Status.VERIFIED)

    def published(self):
        """Operations partners may see: those with a verified version, even while an edit
        of them waits for review (partners then see the verified version)."""
        return self.filter(verified_version__isnull=False)

    # --- The reviewer's inbox (claims last settings.SEIZURES_CLAIM_MINUTES) ---

    def _live_claim(self) -> Q:
        from django.utils import timezone

        cutoff = timezone.now() - timedelta(minutes=settings.SEIZURES_CLAIM_MINUTES)
        claim = Q(claimed_by__isnull=False, claimed_at__gte=cutoff)
        if settings.SEIZURES_FOUR_EYES:
            # A reviewer who then edited the record, or decided one of its fields, cannot
            # verify it: their claim holds no one back.
            claim &= ~Q(claimed_by=F("last_edited_by"), last_edited_by__isnull=False)
            claim &= ~Q(Exists(fields_decided_by()))
        return claim

    def to_review_by(self, user):
        """Needs review, nobody else is reviewing it, and (four eyes) `user` did not edit it last."""
        operations = self.needing_review().exclude(self._live_claim() & ~Q(claimed_by=user))
        if settings.SEIZURES_FOUR_EYES:
            # Nearly what the verify service checks (seizures.services.value_checkers): who
            # edited it last, or decided one of its fields.
            operations = operations.exclude(last_edited_by=user).exclude(field_decisions__decided_by=user)
        return operations

    def claimed_by_user(self, user):
        return self.needing_review().filter(self._live_claim(), claimed_by=user)

    def came_back_to(self, user):
        """What `user` edited last and someone else then sent back: reopened, returned to
        draft, or rejected (with the reason)."""
        return self.filter(
            last_edited_by=user,
            status__in=[Operation.Status.DRAFT, Operation.Status.NEEDS_REVIEW, Operation.Status.REJECTED],
            status_changed_by__isnull=False,
        ).exclude(status_changed_by=user)

    def new_source_since_verified(self):
        """In review because the extractor cited another report of them after they were
        verified (`seizures.services.operation_source_added`)."""
        cited_since = Operation.objects.filter(
            citations__created_by__isnull=True, citations__created_at__gt=F("verified_version__verified_at")
        )
        return self.needing_review().filter(verified_version__isnull=False, pk__in=cited_since.values("pk"))

    def in_country(self, code: str):
        return self.filter(country_id=code.upper())

    def with_review_summary(self):
        """Counts and dates the review queue shows, as subqueries so that the number of
        queries stays fixed and joins do not multiply the counts."""
        from sources.models import Citation

        citations = Citation.objects.filter(operation=OuterRef("pk"))
        return self.annotate(
            citation_count=Coalesce(Subquery(citations.values("operation").annotate(n=Count("pk")).values("n")[:1]), 0),
            detainee_count=Coalesce(
                Subquery(
                    Detainee.objects.filter(operation=OuterRef("pk"))
                    .values("operation")
                    .annotate(n=Count("pk"))
                    .values("n")[:1]
                ),
                0,
            ),
        )


class Operation(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        NEEDS_REVIEW = "needs_review", "Needs review"
        VERIFIED = "verified", "Verified"
        REJECTED = "rejected", "Rejected"
        MERGED = "merged", "Merged into another"

    # Statuses in which an operation and its parts are read-only.
    FROZEN_STATUSES = (Status.REJECTED, Status.MERGED)

    public_id = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False, help_text="Stable id shown to partners."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    rejection_reason = models.TextField(blank=True)

    date_start = models.DateField("start date", db_index=True)
    date_end = models.DateField("end date", blank=True, help_text="Same as the start date for a single day.")
    date_precision = models.CharField(
        max_length=10, choices=vocab.DatePrecision.choices, default=vocab.DatePrecision.DAY
    )

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="operations")
    subdivision = models.ForeignKey(
        Subdivision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="operations",
        limit_choices_to={"parent__isnull": True},
        help_text="Top-level ISO 3166-2 subdivision (region, department, province). Empty at sea.",
    )
    place = models.CharField(max_length=300, blank=True, help_text="The most specific place named, as written.")
    latitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    geo_precision = models.CharField(max_length=12, choices=vocab.GeoPrecision.choices, blank=True)

    agencies = models.ManyToManyField(Agency, blank=True, related_name="operations")
    criminal_group = models.ForeignKey(
        CriminalGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="operations"
    )
    destinations = models.ManyToManyField(
        Country,
        blank=True,
        related_name="operations_bound_for",
        help_text="Countries the shipment was finally bound for.",
    )
    transit = models.ManyToManyField(
        Country, blank=True, related_name="operations_via", help_text="Stated stops or transit countries on the way."
    )
    transport_mode = models.CharField(max_length=20, choices=vocab.TransportMode.choices, blank=True)
    location_type = models.CharField(max_length=20, choices=vocab.LocationType.choices, blank=True)
    summary = models.TextField(blank=True)
    newest_source_date = models.DateField(
        null=True,
        blank=True,
        help_text="Publication date of the newest source citing it; orders the review queue.",
    )

    # Bookkeeping, written only by seizures.services. These fields stay `editable` so that
    # history diffs show them; no form includes them (the admin lists its fields).
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Bumped on every edit; guards concurrent saves."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for untouched machine drafts.",
    )
    last_edited_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The reviewer working on it, until claimed_at + SEIZURES_CLAIM_MINUTES.",
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        help_text="The operation that holds this one's facts since a merge.",
    )
    verified_version = models.ForeignKey(
        "VerifiedVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="What partners see; kept while a later edit awaits review.",
    )

    history = HistoricalRecords(
        m2m_fields=[agencies, destinations, transit],
        # Claims come and go as reviewers open pages: not part of the record's history.
        excluded_fields=["version", "newest_source_date", "claimed_by", "claimed_at"],
    )
    objects = OperationQuerySet.as_manager()

    class Meta:
        ordering = ["-date_start", "-pk"]
        permissions = [
            ("verify_operation", "Can verify, reject and reopen operations"),
            ("view_personal_data", "Can see detainees' names and other personal data"),
        ]
        indexes = [
            models.Index(fields=["status", "-date_start"], name="operation_status_date"),
            models.Index(fields=["country", "date_start"], name="operation_country_date"),
            # The review queue: newest reports first within a status.
            models.Index(fields=["status", "-newest_source_date", "-date_start"], name="operation_queue"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(date_end__gte=models.F("date_start")), name="operation_dates_ordered"),
        ]

    def __str__(self):
        where = self.place or (self.country_id or "?")
        return f"#{self.pk} {self.date_start} {where}"

    def clean(self):
        errors = {}
        if self.date_start and not self.date_end:
            self.date_end = self.date_start
        if self.date_start and self.date_end and self.date_end < self.date_start:
            errors["date_end"] = "The end date cannot be before the start date."
        if self.subdivision_id:
            if self.subdivision.parent_id:
                errors["subdivision"] = "Choose the top-level subdivision (region, department or province)."
            elif self.country_id and self.subdivision.country_id != self.country_id:
                errors["subdivision"] = f"{self.subdivision} is not in {self.country}."
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude" if self.longitude is None else "latitude"] = (
                "Give both latitude and longitude, or neither."
            )
        if errors:
            raise ValidationError(errors)


class VerifiedVersion(models.Model):
    """A frozen copy of an operation, its items, detainees and citations as verified.

    Partners are served the newest one while a later edit of the operation is in review.
    """

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="verified_versions")
    number = models.PositiveIntegerField()
    data = models.JSONField()
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    verified_at = models.DateTimeField()

    class Meta:
        ordering = ["operation", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["operation", "number"], name="verified_version_unique_number"),
        ]

    def __str__(self):
        return f"Operation #{self.operation_id}, verified version {self.number}"


class OperationMerge(models.Model):
    """Two reports of one event made one: the duplicate's items, detainees, citations and
    countries moved to the survivor, and the duplicate left as a pointer to it. Kept so the
    merge can be undone exactly (`seizures.services.operation_unmerge`)."""

    survivor = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="merges_in")
    duplicate = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="merges_out")
    reason = models.TextField(blank=True)
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField()
    moved = models.JSONField(
        default=dict, help_text="Ids of the items, detainees and citations moved, and the countries and agencies added."
    )
    possible_duplicates = models.JSONField(
        default=list, help_text="Pairs of the survivor's parts that look like the same thing reported twice."
    )
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-merged_at"]

    def __str__(self):
        return f"#{self.duplicate_id} merged into #{self.survivor_id}"


# --- What was seized, and who was detained -------------------------------------------------


class EvidenceItem(models.Model):
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="evidence_items")
    category = models.CharField(max_length=12, choices=vocab.EvidenceCategory.choices, db_index=True)
    drug_type = models.CharField(max_length=20, choices=vocab.DrugType.choices, blank=True, db_index=True)
    form = models.CharField(
        max_length=100, blank=True, help_text="As described: hydrochloride, base paste, liquid, bricks…"
    )
    description = models.CharField(max_length=300, blank=True, help_text="What it is, e.g. '9 mm pistols', 'ketamine'.")
    quantity = models.DecimalField(
        max_digits=20,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.000001"))],
        help_text="The number as stated in the source.",
    )
    unit = models.CharField(max_length=10, choices=vocab.Unit.choices, blank=True)
    currency = models.CharField(max_length=3, blank=True, help_text="ISO 4217 code, for cash.")
    quantity_kg = models.DecimalField(
        "quantity (kg)",
        max_digits=20,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.000001"))],
        help_text="Drugs only. Worked out from mass units; enter it for litres or units when the source gives a weight.",
    )
    concealment = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["operation", "pk"]
        indexes = [models.Index(fields=["drug_type", "operation"], name="evidence_drug_operation")]

    def __str__(self):
        what = self.get_drug_type_display() if self.drug_type else self.get_category_display()
        amount = f" {self.quantity.normalize():f} {self.unit or self.currency}" if self.quantity is not None else ""
        return f"{what}{amount}"

    def clean(self):
        import pycountry

        errors = {}
        is_drug = self.category == vocab.EvidenceCategory.DRUG
        if is_drug and not self.drug_type:
            errors["drug_type"] = "Choose the drug type (or 'other')."
        if not is_drug and self.drug_type:
            errors["drug_type"] = "Only drugs have a drug type."
        if not is_drug and self.quantity_kg is not None and self.unit not in vocab.KG_PER_UNIT:
            errors["quantity_kg"] = "The kilogram figure is kept for drugs only."
        if self.quantity is not None and not self.unit and not self.currency:
            errors["unit"] = "Give the unit the source states (or the currency, for cash)."
        if self.currency:
            self.currency = self.currency.upper()
            if pycountry.currencies.get(alpha_3=self.currency) is None:
                errors["currency"] = f"{self.currency} is not an ISO 4217 currency code."
            elif self.unit:
                errors["unit"] = "Cash takes a currency, not a unit."
        if self.unit in vocab.KG_PER_UNIT and self.quantity is not None and is_drug:
            # Mass units convert exactly; the figure partners sum must never drift from the text.
            self.quantity_kg = (self.quantity * vocab.KG_PER_UNIT[self.unit]).quantize(Decimal("0.000001"))
        if errors:
            raise ValidationError(errors)


class Detainee(models.Model):
    """A person arrested or detained in an operation. Names and ages are personal data:
    they are shown only to users with `seizures.view_personal_data` and never to partners
    without that scope, and they never appear in `str()` (which lands in admin logs)."""

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="detainees")
    nationality = models.ForeignKey(Country, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    name = models.CharField(max_length=200, blank=True)
    age = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(10), MaxValueValidator(110)]
    )
    sex = models.CharField(max_length=10, choices=vocab.Sex.choices, blank=True)
    role = models.CharField(max_length=20, choices=vocab.DetaineeRole.choices, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["operation", "pk"]
        indexes = [models.Index(fields=["nationality", "operation"], name="detainee_nationality_operation")]

    def __str__(self):
        return f"Detainee #{self.pk} ({self.nationality_id or 'nationality unknown'})"


class DuplicateDecision(models.Model):
    """A reviewer's answer to "are these two operations the same event?", so that a pair
    judged different is not proposed again. The pair is stored lower id first."""

    first = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="+")
    same = models.BooleanField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="duplicate_decision_once_per_pair"),
            models.CheckConstraint(condition=Q(first__lt=models.F("second")), name="duplicate_decision_ordered_pair"),
        ]

    def __str__(self):
        return f"#{self.first_id} and #{self.second_id}: {'same event' if self.same else 'different events'}"
