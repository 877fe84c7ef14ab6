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


class FailedKeyThrottle(SimpleRateThrottle):
    """settings.PARTNER_API_FAILURE_RATE requests per client address that come without a
    valid key: no key at all, or a malformed, unknown, revoked or expired one.

    The per-key throttle above cannot count these: they have no key to count by, and a bad
    key fails authentication before DRF runs any throttle. So PartnerAPIView asks this one
    first, before a key is checked, whether the address is past its limit; once it is, even
    a right guess gets 429, and guessing keys gains nothing. The address is DRF's `get_ident`,
    which takes REST_FRAMEWORK["NUM_PROXIES"] proxies into account. Staff sessions are never
    counted nor refused. As with DRF's own throttles, two requests at the same moment may
    both be let through: a limit on guessing, not an exact count.
    """

    scope = "partner-failures"

    def get_rate(self):
        return settings.PARTNER_API_FAILURE_RATE

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def exhausted(self, request, view) -> bool:
        """Whether the address has had its failures for now; counts nothing."""
        self.key = self.get_cache_key(request, view)
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        return len(self.history) >= self.num_requests

    def wait(self) -> float:
        # Until enough of the failures counted are older than the period: DRF's own wait()
        # gives None (no Retry-After) once two requests at once have counted past the limit.
        return max(1.0, self.history[self.num_requests - 1] + self.duration - self.now)

    def count_failure(self) -> None:
        """One more failure for the address `exhausted` looked at."""
        self.history.insert(0, self.now)
        self.cache.set(self.key, self.history, self.duration)
