"""The demo case: Peru, February 2021, five operations totalling 4,940 kg of cocaine.

The source texts are our own wording of publicly reported facts. `load_demo` ingests them like
any source, so the operations in the demo queue are the extractor's drafts, each cited from the
sentences it read them in; the second report of the Callao seizure becomes another citation of
it, with figures of its own.
"""

import datetime

DEMO_SOURCE = {
    "kind": "article",
    "outlet": "Seizure Records demo desk",
    "title": "Peru: five February operations take 4,940 kg of cocaine out of circulation",
    "author": "Demo desk",
    "published": datetime.date(2021, 3, 1),
    "language": "en",
    "text": (
        "Peru: five February operations take 4,940 kg of cocaine out of circulation\n"
        "\n"
        "LIMA — Peruvian police and the armed forces took 4,940 kilograms of cocaine off the "
        "market in five separate operations between 10 and 25 February 2021, according to "
        "figures released by the Interior Ministry at the start of March.\n"
        "\n"
        "The largest haul came on 11 February at Paita Port, in the Piura region. Officers of the "
        "PNP Anti-Drug Directorate (DIRANDRO) opened a container of palm-oil bottles bound for "
        "Panama and found 3,082 kilograms of liquid cocaine mixed into the oil. Two Peruvians and "
        "two Venezuelans were arrested. Investigators attribute the shipment to a network known as "
        "Los Aceiteros de Paita.\n"
        "\n"
        "From 10 to 12 February, police and the Armed Forces Joint Command worked through a "
        "riverside camp in Mariscal Ramón Castilla province, in Loreto, near the border with "
        "Colombia and Brazil. They recovered 600 kilograms of cocaine pressed into bricks and a "
        "further 300 kilograms in liquid form, and detained four Colombian nationals.\n"
        "\n"
        "Also on 10 February, DIRANDRO agents at the port of Callao found 517 kilograms of cocaine "
        "hydrochloride in a container declared as mineral concentrate. The cargo was to travel to "
        "France by way of Ecuador and Panama. Nobody was arrested.\n"
        "\n"
        "On 14 February a joint police and military patrol intercepted a shipment of 225 kilograms "
        "of cocaine in Satipo province, in the Junín region.\n"
        "\n"
        "The month closed on 25 February with 216 kilograms of cocaine seized by the National "
        "Police in Alto Amazonas province, Loreto.\n"
        "\n"
        "Officials said the February total was the highest for any month since 2019.\n"
    ),
}

# A second outlet's report of the Callao seizure, in other words and with other figures (about
# 520 kg, "anti-drug police"): the extractor matches it to the same operation, whose page then
# shows where the two sources disagree.
DEMO_SECOND_REPORT = {
    "kind": "article",
    "outlet": "Demo coastal news",
    "title": "Callao: cocaine found in a mineral shipment bound for France",
    "author": "Demo desk",
    "published": datetime.date(2021, 2, 12),
    "language": "en",
    "text": (
        "Callao: cocaine found in a mineral shipment bound for France\n"
        "\n"
        "CALLAO — Anti-drug police found roughly 520 kilograms of cocaine on 10 February 2021 in a "
        "container at the port of Callao that had been declared as mineral concentrate. The "
        "shipment was bound for France, officers said. No arrests have been made.\n"
    ),
}

# Demo accounts, one per role (two reviewers, to show the four-eyes rule). Demo only: the
# command that creates them refuses to run in production.
DEMO_USERS = [
    # username, group, is_staff, is_superuser, password
    ("reviewer", "Reviewer", True, False, "demo-reviewer-pass"),
    ("reviewer2", "Reviewer", True, False, "demo-reviewer2-pass"),
    ("editor", "Editor", True, False, "demo-editor-pass"),
    ("partner", "Partner", False, False, "demo-partner-pass"),
    ("admin", None, True, True, "demo-admin-pass"),
]
