"""`{% inbox_counts %}`: the reviewer's inbox, counted, for the admin's index page."""

from django import template
from django.urls import reverse

from seizures.models import Operation

register = template.Library()


@register.inclusion_tag("admin/seizures/inbox_counts.html", takes_context=True)
def inbox_counts(context):
    user = context["request"].user
    if not user.has_perm("seizures.view_operation"):
        return {"boxes": []}
    queue = reverse("admin:seizures_operation_changelist")
    operations = Operation.objects.all()
    boxes = [("came_back", "Came back to me", operations.came_back_to(user).count())]
    if user.has_perm("seizures.verify_operation"):
        boxes[:0] = [
            ("to_review", "To review", operations.to_review_by(user).count()),
            ("claimed", "Claimed by me", operations.claimed_by_user(user).count()),
            ("new_source", "New source since verified", operations.new_source_since_verified().count()),
        ]
    return {"boxes": [(label, count, f"{queue}?inbox={key}") for key, label, count in boxes]}
