"""Factories for tests: the one place test data is built."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from partners.models import Partner, PartnerAPIKey
from seizures.models import Agency, Country, CriminalGroup, Detainee, EvidenceItem, Operation
from seizures.services import operation_refresh_newest_source
from sources.models import Citation, Source


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


def cited_operation(**kwargs) -> Operation:
    """An operation in review with one drug item and one citation: ready to be verified."""
    operation = OperationFactory(**kwargs)
    EvidenceItemFactory(operation=operation)
    CitationFactory(operation=operation)
    return operation


def verified_operation(*, by=None, **kwargs) -> Operation:
    """A cited operation verified through the workflow, so published to partners. `by` is
    the verifying reviewer (one is made if not given)."""
    from seizures.services import operation_verify

    operation = cited_operation(**kwargs)
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
    "cited_operation",
    "editor",
    "partner",
    "partner_api_key",
    "reviewer",
    "verified_operation",
]
