"""The operation document partners receive: its fields, their types and what they mean.

These serializers run once per verification (`partners.publication`), not per request: the
documents they produce are stored, and the operations endpoint serves them as they are. The
same serializers describe the endpoint in the OpenAPI schema, so the docs cannot drift from
what is served.

Fields marked personal are present only in the copy served to keys with the personal-data
scope (and to staff allowed to see personal data).
"""

from rest_framework import serializers

from seizures import vocabularies as vocab

PERSONAL = "Personal data: present only for keys with the personal-data scope."


def _decimal(help_text: str) -> serializers.DecimalField:
    # Exact decimal strings ("3082.5"): a float would round what the source says.
    return serializers.DecimalField(
        max_digits=None, decimal_places=None, allow_null=True, read_only=True, help_text=help_text
    )


class PersonalFieldsMixin:
    """Drops the fields named in Meta.personal unless the context says personal data may be shown."""

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context.get("personal"):
            for name in self.Meta.personal:
                data.pop(name, None)
        return data


class AgencyRefSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class CriminalGroupRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Null if the group was renamed or removed since verification."
    )
    name = serializers.CharField(read_only=True)


class EvidenceItemDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True, help_text="Stable while the item exists; citations refer to it.")
    category = serializers.ChoiceField(choices=vocab.EvidenceCategory.choices, read_only=True)
    drug_type = serializers.ChoiceField(
        choices=vocab.DrugType.choices, allow_blank=True, read_only=True, help_text="Empty unless a drug."
    )
    form = serializers.CharField(read_only=True, help_text="As described: hydrochloride, base paste, liquid…")
    description = serializers.CharField(read_only=True)
    quantity = _decimal("The number as the source states it, in `unit` (or `currency` for cash).")
    unit = serializers.ChoiceField(choices=vocab.Unit.choices, allow_blank=True, read_only=True)
    currency = serializers.CharField(read_only=True, help_text="ISO 4217 code, for cash.")
    quantity_kg = _decimal("Drugs: the weight in kilograms, where known.")
    concealment = serializers.CharField(read_only=True)


class DetaineeDocumentSerializer(PersonalFieldsMixin, serializers.Serializer):
    nationality = serializers.CharField(
        read_only=True, allow_null=True, help_text="ISO 3166-1 alpha-2; null if unknown."
    )
    # Personal fields are declared writable-but-optional only so that the schema does not list
    # them as required: these serializers only ever write documents, never read input.
    id = serializers.IntegerField(required=False, help_text=PERSONAL)
    name = serializers.CharField(required=False, help_text=PERSONAL)
    age = serializers.IntegerField(allow_null=True, required=False, help_text=PERSONAL)
    sex = serializers.ChoiceField(choices=vocab.Sex.choices, allow_blank=True, required=False, help_text=PERSONAL)
    role = serializers.ChoiceField(
        choices=vocab.DetaineeRole.choices, allow_blank=True, required=False, help_text=PERSONAL
    )

    class Meta:
        personal = ["id", "name", "age", "sex", "role"]


class CitedSourceSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True, help_text="The source's id in /api/v1/sources/.")
    title = serializers.CharField(read_only=True)
    outlet = serializers.CharField(read_only=True)
    url = serializers.URLField(read_only=True, allow_null=True)
    published = serializers.DateField(read_only=True, allow_null=True)


class CitationDocumentSerializer(PersonalFieldsMixin, serializers.Serializer):
    source = CitedSourceSerializer(read_only=True)
    quote = serializers.CharField(
        read_only=True,
        help_text="The words of the source that support the record. Without the personal-data scope, "
        "detainees' names in it are replaced by [name withheld], and quotes about a detainee are left out.",
    )
    start = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Offset of the quote in the source's text, if located."
    )
    end = serializers.IntegerField(read_only=True, allow_null=True)
    field = serializers.CharField(read_only=True, help_text="The field the quote supports; empty for the whole record.")
    evidence_item = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Id of the evidence item the quote supports, if any."
    )
    detainee = serializers.IntegerField(allow_null=True, required=False, help_text=PERSONAL)

    class Meta:
        personal = ["detainee"]


class OperationDocumentSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True, help_text="Stable public id: survives edits and re-verification.")
    version = serializers.IntegerField(read_only=True, help_text="Number of the verified version served.")
    verified_at = serializers.DateTimeField(read_only=True)
    modified_at = serializers.DateTimeField(
        read_only=True, help_text="When this record last changed for partners; what `updated_since` compares."
    )
    date_start = serializers.DateField(read_only=True)
    date_end = serializers.DateField(read_only=True)
    date_precision = serializers.ChoiceField(choices=vocab.DatePrecision.choices, read_only=True)
    country = serializers.CharField(read_only=True, help_text="ISO 3166-1 alpha-2.")
    subdivision = serializers.CharField(
        read_only=True, allow_null=True, help_text="Top-level ISO 3166-2 subdivision; null if unknown or at sea."
    )
    place = serializers.CharField(read_only=True, help_text="The most specific place named, as written.")
    latitude = serializers.FloatField(read_only=True, allow_null=True)
    longitude = serializers.FloatField(read_only=True, allow_null=True)
    geo_precision = serializers.ChoiceField(choices=vocab.GeoPrecision.choices, allow_blank=True, read_only=True)
    agencies = AgencyRefSerializer(many=True, read_only=True)
    criminal_group = CriminalGroupRefSerializer(read_only=True, allow_null=True)
    destinations = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="ISO codes of the countries it was bound for."
    )
    transit = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="ISO codes of stated stops on the way."
    )
    transport_mode = serializers.ChoiceField(choices=vocab.TransportMode.choices, allow_blank=True, read_only=True)
    location_type = serializers.ChoiceField(choices=vocab.LocationType.choices, allow_blank=True, read_only=True)
    summary = serializers.CharField(
        read_only=True,
        help_text="Without the personal-data scope, detainees' names in it are replaced by [name withheld].",
    )
    evidence_items = EvidenceItemDocumentSerializer(many=True, read_only=True)
    detainee_count = serializers.IntegerField(read_only=True)
    detainees = DetaineeDocumentSerializer(many=True, read_only=True)
    citations = CitationDocumentSerializer(many=True, read_only=True)
