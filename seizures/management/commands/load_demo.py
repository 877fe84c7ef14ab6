"""Load the demo case and demo accounts: `python manage.py load_demo`.

Safe to run again: the case is created once (recognised by its text), the accounts get their
demo passwords back. Refuses to run in production, where demo accounts must never exist.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from seizures.demo import DEMO_OPERATIONS, DEMO_SOURCE, DEMO_USERS
from seizures.models import Agency, Country, CriminalGroup, Detainee, EvidenceItem, Operation
from seizures.services import operation_create
from sources.models import Source, text_sha256
from sources.services import citation_create, source_create


class Command(BaseCommand):
    help = "Load the demo case (Peru, February 2021) and one demo account per role. Not for production."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Demo data and demo accounts are never loaded in production (DJANGO_ENV=production).")
        with transaction.atomic():
            created = self._load_case()
            accounts = self._load_users()
        if created:
            self.stdout.write(self.style.SUCCESS(f"Demo case loaded: {created} operations awaiting review."))
        else:
            self.stdout.write("Demo case already loaded.")
        self.stdout.write("Demo accounts (demo only):")
        for username, role, password in accounts:
            self.stdout.write(f"  {username:<10} {role:<10} password: {password}")

    def _load_case(self) -> int:
        if Source.objects.filter(text_sha256=text_sha256(DEMO_SOURCE["text"])).exists():
            return 0
        source = source_create(by=None, source=Source(**DEMO_SOURCE))
        for spec in DEMO_OPERATIONS:
            group = None
            if spec.get("criminal_group"):
                group, _ = CriminalGroup.objects.get_or_create(name=spec["criminal_group"])
            operation = Operation(
                date_start=spec["date_start"],
                date_end=spec.get("date_end", spec["date_start"]),
                country_id=spec["country"],
                subdivision_id=spec["subdivision"],
                place=spec["place"],
                location_type=spec.get("location_type", ""),
                transport_mode=spec.get("transport_mode", ""),
                criminal_group=group,
            )
            operation.full_clean()
            operation_create(by=None, operation=operation)
            operation.agencies.set(Agency.objects.filter(code__in=spec["agencies"]))
            operation.destinations.set(Country.objects.filter(code__in=spec["destinations"]))
            operation.transit.set(Country.objects.filter(code__in=spec["transit"]))
            for drug, form, kg, concealment in spec["drugs"]:
                item = EvidenceItem(
                    operation=operation,
                    category="drug",
                    drug_type=drug,
                    form=form,
                    quantity=kg,
                    unit="kg",
                    concealment=concealment,
                )
                item.full_clean()
                item.save()
            for nationality in spec["detainees"]:
                Detainee.objects.create(operation=operation, nationality_id=nationality)
            citation_create(by=None, source=source, operation=operation, quote=spec["quote"])
        return len(DEMO_OPERATIONS)

    def _load_users(self) -> list[tuple[str, str, str]]:
        User = get_user_model()
        accounts = []
        for username, group_name, is_staff, is_superuser, password in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.is_staff, user.is_superuser = is_staff, is_superuser
            user.set_password(password)
            user.save()
            if group_name:
                user.groups.set([Group.objects.get(name=group_name)])
            accounts.append((username, group_name or "superuser", password))
        return accounts
