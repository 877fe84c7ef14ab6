from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from partners.permissions import is_partner


class PartnerKeyRateThrottle(SimpleRateThrottle):
    """settings.PARTNER_API_RATE requests per key, whichever address they come from.

    Staff sessions are not throttled. Counts live in the default cache: per process with the
    local-memory cache, so a deployment with several workers needs a shared cache.
    """

    scope = "partner"

    def get_rate(self):
        # Read at request time, not import time (as DRF's THROTTLE_RATES is), so that the
        # setting can be changed in tests.
        return settings.PARTNER_API_RATE

    def get_cache_key(self, request, view):
        if not is_partner(request):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
