"""The agency registry: law-enforcement and state bodies that report seizures.

Codes are stable identifiers used by the extractor and by partners. International bodies
(Europol, MAOC-N) have no country.
"""

from django.db import migrations

# (code, country, parent code, official name, aliases)
AGENCIES = [
    (
        "PNP",
        "PE",
        "",
        "Policía Nacional del Perú",
        ["Peruvian National Police", "National Police of Peru", "Peruvian police", "PNP", "Policía Nacional", "police"],
    ),
    (
        "DIRANDRO",
        "PE",
        "PNP",
        "Dirección Antidrogas de la PNP",
        [
            "PNP Anti-drug Directorate",
            "Anti-Drug Directorate",
            "Antidrug Directorate",
            "Dirandro",
            "Dirección Antidrogas",
            "Policía Antidrogas",
        ],
    ),
    (
        "CCFFAA",
        "PE",
        "",
        "Comando Conjunto de las Fuerzas Armadas del Perú",
        [
            "Peruvian Armed Forces Joint Command",
            "Armed Forces Joint Command",
            "Joint Command of the Armed Forces",
            "CCFFAA",
            "Comando Conjunto",
        ],
    ),
    ("MARINA-PE", "PE", "", "Marina de Guerra del Perú", ["Peruvian Navy", "Marina de Guerra"]),
    ("EJERCITO-PE", "PE", "", "Ejército del Perú", ["Peruvian Army", "Ejército Peruano"]),
    (
        "SUNAT",
        "PE",
        "",
        "Superintendencia Nacional de Aduanas y de Administración Tributaria",
        [
            "SUNAT",
            "National Superintendence of Customs and Tax Administration",
            "National Superintendence of Tax Administration",
            "Peruvian customs",
        ],
    ),
    (
        "FISCALIA-PE",
        "PE",
        "",
        "Ministerio Público del Perú",
        [
            "Public Ministry",
            "Peruvian Public Prosecutor's Office",
            "Fiscalía de la Nación",
            "Fiscalía antidrogas",
            "Ministerio Público",
        ],
    ),
    (
        "PONAL",
        "CO",
        "",
        "Policía Nacional de Colombia",
        ["Colombian National Police", "National Police of Colombia", "Colombian police", "Policía Nacional"],
    ),
    (
        "DIRAN",
        "CO",
        "PONAL",
        "Dirección de Antinarcóticos de la Policía Nacional de Colombia",
        ["Colombian Anti-narcotics Directorate", "Anti-Narcotics Directorate", "Dirección de Antinarcóticos", "DIRAN"],
    ),
    (
        "ARC",
        "CO",
        "",
        "Armada de Colombia",
        ["Colombian Navy", "Armada Nacional", "Armada de la República de Colombia"],
    ),
    ("EJC", "CO", "", "Ejército Nacional de Colombia", ["Colombian Army", "Ejército Nacional"]),
    (
        "FAC",
        "CO",
        "",
        "Fuerza Aeroespacial Colombiana",
        ["Colombian Air Force", "Colombian Aerospace Force", "Fuerza Aérea Colombiana"],
    ),
    (
        "FGN",
        "CO",
        "",
        "Fiscalía General de la Nación",
        [
            "Colombian Attorney General's Office",
            "Colombian Prosecutor General's Office",
            "Fiscalía General de la Nación",
        ],
    ),
    (
        "PN-EC",
        "EC",
        "",
        "Policía Nacional del Ecuador",
        ["Ecuadorian National Police", "Ecuadorian police", "National Police of Ecuador", "Policía Nacional"],
    ),
    ("ARMADA-EC", "EC", "", "Armada del Ecuador", ["Ecuadorian Navy", "Armada del Ecuador"]),
    (
        "SENAE",
        "EC",
        "",
        "Servicio Nacional de Aduana del Ecuador",
        ["Ecuadorian customs", "SENAE", "National Customs Service of Ecuador"],
    ),
    (
        "FELCN",
        "BO",
        "",
        "Fuerza Especial de Lucha Contra el Narcotráfico",
        ["Special Force to Fight Drug Trafficking", "Special Counternarcotics Force", "FELCN"],
    ),
    ("SENAN", "PA", "", "Servicio Nacional Aeronaval", ["National Aeronaval Service", "SENAN", "Aeronaval"]),
    (
        "PN-PA",
        "PA",
        "",
        "Policía Nacional de Panamá",
        ["Panamanian National Police", "National Police of Panama", "Policía Nacional"],
    ),
    ("PCD", "CR", "", "Policía de Control de Drogas", ["Drug Control Police", "PCD"]),
    (
        "SNG-CR",
        "CR",
        "",
        "Servicio Nacional de Guardacostas",
        ["Costa Rican Coast Guard", "National Coast Guard Service", "Guardacostas"],
    ),
    ("FFAA-HN", "HN", "", "Fuerzas Armadas de Honduras", ["Honduran Armed Forces", "Armed Forces of Honduras"]),
    (
        "DLCN",
        "HN",
        "",
        "Dirección de Lucha Contra el Narcotráfico",
        ["Honduran Anti-Drug Trafficking Directorate", "DLCN"],
    ),
    (
        "PNC-GT",
        "GT",
        "",
        "Policía Nacional Civil de Guatemala",
        ["Guatemalan National Civil Police", "National Civil Police", "PNC"],
    ),
    ("SEMAR", "MX", "", "Secretaría de Marina", ["Mexican Navy", "Mexican Secretariat of the Navy", "SEMAR", "Marina"]),
    (
        "SEDENA",
        "MX",
        "",
        "Secretaría de la Defensa Nacional",
        ["Mexican Army", "Secretariat of National Defense", "SEDENA", "Defensa"],
    ),
    ("GN-MX", "MX", "", "Guardia Nacional", ["Mexican National Guard", "National Guard"]),
    ("FGR", "MX", "", "Fiscalía General de la República", ["Mexican Attorney General's Office", "FGR"]),
    (
        "DNCD",
        "DO",
        "",
        "Dirección Nacional de Control de Drogas",
        ["Dominican National Drug Control Directorate", "National Directorate for Drug Control", "DNCD"],
    ),
    ("PF-BR", "BR", "", "Polícia Federal", ["Brazilian Federal Police", "Federal Police", "Polícia Federal"]),
    (
        "PRF",
        "BR",
        "",
        "Polícia Rodoviária Federal",
        ["Brazilian Federal Highway Police", "Federal Highway Police", "PRF"],
    ),
    (
        "RECEITA-BR",
        "BR",
        "",
        "Receita Federal do Brasil",
        ["Brazilian Federal Revenue Service", "Brazilian customs", "Receita Federal"],
    ),
    (
        "SENAD",
        "PY",
        "",
        "Secretaría Nacional Antidrogas",
        ["National Anti-Drug Secretariat", "Paraguayan anti-drug agency", "SENAD"],
    ),
    ("PDI", "CL", "", "Policía de Investigaciones de Chile", ["Investigations Police of Chile", "PDI"]),
    ("CARABINEROS", "CL", "", "Carabineros de Chile", ["Chilean national police", "Carabineros"]),
    ("PFA", "AR", "", "Policía Federal Argentina", ["Argentine Federal Police", "PFA"]),
    ("GNA", "AR", "", "Gendarmería Nacional Argentina", ["Argentine National Gendarmerie", "Gendarmería"]),
    (
        "PNA",
        "AR",
        "",
        "Prefectura Naval Argentina",
        ["Argentine Naval Prefecture", "Argentine Coast Guard", "Prefectura"],
    ),
    ("FANB", "VE", "", "Fuerza Armada Nacional Bolivariana", ["Bolivarian National Armed Forces", "FANB"]),
    ("USCG", "US", "", "United States Coast Guard", ["U.S. Coast Guard", "US Coast Guard", "Coast Guard", "USCG"]),
    ("DEA", "US", "", "Drug Enforcement Administration", ["U.S. Drug Enforcement Administration", "DEA"]),
    ("CBP", "US", "", "U.S. Customs and Border Protection", ["Customs and Border Protection", "CBP"]),
    (
        "JIATF-S",
        "US",
        "",
        "Joint Interagency Task Force South",
        ["JIATF-South", "JIATF South", "Joint Interagency Task Force-South"],
    ),
    ("SOUTHCOM", "US", "", "U.S. Southern Command", ["US Southern Command", "SOUTHCOM", "Southern Command"]),
    ("GC-ES", "ES", "", "Guardia Civil", ["Spanish Civil Guard", "Civil Guard", "Guardia Civil"]),
    ("PN-ES", "ES", "", "Policía Nacional (España)", ["Spanish National Police", "Policía Nacional"]),
    (
        "SVA-ES",
        "ES",
        "",
        "Servicio de Vigilancia Aduanera",
        ["Spanish Customs Surveillance Service", "Vigilancia Aduanera", "Customs Surveillance Service"],
    ),
    ("DOUANE-NL", "NL", "", "Douane Nederland", ["Dutch customs", "Dutch Customs Administration", "Douane"]),
    (
        "DOUANE-BE",
        "BE",
        "",
        "Administration générale des Douanes et Accises",
        ["Belgian customs", "Belgian Customs", "Douane"],
    ),
    ("OFAST", "FR", "", "Office anti-stupéfiants", ["French anti-narcotics office", "OFAST"]),
    (
        "MAOC-N",
        "",
        "",
        "Maritime Analysis and Operations Centre – Narcotics",
        ["MAOC-N", "Maritime Analysis and Operations Centre"],
    ),
    ("EUROPOL", "", "", "Europol", ["European Union Agency for Law Enforcement Cooperation", "Europol"]),
]


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
