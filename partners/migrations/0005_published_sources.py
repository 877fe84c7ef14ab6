"""Sources as the verified versions cite them, in place of their live rows; the names withheld
from each public document, and those documents withheld again by the stronger rule."""

import django.db.models.deletion
from django.db import migrations, models


def withhold_names(apps, schema_editor):
    """The public documents already served, withheld again by the rule of
    `partners.redaction` (names however written, ages beside them, names in URLs, and the
    names of every operation citing the same sources), from their personal documents. A
    document that changes moves its `modified_at` on, so partners' next sync fetches it."""
    import orjson
    from django.utils import timezone

    from partners.publication import names_citing, withhold_again

    PublishedOperation = apps.get_model("partners", "PublishedOperation")
    Facet = apps.get_model("partners", "PublishedFacet")
    cited = {int(code) for code in Facet.objects.filter(kind="source").values_list("code", flat=True)}
    by_source = names_citing(cited, apps=apps)
    now = timezone.now()
    for publication in PublishedOperation.objects.iterator(chunk_size=500):
        public, names = withhold_again(
            orjson.loads(publication.document), orjson.loads(publication.document_personal), by_source
        )
        document = orjson.dumps(public).decode()
        fields = ["withheld_names"]
        publication.withheld_names = names
        if document != publication.document:
            publication.document, publication.modified_at = document, now
            fields += ["document", "modified_at"]
        publication.save(update_fields=fields)


def publish_sources(apps, schema_editor):
    """Render every source that a published operation cites, as partners.publication does
    when an operation is published. Snapshots made before this migration hold no kind,
    author, language or text digest of their sources: those are read from the live rows."""
    from partners.publication import refresh_published_sources

    Facet = apps.get_model("partners", "PublishedFacet")
    cited = Facet.objects.filter(kind="source").values_list("code", flat=True).distinct()
    refresh_published_sources({int(code) for code in cited}, apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0004_published_parts"),
        ("sources", "0005_field_decision_seen"),
        ("seizures", "0008_claims"),
    ]

    operations = [
        migrations.CreateModel(
            name="PublishedSource",
            fields=[
                (
                    "source",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="publication",
                        serialize=False,
                        to="sources.source",
                    ),
                ),
                ("modified_at", models.DateTimeField(help_text="When partners' copy of it last changed.")),
                ("document", models.TextField()),
                ("document_personal", models.TextField()),
            ],
        ),
        migrations.AddField(
            model_name="publishedoperation",
            name="withheld_names",
            field=models.JSONField(blank=True, db_default=[], default=list),
        ),
        migrations.RunPython(withhold_names, migrations.RunPython.noop),
        migrations.RunPython(publish_sources, migrations.RunPython.noop),
    ]
