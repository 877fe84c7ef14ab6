"""`Authorization: Api-Key <prefix>.<secret>` for partners.

A request without that header is left to the next authentication class (reviewers' and
editors' sessions). A request with it either authenticates or fails with 401: a bad key is
never silently treated as anonymous.
"""

from django.contrib.auth.models import AnonymousUser
from rest_framework import authentication, exceptions

from partners.models import PartnerAPIKey

KEYWORD = "Api-Key"


class PartnerAPIKeyAuthentication(authentication.BaseAuthentication):
    """Sets `request.auth` to the PartnerAPIKey (with its partner) and `request.user` to an
    AnonymousUser: a partner is not a user of the site and gets no Django permission."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        keyword, _, rest = header.partition(" ")
        if keyword.lower() != KEYWORD.lower():
            return None
        parts = rest.split()
        if len(parts) != 1 or "." not in parts[0]:
            raise exceptions.AuthenticationFailed(f"Malformed {KEYWORD} header: use 'Authorization: {KEYWORD} <key>'.")
        return self._authenticate_key(parts[0])

    def _authenticate_key(self, key: str):
        prefix, _, _ = key.partition(".")
        # The prefix only finds the row; the hash comparison decides. Revoked and expired keys
        # are named as such only once the caller has shown it holds the whole key.
        api_key = PartnerAPIKey.objects.select_related("partner").filter(prefix=prefix).first()
        if api_key is None or not api_key.is_valid(key):
            raise exceptions.AuthenticationFailed("Invalid API key.")
        if api_key.revoked:
            raise exceptions.AuthenticationFailed("This API key has been revoked.")
        if api_key.has_expired:
            raise exceptions.AuthenticationFailed("This API key has expired.")
        return AnonymousUser(), api_key

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) to a request with no credentials at all.
        return KEYWORD
