"""What partners see of the reference data. Fields are listed one by one: a field added to a
model never reaches partners by accident."""

from rest_framework import serializers

from seizures.models import Agency, CriminalGroup


class AgencySerializer(serializers.ModelSerializer):
    country = serializers.CharField(
        source="country_id",
        read_only=True,
        allow_null=True,
        help_text="ISO 3166-1 alpha-2; null for international bodies.",
    )
    parent = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text="Code of the body this unit belongs to."
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
