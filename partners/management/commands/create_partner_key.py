"""`python manage.py create_partner_key ORG_NAME`: a new API key for a partner organisation,
printed once. The organisation is created if it does not exist yet."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from partners.services import PartnerKeyError, partner_key_create


class Command(BaseCommand):
    help = "Create an API key for a partner organisation (created if new) and print it once."

    def add_arguments(self, parser):
        parser.add_argument("organisation", help="The partner organisation's name.")
        parser.add_argument("--name", default="default", help="A label for the key (50 characters at most).")
        parser.add_argument(
            "--expires",
            type=datetime.date.fromisoformat,
            help="Last day the key works (YYYY-MM-DD). Default: one year from today.",
        )
        parser.add_argument("--no-expiry", action="store_true", help="A key that never expires.")
        parser.add_argument(
            "--personal-data", action="store_true", help="Let the key read personal fields (off by default)."
        )

    def handle(self, *args, organisation, name, expires, no_expiry, personal_data, **options):
        if expires and no_expiry:
            raise CommandError("Give --expires or --no-expiry, not both.")
        expiry_date = None
        if expires:
            # The key works through the whole of that day, in UTC.
            expiry_date = datetime.datetime.combine(expires + datetime.timedelta(days=1), datetime.time(), datetime.UTC)
            if expiry_date <= timezone.now():
                raise CommandError(f"--expires {expires} is in the past.")
        elif not no_expiry:
            expiry_date = timezone.now() + datetime.timedelta(days=365)
        try:
            api_key, key = partner_key_create(
                organisation=organisation, name=name, personal_data=personal_data, expiry_date=expiry_date
            )
        except PartnerKeyError as e:
            raise CommandError(str(e)) from None
        expiry = f"expires {api_key.expiry_date:%Y-%m-%d %H:%M} UTC" if api_key.expiry_date else "never expires"
        scope = "with" if api_key.personal_data else "without"
        self.stderr.write(
            f"Key {api_key.prefix} ({api_key.name!r}) for {api_key.partner.name}, {scope} personal data, {expiry}.\n"
            "Store it now: it is shown only this once."
        )
        self.stdout.write(key)
