"""Keyboard use of the review page: the previous and next records of the reviewer's queue.

The shortcuts themselves live in `static/seizures/keys.js`; the bar and the help panel in
`templates/admin/seizures/operation/_keyboard.html`.
"""

from django.contrib import admin
from django.db.models import Count, Q, Window
from django.db.models.functions import Lag, Lead, RowNumber
from django.urls import reverse

from seizures.models import Operation


def queue_neighbours(request, operation) -> dict:
    """Where `operation` stands in `request.user`'s review queue, in the order the queue shows.

    Returns `position` (from 1) and `total`, and the pks of the `previous` and `next` records.
    An operation that is not in the queue has no position nor previous, and its next is the
    first of the queue. One query, however long the queue: the database numbers the queue
    and names each row's neighbours, and only the current row and the first come back.
    """
    # The ordering the changelist uses, from the registered admin, so that the two never differ.
    ordering = admin.site.get_model_admin(Operation).get_ordering(request)
    rows = list(
        Operation.objects.to_review_by(request.user)
        .annotate(
            position=Window(RowNumber(), order_by=ordering),
            previous_pk=Window(Lag("pk"), order_by=ordering),
            next_pk=Window(Lead("pk"), order_by=ordering),
            total=Window(Count("pk")),
        )
        # Joined by OR to a window annotation, the pk test is made on the numbered queue (the
        # QUALIFY of SQL, which Django writes as an outer query), not before numbering it,
        # which would number a queue of one.
        .filter(Q(pk=operation.pk) | Q(position=1))
        .order_by()
        .values("pk", "position", "previous_pk", "next_pk", "total")
    )
    current = next((row for row in rows if row["pk"] == operation.pk), None)
    if current is not None:
        return {
            "position": current["position"],
            "total": current["total"],
            "previous": current["previous_pk"],
            "next": current["next_pk"],
        }
    first = next((row for row in rows if row["position"] == 1), None)
    return {
        "position": None,
        "total": first["total"] if first else 0,
        "previous": None,
        "next": first["pk"] if first else None,
    }


def keyboard_context(request, operation) -> dict:
    """Extra context for the operation page: the queue bar's links and position."""
    neighbours = queue_neighbours(request, operation)

    def url(pk):
        return reverse("admin:seizures_operation_change", args=[pk]) if pk is not None else None

    return {
        "queue_nav": {
            **neighbours,
            "previous_url": url(neighbours["previous"]),
            "next_url": url(neighbours["next"]),
        }
    }
