from django.contrib import admin
from django.db import models, transaction
from django.db.models import Count
from simple_history.admin import SimpleHistoryAdmin

from seizures.models import Operation
from seizures.services import operation_refresh_newest_source, operation_touch
from sources import services
from sources.models import Citation, Source


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = ["title", "outlet", "kind", "published", "language", "citation_count"]
    list_filter = ["kind", "language", "published"]
    search_fields = ["title", "outlet", "url"]
    readonly_fields = ["text_sha256", "created_by", "created_at"]
    show_full_result_count = False
    # A URL typed without a scheme is taken as https:// (Django 6's default, chosen now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["kind", "outlet", "title", "author", "url", ("published", "language"), "retrieved_at"]}),
        ("Text", {"fields": ["text", "text_sha256"]}),
        ("Record", {"fields": ["created_by", "created_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(citation_total=Count("citations"))

    @admin.display(description="citations", ordering="citation_total")
    def citation_count(self, source):
        return source.citation_total

    def save_model(self, request, obj, form, change):
        if change:
            services.source_update(by=request.user, source=obj)
        else:
            services.source_create(by=request.user, source=obj)


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
