"""The overview's filters: the partner API's own filter set (`partners.api.filters`), with
the same names and the same validation, so the page and `/api/v1/stats/` agree on what
matches; here given labels, date pickers, and lists of what the verified data holds."""

from django import forms
from django_filters.widgets import BaseCSVWidget

from partners.api.filters import OperationFilter
from partners.models import PublishedFacet, PublishedOperation
from seizures import vocabularies as vocab
from seizures.models import Agency, Country, CriminalGroup, Subdivision

Kind = PublishedFacet.Kind


class CSVSelect(BaseCSVWidget, forms.Select):
    """A select for one code of a comma-separated filter; a list typed into the URL
    ("PE,CO") is shown as text, as django-filter does, so that it is not lost."""


LABELS = {
    "date_from": "From",
    "date_to": "To",
    "country": "Country",
    "subdivision": "Subdivision",
    "drug": "Drug",
    "agency": "Agency",
    "kg_min": "At least (kg)",
    "kg_max": "At most (kg)",
    "criminal_group": "Criminal group",
    "destination": "Bound for (country codes)",
    "transit": "Through (country codes)",
    "nationality": "Detainee nationality (country codes)",
    "updated_since": "Published or changed since",
}
HELP = {
    "destination": "ISO codes, comma-separated, e.g. ES,NL",
    "transit": "ISO codes, comma-separated, e.g. EC,PA",
    "nationality": "ISO codes, comma-separated, e.g. CO",
    "updated_since": "ISO 8601 time, e.g. 2021-03-01T00:00:00Z",
}
MAIN_FILTERS = ["date_from", "date_to", "country", "subdivision", "drug", "agency"]


class OverviewFilter(OperationFilter):
    """The partner API's filters, with the same names and the same validation, dressed for
    a form: labels, date pickers, and lists of what the verified data holds."""

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.form.label_suffix = ""
        fields = self.form.fields
        for name, field in fields.items():
            field.label = LABELS.get(name, field.label)
            field.help_text = HELP.get(name, "")
        for name in ("date_from", "date_to"):
            fields[name].widget = forms.DateInput(attrs={"type": "date"})
        for name in ("kg_min", "kg_max"):
            fields[name].widget.attrs.update(min="0", step="any")
        published = PublishedOperation.objects.all()
        countries = Country.objects.filter(code__in=published.values("country")).values_list("code", "name")
        subdivisions = (
            Subdivision.objects.filter(code__in=published.values("subdivision"))
            .order_by("country__name", "name")
            .values_list("code", "name", "country__name")
        )
        by_country = {}
        for code, name, country in subdivisions:
            by_country.setdefault(country, []).append((code, name))
        agencies = Agency.objects.filter(
            code__in=PublishedFacet.objects.filter(kind=Kind.AGENCY).values("code")
        ).values_list("code", "name")
        groups = CriminalGroup.objects.filter(pk__in=published.values("criminal_group_id")).values_list("pk", "name")
        self._select("country", "Any country", list(countries))
        self._select("subdivision", "Any subdivision", list(by_country.items()))
        self._select("agency", "Any agency", [(code, f"{name} ({code})") for code, name in agencies])
        self._select("drug", "Any drug", list(vocab.DrugType.choices))
        self._select("criminal_group", "Any group", [(str(pk), n) for pk, n in groups], widget_class=forms.Select)

    def _select(self, name: str, empty: str, choices: list, *, widget_class=CSVSelect) -> None:
        field = self.form.fields[name]
        if hasattr(field, "empty_label"):  # a choice field (drug): it validates against these
            field.empty_label, field.choices = empty, choices
            options = list(field.choices)
        else:
            options = [("", empty), *choices]
        # A value given in the URL but not listed (lower case, or naming nothing verified) is
        # still offered, selected, so that the form shows what is applied.
        given = (self.form.data.get(name) or "").strip()
        listed = {str(value) for value, label in options if not isinstance(label, list)}
        listed |= {str(value) for _, label in options if isinstance(label, list) for value, _ in label}
        if given and "," not in given and given not in listed:
            options.append((given, given))
        field.widget = widget_class(choices=options)

    def main_fields(self):
        return [self.form[name] for name in MAIN_FILTERS]

    def more_fields(self):
        return [self.form[name] for name in self.form.fields if name not in MAIN_FILTERS]

    def more_given(self) -> bool:
        return any(self.form.data.get(name) for name in self.form.fields if name not in MAIN_FILTERS)
