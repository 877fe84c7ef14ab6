"""The merge page: two reports of one event side by side, and which of their parts are the
same ones reported twice, before `seizures.services.operation_merge` makes them one.

    /admin/seizures/operation/<survivor>/merge/<duplicate>/

GET shows the two records (facts, items, detainees, citations) and the pairs
`seizures.merging.default_plan` proposes; POST merges with the pairs and the reason the
reviewer gave. The queue's merge action and the "same event" button of a likely duplicate
both lead here.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from seizures import services
from seizures.duplicates import duplicate_merge
from seizures.merging import KEEP_DUPLICATE, KEEP_SURVIVOR, MergePlan, Pair, default_plan
from seizures.models import Detainee, EvidenceItem, Operation
from sources.models import Citation

PERSONAL_DATA = "seizures.view_personal_data"


@dataclass
class Side:
    operation: Operation
    facts: list[tuple[str, str]]
    items: list[EvidenceItem]
    detainees: list[tuple[Detainee, str]]
    citations: list[Citation]


def _facts(operation: Operation) -> list[tuple[str, str]]:
    dates = f"{operation.date_start:%Y-%m-%d}"
    if operation.date_end and operation.date_end != operation.date_start:
        dates += f" – {operation.date_end:%Y-%m-%d}"
    codes = lambda relation: ", ".join(sorted(getattr(operation, relation).values_list("code", flat=True))) or "—"  # noqa: E731
    return [
        ("Status", operation.get_status_display()),
        ("Dates", dates),
        ("Country", str(operation.country)),
        ("Subdivision", str(operation.subdivision) if operation.subdivision else "—"),
        ("Place", operation.place or "—"),
        ("Agencies", codes("agencies")),
        ("Criminal group", str(operation.criminal_group) if operation.criminal_group else "—"),
        ("Bound for", codes("destinations")),
        ("Via", codes("transit")),
    ]


def _person(detainee: Detainee, *, personal: bool) -> str:
    parts = [detainee.nationality.name if detainee.nationality else "nationality not stated"]
    if personal and detainee.name:
        parts.insert(0, detainee.name)
    if personal and detainee.age:
        parts.append(f"{detainee.age}")
    if detainee.role:
        parts.append(detainee.get_role_display().lower())
    return ", ".join(parts)


def _side(operation: Operation, *, personal: bool) -> Side:
    return Side(
        operation=operation,
        facts=_facts(operation),
        items=list(EvidenceItem.objects.filter(operation=operation).order_by("pk")),
        detainees=[
            (d, _person(d, personal=personal))
            for d in Detainee.objects.filter(operation=operation).select_related("nationality").order_by("pk")
        ],
        citations=list(Citation.objects.filter(operation=operation).select_related("source").order_by("pk")),
    )


def _plan_from(post) -> MergePlan:
    """The pairs the page posted: `item-<duplicate's id>` names the survivor's item it is
    (empty: a different item), `keep-<id>` whose values the pair keeps; `detainee-<id>` the same."""
    plan = MergePlan()
    for name, value in post.items():
        kind, _, pk = name.partition("-")
        if kind not in ("item", "detainee") or not pk.isdigit() or not value:
            continue
        if not value.isdigit():
            raise services.WorkflowError("The pairs posted are not ids. Reload the page.")
        if kind == "item":
            plan.items.append(Pair(int(value), int(pk), post.get(f"keep-{pk}", KEEP_SURVIVOR)))
        else:
            plan.detainees.append(Pair(int(value), int(pk)))
    return plan


def merge_view(model_admin, request, object_id, other_id):
    survivor = model_admin.get_object(request, unquote(object_id))
    duplicate = model_admin.get_object(request, str(other_id))
    if survivor is None or duplicate is None:
        raise Http404("No such operation.")
    if not model_admin.has_verify_permission(request):
        raise PermissionDenied
    reason = request.POST.get("reason", "").strip() if request.method == "POST" else ""
    plan = default_plan(survivor, duplicate)
    if request.method == "POST":
        try:
            plan = _plan_from(request.POST)
            merge = duplicate_merge(survivor=survivor, duplicate=duplicate, by=request.user, reason=reason, plan=plan)
        except services.WorkflowError as error:
            model_admin.message_user(request, str(error), messages.ERROR)
        else:
            message = (
                f"Operation {duplicate} merged into {survivor}, which is back in review. Partners keep both "
                "verified versions until it is verified."
            )
            if merge.possible_duplicates:
                message += f" {len(merge.possible_duplicates)} pair(s) of its parts look reported twice: check them."
            model_admin.message_user(request, message, messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:seizures_operation_change", args=[survivor.pk]))
    personal = request.user.has_perm(PERSONAL_DATA)
    paired_items = {pair.duplicate: pair for pair in plan.items}
    paired_people = {pair.duplicate: pair.survivor for pair in plan.detainees}
    ours, theirs = _side(survivor, personal=personal), _side(duplicate, personal=personal)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Merge #{duplicate.pk} into #{survivor.pk}",
        "opts": model_admin.opts,
        "survivor": ours,
        "duplicate": theirs,
        "item_rows": [
            (item, paired_items[item.pk].survivor if item.pk in paired_items else None, paired_items.get(item.pk))
            for item in theirs.items
        ],
        "detainee_rows": [(d, label, paired_people.get(d.pk)) for d, label in theirs.detainees],
        "keep_survivor": KEEP_SURVIVOR,
        "keep_duplicate": KEEP_DUPLICATE,
        "reason": reason,
        "swap_url": reverse("admin:seizures_operation_merge", args=[duplicate.pk, survivor.pk]),
        "frozen": [op for op in (survivor, duplicate) if op.status in Operation.FROZEN_STATUSES],
    }
    return TemplateResponse(request, "admin/seizures/operation/merge.html", context)
