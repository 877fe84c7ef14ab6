"""Filters of the operations, stats and export endpoints (django-filter).

Every filter reads the verified version's own columns and facets (`partners.models`), never
the live operation, so a pending edit can neither hide a record nor make one match early.
Lists take comma-separated values: `?country=PE,CO`.
"""

import datetime
import math
import re

import django_filters as filters
import pycountry
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django_filters.fields import ChoiceField, IsoDateTimeField

from partners.models import OperationRemoval, PublishedFacet, PublishedOperation
from partners.publication import MG_PER_KG
from seizures import vocabularies as vocab

Kind = PublishedFacet.Kind

BAD_TIME = {"invalid": "Give an ISO 8601 time, e.g. 2026-11-26T00:00:00Z. In a URL, write a '+' offset as %%2B."}


class UTCDateTimeField(IsoDateTimeField):
    """An ISO 8601 time, turned to UTC here: databases refuse some offsets Python accepts
    (PostgreSQL's end at ±15:59), and the first and last days of the calendar overflow."""

    def to_python(self, value):
        parsed = super().to_python(value)
        if parsed is None:
            return None
        try:
            return parsed.astimezone(datetime.UTC)
        except OverflowError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class UTCDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UTCDateTimeField


class ISODateField(forms.DateField):
    """A date as YYYY-MM-DD, and nothing else: Django's DateField also reads 10/02/2021, as
    2 October (month first), which a partner who meant 10 February would never notice."""

    default_error_messages = {"invalid": "Give a date as YYYY-MM-DD, e.g. 2021-02-10."}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):
            return value
        try:
            if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
                raise ValueError(value)
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class ISODateFilter(filters.DateFilter):
    field_class = ISODateField


class IdField(forms.IntegerField):
    """A record's id: digits only. IntegerField reads 1.0 as 1, and NumberFilter 1.99 as 1;
    eighteen digits at most keep it inside the 64 bits of the column."""

    default_error_messages = {"invalid": "Give a whole number, e.g. 12."}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not re.fullmatch(r"[0-9]{1,18}", str(value)):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(value)


class IdFilter(filters.NumberFilter):
    field_class = IdField


def iso_country(code: str) -> None:
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise ValidationError(
            "%(code)r is not an ISO 3166-1 alpha-2 country code (e.g. PE, CO).", code="invalid", params={"code": code}
        )


def iso_subdivision(code: str) -> None:
    if pycountry.subdivisions.get(code=code) is None:
        raise ValidationError(
            "%(code)r is not an ISO 3166-2 subdivision code (e.g. PE-PIU).", code="invalid", params={"code": code}
        )


class NoEmptyItem:
    """For one item of a comma-separated list: `PE,,CO` or `PE,` has an empty one."""

    def validate(self, value):
        if value in self.empty_values:
            raise ValidationError("An empty item in the list: remove the extra comma.", code="empty")
        super().validate(value)


class CodeField(NoEmptyItem, forms.CharField):
    """One code, upper-cased (ISO codes and agency codes are upper case)."""

    def to_python(self, value):
        return super().to_python(value).upper()


class DrugField(NoEmptyItem, ChoiceField):
    pass


class CodeInFilter(filters.BaseInFilter, filters.CharFilter):
    """Comma-separated codes, each checked by the filter's `validators`, if any."""

    field_class = CodeField


class DrugInFilter(filters.BaseInFilter, filters.ChoiceFilter):
    field_class = DrugField


def _has_facet(kind: str, codes, **extra) -> Exists:
    return Exists(PublishedFacet.objects.filter(publication=OuterRef("pk"), kind=kind, code__in=codes, **extra))


class FacetFilter(CodeInFilter):
    """Operations with at least one of the codes among their facets of `kind`."""

    def __init__(self, *args, kind: str, **kwargs):
        self.kind = kind
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(_has_facet(self.kind, value))


