"""Partner organisations and their API keys.

A key is stored hashed (djangorestframework-api-key): its full value is shown once, when it is
created, and can never be read back. Revoking a key cannot be undone.
"""

from django.db import models
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
