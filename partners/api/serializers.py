"""What partners see of the reference data. Fields are listed one by one: a field added to a
model never reaches partners by accident."""

import orjson
from rest_framework import serializers

from partners.models import OperationRemoval
from seizures.models import Agency, CriminalGroup
from sources.models import Source


class AgencySerializer(serializers.ModelSerializer):
    country = serializers.CharField(
        source="country_id",
        read_only=True,
        allow_null=True,
        help_text="ISO 3166-1 alpha-2; null for international bodies.",
    )
    parent = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text="Code of the body this unit belongs to, if any."
    )
    aliases = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Agency
        fields = ["code", "name", "country", "parent", "aliases"]
        read_only_fields = fields


class CriminalGroupSerializer(serializers.ModelSerializer):
    aliases = serializers.ListField(child=serializers.CharField(), read_only=True)
    countries = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="ISO 3166-1 alpha-2 codes of the countries where it operates."
    )

    class Meta:
        model = CriminalGroup
        # Not `notes`: they are the team's working notes, not published data.
        fields = ["id", "name", "aliases", "countries"]
        read_only_fields = fields


class RemovalSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True, help_text="The removed operation's public id.")
    surviving_id = serializers.UUIDField(
        source="surviving_public_id",
        read_only=True,
        allow_null=True,
        help_text="For a merge: the operation that now holds this one's facts; null otherwise.",
    )

    class Meta:
        model = OperationRemoval
        fields = ["id", "reason", "surviving_id", "removed_at"]
        read_only_fields = fields


class DrugTotalSerializer(serializers.Serializer):
    drug_type = serializers.CharField()
    kg = serializers.DecimalField(
        max_digits=None,
        decimal_places=None,
        allow_null=True,
        help_text="Sum of the weights known; null if no weight is known.",
    )
    operations = serializers.IntegerField(help_text="Operations that seized this drug.")


class NationalityCountSerializer(serializers.Serializer):
    nationality = serializers.CharField(allow_null=True, help_text="ISO 3166-1 alpha-2; null if unknown.")
    detainees = serializers.IntegerField()


class StatsSerializer(serializers.Serializer):
    operations = serializers.IntegerField()
    detainees = serializers.IntegerField()
    drugs = DrugTotalSerializer(many=True)
    detainees_by_nationality = NationalityCountSerializer(many=True)


class SourceSerializer(serializers.Serializer):
    """A cited source as the verified versions citing it cite it (`PublishedSource`), for
    keys without the personal-data scope: no text, and the names of the detainees of the
    operations citing it withheld from its title, outlet and URL. Declared field by field
    for the schema; what is served is the document rendered when it was published."""

    document_column = "document"

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Source.Kind.choices)
    outlet = serializers.CharField(allow_blank=True)
    url = serializers.CharField(
        allow_null=True,
        help_text="Without the personal-data scope, a URL whose path names a detainee is cut back to its site, "
        "and one whose host name does is null.",
    )
    title = serializers.CharField(allow_blank=True)
    author = serializers.CharField(allow_blank=True)
    published = serializers.DateField(allow_null=True)
    language = serializers.CharField(allow_blank=True, help_text="ISO 639-1 code, e.g. en, es, pt.")

    def to_representation(self, publication):
        return orjson.loads(getattr(publication, self.document_column))


class SourceWithTextSerializer(SourceSerializer):
    document_column = "document_personal"

    # Optional in the schema: keys without the scope get the same record without it. Null if
    # the source's text has changed since the quotes citing it were checked against it.
    text = serializers.CharField(
        required=False, allow_null=True, help_text="Only for keys with the personal-data scope."
    )
