"""Editors' tools on the operation page: citing a selection of a displayed source, and adding
a source beside the operation.

    POST <id>/cite/        sources.add_citation and seizures.change_operation
    POST <id>/add-source/  sources.add_source, and seeing the operation

Both are ordinary form posts that come back to the operation page with a message, so they
work without JavaScript; `static/seizures/cite.js` only fills the citing form from a selection.
A refused form comes back as it was sent (kept in the session for the next view of the page),
so a long pasted article or a quote corrected by hand is not lost to a typo.
"""

import re
import unicodedata

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.text import Truncator, capfirst

from seizures.models import Detainee, EvidenceItem, Operation
from seizures.services import EDIT_PERMISSION, WorkflowError
from sources.ingestion import DuplicateSourceError, IngestError, describe_run, source_from_text, source_ingest
from sources.models import AttachedSource, Citation, Source, citable_fields
from sources.services import citation_create, source_attach

Status = Operation.Status
CITE_PERMISSION = "sources.add_citation"
ADD_SOURCE_PERMISSION = "sources.add_source"
PERSONAL_DATA_PERMISSION = "seizures.view_personal_data"
TARGETS = {"operation": Operation, "evidence_item": EvidenceItem, "detainee": Detainee}
TARGET_LABELS = {"operation": "Operation", "evidence_item": "Evidence item", "detainee": "Detainee"}
ADD_SOURCE_PREFIX = "add-source"
DRAFT_KEY = "citing-draft-{}"


class Refused(Exception):
    """A request the page answers with an error message; nothing was saved."""


def citing_urls(model_admin) -> list:
    """URL patterns the operation admin adds under <id>/."""

    def cite(request, object_id):
        return cite_view(request, object_id, model_admin=model_admin)

    def add_source(request, object_id):
        return add_source_view(request, object_id, model_admin=model_admin)

    admin_view = model_admin.admin_site.admin_view
    return [
        path("<path:object_id>/cite/", admin_view(cite), name="seizures_operation_cite"),
        path("<path:object_id>/add-source/", admin_view(add_source), name="seizures_operation_add_source"),
    ]


# --- Forms ------------------------------------------------------------------------------------


class CiteForm(forms.Form):
    """What the citing form posts. `start` is where the selection began: a hint, since the
    editor may have edited the quote since."""

    source = forms.IntegerField(
        min_value=1,
        error_messages={key: "Choose the source the quote is from." for key in ("required", "invalid", "min_value")},
    )
    quote = forms.CharField(error_messages={"required": "Quote the words of the source that support the record."})
    start = forms.CharField(required=False)
    supports = forms.CharField(error_messages={"required": "Choose the record the quote supports."})
    field = forms.CharField(required=False, max_length=50)

    def clean_quote(self):
        # Browsers send a textarea's line breaks as CRLF, and a quote typed on some systems
        # comes decomposed; source texts are stored with LF, NFC-composed (sources.text).
        quote = self.cleaned_data["quote"].replace("\r\n", "\n").replace("\r", "\n")
        return unicodedata.normalize("NFC", quote).strip()

    def clean_start(self):
        value = self.cleaned_data["start"].strip()
        return int(value) if re.fullmatch(r"[0-9]{1,9}", value) else None

    def clean_supports(self):
        kind, _, pk = self.cleaned_data["supports"].partition(":")
        if kind == "operation" and not pk:
            return kind, None
        if kind in ("evidence_item", "detainee") and re.fullmatch(r"[0-9]{1,18}", pk):
            return kind, int(pk)
        raise ValidationError("Choose the record the quote supports.")


class AddSourceForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The full text as published.",
        error_messages={"required": "Paste the source's text."},
    )
    url = forms.URLField(
        label="URL",
        max_length=2000,
        required=False,
        assume_scheme="https",
        help_text="Kept with the source; nothing is fetched from it.",
    )
    kind = forms.ChoiceField(choices=Source.Kind.choices, initial=Source.Kind.ARTICLE)
    outlet = forms.CharField(max_length=200, required=False)
    title = forms.CharField(max_length=500, required=False)
    published = forms.DateField(
        label="Published date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter the published date as YYYY-MM-DD."},
    )


# Fields whose messages say which field they are about; the others' are prefixed with their label.
SELF_EXPLAINED = {"__all__", "source", "quote", "supports", "text"}


def _form_errors(form: forms.Form) -> str:
    labels = {name: field.label or capfirst(name) for name, field in form.fields.items()}
    parts = []
    for name, errors in form.errors.items():
        text = " ".join(errors)
        parts.append(text if name in SELF_EXPLAINED else f"{labels[name]}: {text}")
    return " ".join(parts)


# --- Views ------------------------------------------------------------------------------------


def _operation(model_admin, request, object_id) -> Operation:
    operation = model_admin.get_object(request, unquote(object_id))
    if operation is None:
        raise Http404("No such operation.")
    return operation


