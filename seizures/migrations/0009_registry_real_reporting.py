"""Agencies and aliases that real reports use, added to the registry for issue 13 (navies, air
forces, judicial police, the Salvadoran navy...), brought into databases made before them.

New codes are created; an agency the desk already has keeps its name and every alias it was
given in the admin, and gains the registry's new aliases. Frozen here, as migrations must be.
"""

from django.db import migrations

# (code, country, parent, name, aliases added)
ADDED = [
    ("FELCN", "BO", "", "Fuerza Especial de Lucha Contra el Narcotráfico", ["Umopar", "UMOPAR"]),
    (
        "FANB",
        "VE",
        "",
        "Fuerza Armada Nacional Bolivariana",
        [
            "Guardia Nacional Bolivariana",
            "Bolivarian National Guard",
            "GNB",
            "Armada Bolivariana",
            "Ejército Bolivariano",
        ],
    ),
    ("MARINA-SV", "SV", "", "Fuerza Naval de El Salvador", ["Marina Nacional", "Salvadoran Navy", "Fuerza Naval"]),
    ("MARINHA-BR", "BR", "", "Marinha do Brasil", ["Brazilian Navy", "Marinha do Brasil"]),
    ("FAB", "BR", "", "Força Aérea Brasileira", ["Brazilian Air Force", "Força Aérea Brasileira", "FAB"]),
    ("PJ-PT", "PT", "", "Polícia Judiciária", ["Portuguese Judicial Police", "Polícia Judiciária", "Judiciária", "PJ"]),
    ("MARINHA-PT", "PT", "", "Marinha Portuguesa", ["Portuguese Navy", "Marinha Portuguesa"]),
    ("GDF-IT", "IT", "", "Guardia di Finanza", ["Italian Financial Police", "Guardia di Finanza", "GdF"]),
    (
        "MARINE-NL",
        "NL",
        "",
        "Koninklijke Marine",
        ["Royal Netherlands Navy", "Dutch Navy", "Netherlands Navy", "Koninklijke Marine", "Dutch navy"],
    ),
    ("ARMADA-ES", "ES", "", "Armada Española", ["Spanish Navy", "Armada Española"]),
    (
        "MAOC-N",
        "",
        "",
        "Maritime Analysis and Operations Centre – Narcotics",
        ["Centro de Análise e Operações Marítimas", "Centro de Análisis y Operaciones Marítimas"],
    ),
]


def load(apps, schema_editor):
    Agency = apps.get_model("seizures", "Agency")
    Country = apps.get_model("seizures", "Country")
    for code, country, _parent, name, aliases in ADDED:
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            if country and not Country.objects.filter(pk=country).exists():
                continue  # a database whose country table lacks it cannot hold the agency
            Agency.objects.create(code=code, name=name, country_id=country or None, aliases=aliases)
        else:
            agency.aliases = list(agency.aliases or []) + [a for a in aliases if a not in (agency.aliases or [])]
            agency.save(update_fields=["aliases"])


class Migration(migrations.Migration):
    dependencies = [("seizures", "0008_claims")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
