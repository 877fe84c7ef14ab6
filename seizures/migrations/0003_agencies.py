"""The agency registry: law-enforcement and state bodies that report seizures.

Codes are stable identifiers used by the extractor and by partners. International bodies
(Europol, MAOC-N) have no country.
"""

from django.db import migrations

# The list lives in seizures/registry.py, which the extractor reads too. A later change to it
# reaches existing databases through a migration of its own.
from seizures.registry import AGENCIES


def load(apps, schema_editor):
    Agency = apps.get_model("seizures", "Agency")
    by_code = {}
    for code, country, _parent, name, aliases in AGENCIES:
        by_code[code], _ = Agency.objects.update_or_create(
            code=code, defaults={"name": name, "country_id": country or None, "aliases": aliases}
        )
    for code, _country, parent, _name, _aliases in AGENCIES:
        if parent:
            Agency.objects.filter(code=code).update(parent=by_code[parent])


def unload(apps, schema_editor):
    Agency = apps.get_model("seizures", "Agency")
    Agency.objects.filter(code__in=[row[0] for row in AGENCIES]).update(parent=None)
    Agency.objects.filter(code__in=[row[0] for row in AGENCIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("seizures", "0002_countries")]
    operations = [migrations.RunPython(load, unload)]