class OperationFilter(filters.FilterSet):
    date_from = ISODateFilter(
        field_name="date_start",
        lookup_expr="gte",
        help_text="Operations that started on or after this date (YYYY-MM-DD).",
    )
    date_to = ISODateFilter(
        field_name="date_start",
        lookup_expr="lte",
        help_text="Operations that started on or before this date (YYYY-MM-DD).",
    )
    country = CodeInFilter(
        field_name="country", validators=[iso_country], help_text="ISO 3166-1 alpha-2 codes, comma-separated."
    )
    subdivision = CodeInFilter(
        field_name="subdivision", validators=[iso_subdivision], help_text="ISO 3166-2 codes, e.g. PE-PIU."
    )
    drug = DrugInFilter(
        choices=vocab.DrugType.choices, method="filter_drug", help_text="Operations that seized any of these drugs."
    )
    kg_min = filters.NumberFilter(
        method="filter_kg",
        min_value=0,
        help_text="At least this many kg of drugs (of the drugs named in `drug`, if given, each counted alone).",
    )
    kg_max = filters.NumberFilter(method="filter_kg", min_value=0, help_text="At most this many kg, as for `kg_min`.")
    agency = FacetFilter(kind=Kind.AGENCY, help_text="Agency codes (see /api/v1/agencies/).")
    criminal_group = IdFilter(
        field_name="criminal_group_id", help_text="Criminal group id (see /api/v1/criminal-groups/)."
    )
    destination = FacetFilter(
        kind=Kind.DESTINATION,
        validators=[iso_country],
        help_text="Countries the shipment was bound for (ISO 3166-1 alpha-2).",
    )
    transit = FacetFilter(
        kind=Kind.TRANSIT,
        validators=[iso_country],
        help_text="Countries the shipment went through (ISO 3166-1 alpha-2).",
    )
    nationality = FacetFilter(
        kind=Kind.NATIONALITY,
        validators=[iso_country],
        help_text="Operations with a detainee of one of these nationalities (ISO 3166-1 alpha-2).",
    )
    updated_since = UTCDateTimeFilter(
        field_name="modified_at",
        lookup_expr="gte",
        help_text="Records published or changed at or after this time (ISO 8601), for incremental sync.",
        error_messages=BAD_TIME,
    )

    class Meta:
        model = PublishedOperation
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and data.get("drug"):
            data = data.copy()  # drug types are lower case; accept "Cocaine" too
            data["drug"] = data["drug"].lower()
        super().__init__(data, *args, **kwargs)

    def filter_drug(self, qs, name, value):
        # kg_min/kg_max, if given, are applied together with the drug (filter_queryset below).
        return qs if self._kg_bounds() else qs.filter(_has_facet(Kind.DRUG, value))

    def filter_kg(self, qs, name, value):
        return qs  # applied once for both bounds in filter_queryset

    def _kg_bounds(self) -> Q | None:
        data = self.form.cleaned_data
        low, high = data.get("kg_min"), data.get("kg_max")
        if low is None and high is None:
            return None
        # Facets hold whole milligrams: compare with the bounds in milligrams, rounded inwards.
        bounds = Q()
        if low is not None:
            bounds &= Q(amount__gte=math.ceil(low * MG_PER_KG))
        if high is not None:
            bounds &= Q(amount__lte=math.floor(high * MG_PER_KG))
        return bounds

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        bounds = self._kg_bounds()
        if bounds is None:
            return queryset
        drugs = self.form.cleaned_data.get("drug")
        if drugs:
            return queryset.filter(
                Exists(
                    PublishedFacet.objects.filter(bounds, publication=OuterRef("pk"), kind=Kind.DRUG, code__in=drugs)
                )
            )
        total = Q()
        low, high = self.form.cleaned_data.get("kg_min"), self.form.cleaned_data.get("kg_max")
        if low is not None:
            total &= Q(drug_kg__gte=low)
        if high is not None:
            total &= Q(drug_kg__lte=high)
        return queryset.filter(total)

    def is_valid(self):
        valid = super().is_valid()
        if valid:
            low, high = self.form.cleaned_data.get("kg_min"), self.form.cleaned_data.get("kg_max")
            if low is not None and high is not None and low > high:
                self.form.add_error("kg_max", "kg_max is below kg_min.")
                return False
            start, end = self.form.cleaned_data.get("date_from"), self.form.cleaned_data.get("date_to")
            if start and end and start > end:
                self.form.add_error("date_to", "date_to is before date_from.")
                return False
        return valid


class RemovalFilter(filters.FilterSet):
    since = UTCDateTimeFilter(
        field_name="removed_at",
        lookup_expr="gte",
        help_text="Removals at or after this time (ISO 8601).",
        error_messages=BAD_TIME,
    )

    class Meta:
        model = OperationRemoval
        fields = []
