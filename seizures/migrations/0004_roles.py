"""The three roles, as groups holding exactly the permissions each needs.

- Reviewer: sees everything, edits, verifies, rejects and reopens.
- Editor: creates and edits records, sources and citations and submits them; cannot verify.
- Partner: no admin permission at all (partners read verified data through the API).

Users administration is left to superusers.
"""

from django.db import migrations

EDIT_RECORDS = [
    "seizures.view_operation",
    "seizures.add_operation",
    "seizures.change_operation",
    "seizures.view_personal_data",
    "seizures.view_evidenceitem",
    "seizures.add_evidenceitem",
    "seizures.change_evidenceitem",
    "seizures.delete_evidenceitem",
    "seizures.view_detainee",
    "seizures.add_detainee",
    "seizures.change_detainee",
    "seizures.delete_detainee",
    "seizures.view_verifiedversion",
    "seizures.view_country",
    "seizures.view_subdivision",
    "seizures.view_agency",
    "seizures.view_criminalgroup",
    "seizures.add_criminalgroup",
    "seizures.change_criminalgroup",
    "sources.view_source",
    "sources.add_source",
    "sources.change_source",
    "sources.view_citation",
    "sources.add_citation",
    "sources.change_citation",
    "sources.delete_citation",
]

ROLES = {
    "Editor": EDIT_RECORDS,
    "Reviewer": [
        *EDIT_RECORDS,
        "seizures.verify_operation",
        "seizures.add_agency",
        "seizures.change_agency",
    ],
    "Partner": [],
}


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # On a fresh database permissions are normally created after all migrations have run;
    # create them now so that the groups can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = []
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            permissions.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("seizures", "0003_agencies"),
        ("sources", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_roles, remove_roles)]
