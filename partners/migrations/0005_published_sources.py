"""Sources as the verified versions cite them, in place of their live rows."""

import django.db.models.deletion
from django.db import migrations, models


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
        migrations.RunPython(publish_sources, migrations.RunPython.noop),
    ]
