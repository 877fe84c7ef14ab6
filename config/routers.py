"""Partner API reads from a read replica, when one is configured (DATABASE_REPLICA_URL).

The partner API only reads published documents, so it can be served from a streaming
replica and leave the primary to reviewers. Reviewers, editors, the admin, background work
and every write use the primary ("default"). A replica lags the primary by a moment: a record
verified a second ago may reach partners a second later, which the incremental sync's overlap
(README, Partner API) already allows for.
"""

from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
_reading_for_partners: ContextVar[bool] = ContextVar("reading_for_partners", default=False)


def has_replica() -> bool:
    return REPLICA in settings.DATABASES


class PartnerAPIReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reading_for_partners.get() and has_replica():
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class PartnerAPIReplicaMiddleware:
    """Marks the partner API's GET requests, so the router sends their reads to the replica."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or not request.path.startswith("/api/v1/"):
            return self.get_response(request)
        token = _reading_for_partners.set(True)
        try:
            return self.get_response(request)
        finally:
            _reading_for_partners.reset(token)
