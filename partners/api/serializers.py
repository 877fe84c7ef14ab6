"""What partners see of the reference data. Fields are listed one by one: a field added to a
model never reaches partners by accident."""

from rest_framework import serializers

from partners.models import OperationRemoval
from partners.publication import name_pattern, withhold_names
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


SOURCE_FIELDS = ["id", "kind", "outlet", "url", "title", "author", "published", "language"]


class SourceSerializer(serializers.ModelSerializer):
    """A source for keys without the personal-data scope: no text, and the names of the
    detainees of the operations citing it (context `detainee_names`) withheld from its title."""

    class Meta:
        model = Source
        fields = SOURCE_FIELDS
        read_only_fields = fields

    def to_representation(self, source):
        data = super().to_representation(source)
        names = self.context.get("detainee_names", {}).get(source.pk)
        if names:
            data["title"] = withhold_names(data["title"], name_pattern(names))
        return data


class SourceWithTextSerializer(serializers.ModelSerializer):
    # Optional in the schema (not read-only, which drf-spectacular lists as required): keys
    # without the scope get the same record without it.
    text = serializers.CharField(required=False, help_text="Only for keys with the personal-data scope.")

    class Meta:
        model = Source
        fields = [*SOURCE_FIELDS, "text"]
        read_only_fields = fields
