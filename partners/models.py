"""Partner organisations and their API keys.

A key is stored hashed (djangorestframework-api-key): its full value is shown once, when it is
created, and can never be read back. Revoking a key cannot be undone.
"""

from django.db import models
from django.db.models import Q
from rest_framework_api_key.models import AbstractAPIKey


class Partner(models.Model):
    """An organisation that reads verified data through the partner API."""

    name = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class PartnerAPIKey(AbstractAPIKey):
    partner = models.ForeignKey(
        Partner,
        # Keys are revoked, not deleted with their organisation: a key's row is the record of
        # who could read what.
        on_delete=models.PROTECT,
        related_name="api_keys",
    )
    personal_data = models.BooleanField(
        "personal data scope",
        default=False,
        help_text="Lets this key read personal fields (detainees' names and ages). Off unless granted.",
    )

    class Meta(AbstractAPIKey.Meta):
        verbose_name = "partner API key"
        verbose_name_plural = "partner API keys"


# --- What partners read ------------------------------------------------------------------


class PublishedOperation(models.Model):
    """The verified version of an operation as partners receive it, rendered once, when it is
    verified (`partners.publication`), with the columns the partner API filters on.

    One row per operation that partners may see. Nothing else writes it: verify publishes,
    reject, reopen, merge and delete withdraw (leaving an `OperationRemoval`).
    """

    operation = models.OneToOneField("seizures.Operation", on_delete=models.CASCADE, related_name="publication")
    public_id = models.UUIDField(unique=True)
    version = models.PositiveIntegerField(help_text="Number of the verified version served.")
    verified_at = models.DateTimeField()
    modified_at = models.DateTimeField(help_text="When partners' copy of it last changed.")

    date_start = models.DateField()
    date_end = models.DateField()
    country = models.CharField(max_length=2)
    subdivision = models.CharField(max_length=6, blank=True)
    criminal_group_id = models.BigIntegerField(null=True, blank=True)
    has_coordinates = models.BooleanField(default=False)
    drug_kg = models.DecimalField(
        max_digits=24, decimal_places=6, null=True, blank=True, help_text="All the drugs' known weight."
    )
    detainee_count = models.PositiveIntegerField(default=0)

    # Personal data: the detainees' names, withheld from what keys without the scope are
    # served (quotes, summary, source titles).
    detainee_names = models.JSONField(default=list, blank=True)
    # Every name withheld from `document`: these, and those of the detainees of the other
    # operations citing its sources when it was rendered. A name recorded since is withheld
    # by rendering it again (`partners.publication.withhold_new_names`).
    withheld_names = models.JSONField(default=list, db_default=[], blank=True)
    # The JSON documents served, without and with personal data (detainees' names, ages...).
    document = models.TextField()
    document_personal = models.TextField()

    class Meta:
        indexes = [
            # Keyset pagination: each ordering the API offers, with the id as tie-breaker.
            models.Index(fields=["date_start", "id"], name="published_date"),
            models.Index(fields=["modified_at", "id"], name="published_modified"),
            models.Index(fields=["country", "date_start"], name="published_country_date"),
        ]

    def __str__(self):
        return f"Operation {self.public_id}, verified version {self.version}"


class PublishedFacet(models.Model):
    """One thing a published operation can be filtered and counted by: a drug (with its kg),
    an agency, a destination, a transit country, a detainee nationality (with its count) or a
    cited source. Taken from the verified version, never from a pending edit."""

    class Kind(models.TextChoices):
        DRUG = "drug"
        AGENCY = "agency"
        DESTINATION = "destination"
        TRANSIT = "transit"
        NATIONALITY = "nationality"
        SOURCE = "source"

    publication = models.ForeignKey(PublishedOperation, on_delete=models.CASCADE, related_name="facets")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    code = models.CharField(max_length=30, blank=True, help_text="Empty for an unknown nationality.")
    # Whole numbers, so that sums are exact on every database (SQLite adds decimals as floats).
    amount = models.BigIntegerField(
        null=True,
        blank=True,
        help_text="Milligrams of a drug (empty if no weight is known), or the number of detainees of a nationality.",
    )

    class Meta:
        indexes = [models.Index(fields=["kind", "code", "publication"], name="published_facet_lookup")]

    def __str__(self):
        return f"{self.kind} {self.code or '?'}"


class PublishedPart(models.Model):
    """An evidence item or a detainee that a published operation's document holds. Unique per
    part: one seizure's drugs, or one person, are never in two published operations at once,
    whatever merges and undone merges did to the live records (`seizures.services`)."""

    class Kind(models.TextChoices):
        EVIDENCE_ITEM = "evidence_item"
        DETAINEE = "detainee"

    publication = models.ForeignKey(PublishedOperation, on_delete=models.CASCADE, related_name="parts")
    kind = models.CharField(max_length=13, choices=Kind.choices)
    part_id = models.BigIntegerField(help_text="The evidence item's or detainee's id.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "part_id"], name="published_part_once")]

    def __str__(self):
        return f"{self.kind} #{self.part_id}"


class PublishedSource(models.Model):
    """A cited source as partners receive it: as the verified versions citing it cite it,
    never as its live row, so that an edit of its title, outlet or URL reaches partners only
    when an operation citing it is verified again (or republished). Rendered by
    `partners.publication.refresh_published_sources` whenever a publication citing it is
    written or withdrawn; gone when no published operation cites it."""

    source = models.OneToOneField(
        "sources.Source", on_delete=models.CASCADE, primary_key=True, related_name="publication"
    )
    modified_at = models.DateTimeField(help_text="When partners' copy of it last changed.")
    # The JSON documents served: without personal data (detainees' names withheld from the
    # title, outlet and URL), and with it (as cited, with the full text).
    document = models.TextField()
    document_personal = models.TextField()

    def __str__(self):
        return f"Source #{self.source_id} as published"


class OperationRemoval(models.Model):
    """A published operation that partners must delete from their copies: withdrawn from
    review, rejected, deleted or merged into another. Cleared if the operation is published
    again, so a record is either in the operations feed or in the removals feed, never both."""

    class Reason(models.TextChoices):
        UNVERIFIED = "unverified", "Sent back to review"
        REJECTED = "rejected", "Rejected"
        DELETED = "deleted", "Deleted"
        MERGED = "merged", "Merged into another operation"

    public_id = models.UUIDField(unique=True)
    reason = models.CharField(max_length=12, choices=Reason.choices)
    surviving_public_id = models.UUIDField(
        null=True, blank=True, help_text="For a merge: the operation that now holds this one's facts."
    )
    removed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["removed_at", "id"], name="removal_removed_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(reason="merged", surviving_public_id__isnull=False)
                | (~Q(reason="merged") & Q(surviving_public_id__isnull=True)),
                name="removal_merge_names_survivor",
            ),
        ]

    def __str__(self):
        return f"{self.public_id} ({self.get_reason_display().lower()})"