def _change_url(operation, anchor: str = "") -> str:
    url = reverse("admin:seizures_operation_change", args=[operation.pk])
    return f"{url}#{anchor}" if anchor else url


def _refuse_frozen(operation, doing: str) -> None:
    if operation.status == Status.REJECTED:
        raise Refused(f"This operation was rejected: reopen it before {doing}.")
    if operation.status == Status.MERGED:
        raise Refused(f"This operation was merged into #{operation.merged_into_id}: work on that one instead.")


def _keep_draft(request, operation, form: str, fields, error: str) -> None:
    data = {name: request.POST.get(name, "") for name in fields}
    request.session[DRAFT_KEY.format(operation.pk)] = {"form": form, "data": data, "error": error}


def cite_view(request, object_id, *, model_admin):
    """Cite a quote of a source shown beside the operation for the operation, one of its
    evidence items or detainees, and optionally one field of it."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    operation = _operation(model_admin, request, object_id)
    if not (request.user.has_perm(CITE_PERMISSION) and model_admin.has_change_permission(request)):
        raise PermissionDenied
    form = CiteForm(request.POST)
    was_verified = operation.status == Status.VERIFIED
    try:
        _refuse_frozen(operation, "citing its sources")
        if not form.is_valid():
            raise Refused(_form_errors(form))
        citation, created = _cite(by=request.user, operation=operation, **form.cleaned_data)
    except (Refused, WorkflowError) as error:
        message = str(error)
    except ValidationError as error:
        message = " ".join(error.messages)
    else:
        if not created:
            model_admin.message_user(
                request, f"Citation #{citation.pk} already quotes this for that record: nothing new.", messages.INFO
            )
        else:
            model_admin.message_user(
                request, f"Citation #{citation.pk} added: {_describe(citation)}.", messages.SUCCESS
            )
            if was_verified:
                model_admin.message_user(
                    request,
                    "This verified operation is back in review with your citation. Partners keep seeing the "
                    "verified version until another reviewer verifies the edit.",
                    messages.WARNING,
                )
        return HttpResponseRedirect(_change_url(operation, f"citation-{citation.pk}"))
    _keep_draft(request, operation, "cite", CiteForm.base_fields, message)
    model_admin.message_user(request, f"The citation was not saved: {message}", messages.ERROR)
    return HttpResponseRedirect(_change_url(operation, "cite-box"))


def locate(text: str, quote: str, *, near: int | None) -> int | None:
    """Where `quote` is in `text`: at `near` if it is there, else the occurrence nearest to
    it (the editor shortened or corrected the selection), else None."""
    if near is not None and text[near : near + len(quote)] == quote:
        return near
    found, at = [], text.find(quote)
    while at >= 0 and quote:
        found.append(at)
        at = text.find(quote, at + 1)
    if not found:
        return None
    if near is None:
        return found[0]
    return min(found, key=lambda offset: abs(offset - near))


def sources_beside(operation):
    """The sources the operation page shows: cited by the operation, or put beside it."""
    return Source.objects.filter(
        Exists(Citation.objects.filter(source=OuterRef("pk"), operation=operation))
        | Exists(AttachedSource.objects.filter(source=OuterRef("pk"), operation=operation))
    )


def _cite(*, by, operation, source, quote, start, supports, field) -> tuple[Citation, bool]:
    source = sources_beside(operation).filter(pk=source).first()
    if source is None:
        raise Refused("That source is not shown beside this operation: add it to the operation first.")
    kind, pk = supports
    target = {}
    if kind != "operation":
        target[kind] = TARGETS[kind].objects.filter(pk=pk).first()
        if target[kind] is None:
            raise Refused(f"That {TARGET_LABELS[kind].lower()} no longer exists.")
    # None when the quote is nowhere in the text: the citation's own check then refuses it.
    start = locate(source.text, quote, near=start)
    if start is not None:
        twin = Citation.objects.filter(
            source=source,
            operation=operation,
            evidence_item=target.get("evidence_item"),
            detainee=target.get("detainee"),
            field=field,
            start=start,
            quote=quote,
        ).first()
        if twin is not None:
            return twin, False
    citation = citation_create(
        by=by, source=source, operation=operation, quote=quote, start=start, field=field, **target
    )
    return citation, True


def _describe(citation: Citation) -> str:
    quote = Truncator(citation.quote).chars(80)
    if citation.evidence_item_id:
        record = f"evidence item #{citation.evidence_item_id}"
    elif citation.detainee_id:
        record = f"detainee #{citation.detainee_id}"
    else:
        record = "the operation"
    if citation.field:
        model = TARGETS[citation.target_kind]
        record += f" ({model._meta.get_field(citation.field).verbose_name})"
    return f"“{quote}” supports {record}"


def add_source_view(request, object_id, *, model_admin):
    """Ingest a pasted source as any source is (the extractor runs on it) and put it beside
    the operation; a source already in (same text or URL) is put beside it instead."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    operation = _operation(model_admin, request, object_id)
    if not (
        request.user.has_perm(ADD_SOURCE_PERMISSION) and model_admin.has_view_or_change_permission(request, operation)
    ):
        raise PermissionDenied
    form = AddSourceForm(request.POST, prefix=ADD_SOURCE_PREFIX)
    try:
        _refuse_frozen(operation, "adding sources to it")
        if not form.is_valid():
            raise Refused(_form_errors(form))
        # One transaction: whatever fails once the source is saved (its extraction, the
        # attachment) takes the source with it.
        with transaction.atomic():
            source, message = _add_source(by=request.user, operation=operation, **form.cleaned_data)
    except (Refused, IngestError) as error:
        names = [form.add_prefix(name) for name in AddSourceForm.base_fields]
        _keep_draft(request, operation, "add_source", names, str(error))
        model_admin.message_user(request, f"The source was not added: {error}", messages.ERROR)
        return HttpResponseRedirect(_change_url(operation, "add-source"))
    model_admin.message_user(request, message, messages.SUCCESS)
    return HttpResponseRedirect(_change_url(operation, f"source-{source.pk}"))


