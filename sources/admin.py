from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db import models, transaction
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from seizures.models import Operation
from seizures.services import operation_refresh_newest_source, operation_touch
from sources import batches, ingestion, services
from sources.models import Citation, ExtractionRun, IngestBatch, IngestItem, Source
from sources.text import TextError, check_size, clean_text, format_size

UPLOAD_SUFFIXES = (*sorted(ingestion.TEXT_SUFFIXES), *sorted(ingestion.HTML_SUFFIXES))


class SourceAddForm(forms.ModelForm):
    """A new source: its text pasted, or a .txt or .html file uploaded (a web page is reduced
    to its article, and what the page says about itself fills the fields left empty)."""

    # Declared here as the admin's formfield_overrides do not reach a form's own class.
    url = forms.URLField(label="URL", max_length=2000, required=False, assume_scheme="https")
    upload = forms.FileField(
        label="or upload a file",
        required=False,
        help_text=f"A .txt file (UTF-8) or a saved web page (.html), at most {format_size(settings.SOURCES_MAX_BYTES)}.",
    )

    class Meta:
        model = Source
        fields = ["kind", "outlet", "title", "author", "url", "published", "language", "retrieved_at", "text"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].required = False
        self.fields["text"].help_text = "Paste the full text as published, or upload a file below."

    def clean(self):
        cleaned = super().clean()
        text, upload = (cleaned.get("text") or "").strip(), cleaned.get("upload")
        if text and upload:
            raise forms.ValidationError("Paste the text or upload a file, not both.")
        if upload:
            self._read_upload(cleaned, upload)
        elif text:
            try:
                check_size(len(text.encode("utf-8")))
                cleaned["text"] = clean_text(text)
            except TextError as error:
                self.add_error("text", str(error))
        elif "upload" not in self.errors:
            self.add_error("text", "Paste the source's text, or upload a .txt or .html file.")
        return cleaned

    def _read_upload(self, cleaned, upload):
        name = upload.name or ""
        if not name.lower().endswith(UPLOAD_SUFFIXES):
            self.add_error("upload", f"Upload a .txt or .html file; {name!r} is neither.")
            return
        try:
            check_size(upload.size)
            data = upload.read(settings.SOURCES_MAX_BYTES + 1)
            metadata = {key: cleaned.get(key) for key in ingestion.METADATA}
            source = ingestion.source_from_bytes(data, filename=name, **metadata)
        except (TextError, ingestion.IngestError) as error:
            self.add_error("upload", str(error))
            return
        for field in [*ingestion.METADATA, "text"]:
            if field in self.fields:
                cleaned[field] = getattr(source, field)


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = ["title", "outlet", "kind", "published", "language", "citation_count"]
    list_filter = ["kind", "language", "published"]
    search_fields = ["title", "outlet", "url"]
    readonly_fields = ["text_sha256", "created_by", "created_at", "last_extraction"]
    show_full_result_count = False
    # A URL typed without a scheme is taken as https:// (Django 6's default, chosen now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["kind", "outlet", "title", "author", "url", ("published", "language"), "retrieved_at"]}),
        ("Text", {"fields": ["text", "text_sha256"]}),
        ("Record", {"fields": ["created_by", "created_at", "last_extraction"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(citation_total=Count("citations"))

    @admin.display(description="citations", ordering="citation_total")
    def citation_count(self, source):
        return source.citation_total

    add_fieldsets = [
        (None, {"fields": ["kind", "outlet", "title", "author", "url", ("published", "language"), "retrieved_at"]}),
        (
            "Text",
            {
                "fields": ["text", "upload"],
                "description": "Operations are drafted from the text when the source is saved; the language is "
                "detected if left empty.",
            },
        ),
    ]

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else super().get_fieldsets(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = SourceAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            services.source_update(by=request.user, source=obj)
            return
        result = ingestion.source_ingest(by=request.user, source=obj)
        language = f"language {obj.language}" if obj.language else "language not detected: please set it"
        self.message_user(request, f"Source #{obj.pk} ({language}). {ingestion.describe_run(result.run)}")

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ingestion.IngestError as error:
            # Refused after the form's checks (another upload of the same text an instant
            # earlier): the whole save was rolled back.
            self.message_user(request, f"The source was not saved: {error}", messages.ERROR)
            return HttpResponseRedirect(request.path)

    @admin.display(description="last extraction")
    def last_extraction(self, source):
        run = ExtractionRun.objects.filter(source=source).order_by("-created_at", "-pk").first()
        if run is None:
            return "–"
        return f"{run.created_at:%Y-%m-%d %H:%M} · {ingestion.describe_run(run)}"


@admin.register(Citation)
class CitationAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "source", "operation", "field", "created_by", "created_at"]
    list_select_related = ["source", "operation", "created_by"]
    search_fields = ["quote", "source__title"]
    autocomplete_fields = ["source", "operation"]
    raw_id_fields = ["evidence_item", "detainee"]
    readonly_fields = ["end", "created_by", "created_at"]
    show_full_result_count = False

    def save_model(self, request, obj, form, change):
        # The form has validated the quote against the source; saving it is an edit of the
        # operation it supports (and of the one it supported before, if it moved).
        if not change:
            obj.created_by = request.user
        obj.save()
        previous = form.initial.get("operation") if change else None
        operation_refresh_newest_source(operation_ids={obj.operation_id, previous} - {None})
        operation_touch(
            operation=obj.operation, by=request.user, reason="citation changed" if change else "citation added"
        )
        if previous and previous != obj.operation_id:
            operation_touch(operation=Operation(pk=previous), by=request.user, reason="citation moved away")

    def delete_model(self, request, obj):
        services.citation_delete(by=request.user, citation=obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for citation in queryset.select_related("operation"):
                services.citation_delete(by=request.user, citation=citation)


@admin.register(IngestBatch)
class IngestBatchAdmin(admin.ModelAdmin):
    """Batches started with `manage.py ingest_batch`: progress, failures, cancel and resume."""

    list_display = ["__str__", "status_shown", "progress_bar", "created", "duplicates", "failures", "created_at"]
    list_filter = ["status"]
    fields = [
        "label",
        "status_shown",
        "progress_bar",
        "metadata",
        "created_at",
        "finished_at",
        "cancelled_by",
        "not_taken_in",
    ]
    readonly_fields = fields
    actions = ["cancel", "resume"]

    def get_queryset(self, request):
        counts = {f"n_{status}": Count("items", filter=Q(items__status=status)) for status in IngestItem.Status.values}
        return super().get_queryset(request).annotate(n_total=Count("items"), **counts)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def _progress(self, batch) -> batches.Progress:
        if hasattr(batch, "n_total"):
            return batches.Progress(
                total=batch.n_total,
                pending=batch.n_pending,
                created=batch.n_created,
                duplicate=batch.n_duplicate,
                failed=batch.n_failed,
            )
        return batches.batch_progress(batch)

    @admin.display(description="status")
    def status_shown(self, batch):
        progress = self._progress(batch)
        if batches.is_stalled(batch, progress):
            return f"{batch.get_status_display()}: stalled, no file done lately (resume it)"
        return batch.get_status_display()

    @admin.display(description="progress")
    def progress_bar(self, batch):
        progress = self._progress(batch)
        return format_html(
            '<progress value="{}" max="{}" aria-label="{}"></progress> {}',
            progress.done,
            progress.total or 1,
            f"{progress.percent}% done",
            f"{progress.done:,} / {progress.total:,} ({progress.percent}%)",
        )

    @admin.display(description="created")
    def created(self, batch):
        return self._progress(batch).created

    @admin.display(description="already in")
    def duplicates(self, batch):
        return self._progress(batch).duplicate

    @admin.display(description="failed")
    def failures(self, batch):
        return self._progress(batch).failed

    @admin.display(description="files not taken in as new sources")
    def not_taken_in(self, batch):
        shown = 200
        items = list(
            batch.items.exclude(status=IngestItem.Status.CREATED)
            .exclude(status=IngestItem.Status.PENDING)
            .defer("content")
            .order_by("position")[: shown + 1]
        )
        if not items:
            return "None."
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((item.position, item.name, item.get_status_display(), item.message) for item in items[:shown]),
        )
        more = f"Only the first {shown} are shown." if len(items) > shown else ""
        return format_html(
            "<table><thead><tr><th>#</th><th>file</th><th>status</th><th>why</th></tr></thead>"
            "<tbody>{}</tbody></table>{}",
            rows,
            more,
        )

    @admin.action(description="Cancel the selected batches", permissions=["change"])
    def cancel(self, request, queryset):
        self._each(request, queryset, lambda batch: batches.batch_cancel(batch=batch, by=request.user), "cancelled")

    @admin.action(description="Resume the selected batches (the files left)", permissions=["change"])
    def resume(self, request, queryset):
        self._each(request, queryset, lambda batch: batches.batch_resume(batch=batch), "resumed")

    def _each(self, request, queryset, act, verb):
        for batch in queryset:
            try:
                progress = act(batch)
            except batches.BatchError as error:
                self.message_user(request, str(error), messages.WARNING)
            else:
                self.message_user(request, f"{batch} {verb}: {progress}.")
