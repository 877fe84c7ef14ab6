"""Countries (ISO 3166-1) and their subdivisions (ISO 3166-2), from the pinned pycountry."""

from django.db import migrations


def load(apps, schema_editor):
    import pycountry

    Country = apps.get_model("seizures", "Country")
    Subdivision = apps.get_model("seizures", "Subdivision")
    Country.objects.bulk_create(
        [Country(code=c.alpha_2, name=getattr(c, "common_name", c.name)) for c in pycountry.countries],
        ignore_conflicts=True,
    )
    known = set(Country.objects.values_list("code", flat=True))
    pending = [s for s in pycountry.subdivisions if s.country_code in known]
    done = set(Subdivision.objects.values_list("code", flat=True))
    # Parents before children: a subdivision is inserted once its parent is in.
    while pending:
        ready = [s for s in pending if s.parent_code is None or s.parent_code in done]
        if not ready:
            raise RuntimeError(f"Subdivisions with unknown parents: {[s.code for s in pending][:5]}")
        Subdivision.objects.bulk_create(
            [
                Subdivision(
                    code=s.code, country_id=s.country_code, name=s.name, category=s.type, parent_id=s.parent_code
                )
                for s in ready
                if s.code not in done
            ]
        )
        done.update(s.code for s in ready)
        pending = [s for s in pending if s.code not in done]


def unload(apps, schema_editor):
    apps.get_model("seizures", "Subdivision").objects.all().delete()
    apps.get_model("seizures", "Country").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("seizures", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
