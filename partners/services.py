"""Partner key management. The admin's add form does the same through the library's admin."""

import datetime

from django.db import transaction

from partners.models import Partner, PartnerAPIKey


class PartnerKeyError(Exception):
    pass


@transaction.atomic
def partner_key_create(
    *,
    organisation: str,
    name: str = "default",
    personal_data: bool = False,
    expiry_date: datetime.datetime | None = None,
) -> tuple[PartnerAPIKey, str]:
    """Create a key for the organisation (creating the organisation if it is new).

    Returns the key's row and its full value, which is not stored and cannot be shown again.
    """
    organisation = organisation.strip()
    if not organisation:
        raise PartnerKeyError("The organisation name must not be empty.")
    name = name.strip()
    if not name:
        raise PartnerKeyError("The key name must not be empty.")
    max_length = PartnerAPIKey._meta.get_field("name").max_length
    if len(name) > max_length:
        raise PartnerKeyError(f"The key name must be at most {max_length} characters.")
    partner, _ = Partner.objects.get_or_create(name=organisation)
    return PartnerAPIKey.objects.create_key(
        partner=partner, name=name, personal_data=personal_data, expiry_date=expiry_date
    )
