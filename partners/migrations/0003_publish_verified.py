"""Publish the operations verified before the partner API served them."""

from django.db import migrations
from django.utils import timezone


def publish_verified(apps, schema_editor):
    # The publication code builds documents from the frozen verified snapshots; it is given
    # the historical models to write with.
    from partners.publication import names_citing, write_publication

    Operation = apps.get_model("seizures", "Operation")
    models = (apps.get_model("partners", "PublishedOperation"), apps.get_model("partners", "PublishedFacet"))
    agency_names = dict(apps.get_model("seizures", "Agency").objects.values_list("code", "name"))
    group_ids = dict(apps.get_model("seizures", "CriminalGroup").objects.values_list("name", "pk"))
    now = timezone.now()
    for operation in Operation.objects.filter(verified_version__isnull=False).select_related("verified_version"):
        write_publication(
            operation=operation,
            verified_version=operation.verified_version,
            modified_at=now,
            agency_names=agency_names,
            group_ids=group_ids,
            withheld_names=names_citing(
                {c["source_id"] for c in operation.verified_version.data["citations"]}, apps=apps
            ).get(None, ()),
            models=models,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0002_publication"),
    ]

    operations = [migrations.RunPython(publish_verified, migrations.RunPython.noop)]
