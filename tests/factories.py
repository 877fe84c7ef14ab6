"""Factories for tests: the one place test data is built."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from partners.models import Partner, PartnerAPIKey
from seizures.models import Agency, Country, CriminalGroup, Detainee, EvidenceItem, Operation
from seizures.services import operation_refresh_newest_source
from sources.extraction import Extracted, ExtractedOperation, ExtractionResult
from sources.models import Citation, ExtractionRun, OperationProposal, Source


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct-horse-battery")
    is_staff = True

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        """`UserFactory(role="Reviewer")` puts the user in that group (made by migration)."""
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


def reviewer(**kwargs):
    return UserFactory(role="Reviewer", **kwargs)


def editor(**kwargs):
    return UserFactory(role="Editor", **kwargs)


def partner(**kwargs):
    return UserFactory(role="Partner", is_staff=False, **kwargs)


class CriminalGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CriminalGroup
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Group {n}")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"TEST-{n:04d}")
    name = factory.Sequence(lambda n: f"Test agency {n}")
    country = factory.LazyFunction(lambda: Country.objects.get(code="PE"))


class PartnerFactory(factory.django.DjangoModelFactory):
    """A partner organisation (not to be confused with `partner()`, a user in the Partner group)."""

    class Meta:
        model = Partner
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Partner organisation {n}")


def partner_api_key(partner=None, **kwargs) -> tuple[PartnerAPIKey, str]:
    """A usable key and its full value, as `create_partner_key` makes them."""
    kwargs.setdefault("name", "test key")
    return PartnerAPIKey.objects.create_key(partner=partner or PartnerFactory(), **kwargs)


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    kind = Source.Kind.ARTICLE
    outlet = "Test Wire"
    title = factory.Sequence(lambda n: f"Seizure report {n}")
    url = factory.Sequence(lambda n: f"https://news.example.org/reports/{n}")
    published = datetime.date(2021, 3, 1)
    language = "en"
    text = factory.Sequence(
        lambda n: (
            f"Report {n}. Police seized 120 kilograms of cocaine at the port on Monday. "
            "Two men were detained. The cargo was bound for Spain."
        )
    )


class OperationFactory(factory.django.DjangoModelFactory):
    """An operation in review, as the extractor leaves it (no human editor yet)."""

    class Meta:
        model = Operation

    status = Operation.Status.NEEDS_REVIEW
    date_start = datetime.date(2021, 2, 11)
    date_end = factory.SelfAttribute("date_start")
    country = factory.LazyFunction(lambda: Country.objects.get(code="PE"))
    place = "Paita Port"


class EvidenceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvidenceItem

    operation = factory.SubFactory(OperationFactory)
    category = "drug"
    drug_type = "cocaine"
    quantity = Decimal("120")
    unit = "kg"
    quantity_kg = Decimal("120")


class DetaineeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Detainee

    operation = factory.SubFactory(OperationFactory)
    nationality = factory.LazyFunction(lambda: Country.objects.get(code="PE"))


class CitationFactory(factory.django.DjangoModelFactory):
    """A citation quoting the first sentence after the report number of its source."""

    class Meta:
        model = Citation

    source = factory.SubFactory(SourceFactory)
    operation = factory.SubFactory(OperationFactory)
    quote = "Police seized 120 kilograms of cocaine at the port on Monday."
    start = factory.LazyAttribute(lambda c: c.source.text.index(c.quote))
    end = factory.LazyAttribute(lambda c: c.start + len(c.quote))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Keep the operation's queue date in step, as the citation services do.
        citation = super()._create(model_class, *args, **kwargs)
        operation_refresh_newest_source(operation_ids=[citation.operation_id])
        return citation


class ExtractionRunFactory(factory.django.DjangoModelFactory):
    """One extractor's pass over a source; its proposals add themselves to `output`."""

    class Meta:
        model = ExtractionRun

    source = factory.SubFactory(SourceFactory)
    extractor = "fake"
    version = "1.0"
    output = factory.LazyFunction(lambda: {"extractor": "fake", "version": "1.0", "language": "en", "operations": []})
    duration = datetime.timedelta(milliseconds=5)


def proposal_data(extracted: ExtractedOperation) -> dict:
    """An extracted operation as a proposal keeps it (`ExtractionResult.to_dict()`)."""
    return ExtractionResult("fake", "1.0", "en", [extracted]).to_dict()["operations"][0]


