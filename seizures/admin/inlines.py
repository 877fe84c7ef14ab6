"""Evidence items, detainees and citations, edited on their operation's page."""

from decimal import Decimal

from django import forms
from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst

from seizures.models import Country, Detainee, EvidenceItem, Operation
from sources.models import Citation

Status = Operation.Status


class LabelledInlineFormSet(forms.BaseInlineFormSet):
    """Names each row's delete box: the tabular template shows it under a column heading,
    which a screen reader does not announce for the box itself."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["aria-label"] = "Delete"


class OperationChildInline(admin.TabularInline):
    """Items, detainees and citations are edited with their operation, and frozen with it
    once it is rejected or merged into another.

    A tabular inline names its fields in column headings only, so each input gets its field's
    name as an accessible name (WCAG 1.3.1, 4.1.2)."""

    extra = 0
    formset = LabelledInlineFormSet

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None:
            widget = getattr(formfield.widget, "widget", formfield.widget)  # inside the admin's wrapper
            widget.attrs.setdefault("aria-label", capfirst(formfield.label or db_field.verbose_name))
        return formfield

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status in Operation.FROZEN_STATUSES:
            return False
        return super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        if obj is not None and obj.status in Operation.FROZEN_STATUSES:
            return False
        return super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status in Operation.FROZEN_STATUSES:
            return False
        return super().has_delete_permission(request, obj)


class PlainDecimalInput(forms.NumberInput):
    """Shows 3082 rather than 3082.000000: quantities are read against the source's wording."""

    def format_value(self, value):
        if isinstance(value, Decimal):
            return format(value.normalize(), "f")
        return super().format_value(value)


class EvidenceItemInline(OperationChildInline):
    model = EvidenceItem
    formfield_overrides = {models.DecimalField: {"widget": PlainDecimalInput(attrs={"step": "any"})}}
    fields = [
        "category",
        "drug_type",
        "form",
        "description",
        "quantity",
        "unit",
        "currency",
        "quantity_kg",
        "concealment",
    ]


def _choices_once(formfield, queryset):
    """Give a foreign-key field a plain select whose options are read once per page, not
    once per inline row (Django re-queries a ModelChoiceField for every form)."""
    formfield.widget = forms.Select(attrs={"class": "vSelect"})
    formfield.choices = [("", "---------"), *((obj.pk, str(obj)) for obj in queryset)]
    return formfield


class DetaineeInline(OperationChildInline):
    model = Detainee
    personal_fields = ["name", "age"]

    def get_fields(self, request, obj=None):
        fields = ["nationality", "name", "age", "sex", "role"]
        if not request.user.has_perm("seizures.view_personal_data"):
            fields = [f for f in fields if f not in self.personal_fields]
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "nationality":
            return _choices_once(formfield, Country.objects.all())
        return formfield


class CitationInline(OperationChildInline):
    """Existing citations, shown as they are; they can be removed here and are corrected on
    their own page. New ones are added in the inline below."""

    model = Citation
    fields = ["source_link", "quote", "supports", "field", "created_by"]
    readonly_fields = fields
    verbose_name_plural = "citations"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source", "evidence_item", "detainee", "created_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="source")
    def source_link(self, citation):
        url = reverse("admin:sources_source_change", args=[citation.source_id])
        return format_html('<a href="{}">{}</a>', url, str(citation.source))

    @admin.display(description="supports")
    def supports(self, citation):
        if citation.evidence_item_id:
            return f"Evidence: {citation.evidence_item}"
        if citation.detainee_id:
            return str(citation.detainee)
        return "The operation"


class NewCitationInline(OperationChildInline):
    model = Citation
    fields = ["source", "quote", "start", "evidence_item", "detainee", "field"]
    autocomplete_fields = ["source"]
    extra = 1
    verbose_name = "new citation"
    verbose_name_plural = "add citations"

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def get_formset(self, request, obj=None, **kwargs):
        # The item and detainee choices are this operation's own records.
        self._parent = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        parent = getattr(self, "_parent", None)
        if db_field.name == "evidence_item":
            queryset = parent.evidence_items.all() if parent else EvidenceItem.objects.none()
            return _choices_once(formfield, queryset)
        if db_field.name == "detainee":
            queryset = parent.detainees.all() if parent else Detainee.objects.none()
            return _choices_once(formfield, queryset)
        return formfield
