"""A partner's side of the feed, as the README tells partners to keep it: shared by the sync
tests and the feed property test."""

import datetime

from django.utils import timezone

OPERATIONS = "/api/v1/operations/"
REMOVED = "/api/v1/operations/removed/"


def walk(client, url: str, *, page_size: int = 3, **params) -> list[dict]:
    """Every record of a list endpoint, following `next` to the end (small pages, so that the
    keyset cursor is exercised too)."""
    response = client.get(url, {"page_size": page_size, **params})
    records = []
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        records += body["results"]
        if not body["next"]:
            return records
        response = client.get(body["next"])


class PartnerCopy:
    """What a partner keeps: documents by public id, updated with `updated_since` and the
    removals feed."""

    # Transactions commit a moment after they stamp their rows: ask again for a little overlap.
    OVERLAP = datetime.timedelta(seconds=5)

    def __init__(self, client, *, page_size: int = 3):
        self.client = client
        self.page_size = page_size
        self.records: dict[str, dict] = {}
        self.last_sync: datetime.datetime | None = None

    def sync(self) -> None:
        started = timezone.now()
        params = {}
        if self.last_sync is not None:
            params = {"since": (self.last_sync - self.OVERLAP).isoformat()}
        for removal in walk(self.client, REMOVED, page_size=self.page_size, **params):
            self.records.pop(removal["id"], None)
        if params:
            params = {"updated_since": params["since"]}
        for document in walk(self.client, OPERATIONS, page_size=self.page_size, ordering="modified", **params):
            self.records[document["id"]] = document
        self.last_sync = started