def _default_proposal(proposal) -> dict:
    # The operation's date and country, read from the whole of the source's text.
    text = proposal.run.source.text
    whole = dict(start=0, end=len(text), confidence=0.9)
    date = proposal.operation.date_start
    country = proposal.operation.country_id
    return proposal_data(
        ExtractedOperation(Extracted(date, **whole), Extracted(date, **whole), Extracted(country, **whole))
    )


class OperationProposalFactory(factory.django.DjangoModelFactory):
    """What an extraction run proposed for an operation, as ingestion keeps it: `data` is an
    extracted operation (`proposal_data`), by default the operation's date and country."""

    class Meta:
        model = OperationProposal
        skip_postgeneration_save = True

    run = factory.SubFactory(ExtractionRunFactory)
    index = factory.LazyAttribute(lambda p: len(p.run.output["operations"]))
    operation = factory.SubFactory(OperationFactory)
    outcome = OperationProposal.Outcome.CREATED
    data = factory.LazyAttribute(_default_proposal)

    @factory.post_generation
    def in_the_run_output(proposal, create, extracted, **kwargs):
        proposal.run.output["operations"].append(proposal.data)
        if create:
            proposal.run.save(update_fields=["output"])


CHECKER = object()


def checker():
    """The person who checked the factories' operations: an editor nobody verifies as."""
    return editor(username="checker")


def cited_operation(*, checked_by=None, **kwargs) -> Operation:
    """An operation in review with one drug item and one citation, as the extractor leaves it
    (no person has checked it: `verify_checked` has `checker()` do that first), or with its
    values checked (edited) by `checked_by` (`CHECKER`: `checker()`)."""
    from seizures.services import operation_touch

    operation = OperationFactory(**kwargs)
    EvidenceItemFactory(operation=operation)
    CitationFactory(operation=operation)
    if checked_by is CHECKER:
        checked_by = checker()
    if checked_by is not None:
        operation = operation_touch(operation=operation, by=checked_by, reason="checked")
    return operation


def check(operation: Operation, *, by=None) -> Operation:
    """A person (`by`, else `checker()`) checks an operation in review as a reviewer would:
    decides every field the extractor proposed that is still open (keeping the record's value
    where sources disagree), and, if nobody has checked its values yet, records an edit."""
    from seizures.services import operation_touch, value_checkers
    from sources.review import field_accept_all, field_decide, field_reviews

    operation = Operation.objects.get(pk=operation.pk)  # callers may hold a copy from before a transition
    if operation.status != Operation.Status.NEEDS_REVIEW:
        return operation
    by = by or checker()
    if any(row.is_open for row in field_reviews(operation)):
        field_accept_all(operation=operation, by=by)
        for row in field_reviews(operation):
            if row.is_open:
                voice = next((v for v in row.voices if v.on_record), row.voices[0])
                field_decide(operation=operation, key=row.key, decision="accepted", source_id=voice.source.pk, by=by)
    if not value_checkers(operation):
        operation_touch(operation=operation, by=by, reason="checked")
    return Operation.objects.get(pk=operation.pk)


def verify_checked(*, operation: Operation, by, **kwargs) -> Operation:
    """`operation_verify` by `by`, after `check()` if a person still has to check the
    operation (the factories' operations come unchecked, like the extractor's)."""
    from seizures.services import operation_verify

    operation = check(operation)
    return operation_verify(operation=operation, by=by, **kwargs)


def verified_operation(*, by=None, **kwargs) -> Operation:
    """A cited operation verified through the workflow, so published to partners. `by` is
    the verifying reviewer (one is made if not given)."""
    from seizures.services import operation_verify

    operation = check(cited_operation(**kwargs))
    return operation_verify(operation=operation, by=by or reviewer())


__all__ = [
    "Agency",
    "AgencyFactory",
    "CitationFactory",
    "CriminalGroupFactory",
    "DetaineeFactory",
    "EvidenceItemFactory",
    "OperationFactory",
    "PartnerFactory",
    "SourceFactory",
    "UserFactory",
    "check",
    "checker",
    "cited_operation",
    "editor",
    "partner",
    "partner_api_key",
    "reviewer",
    "verified_operation",
    "verify_checked",
]
