"""Load the demo case and demo accounts: `python manage.py load_demo`.

`--verify` also verifies the demo operations still awaiting review, as a team of two would:
the demo reviewer decides each field the extractor proposed, the second demo reviewer
verifies; so that the partner API has something to serve.

Safe to run again: the case is created once (recognised by its text), the accounts get their
demo passwords back. Refuses to run in production, where demo accounts must never exist.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from seizures.demo import DEMO_SECOND_REPORT, DEMO_SOURCE, DEMO_USERS
from seizures.models import Operation
from seizures.services import operation_verify
from sources.ingestion import DuplicateSourceError, source_ingest
from sources.models import Source
from sources.review import field_accept_all, field_decide, field_reviews


class Command(BaseCommand):
    help = "Load the demo case (Peru, February 2021) and one demo account per role. Not for production."

    def add_arguments(self, parser):
        parser.add_argument(
            "--verify",
            action="store_true",
            help="Also verify the demo operations awaiting review: 'reviewer' decides their fields, "
            "'reviewer2' verifies (for trying the partner API).",
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Demo data and demo accounts are never loaded in production (DJANGO_ENV=production).")
        with transaction.atomic():
            created = self._load_case()
            accounts = self._load_users()
            verified = self._verify() if options["verify"] else 0
        if created:
            self.stdout.write(self.style.SUCCESS(f"Demo case loaded: {created} operations awaiting review."))
        else:
            self.stdout.write("Demo case already loaded.")
        if verified:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Verified {verified} demo operations: fields decided by 'reviewer', verified by 'reviewer2'."
                )
            )
        self.stdout.write("Demo accounts (demo only):")
        for username, role, password in accounts:
            self.stdout.write(f"  {username:<10} {role:<10} password: {password}")

    def _load_case(self) -> int:
        """The demo sources go in as any source does: ingested, then drafted by the extractor
        (the second report is matched to the operation it reports again)."""
        try:
            result = source_ingest(by=None, source=Source(**DEMO_SOURCE))
        except DuplicateSourceError:
            return 0  # loaded before
        source_ingest(by=None, source=Source(**DEMO_SECOND_REPORT))
        return result.source.citations.values("operation").distinct().count()

    def _verify(self) -> int:
        """As a team would: `reviewer` decides every field the extractor proposed (where the
        two outlets disagree, keeping the value on the record), then `reviewer2` verifies."""
        User = get_user_model()
        checker, verifier = User.objects.get(username="reviewer"), User.objects.get(username="reviewer2")
        source = Source.objects.get(title=DEMO_SOURCE["title"], outlet=DEMO_SOURCE["outlet"])
        pending = list(Operation.objects.needing_review().filter(citations__source=source).distinct().order_by("pk"))
        for operation in pending:
            field_accept_all(operation=operation, by=checker)
            for row in field_reviews(operation):
                if row.is_open:
                    voice = next((v for v in row.voices if v.on_record), row.voices[0])
                    field_decide(
                        operation=operation, key=row.key, decision="accepted", source_id=voice.source.pk, by=checker
                    )
            operation_verify(operation=operation, by=verifier)
        return len(pending)

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
