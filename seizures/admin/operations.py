"""The review queue (the Operation changelist) and the operation page."""

from collections import defaultdict
from decimal import Decimal
from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Prefetch
from django.http import Http404, HttpResponseBadRequest, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from rangefilter.filters import DateRangeFilterBuilder
from simple_history.admin import SimpleHistoryAdmin

from seizures import services
from seizures.admin.citing import citing_context, citing_urls
from seizures.admin.history import HistoryDisplay, plain_value
from seizures.admin.inlines import CitationInline, DetaineeInline, EvidenceItemInline, NewCitationInline
from seizures.admin.keyboard import keyboard_context
from seizures.admin.merging import merge_view
from seizures.duplicates import duplicate_reject, likely_duplicates
from seizures.models import Detainee, EvidenceItem, Operation
from seizures.vocabularies import DrugType, EvidenceCategory
from sources.highlight import sources_panel
from sources.models import Citation, FieldDecision, OperationProposal
from sources.review import (
    check_first,
    field_accept_all,
    field_decide,
    field_reviews,
    open_fields,
    record_edits,
    review_progress,
    spec_of,
)

Status = Operation.Status


class QueueStatusFilter(admin.SimpleListFilter):
    """Status, defaulting to what needs review: the changelist is the reviewers' queue."""

    title = "status"
    parameter_name = "status"
    default = Status.NEEDS_REVIEW

    def lookups(self, request, model_admin):
        return [*Status.choices, ("all", "All")]

    def value(self):
        return super().value() or self.default

    def queryset(self, request, queryset):
        if self.value() == "all" or (InboxFilter.parameter_name in request.GET and self.used_parameters == {}):
            return queryset  # the inbox chooses its own statuses
        return queryset.filter(status=self.value())

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }


class InboxFilter(admin.SimpleListFilter):
    """The reviewer's own view of the queue. Chosen, it replaces the status filter."""

    title = "my inbox"
    parameter_name = "inbox"

    def lookups(self, request, model_admin):
        return [
            ("to_review", "To review (not claimed by others)"),
            ("claimed", "Claimed by me"),
            ("came_back", "Came back to me"),
            ("new_source", "New source since verified"),
        ]

    def queryset(self, request, queryset):
        user = request.user
        if self.value() == "to_review":
            return queryset.to_review_by(user)
        if self.value() == "claimed":
            return queryset.claimed_by_user(user)
        if self.value() == "came_back":
            return queryset.came_back_to(user)
        if self.value() == "new_source":
            return queryset.new_source_since_verified()
        return queryset


class DrugFilter(admin.SimpleListFilter):
    title = "drug"
    parameter_name = "drug"

    def lookups(self, request, model_admin):
        return DrugType.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(evidence_items__drug_type=self.value()).distinct()
        return queryset


