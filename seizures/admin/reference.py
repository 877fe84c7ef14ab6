"""Reference data: countries, subdivisions, agencies and criminal groups."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from seizures.models import Agency, Country, CriminalGroup, Subdivision


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Subdivision)
class SubdivisionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "category", "country", "parent"]
    list_select_related = ["country", "parent"]
    list_filter = [("country", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "name"]


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "country", "parent"]
    list_select_related = ["country", "parent"]
    list_filter = [("country", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "name", "aliases"]
    autocomplete_fields = ["country", "parent"]


@admin.register(CriminalGroup)
class CriminalGroupAdmin(SimpleHistoryAdmin):
    list_display = ["name"]
    search_fields = ["name", "aliases"]
    autocomplete_fields = ["countries"]
