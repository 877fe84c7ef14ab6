"""Partners and their keys, for superusers only: a key opens the API to an organisation."""

from django.contrib import admin
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey

from partners.models import Partner, PartnerAPIKey

# The library registers its own, partner-less key model; partners' keys are managed below.
if admin.site.is_registered(APIKey):
    admin.site.unregister(APIKey)


class SuperuserOnly:
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    has_add_permission = has_view_permission
    has_change_permission = has_view_permission
    has_delete_permission = has_view_permission


class PartnerAPIKeyInline(SuperuserOnly, admin.TabularInline):
    model = PartnerAPIKey
    fields = ["prefix", "name", "personal_data", "created", "expiry_date", "revoked"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        # A key is created on its own page, which shows the key once.
        return False


@admin.register(Partner)
class PartnerAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]
    inlines = [PartnerAPIKeyInline]


@admin.register(PartnerAPIKey)
class PartnerAPIKeyAdmin(SuperuserOnly, APIKeyModelAdmin):
    """Adding a key shows it once in a message (the library's save_model); revoking is final."""

    list_display = ["prefix", "name", "partner", "personal_data", "created", "expiry_date", "_has_expired", "revoked"]
    list_filter = ["revoked", "personal_data", "partner"]
    list_select_related = ["partner"]
    search_fields = ["name", "prefix", "partner__name"]
    autocomplete_fields = ["partner"]
    fields = ["partner", "name", "personal_data", "expiry_date", "revoked", "prefix"]

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None:
            # A key stays with its organisation, and its scope is the one it was issued with.
            fields += ("partner", "personal_data")
        return fields
