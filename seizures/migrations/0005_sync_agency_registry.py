"""Bring existing databases' agency registry up to seizures/registry.py: names, countries,
parents and aliases of the codes it lists (aliases added in the admin are kept), and codes
it has gained. Safe to run again whenever the registry changes."""

from django.db import migrations

from seizures.registry import AGENCIES


def sync(apps, schema_editor):
    Agency = apps.get_model("seizures", "Agency")
    for code, country, _parent, name, aliases in AGENCIES:
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            Agency.objects.create(code=code, name=name, country_id=country or None, aliases=list(aliases))
            continue
        agency.name = name
        agency.country_id = country or None
        agency.aliases = list(dict.fromkeys([*aliases, *(agency.aliases or [])]))
        agency.save(update_fields=["name", "country", "aliases"])
    by_code = {a.code: a for a in Agency.objects.filter(code__in=[row[0] for row in AGENCIES])}
    for code, _country, parent, _name, _aliases in AGENCIES:
        if parent:
            Agency.objects.filter(code=code).update(parent=by_code[parent])


class Migration(migrations.Migration):
    dependencies = [("seizures", "0004_roles")]
    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