class OperationAdminForm(forms.ModelForm):
    # The version the editor loaded; a save is refused if the operation moved on since.
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Operation
        # The admin's fieldsets choose the fields shown; this form only adds the version check.
        fields = "__all__"  # noqa: DJ007

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["base_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            current = Operation.objects.select_related("last_edited_by").get(pk=self.instance.pk)
            if cleaned.get("base_version") != current.version:
                raise forms.ValidationError(services.concurrent_edit_message(current), code="concurrent_edit")
        return cleaned


@admin.register(Operation)
class OperationAdmin(SimpleHistoryAdmin):
    form = OperationAdminForm
    change_form_template = "admin/seizures/operation/change_form.html"
    object_history_template = "admin/seizures/operation/object_history.html"
    inlines = [EvidenceItemInline, DetaineeInline, CitationInline, NewCitationInline]
    list_display = ["date", "where", "drugs", "detainees", "citations", "status_label", "newest_source"]
    list_display_links = ["date", "where"]
    list_filter = [
        InboxFilter,
        QueueStatusFilter,
        ("country", admin.RelatedOnlyFieldListFilter),
        ("subdivision", admin.RelatedOnlyFieldListFilter),
        ("date_start", DateRangeFilterBuilder(title="date")),
        ("agencies", admin.RelatedOnlyFieldListFilter),
        DrugFilter,
    ]
    search_fields = ["place", "criminal_group__name", "citations__source__title"]
    list_select_related = ["country", "subdivision"]
    list_per_page = 50
    show_full_result_count = False
    actions = ["verify_selected", "reject_selected", "merge_selected"]
    autocomplete_fields = ["country", "subdivision", "agencies", "criminal_group", "destinations", "transit"]
    fieldsets = [
        ("When", {"fields": [("date_start", "date_end", "date_precision")]}),
        (
            "Where",
            {
                "fields": [
                    ("country", "subdivision"),
                    "place",
                    ("latitude", "longitude", "geo_precision"),
                    "location_type",
                ]
            },
        ),
        ("Who and how", {"fields": ["agencies", "criminal_group", "transport_mode", "destinations", "transit"]}),
        (None, {"fields": ["summary", "base_version"]}),
    ]

    # --- queue ---

    def get_ordering(self, request):
        # Newest source first: what was just reported is what reviewers want to see.
        return [F("newest_source_date").desc(nulls_last=True), "-date_start", "-pk"]

    def get_queryset(self, request):
        drug_items = EvidenceItem.objects.filter(category=EvidenceCategory.DRUG).order_by("pk")
        return (
            super()
            .get_queryset(request)
            .with_review_summary()
            .prefetch_related(Prefetch("evidence_items", queryset=drug_items, to_attr="drug_items"))
        )

    @admin.display(description="date", ordering="date_start")
    def date(self, operation):
        if operation.date_end and operation.date_end != operation.date_start:
            return f"{operation.date_start:%Y-%m-%d} – {operation.date_end:%Y-%m-%d}"
        return f"{operation.date_start:%Y-%m-%d}"

    @admin.display(description="place")
    def where(self, operation):
        parts = [operation.place, operation.subdivision.name if operation.subdivision else "", operation.country_id]
        return ", ".join(p for p in parts if p)

    @admin.display(description="drugs (kg)")
    def drugs(self, operation):
        totals = defaultdict(Decimal)
        items = getattr(operation, "drug_items", None)
        if items is None:
            items = operation.evidence_items.filter(category=EvidenceCategory.DRUG)
        for item in items:
            totals[item.get_drug_type_display()] += item.quantity_kg or 0
        if not totals:
            return "–"
        return format_html_join(
            ", ", "{} {} kg", ((drug, f"{kg.normalize():,f}") for drug, kg in sorted(totals.items()))
        )

    @admin.display(description="detainees", ordering="detainee_count")
    def detainees(self, operation):
        return operation.detainee_count

    @admin.display(description="citations", ordering="citation_count")
    def citations(self, operation):
        return operation.citation_count

    @admin.display(description="status", ordering="status")
    def status_label(self, operation):
        return format_html('<span class="status status-{}">{}</span>', operation.status, operation.get_status_display())

    @admin.display(description="newest source", ordering="newest_source_date")
    def newest_source(self, operation):
        return operation.newest_source_date or "–"

    # --- permissions ---

    def has_verify_permission(self, request, obj=None):
        return request.user.has_perm(services.VERIFY_PERMISSION)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status in Operation.FROZEN_STATUSES:
            return False
        return super().has_change_permission(request, obj)

    # --- saving through the services ---

    def save_model(self, request, obj, form, change):
        if not change:
            services.operation_create(by=request.user, operation=obj)
        # An edit is saved in save_related, once it is known whether anything changed.

    def save_related(self, request, form, formsets, change):
        if change and (form.has_changed() or any(formset.has_changed() for formset in formsets)):
            was_verified = form.instance.status == Status.VERIFIED
            services.operation_update(
                operation=form.instance, by=request.user, expected_version=form.cleaned_data.get("base_version")
            )
            if was_verified:
                self.message_user(
                    request,
                    "This verified operation is back in review with your edit. Partners keep seeing the verified "
                    "version until another reviewer verifies the edit.",
                    messages.WARNING,
                )
        super().save_related(request, form, formsets, change)
        changed_parts = {
            formset.model._meta.get_field("operation").remote_field.related_name
            for formset in formsets
            if formset.model in (EvidenceItem, Detainee) and formset.has_changed()
        }
        if change and (form.changed_data or changed_parts):
            record_edits(
                operation=form.instance, changed_fields=form.changed_data, by=request.user, changed_parts=changed_parts
            )
        if any(formset.model is Citation and formset.has_changed() for formset in formsets):
            services.operation_refresh_newest_source(operation_ids=[form.instance.pk])

    def save_formset(self, request, form, formset, change):
        for instance in formset.save(commit=False):
            if isinstance(instance, Citation) and instance.pk is None:
                instance.created_by = request.user
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.WorkflowError as error:
            # A rule broken between the form's checks and the save (say, a concurrent edit
            # landing in that instant): the whole save was rolled back.
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(request.path)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None:
            context.update(self._review_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _review_context(self, request, operation):
        citations = list(Citation.objects.for_operation(operation).select_related("source"))
        user = request.user
        can_verify = user.has_perm(services.VERIFY_PERMISSION)
        can_edit = user.has_perm(services.EDIT_PERMISSION)
        transitions = []
        if operation.status == Status.DRAFT and can_edit:
            transitions.append(("submit", "Submit for review"))
        fields = field_reviews(operation)
        verify_blockers = []
        if operation.status == Status.NEEDS_REVIEW and can_verify:
            verify_blockers = services.verify_blockers(
                operation=operation, by=user, open_fields=open_fields(operation, fields)
            )
            if not verify_blockers:
                transitions.append(("verify", "Verify"))
        if operation.status in (Status.VERIFIED, Status.REJECTED) and can_verify:
            transitions.append(("reopen", "Reopen"))
        if operation.status == Status.MERGED and can_verify:
            transitions.append(("unmerge", "Undo the merge"))
        published = operation.verified_version
        decided, proposed = review_progress(fields)
        field_spans = defaultdict(list)
        voice_sources = {}
        for row in fields:
            for voice in row.voices:
                voice_sources.setdefault(voice.source.pk, voice.source)
                field_spans[voice.source.pk] += [(start, end, row.key, row.spec.label) for start, end in voice.spans]
        merges_in = list(operation.merges_in.filter(undone_at__isnull=True).select_related("duplicate", "merged_by"))
        claim_holder = None
        if can_verify and operation.status == Status.NEEDS_REVIEW and request.method == "GET":
            claim_holder = services.operation_claim(operation=operation, by=user)
        return {
            "claim_holder": claim_holder,
            "claim_is_mine": claim_holder is not None and claim_holder.pk == user.pk,
            "claim_lapses_at": services.claim_lapses_at(operation) if claim_holder else None,
            "also_reported_by": self._also_reported_by(operation),
            "operation": operation,
            "sources_panel": sources_panel(
                citations,
                extra_sources=[
                    *voice_sources.values(),
                    *(a.source for a in operation.attached_sources.select_related("source")),
                ],
                field_spans=field_spans,
            ),
            "field_reviews": fields,
            "fields_check_first": check_first(fields),
            "fields_decided": decided,
            "fields_proposed": proposed,
            "may_decide_fields": operation.status not in Operation.FROZEN_STATUSES
            and user.has_perm(services.EDIT_PERMISSION),
            "transitions": transitions,
            "can_reject": can_verify and operation.status in (Status.DRAFT, Status.NEEDS_REVIEW),
            "published_version": published,
            "verify_blockers": verify_blockers,
            "likely_duplicates": []
            if operation.status in Operation.FROZEN_STATUSES or not can_verify
            else likely_duplicates(operation),
            "merges_in": merges_in,
            "twice_reported": self._twice_reported(operation) if merges_in else [],
            **citing_context(request, operation),
            **keyboard_context(request, operation),
        }

    def _twice_reported(self, operation):
        """The survivor's parts that still look like one thing reported twice since a merge,
        as (kind, the two records), for the reviewer to keep one of each pair."""
        pairs = services.possible_duplicate_parts(operation)
        models = {"evidence_item": EvidenceItem, "detainee": Detainee, "citation": Citation}
        wanted = defaultdict(set)
        for pair in pairs:
            wanted[pair["kind"]].update(pair["ids"])
        found = {kind: models[kind].objects.in_bulk(ids) for kind, ids in wanted.items()}
        labels = {"evidence_item": "Evidence items", "detainee": "Detainees", "citation": "Citations"}
        return [
            (labels[pair["kind"]], [found[pair["kind"]][pk] for pk in pair["ids"]])
            for pair in pairs
            if all(pk in found[pair["kind"]] for pk in pair["ids"])
        ]

    def _also_reported_by(self, operation):
        """Sources the extractor found reporting this same operation after it was drafted
        from another one: their proposals matched it, so they were added as citations."""
        proposals = (
            OperationProposal.objects.filter(operation=operation)
            .select_related("run__source")
            # Not the run's output nor the source's text: only what the panel names.
            .only("outcome", "run__created_at", "run__source__outlet", "run__source__title", "run__source__published")
        )
        drafted_from, matched = set(), {}
        for proposal in proposals.order_by("run__created_at", "pk"):
            source = proposal.run.source
            if proposal.outcome == OperationProposal.Outcome.CITED:
                matched.setdefault(source.pk, source)
            elif proposal.outcome in OperationProposal.VALUE_OUTCOMES:
                drafted_from.add(source.pk)
        return [source for pk, source in matched.items() if pk not in drafted_from]

    # --- history ---

    def get_historical_record_context_helper(self, request, historical_record):
        return HistoryDisplay(self.model, historical_record)

    def history_view(self, request, object_id, extra_context=None):
        operation = self.get_object(request, unquote(object_id))
        if operation is None:
            raise Http404("No such operation.")
        if not self.has_view_history_or_change_history_permission(request, operation):
            raise PermissionDenied
        extra_context = {**(extra_context or {}), "related_history": self._related_history(request, operation.pk)}
        return super().history_view(request, object_id, extra_context)

    def _related_history(self, request, object_id):
        """History rows of the operation's items, detainees and citations, newest first,
        with what each change did. Detainees' personal fields are masked for users who may
        not see them."""
        personal_ok = request.user.has_perm("seizures.view_personal_data")
        kinds = {"+": "created", "~": "changed", "-": "deleted"}
        rows = []
        parts = [("Evidence item", EvidenceItem), ("Detainee", Detainee), ("Citation", Citation)]
        for label, model in [*parts, ("Field decision", FieldDecision)]:
            records = model.history.filter(operation_id=object_id).select_related("history_user")
            tracked = [f for f in model.history.model._meta.fields if f.name in {g.name for g in model._meta.fields}]
            previous = {}
            for record in records.order_by("id", "history_date", "history_id"):
                before = previous.get(record.id)
                if before is None:
                    changes = [
                        {"field": f.name, "old": "", "new": plain_value(getattr(record, f.attname))}
                        for f in tracked
                        if f.name not in {"id", "operation"} and getattr(record, f.attname) not in (None, "")
                    ]
                else:
                    changes = [
                        {"field": c.field, "old": c.old, "new": c.new} for c in record.diff_against(before).changes
                    ]
                if model is Detainee and not personal_ok:
                    for change in changes:
                        if change["field"] in DetaineeInline.personal_fields:
                            change["old"] = change["new"] = "(hidden)"
                previous[record.id] = record
                rows.append(
                    {
                        "when": record.history_date,
                        "who": record.history_user,
                        "record": f"{label} #{record.id}",
                        "kind": kinds.get(record.history_type, record.history_type),
                        "changes": changes,
                    }
                )
        rows.sort(key=lambda row: row["when"], reverse=True)
        return rows

    # --- transitions ---

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            *citing_urls(self),
            path(
                "<path:object_id>/fields/<str:key>/<str:decision>/",
                self.admin_site.admin_view(self.field_view),
                name="{}_{}_field".format(*info),
            ),
            path(
                "<path:object_id>/merge/<int:other_id>/",
                self.admin_site.admin_view(partial(merge_view, self)),
                name="{}_{}_merge".format(*info),
            ),
            path(
                "<path:object_id>/duplicates/<int:other_id>/<str:decision>/",
                self.admin_site.admin_view(self.duplicate_view),
                name="{}_{}_duplicate".format(*info),
            ),
            path(
                "<path:object_id>/transition/<str:action>/",
                self.admin_site.admin_view(self.transition_view),
                name="{}_{}_transition".format(*info),
            ),
            *super().get_urls(),
        ]

    def field_view(self, request, object_id, key, decision):
        """A reviewer's answer to one proposed field (`accept` or `reject` the value of the
        source posted), or `accept` of every field (`key` "all") the record already holds."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        operation = self.get_object(request, unquote(object_id))
        if operation is None or decision not in ("accept", "reject"):
            raise Http404("No such operation or decision.")
        if not self.has_change_permission(request, operation):
            raise PermissionDenied
        change_url = reverse("admin:seizures_operation_change", args=[operation.pk])
        try:
            version = int(request.POST["base_version"]) if request.POST.get("base_version") else None
            source_id = int(request.POST["source"]) if request.POST.get("source") else None
        except ValueError:
            return HttpResponseBadRequest("base_version and source are numbers.")
        try:
            if key == "all":
                accepted, left = field_accept_all(operation=operation, by=request.user, expected_version=version)
                message = f"Accepted {accepted} field{'s' if accepted != 1 else ''}."
                if left:
                    message += (
                        f" Left for you to decide (they differ from the record or sources disagree): {', '.join(left)}."
                    )
                self.message_user(request, message, messages.SUCCESS)
                return HttpResponseRedirect(change_url + "#field-review")
            done = field_decide(
                operation=operation,
                key=key,
                decision={"accept": "accepted", "reject": "rejected"}[decision],
                source_id=source_id,
                by=request.user,
                expected_version=version,
            )
        except services.WorkflowError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(change_url + f"#field-{key}")
        self.message_user(request, f"{spec_of(key).label}: {done.get_decision_display().lower()}.", messages.SUCCESS)
        return HttpResponseRedirect(change_url + f"#field-{key}")

    def duplicate_view(self, request, object_id, other_id, decision):
        """A reviewer's answer about a likely duplicate listed on the page: `merge` it into
        this operation (on the merge page, which asks which parts are the same), or record
        that it is a `different` event."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        operation = self.get_object(request, unquote(object_id))
        other = self.get_object(request, str(other_id))
        if operation is None or other is None or decision not in ("merge", "different"):
            raise Http404("No such operation or decision.")
        if not self.has_verify_permission(request):
            raise PermissionDenied
        change_url = reverse("admin:seizures_operation_change", args=[operation.pk])
        if decision == "merge":
            return HttpResponseRedirect(reverse("admin:seizures_operation_merge", args=[operation.pk, other.pk]))
        try:
            duplicate_reject(operation=operation, other=other, by=request.user)
            message = f"Operation {other} is recorded as a different event; it will not be proposed again."
        except services.WorkflowError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(change_url)
        self.message_user(request, message, messages.SUCCESS)
        return HttpResponseRedirect(change_url)

    def transition_view(self, request, object_id, action):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        operation = self.get_object(request, unquote(object_id))
        if operation is None:
            raise Http404("No such operation.")
        allowed = self.has_change_permission(request) if action == "submit" else self.has_verify_permission(request)
        if not (allowed and self.has_view_permission(request, operation)):
            raise PermissionDenied
        change_url = reverse("admin:seizures_operation_change", args=[operation.pk])
        queue_url = reverse("admin:seizures_operation_changelist")
        try:
            if action == "submit":
                services.operation_submit(operation=operation, by=request.user)
                done, target = "submitted for review", change_url
            elif action == "verify":
                version = request.POST.get("base_version", "")
                services.operation_verify(
                    operation=operation, by=request.user, expected_version=int(version) if version.isdigit() else None
                )
                done, target = "verified", queue_url
            elif action == "reject":
                services.operation_reject(operation=operation, by=request.user, reason=request.POST.get("reason", ""))
                done, target = "rejected", queue_url
            elif action == "reopen":
                services.operation_reopen(operation=operation, by=request.user, reason=request.POST.get("reason", ""))
                done, target = "reopened for review", change_url
            elif action == "unmerge":
                merge = operation.merges_out.filter(undone_at__isnull=True).first()
                if merge is None:
                    raise services.WorkflowError("This operation is not merged into another.")
                services.operation_unmerge(merge=merge, by=request.user)
                done, target = "taken out of the merge and back in review", change_url
            else:
                raise PermissionDenied
        except services.WorkflowError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(change_url)
        self.message_user(request, f"Operation {operation} {done}.", messages.SUCCESS)
        return HttpResponseRedirect(target)

    @admin.action(description="Verify selected operations…", permissions=["verify"])
    def verify_selected(self, request, queryset):
        """First a page listing each selected operation and, for those that cannot be
        verified, why; then, confirmed, verifying those that pass. The verify service checks
        everything again: the page only says early what it will refuse."""
        if request.POST.get("post") == "yes":
            self._apply_to_each(
                request, queryset, "verified", lambda op: services.operation_verify(operation=op, by=request.user)
            )
            refused = request.POST.get("refused", "")
            if refused.isdigit() and int(refused):
                self.message_user(
                    request,
                    f"{refused} other selected operation(s) were not verified: they were not ready (their pages say why).",
                    messages.WARNING,
                )
            return None
        rows = [
            (operation, services.verify_blockers(operation=operation, by=request.user))
            for operation in queryset.select_related("country", "subdivision").order_by("pk")
        ]
        ready = [operation for operation, reasons in rows if not reasons]
        context = {
            **self.admin_site.each_context(request),
            "title": "Verify operations",
            "opts": self.opts,
            "rows": rows,
            "ready": ready,
            "refused_count": len(rows) - len(ready),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/seizures/operation/verify_selected.html", context)

    @admin.action(description="Reject selected operations…", permissions=["verify"])
    def reject_selected(self, request, queryset):
        reason = request.POST.get("reason", "").strip()
        if "confirm" in request.POST and reason:
            self._apply_to_each(
                request,
                queryset,
                "rejected",
                lambda op: services.operation_reject(operation=op, by=request.user, reason=reason),
            )
            return None
        if "confirm" in request.POST:
            self.message_user(request, "Say why the operations are rejected.", messages.ERROR)
        context = {
            **self.admin_site.each_context(request),
            "title": "Reject operations",
            "opts": self.opts,
            "operations": queryset,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "reason": reason,
        }
        return TemplateResponse(request, "admin/seizures/operation/reject_selected.html", context)

    @admin.action(description="Merge the two selected operations…", permissions=["verify"])
    def merge_selected(self, request, queryset):
        """To the merge page of the two, the one verified first (else the older record)
        staying; the page lets the reviewer keep the other instead."""
        operations = list(queryset.order_by("pk"))
        if len(operations) != 2:
            self.message_user(request, "Select exactly two operations to merge.", messages.ERROR)
            return None
        survivor = min(operations, key=lambda op: (op.verified_version_id is None, op.pk))
        duplicate = next(op for op in operations if op.pk != survivor.pk)
        return HttpResponseRedirect(reverse("admin:seizures_operation_merge", args=[survivor.pk, duplicate.pk]))

    def _apply_to_each(self, request, queryset, done, apply):
        succeeded, failures = 0, []
        for operation in queryset.order_by("pk"):
            try:
                # One transaction per operation: one refusal does not undo the others.
                with transaction.atomic():
                    apply(operation)
                succeeded += 1
            except services.WorkflowError as error:
                failures.append(f"{operation}: {error}")
        if succeeded:
            self.message_user(request, f"{succeeded} operation(s) {done}.", messages.SUCCESS)
        if failures:
            self.message_user(request, f"{len(failures)} operation(s) not {done}:", messages.ERROR)
        for failure in failures:
            self.message_user(request, failure, messages.ERROR)