def _add_source(*, by, operation, text, url, kind, outlet, title, published) -> tuple[Source, str]:
    source = source_from_text(text, url=url, kind=kind, outlet=outlet, title=title, published=published)
    try:
        result = source_ingest(by=by, source=source)
    except DuplicateSourceError as duplicate:
        source = duplicate.existing
        already = sources_beside(operation).filter(pk=source.pk).exists()
        if not already:
            source_attach(by=by, operation=operation, source=source)
        where = "already beside this operation" if already else "now beside this operation"
        return (
            source,
            f"This {duplicate.same} is already source #{source.pk} ({source}), {where}. Nothing new was created.",
        )
    source_attach(by=by, operation=operation, source=source)
    language = f"language {source.language}" if source.language else "language not detected: set it on its page"
    return source, f"Source #{source.pk} added beside this operation ({language}). {describe_run(result.run)}"


# --- The page ---------------------------------------------------------------------------------


def _field_choices(kind: str) -> list[tuple[str, str]]:
    model = TARGETS[kind]
    citable = citable_fields(kind)
    fields = [*model._meta.fields, *model._meta.many_to_many]
    return [(f.name, capfirst(f.verbose_name)) for f in fields if f.name in citable]


def _detainee_label(detainee: Detainee, *, personal: bool) -> str:
    details = [detainee.nationality.name if detainee.nationality else "nationality unknown"]
    if detainee.role:
        details.append(detainee.get_role_display().lower())
    if personal and detainee.name:
        details.append(detainee.name)
    return f"Detainee #{detainee.pk}: {', '.join(details)}"


def citing_context(request, operation) -> dict:
    """Extra context for the operation page: the records a quote may support, the citable
    fields of each kind, and a refused form to show again."""
    user = request.user
    frozen = operation.status in Operation.FROZEN_STATUSES
    can_cite = not frozen and user.has_perm(CITE_PERMISSION) and user.has_perm(EDIT_PERMISSION)
    can_add_source = not frozen and user.has_perm(ADD_SOURCE_PERMISSION)
    draft = request.session.pop(DRAFT_KEY.format(operation.pk), None) if hasattr(request, "session") else None
    draft = draft or {"form": "", "data": {}, "error": ""}
    context = {"can_cite": can_cite, "can_add_source": can_add_source}
    if can_cite:
        personal = user.has_perm(PERSONAL_DATA_PERMISSION)
        detainees = operation.detainees.select_related("nationality")
        context.update(
            evidence_items=[
                (f"evidence_item:{i.pk}", f"Evidence item #{i.pk}: {i}") for i in operation.evidence_items.all()
            ],
            detainees=[(f"detainee:{d.pk}", _detainee_label(d, personal=personal)) for d in detainees],
            field_groups=[(kind, f"{label} fields", _field_choices(kind)) for kind, label in TARGET_LABELS.items()],
            fields_by_kind={kind: _field_choices(kind) for kind in TARGETS},
            cite=draft["data"] if draft["form"] == "cite" else {"supports": "operation"},
            cite_error=draft["error"] if draft["form"] == "cite" else "",
        )
    if can_add_source:
        refused = draft["form"] == "add_source"
        sent = {name: draft["data"].get(f"{ADD_SOURCE_PREFIX}-{name}", "") for name in AddSourceForm.base_fields}
        context.update(
            add_source_form=AddSourceForm(prefix=ADD_SOURCE_PREFIX, initial=sent if refused else None),
            add_source_error=draft["error"] if refused else "",
        )
    return {"citing": context}
