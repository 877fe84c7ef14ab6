"""Publish the operations verified before the partner API served them."""

from django.db import migrations
from django.utils import timezone


def publish_verified(apps, schema_editor):
    # The publication code builds documents from the frozen verified snapshots; it is given
    # the historical models to write with.
    from partners.publication import names_citing, snapshot_sources, write_publication

    Operation = apps.get_model("seizures", "Operation")
    models = (apps.get_model("partners", "PublishedOperation"), apps.get_model("partners", "PublishedFacet"))
    agency_names = dict(apps.get_model("seizures", "Agency").objects.values_list("code", "name"))
    group_ids = dict(apps.get_model("seizures", "CriminalGroup").objects.values_list("name", "pk"))
    now = timezone.now()
    verified = list(Operation.objects.filter(verified_version__isnull=False).select_related("verified_version"))
    names_by_source = names_citing(
        set().union(*(snapshot_sources(operation.verified_version.data) for operation in verified)), apps=apps
    )
    for operation in verified:
        write_publication(
            operation=operation,
            verified_version=operation.verified_version,
            modified_at=now,
            agency_names=agency_names,
            group_ids=group_ids,
            names_by_source=names_by_source,
            models=models,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0002_publication"),
    ]

    operations = [migrations.RunPython(publish_verified, migrations.RunPython.noop)]
