"""Who may read the partner API: a valid partner key, or a reviewer or editor logged in to
the site. Every endpoint is read-only, whoever calls it."""

from rest_framework import permissions

from partners.models import PartnerAPIKey


def is_partner(request) -> bool:
    return isinstance(request.auth, PartnerAPIKey)


class PartnerAPIReadOnly(permissions.BasePermission):
    message = "The partner API needs an API key, or a reviewer's or editor's login."

    def has_permission(self, request, view):
        if request.method not in permissions.SAFE_METHODS:
            self.message = "The partner API is read-only."
            return False
        if is_partner(request):
            return True
        user = request.user
        return bool(user and user.is_authenticated and user.is_staff and user.has_perm("seizures.view_operation"))


def may_see_personal_data(request) -> bool:
    """A key with the personal-data scope, or a site user allowed to see personal data."""
    if is_partner(request):
        return request.auth.personal_data
    user = request.user
    return bool(user and user.is_authenticated and user.has_perm("seizures.view_personal_data"))
