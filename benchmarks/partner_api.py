"""Partner API speed: a 100-operation page of `GET /api/v1/operations/` under gunicorn, on
PostgreSQL, beside a straightforward baseline and a floor. Results: docs/performance.md.

    .venv/bin/python benchmarks/partner_api.py [--operations 100000] [--requests 300]
        [--rounds 5] [--concurrency 4] [--workers 2] [--pages 20]
        [--database-url postgres://postgres@127.0.0.1:5432/partner_bench] [--keep-db]

About five minutes at the defaults on two cores, three of them seeding. What it does:

1. Creates (or resets) its own PostgreSQL database, migrates it and seeds N verified
   operations in bulk (COPY; seeded random data, so every run builds the same records),
   with their VerifiedVersion snapshots and the published documents and facets, rendered by
   the real `partners.publication` helpers. Before measuring it checks on a sample that
   this is what the real path gives: `operation_snapshot` of seeded operations equals their
   stored snapshot and its real rendering the stored documents, and operations verified
   through `operation_verify` (rolled back afterwards) get what the bulk path computes.
2. In-process: counts the SQL queries of one request to each target (page sizes 10 and
   100), and EXPLAIN ANALYZEs the page query of the real endpoint and of the floor at the
   first, middle and last page (time, rows read against rows returned, the index scan).
3. Serves the benchmark URLconf (`benchmarks/partner_api_app`) with one gunicorn:
     real          /api/v1/operations/              the partner API: stored documents spliced
     baseline      /bench/baseline/operations/      nested ModelSerializers over the live tables
     floor         /bench/floor/operations/         one raw SQL query for the stored documents,
                                                    orjson; no authentication, no DRF
     floor-tables  /bench/floor-tables/operations/  one raw SQL query building the documents
                                                    from the live tables (json_agg), orjson
   on two sets of `--pages` pages, newest first: the first pages, and pages spread evenly
   over the whole list. It checks that every target serves the same operations on every
   page, that the pages are the ones the endpoints' own `next` links lead to, and that the
   floor's and the baseline's documents equal the real ones. After a warm-up the targets
   take turns, a round at a time, so noise on a shared machine hits them alike.
4. Stops gunicorn and drops the database (unless --keep-db).

req/s is what `--concurrency` client threads on the same machine got through the workers
("client ms": the client's CPU time per request); p50 and p95 are the latencies the client
saw, queueing included. real / baseline is the speed-up over the straightforward
implementation; real / floor how close the endpoint comes to only fetching the page and
sending it. Timings are never asserted in tests: compare figures taken in one run.
"""

import argparse
import datetime
import http.client
import itertools
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from decimal import Decimal
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.extraction import machine  # noqa: E402

SETTINGS = "benchmarks.partner_api_app.settings"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/partner_bench"
# Databases this script must never create, drop or write to.
PROTECTED_DATABASES = {"postgres", "root", "test", "template0", "template1"}
TARGETS = {
    "real": "/api/v1/operations/",
    "baseline": "/bench/baseline/operations/",
    "floor": "/bench/floor/operations/",
    "floor-tables": "/bench/floor-tables/operations/",
}
PAGE_SIZE = 100


# --- The database ----------------------------------------------------------------------------


def database_name(url: str) -> str:
    name = urllib.parse.urlparse(url).path.lstrip("/")
    if not name or name in PROTECTED_DATABASES:
        sys.exit(f"Give the benchmark a database of its own, not {name or 'none'!r}.")
    return name


def maintenance_connection(url: str):
    """A connection to the server's `postgres` database, only to create and drop ours."""
    import psycopg

    parts = urllib.parse.urlparse(url)
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=urllib.parse.unquote(parts.username or "postgres"),
        password=urllib.parse.unquote(parts.password) if parts.password else None,
        dbname="postgres",
        autocommit=True,
    )


def drop_database(url: str, *, create_again: bool = False) -> None:
    from psycopg import sql

    name = sql.Identifier(database_name(url))
    with maintenance_connection(url) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        if create_again:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


# --- Seeding ---------------------------------------------------------------------------------

FIRST_NAMES = """Juan Carlos Luis José Miguel Jorge Pedro Andrés Diego Fernando Ricardo Javier Manuel Sergio
    Alejandro Daniel Rafael Eduardo Pablo Óscar María Ana Carmen Rosa Lucía Patricia Sandra Paola Diana
    Claudia João Thiago Bruno Mateus Ahmed Youssef Mehmet Ivan Dmitri Pieter Jan Tomás Martín""".split()
LAST_NAMES = """García Rodríguez Martínez López González Pérez Sánchez Ramírez Torres Flores Rivera Gómez
    Díaz Reyes Morales Cruz Ortiz Gutiérrez Chávez Ramos Vargas Castillo Jiménez Moreno Romero Herrera
    Medina Aguilar Silva Souza Oliveira Costa Pereira Almeida Kaya Yilmaz Petrov Janssen Vries Quispe
    Mamani Huamán Condori""".split()
OUTLETS = """El Comercio|La República|RPP Noticias|El Tiempo|Semana|El Espectador|Infobae|Clarín|La Nación|
    Folha de S.Paulo|O Globo|El Universo|Primicias|Reuters|Associated Press|AFP|InSight Crime|Europa Press|
    El País|ABC|The Guardian|BBC News|Ministerio del Interior|Policía Nacional""".replace("\n    ", "").split("|")
PLACES = """Puerto de Paita|Callao|Aeropuerto Jorge Chávez|Tumbes|Puerto de Buenaventura|Cartagena|Santa Marta|
    Guayaquil|Puerto Bolívar|Manta|Santos|Paranaguá|Itajaí|Rosario|Montevideo|Algeciras|Valencia|Rotterdam|
    Antwerp|Hamburg|Le Havre|Gioia Tauro|Lisbon|Leixões|carretera Panamericana Norte|VRAEM|Putumayo|Nariño|
    a warehouse in the industrial district|a farm near the border|open sea, 200 nautical miles offshore""".replace(
    "\n    ", ""
).split("|")
# Plausible quantities of a drug seizure by unit (lowest, highest).
QUANTITIES = {
    "kg": (1, 5000),
    "g": (1, 50000),
    "t": (1, 20),
    "lb": (1, 5000),
    "unit": (1, 20000),
    "plant": (10, 50000),
    "l": (1, 2000),
}
FORMS = ["hydrochloride", "base paste", "bricks", "powder", "liquid", "pressed cannabis", "tablets", "crystal", ""]
CONCEALMENTS = [
    "inside banana boxes in a refrigerated container",
    "in a false bottom of a lorry",
    "hidden among bags of coffee",
    "in the hull of the vessel",
    "in suitcases with double walls",
    "buried in sacks of fertiliser",
    "",
    "",
]
WORDS = """police seized cocaine shipment container port operation officers agents detained suspects cargo
    bound for europe vessel boat coast guard anti-drug directorate investigation months intelligence packages
    kilograms marked logo laboratory precursors chemicals jungle airstrip aircraft pilot border checkpoint
    vehicle hidden compartment prosecutor court judge remand network organisation leader members arrested
    money laundering cash seized weapons rifles pistols ammunition phones documents raid warehouse district
    province region department authorities said statement press conference minister interior""".split()


def _sentence(rng: random.Random, names: list[str], *, name_share: float = 0.25) -> str:
    words = rng.choices(WORDS, k=rng.randint(10, 24))
    if names and rng.random() < name_share:
        words.insert(rng.randint(1, len(words)), rng.choice(names))
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


class References:
    """The reference rows operations point to, made once before the operations."""

    def __init__(self, rng: random.Random, *, sources: int, groups: int):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        from seizures.models import Agency, Country, CriminalGroup, Subdivision
        from sources.models import Source, normalise_url, text_sha256

        user_model = get_user_model()
        self.reviewer = user_model(username="bench-reviewer", is_staff=True)
        self.reviewer.set_unusable_password()
        self.reviewer.save()
        self.reviewer.groups.add(Group.objects.get(name="Reviewer"))

        self.agencies = list(Agency.objects.order_by("code").values_list("pk", "code", "name", "country_id"))
        self.agency_names = {code: name for _, code, name, _ in self.agencies}
        self.agency_by_country: dict[str | None, list] = {}
        for row in self.agencies:
            self.agency_by_country.setdefault(row[3], []).append(row)
        known = set(Country.objects.values_list("code", flat=True))
        self.countries = [
            c for c in "PE CO EC BO BR AR CL VE PA MX CR GT HN ES NL BE PT IT FR DE GB US".split() if c in known
        ]
        self.foreign = [c for c in "ES NL BE PT IT FR DE GB US MX BR AR CL CN AU HK TR MA ZA".split() if c in known]
        self.subdivisions: dict[str, list[str]] = {}
        for code, country in Subdivision.objects.filter(parent__isnull=True, country_id__in=self.countries).values_list(
            "code", "country_id"
        ):
            self.subdivisions.setdefault(country, []).append(code)
        for codes in self.subdivisions.values():
            codes.sort()

        group_rows = CriminalGroup.objects.bulk_create(
            CriminalGroup(
                name=f"{rng.choice(['Clan', 'Cartel', 'Los', 'Red', 'Banda'])} {LAST_NAMES[i % len(LAST_NAMES)]} {i}"
            )
            for i in range(groups)
        )
        self.groups = [(g.pk, g.name) for g in group_rows]
        self.group_ids = {name: pk for pk, name in self.groups}

        self.names = [f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" for _ in range(400)]
        rows = []
        for i in range(sources):
            text = " ".join(_sentence(rng, self.names) for _ in range(rng.randint(18, 40)))
            text = f"Report {i}. {text}"
            rows.append(
                Source(
                    kind=rng.choice(list(Source.Kind.values)),
                    outlet=rng.choice(OUTLETS),
                    url=normalise_url(f"https://news{i % 17}.example.org/{2014 + i % 11}/seizure-report-{i}"),
                    title=f"{rng.choice(['Police seize', 'Authorities find', 'Record haul of'])} "
                    f"{rng.choice(['cocaine', 'cannabis', 'drugs', 'heroin'])} at {rng.choice(PLACES)}"
                    + (f"; {rng.choice(self.names)} arrested" if rng.random() < 0.15 else ""),
                    author=rng.choice(["", "Staff", f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"]),
                    published=datetime.date(2014, 1, 1) + datetime.timedelta(days=rng.randrange(4000)),
                    language=rng.choice(["es", "en", "pt"]),
                    text=text,
                    text_sha256=text_sha256(text),
                )
            )
        self.sources = Source.objects.bulk_create(rows)
        # The quotable spans of each source: from a sentence's start, 150-300 characters,
        # ending at a word's end.
        self.spans = []
        for source in self.sources:
            starts = [0] + [m.end() for m in re.finditer(r"\. ", source.text)]
            spans = []
            for start in starts:
                end = start + rng.randint(150, 300)
                if end >= len(source.text):
                    break
                end = source.text.rindex(" ", start, end)
                spans.append((start, end))
            self.spans.append(spans)


def _kg(quantity: Decimal, unit: str) -> Decimal | None:
    from seizures.vocabularies import KG_PER_UNIT

    if unit not in KG_PER_UNIT:
        return None
    return (quantity * KG_PER_UNIT[unit]).quantize(Decimal("0.000001"))


def generate(rng: random.Random, refs: References, count: int) -> list[dict]:
    """`count` operations with their children, as plain data (no primary keys yet)."""
    from seizures import vocabularies as vocab

    roles = [*vocab.DetaineeRole.values, ""]
    transport_modes = [*vocab.TransportMode.values, ""]
    location_types = [*vocab.LocationType.values, ""]
    operations = []
    for _ in range(count):
        country = rng.choice(refs.countries)
        start = datetime.date(2014, 1, 1) + datetime.timedelta(days=rng.randrange(4000))
        located = rng.random() < 0.7
        items = []
        for _ in range(rng.choices([1, 2, 3], [60, 28, 12])[0]):
            category = rng.choices(["drug", "cash", "weapon", "vehicle", "phone"], [75, 8, 7, 5, 5])[0]
            item = {"category": category, "drug_type": "", "form": "", "unit": "", "currency": ""}
            if category == "drug":
                item["drug_type"] = rng.choices(
                    ["cocaine", "cannabis", "heroin", "methamphetamine", "mdma", "fentanyl", "other"],
                    [50, 25, 6, 8, 5, 2, 4],
                )[0]
                item["form"] = rng.choice(FORMS)
                item["unit"] = rng.choices(["kg", "g", "t", "lb", "unit", "plant", "l"], [55, 15, 5, 5, 10, 5, 5])[0]
                low, high = QUANTITIES[item["unit"]]
                item["quantity"] = Decimal(rng.randint(low * 1000, high * 1000)) / 1000
                item["quantity_kg"] = _kg(item["quantity"], item["unit"])
                item["description"] = rng.choice(["", "packages", "bricks marked with a logo", "sacks"])
            elif category == "cash":
                item["currency"] = rng.choice(["USD", "EUR", "PEN", "COP", "BRL"])
                item["quantity"] = Decimal(rng.randint(100, 2_000_000))
                item["quantity_kg"] = None
                item["description"] = "cash"
            else:
                item["unit"] = "unit"
                item["quantity"] = Decimal(rng.randint(1, 40))
                item["quantity_kg"] = None
                item["description"] = {"weapon": "9 mm pistols", "vehicle": "lorry", "phone": "mobile phones"}[category]
            item["concealment"] = rng.choice(CONCEALMENTS)
            items.append(item)
        detainees = [
            {
                "nationality": None if rng.random() < 0.1 else rng.choice([country, country, *refs.foreign]),
                "name": "" if rng.random() < 0.15 else rng.choice(refs.names),
                "age": None if rng.random() < 0.4 else rng.randint(18, 70),
                "sex": rng.choices(["male", "female", ""], [75, 15, 10])[0],
                "role": rng.choice(roles),
            }
            for _ in range(rng.choices([0, 1, 2, 3, 4], [30, 30, 20, 12, 8])[0])
        ]
        citations = []
        for _ in range(rng.choices([1, 2], [55, 45])[0]):
            source = rng.randrange(len(refs.sources))
            start_at, end_at = rng.choice(refs.spans[source])
            target = rng.random()
            citation = {"source": source, "start": start_at, "end": end_at, "item": None, "detainee": None}
            if target < 0.25:
                citation["item"], citation["field"] = rng.randrange(len(items)), "quantity"
            elif target < 0.4 and detainees:
                citation["detainee"], citation["field"] = rng.randrange(len(detainees)), "nationality"
            else:
                citation["field"] = rng.choice(["", "", "date_start", "place", "transport_mode"])
            citations.append(citation)
        local = refs.agency_by_country.get(country) or refs.agency_by_country[None]
        agencies = {rng.choice(local)[0] for _ in range(rng.choices([1, 2], [70, 30])[0])}
        if rng.random() < 0.1:
            agencies.add(rng.choice(refs.agencies)[0])
        operations.append(
            {
                "public_id": uuid.UUID(int=rng.getrandbits(128), version=4),
                "date_start": start,
                "date_end": start + datetime.timedelta(days=rng.choices([0, 1, 2, 5], [80, 10, 6, 4])[0]),
                "date_precision": rng.choices(["day", "month", "reported"], [85, 5, 10])[0],
                "country": country,
                "subdivision": rng.choice(refs.subdivisions[country])
                if refs.subdivisions.get(country) and rng.random() < 0.85
                else None,
                "place": rng.choice(PLACES),
                "latitude": Decimal(rng.randint(-5_000_000, 5_000_000)) / 100_000 if located else None,
                "longitude": Decimal(rng.randint(-9_000_000, 2_000_000)) / 100_000 if located else None,
                "geo_precision": rng.choice(["exact", "locality", "subdivision"]) if located else "country",
                "agencies": sorted(agencies),
                "criminal_group": rng.choice(refs.groups)[0] if rng.random() < 0.3 else None,
                "destinations": sorted(set(rng.sample(refs.foreign, rng.choices([0, 1, 2], [40, 45, 15])[0]))),
                "transit": sorted(set(rng.sample(refs.foreign, rng.choices([0, 1], [75, 25])[0]))),
                "transport_mode": rng.choice(transport_modes),
                "location_type": rng.choice(location_types),
                # A reviewer's summary often names a detainee.
                "summary": " ".join(
                    _sentence(rng, [d["name"] for d in detainees if d["name"]], name_share=0.5)
                    for _ in range(rng.randint(2, 4))
                ),
                "items": items,
                "detainees": detainees,
                "citations": citations,
                "verified_at": datetime.datetime.combine(start, datetime.time(), datetime.UTC)
                + datetime.timedelta(days=rng.randint(1, 60), seconds=rng.randrange(86400)),
            }
        )
    return operations


class Writer:
    """Writes rows with COPY, the fastest way into PostgreSQL (Django's bulk_create binds every
    value client-side), giving them ids from its own counters so that children can point to
    their parents before anything is read back. The sequences are moved past those ids at
    the end (`finish`)."""

    def __init__(self):
        from django.db import connection

        from partners.models import PublishedOperation
        from seizures.models import Detainee, EvidenceItem, Operation, VerifiedVersion
        from sources.models import Citation

        self.models = [Operation, EvidenceItem, Detainee, Citation, VerifiedVersion, PublishedOperation]
        self.ids = {}
        with connection.cursor() as cursor:
            for model in self.models:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {model._meta.db_table}")
                self.ids[model] = itertools.count(cursor.fetchone()[0] + 1)

    def next_id(self, model) -> int:
        return next(self.ids[model])

    def copy(self, model, rows: list[dict], *, omit=()) -> None:
        """Rows as {attname: value} holding every concrete field of `model` but those in `omit`
        (left to their database default, the id's sequence)."""
        from django.db import connection
        from django.db.models import JSONField

        fields = [f for f in model._meta.concrete_fields if f.attname not in omit]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        names = [f.attname for f in fields]
        json = {f.attname for f in fields if isinstance(f, JSONField)}
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(
                        [
                            orjson.dumps(row[name]).decode() if name in json and row[name] is not None else row[name]
                            for name in names
                        ]
                    )

    def finish(self) -> None:
        from django.core.management.color import no_style
        from django.db import connection

        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), self.models):
                cursor.execute(statement)


def insert(specs: list[dict], refs: References, writer: Writer, *, verified: bool) -> list[tuple[int, dict]]:
    """Write the operations of `specs` and their children; return (operation pk, snapshot),
    the snapshot being what `seizures.snapshots.operation_snapshot` makes of those rows.
    With `verified`, the operations point to the VerifiedVersion ids `publish_bulk` will use
    (foreign keys are checked at commit); without, they wait for review."""
    from seizures.models import Detainee, EvidenceItem, Operation, VerifiedVersion
    from seizures.snapshots import _decimal
    from sources.models import Citation

    agency_codes = {pk: code for pk, code, _, _ in refs.agencies}
    group_names = dict(refs.groups)
    sources = {s.pk: s for s in refs.sources}
    status = Operation.Status.VERIFIED if verified else Operation.Status.NEEDS_REVIEW
    operations, items, detainees, citations, agencies, destinations, transit = [], [], [], [], [], [], []
    snapshots = []
    for spec in specs:
        pk = writer.next_id(Operation)
        spec["pk"] = pk
        spec["verified_version"] = writer.next_id(VerifiedVersion) if verified else None
        spec_items = [{"id": writer.next_id(EvidenceItem), "operation_id": pk, **item} for item in spec["items"]]
        spec_detainees = [
            {
                "id": writer.next_id(Detainee),
                "operation_id": pk,
                "nationality_id": d["nationality"],
                "name": d["name"],
                "age": d["age"],
                "sex": d["sex"],
                "role": d["role"],
            }
            for d in spec["detainees"]
        ]
        spec_citations = []
        for c in spec["citations"]:
            source = refs.sources[c["source"]]
            spec_citations.append(
                {
                    "id": writer.next_id(Citation),
                    "source_id": source.pk,
                    "operation_id": pk,
                    "evidence_item_id": spec_items[c["item"]]["id"] if c["item"] is not None else None,
                    "detainee_id": spec_detainees[c["detainee"]]["id"] if c["detainee"] is not None else None,
                    "field": c["field"],
                    "quote": source.text[c["start"] : c["end"]],
                    "start": c["start"],
                    "end": c["end"],
                    "created_at": spec["verified_at"],
                    "created_by_id": None,
                }
            )
        # In the order of Citation.Meta.ordering, as operation_snapshot reads them.
        spec_citations.sort(key=lambda c: (c["start"], c["id"]))
        published = [sources[c["source_id"]].published for c in spec_citations]
        operations.append(
            {
                "id": pk,
                "public_id": spec["public_id"],
                "status": status,
                "rejection_reason": "",
                "date_start": spec["date_start"],
                "date_end": spec["date_end"],
                "date_precision": spec["date_precision"],
                "country_id": spec["country"],
                "subdivision_id": spec["subdivision"],
                "place": spec["place"],
                "latitude": spec["latitude"],
                "longitude": spec["longitude"],
                "geo_precision": spec["geo_precision"],
                "criminal_group_id": spec["criminal_group"],
                "transport_mode": spec["transport_mode"],
                "location_type": spec["location_type"],
                "summary": spec["summary"],
                "newest_source_date": max((d for d in published if d), default=None),
                "version": 1,
                "created_at": spec["verified_at"] - datetime.timedelta(days=1),
                "created_by_id": None,
                "updated_at": spec["verified_at"],
                "last_edited_by_id": None,
                "last_edited_at": None,
                "status_changed_at": spec["verified_at"],
                "status_changed_by_id": refs.reviewer.pk,
                "verified_version_id": spec["verified_version"],
                # Verified, so neither claimed for review nor merged into another.
                "claimed_by_id": None,
                "claimed_at": None,
                "merged_into_id": None,
            }
        )
        items += spec_items
        detainees += spec_detainees
        citations += spec_citations
        agencies += [{"operation_id": pk, "agency_id": a} for a in spec["agencies"]]
        destinations += [{"operation_id": pk, "country_id": c} for c in spec["destinations"]]
        transit += [{"operation_id": pk, "country_id": c} for c in spec["transit"]]
        snapshot = {
            "public_id": str(spec["public_id"]),
            "date_start": spec["date_start"].isoformat(),
            "date_end": spec["date_end"].isoformat(),
            "date_precision": spec["date_precision"],
            "country": spec["country"],
            "subdivision": spec["subdivision"],
            "place": spec["place"],
            "latitude": _decimal(spec["latitude"]),
            "longitude": _decimal(spec["longitude"]),
            "geo_precision": spec["geo_precision"],
            "agencies": sorted(agency_codes[a] for a in spec["agencies"]),
            "criminal_group": group_names[spec["criminal_group"]] if spec["criminal_group"] else None,
            "destinations": spec["destinations"],
            "transit": spec["transit"],
            "transport_mode": spec["transport_mode"],
            "location_type": spec["location_type"],
            "summary": spec["summary"],
            "evidence_items": [
                {
                    "id": item["id"],
                    "category": item["category"],
                    "drug_type": item["drug_type"],
                    "form": item["form"],
                    "description": item["description"],
                    "quantity": _decimal(item["quantity"]),
                    "unit": item["unit"],
                    "currency": item["currency"],
                    "quantity_kg": _decimal(item["quantity_kg"]),
                    "concealment": item["concealment"],
                }
                for item in spec_items
            ],
            "detainees": [
                {
                    "id": person["id"],
                    "nationality": person["nationality_id"],
                    "name": person["name"],
                    "age": person["age"],
                    "sex": person["sex"],
                    "role": person["role"],
                }
                for person in spec_detainees
            ],
            "citations": [
                {
                    "id": c["id"],
                    "source_id": c["source_id"],
                    "source_title": sources[c["source_id"]].title,
                    "outlet": sources[c["source_id"]].outlet,
                    "url": sources[c["source_id"]].url,
                    "published": date.isoformat() if date else None,
                    "source_kind": sources[c["source_id"]].kind,
                    "author": sources[c["source_id"]].author,
                    "language": sources[c["source_id"]].language,
                    "text_sha256": sources[c["source_id"]].text_sha256,
                    "quote": c["quote"],
                    "start": c["start"],
                    "end": c["end"],
                    "evidence_item": c["evidence_item_id"],
                    "detainee": c["detainee_id"],
                    "field": c["field"],
                }
                for c, date in zip(spec_citations, published, strict=True)
            ],
        }
        snapshots.append((pk, snapshot))
    writer.copy(Operation, operations)
    writer.copy(Operation.agencies.through, agencies, omit=("id",))
    writer.copy(Operation.destinations.through, destinations, omit=("id",))
    writer.copy(Operation.transit.through, transit, omit=("id",))
    writer.copy(EvidenceItem, items)
    writer.copy(Detainee, detainees)
    writer.copy(Citation, citations)
    return snapshots


def documents(snapshot: dict, *, verified_at, modified_at, refs: References, withheld_names=None):
    """The publication of one verified snapshot, by the real helpers of partners.publication:
    (public document, personal document, facets, filter columns). `withheld_names`: besides
    its detainees'; by default, as publishing has them, those of every operation citing its
    sources."""
    from partners.publication import (
        names_citing,
        operation_documents,
        operation_facets,
        publication_fields,
        snapshot_sources,
        withheld_from,
    )

    if withheld_names is None:
        withheld_names = withheld_from(snapshot, names_citing(snapshot_sources(snapshot)))

    public, personal = operation_documents(
        snapshot,
        version=1,
        verified_at=verified_at,
        modified_at=modified_at,
        agency_names=refs.agency_names,
        group_ids=refs.group_ids,
        withheld_names=withheld_names,
    )
    facets = operation_facets(snapshot)
    return public, personal, facets, publication_fields(snapshot, facets)


def publish_bulk(snapshots: list[tuple[int, dict]], specs: list[dict], refs: References, writer: Writer) -> None:
    """What `operation_verify` leaves behind for each operation, written in bulk: its
    VerifiedVersion (the operation already points to it) and its PublishedOperation and
    facets. Partners' copy is taken as last changed when it was verified."""
    from partners.models import PublishedFacet, PublishedOperation
    from seizures.models import VerifiedVersion

    versions, publications, facet_rows = [], [], []
    for (pk, snapshot), spec in zip(snapshots, specs, strict=True):
        versions.append(
            {
                "id": spec["verified_version"],
                "operation_id": pk,
                "number": 1,
                "data": snapshot,
                "verified_by_id": refs.reviewer.pk,
                "verified_at": spec["verified_at"],
            }
        )
        # Withholding only its own detainees' names for now: those of the operations of
        # later batches citing the same sources are withheld once all are in (`seed`).
        public, personal, facets, fields = documents(
            snapshot, verified_at=spec["verified_at"], modified_at=spec["verified_at"], refs=refs, withheld_names=()
        )
        group = public["criminal_group"]
        publication = writer.next_id(PublishedOperation)
        publications.append(
            {
                "id": publication,
                "operation_id": pk,
                "version": 1,
                "verified_at": spec["verified_at"],
                "modified_at": spec["verified_at"],
                "criminal_group_id": group["id"] if group else None,
                "document": orjson.dumps(public).decode(),
                "document_personal": orjson.dumps(personal).decode(),
                "withheld_names": sorted(fields["detainee_names"]),
                **fields,
            }
        )
        facet_rows += [
            {"publication_id": publication, "kind": kind, "code": code, "amount": amount}
            for kind, code, amount in facets
        ]
    writer.copy(VerifiedVersion, versions)
    writer.copy(PublishedOperation, publications)
    writer.copy(PublishedFacet, facet_rows, omit=("id",))


def seed(count: int, *, seed: int, batch: int, progress) -> References:
    from django.db import connection, transaction

    rng = random.Random(seed)
    with transaction.atomic():
        refs = References(rng, sources=400, groups=60)
    writer = Writer()
    done = 0
    while done < count:
        size = min(batch, count - done)
        with transaction.atomic():
            specs = generate(rng, refs, size)
            publish_bulk(insert(specs, refs, writer, verified=True), specs, refs, writer)
        done += size
        progress(done)
    writer.finish()
    with transaction.atomic():
        withhold_names_of_sources(refs)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return refs


def withhold_names_of_sources(refs: References, chunk: int = 2000) -> None:
    """What publishing does besides each operation's own documents, once all are in: the
    names of the detainees of every operation citing a source are withheld from the public
    documents citing it, and the cited sources are rendered, by the real code."""
    from partners.models import PublishedOperation
    from partners.publication import names_citing, refresh_published_sources, withhold_again

    names = names_citing([source.pk for source in refs.sources])
    publications = PublishedOperation.objects.order_by("pk").only(
        "pk", "document", "document_personal", "withheld_names"
    )
    last = 0
    while batch := list(publications.filter(pk__gt=last)[:chunk]):
        for publication in batch:
            public, publication.withheld_names = withhold_again(
                orjson.loads(publication.document), orjson.loads(publication.document_personal), names
            )
            publication.document = orjson.dumps(public).decode()
        PublishedOperation.objects.bulk_update(batch, ["document", "withheld_names"])
        last = batch[-1].pk
    refresh_published_sources([source.pk for source in refs.sources])


# --- Checks ----------------------------------------------------------------------------------


def _same(a, b) -> bool:
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return a is not None and b is not None and Decimal(a) == Decimal(b)
    return str(a) == str(b)


def _assert_published(publication, public, personal, facets) -> None:
    """That a stored PublishedOperation holds these documents and facets."""
    pk = publication.operation_id
    assert orjson.dumps(public).decode() == publication.document, f"document of operation {pk}"
    assert orjson.dumps(personal).decode() == publication.document_personal, f"personal document of {pk}"
    stored = sorted(publication.facets.values_list("kind", "code", "amount"))
    assert len(stored) == len(facets), f"facets of operation {pk}"
    for (kind, code, amount), (kind2, code2, amount2) in zip(stored, sorted(facets), strict=True):
        assert (kind, code) == (kind2, code2) and _same(amount, amount2), f"facets of operation {pk}"


def check_publications(refs: References, *, seed: int, sample: int = 30, verified: int = 5) -> str:
    """That the bulk path wrote what the real one would have. Raises AssertionError if not."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import transaction

    from partners.models import PublishedOperation
    from partners.publication import (
        names_citing,
        operation_documents,
        operation_facets,
        publication_fields,
        reference_lookups,
        snapshot_sources,
        withheld_from,
    )
    from seizures.models import Operation
    from seizures.services import operation_touch, operation_verify
    from seizures.snapshots import operation_snapshot

    rng = random.Random(seed + 1)
    # 1. Seeded operations: the real snapshot of their rows is the stored one, and the real,
    #    rendering of it gives the stored documents, facets and columns.
    pks = list(PublishedOperation.objects.values_list("pk", flat=True))
    chosen = rng.sample(pks, min(sample, len(pks)))
    for publication in PublishedOperation.objects.filter(pk__in=chosen).select_related("operation__verified_version"):
        operation = publication.operation
        snapshot = operation_snapshot(operation)
        assert snapshot == operation.verified_version.data, f"snapshot of operation {operation.pk} differs"
        public, personal = operation_documents(
            snapshot,
            version=publication.version,
            verified_at=publication.verified_at,
            modified_at=publication.modified_at,
            withheld_names=withheld_from(snapshot, names_citing(snapshot_sources(snapshot))),
            **reference_lookups(snapshot),
        )
        facets = operation_facets(snapshot)
        _assert_published(publication, public, personal, facets)
        for name, value in publication_fields(snapshot, facets).items():
            assert _same(getattr(publication, name), value), f"{name} of operation {operation.pk}"

    # 2. New operations verified through the workflow get what the bulk path computes for
    #    them. Rolled back: the benchmark's data stays as seeded.
    class Rollback(Exception):
        pass

    writer = Writer()
    try:
        with transaction.atomic():
            specs = generate(rng, refs, verified)
            snapshots = insert(specs, refs, writer, verified=False)
            # Four eyes: another person checks each one (no extractor proposal to decide),
            # then the benchmark's reviewer verifies.
            checker = get_user_model().objects.create(username="bench-checker", is_staff=True)
            checker.groups.add(Group.objects.get(name="Reviewer"))
            for pk, _ in snapshots:
                operation_touch(operation=Operation.objects.get(pk=pk), by=checker, reason="checked")
            started = time.perf_counter()
            for pk, _ in snapshots:
                operation_verify(operation=Operation.objects.get(pk=pk), by=refs.reviewer)
            per_verify = (time.perf_counter() - started) / len(snapshots)
            for pk, snapshot in snapshots:
                publication = PublishedOperation.objects.select_related("operation__verified_version").get(
                    operation_id=pk
                )
                assert publication.operation.verified_version.data == snapshot, f"snapshot of operation {pk}"
                public, personal, facets, _ = documents(
                    snapshot,
                    verified_at=publication.verified_at,
                    modified_at=publication.modified_at,
                    refs=refs,
                )
                _assert_published(publication, public, personal, facets)
            raise Rollback
    except Rollback:
        pass
    return (
        f"{len(chosen)} seeded operations re-snapshotted and re-rendered by the real code: identical; "
        f"{verified} operations verified through operation_verify ({per_verify * 1000:.0f} ms each): "
        "same snapshot, documents and facets as the bulk path"
    )


def query_counts(key: str) -> dict[str, dict[int, int]]:
    """SQL queries of one request to each target, in-process, by page size."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Api-Key {key}")
    counts = {}
    for name, path in TARGETS.items():
        counts[name] = {}
        for size in (10, 100):
            client.get(f"{path}?page_size={size}")
            with CaptureQueriesContext(connection) as captured:
                response = client.get(f"{path}?page_size={size}")
            assert response.status_code == 200, (name, response.status_code, response.content[:300])
            assert len(orjson.loads(response.content)["results"]) == size, (name, size)
            counts[name][size] = len(captured.captured_queries)
    return counts


def page_query_costs(key: str) -> list[tuple[str, dict[str, dict]]]:
    """The page query of the real endpoint and of the floor at three depths in the ordering,
    by EXPLAIN ANALYZE of the SQL each one sent: execution ms (best of 3), the rows it read
    from the table against the rows it returned, the plan, and the index conditions (with
    none, a page deep in the list would be found by reading from the first row)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from partners.models import PublishedOperation

    def nodes(node):
        yield node
        for child in node.get("Plans", []):
            yield from nodes(child)

    client = Client(HTTP_AUTHORIZATION=f"Api-Key {key}")
    total = PublishedOperation.objects.count()
    costs = []
    for label, start in (("first page", 0), ("middle", total // 2), ("last page", total - PAGE_SIZE)):
        [position] = positions_at([start])
        by_target = {}
        for name in ("real", "floor"):
            with CaptureQueriesContext(connection) as captured:
                client.get(page_path(name, position))
            sql = next(q["sql"] for q in reversed(captured.captured_queries) if "document" in q["sql"])
            runs = []
            with connection.cursor() as cursor:
                for _ in range(3):
                    cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
                    value = cursor.fetchone()[0]
                    [plan] = orjson.loads(value) if isinstance(value, str | bytes) else value
                    runs.append(plan)
            plan = min(runs, key=lambda plan: plan["Execution Time"])
            steps = list(nodes(plan["Plan"]))
            # Rows fetched from the table (index scan or bitmap heap scan), kept or not.
            read = sum(
                (n["Actual Rows"] + n.get("Rows Removed by Filter", 0) + n.get("Rows Removed by Index Recheck", 0))
                * n["Actual Loops"]
                for n in steps
                if "Relation Name" in n
            )
            conditions = [n["Index Cond"] for n in steps if "Index Cond" in n]
            by_target[name] = {
                "ms": plan["Execution Time"],
                "read": read,
                "returned": plan["Plan"]["Actual Rows"],
                "plan": " > ".join(
                    f"{n['Node Type']}{' Backward' if n.get('Scan Direction') == 'Backward' else ''}"
                    + (f" on {n['Index Name']}" if "Index Name" in n else "")
                    for n in steps
                ),
                "range": "; ".join(conditions) or "none (reads from the first row)",
            }
        costs.append((label, by_target))
    return costs


# --- Serving and loading ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(*, workers: int, database_url: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS, "DATABASE_URL": database_url, "DJANGO_ENV": "development"}
    command = [
        sys.executable, "-m", "gunicorn",
        "--workers", str(workers), "--worker-class", "sync",
        "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--chdir", str(ROOT),
        "config.wsgi:application",
    ]  # fmt: skip
    server = subprocess.Popen(command, env=env)
    deadline = time.monotonic() + 60
    while True:
        try:
            status, _ = request(http.client.HTTPConnection("127.0.0.1", port, timeout=10), TARGETS["floor"], {})
            if status == 200:
                return server, port
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            stop(server)
            sys.exit("gunicorn did not start")
        time.sleep(0.2)


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def request(connection: http.client.HTTPConnection, path: str, headers: dict) -> tuple[int, bytes]:
    """GET on a connection that reconnects by itself (gunicorn's sync workers close each one)."""
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    return response.status, response.read()


def path_of(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def page_sets(count: int) -> dict[str, list[dict | None]]:
    """Two sets of `count` pages of the default ordering (newest first): the first pages, as a
    partner asking what is new walks them, and pages spread evenly over the whole ordering,
    as a partner copying everything walks them."""
    from partners.models import PublishedOperation

    total = PublishedOperation.objects.count()
    count = min(count, total // PAGE_SIZE)
    first = [i * PAGE_SIZE for i in range(count)]
    spread = sorted({round(i * (total - PAGE_SIZE) / max(1, count - 1)) for i in range(count)})
    return {"first pages": positions_at(first), "pages across the whole list": positions_at(spread)}


def positions_at(starts: list[int]) -> list[dict | None]:
    """For pages starting at these row numbers of the default ordering (newest first): None
    for the first page, else the row just before the page, with what each target needs to
    ask for the page after that row."""
    from partners.models import PublishedOperation

    rows = PublishedOperation.objects.order_by("-date_start", "-id").values_list("date_start", "id")
    found: dict[int, dict | None] = {0: None}
    wanted = set(starts)
    run_start, previous_date, last = 0, None, None  # where this date's rows begin; the date before
    for index, (date, publication) in enumerate(rows.iterator(chunk_size=10_000)):
        if last is not None and date != last:
            run_start, previous_date = index, last
        last = date
        if index + 1 in wanted:
            found[index + 1] = {
                "date": date,
                "publication": publication,
                # DRF's CursorPagination: rows strictly before the previous date, skipping
                # those of this date up to this row.
                "drf_position": previous_date,
                "drf_offset": index - run_start + 1,
            }
    return [found[start] for start in starts]


def page_path(name: str, position: dict | None) -> str:
    """The URL of the page after `position` (the first page for None) on target `name`."""
    import base64

    path = TARGETS[name]
    if position is None:
        return path
    if name == "real":
        # The cursor of partners.api.pagination, as its `next` links carry it (checked).
        token = {"o": "-date", "v": position["date"].isoformat(), "id": position["publication"]}
        cursor = base64.urlsafe_b64encode(orjson.dumps(token)).rstrip(b"=").decode("ascii")
    elif name == "baseline":
        # DRF's CursorPagination cursor: base64 of a query string, position and offset.
        tokens = {"o": str(position["drf_offset"])}
        if position["drf_position"] is not None:
            tokens["p"] = position["drf_position"].isoformat()
        cursor = base64.b64encode(urllib.parse.urlencode(tokens).encode("ascii")).decode("ascii")
    else:
        return f"{path}?before_date={position['date'].isoformat()}&before_id={position['publication']}"
    return f"{path}?{urllib.parse.urlencode({'cursor': cursor})}"


def check_pages(port: int, headers: dict, positions: list[dict | None]) -> dict[str, list[str]]:
    """The paths of these pages for every target, once checked: all targets return the same
    operations on every page, the floor's documents are the real ones and the baseline's
    equal them too (decimals compared by value)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def get(path: str) -> dict:
        status, body = request(connection, path, headers)
        assert status == 200, (path, status, body[:300])
        return orjson.loads(body)

    pages = {name: [page_path(name, p) for p in positions] for name in TARGETS}
    results = {name: [get(path)["results"] for path in pages[name]] for name in TARGETS}
    real_ids = [[doc["id"] for doc in page] for page in results["real"]]
    assert all(len(ids) == PAGE_SIZE for ids in real_ids), "a page is not full"
    for name in TARGETS:
        ids = [[doc["id"] for doc in page] for page in results[name]]
        assert ids == real_ids, f"{name} does not serve the real endpoint's pages"
    assert results["floor"] == results["real"], "the floor's documents differ from the real ones"
    for real, baseline in zip(results["real"], results["baseline"], strict=True):
        for a, b in zip(real, baseline, strict=True):
            differ = [k for k in a.keys() | b.keys() if canonical(a).get(k) != canonical(b).get(k)]
            assert not differ, f"baseline document {b['id']} differs from the real one in {differ}: {a=} {b=}"
    for real, tables in zip(results["real"], results["floor-tables"], strict=True):
        for a, b in zip(real, tables, strict=True):
            assert a.keys() == b.keys(), f"floor-tables document {b['id']} has other fields"
            for key in ("evidence_items", "detainees", "citations", "agencies", "destinations", "transit"):
                assert len(a[key]) == len(b[key]), f"floor-tables document {b['id']}: {key}"
    return pages


def check_next_links(port: int, headers: dict) -> None:
    """That the page after the first, asked for as this script does, is the one each paginated
    endpoint's own `next` link gives."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    [after_first] = positions_at([PAGE_SIZE])
    for name in ("real", "baseline"):
        status, body = request(connection, TARGETS[name], headers)
        status, body = request(connection, path_of(orjson.loads(body)["next"]), headers)
        genuine = [doc["id"] for doc in orjson.loads(body)["results"]]
        status, body = request(connection, page_path(name, after_first), headers)
        made = [doc["id"] for doc in orjson.loads(body)["results"]]
        assert genuine == made, f"{name}: the second page differs from the one its `next` link gives"


def canonical(document: dict) -> dict:
    """A document with its decimal strings compared by value ("120" == "120.000000")."""
    items = [
        {
            **item,
            **{k: None if item[k] is None else str(Decimal(item[k]).normalize()) for k in ("quantity", "quantity_kg")},
        }
        for item in document["evidence_items"]
    ]
    return {**document, "evidence_items": items}


def load(port: int, headers: dict, paths: list[str], requests: int, concurrency: int, start: int = 0):
    """`requests` GETs by `concurrency` threads, each request to the next page of `paths`.
    Returns (latencies in seconds, wall seconds, bytes received)."""
    counter = itertools.count()
    latencies: list[float] = []
    received = [0]
    errors: list[str] = []

    def worker():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            i = next(counter)
            if i >= requests:
                return
            path = paths[(start + i) % len(paths)]
            began = time.perf_counter()
            status, body = request(connection, path, headers)
            latencies.append(time.perf_counter() - began)
            received[0] += len(body)
            if status != 200:
                errors.append(f"{status} on {path}: {body[:200]!r}")
                return

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    if errors:
        raise RuntimeError(errors[0])
    return latencies, wall, received[0]


def measure(port, headers, pages, *, requests: int, rounds: int, concurrency: int, log) -> dict:
    """Each target warmed up on its pages, then `requests` requests to each, in `rounds` turns."""
    per_round = max(1, requests // rounds)
    for name in TARGETS:
        load(port, headers, pages[name], max(2 * concurrency, len(pages[name])), concurrency)
    totals = {name: {"latencies": [], "wall": 0.0, "bytes": 0, "requests": 0, "client": 0.0} for name in TARGETS}
    for r in range(rounds):
        for name in TARGETS:
            cpu = time.process_time()
            latencies, wall, received = load(port, headers, pages[name], per_round, concurrency, start=r * per_round)
            total = totals[name]
            total["client"] += time.process_time() - cpu
            total["latencies"] += latencies
            total["wall"] += wall
            total["bytes"] += received
            total["requests"] += per_round
        log(
            f"  round {r + 1}/{rounds}: "
            + ", ".join(f"{name} {totals[name]['requests'] / totals[name]['wall']:.1f}/s" for name in TARGETS)
        )
    results = {}
    for name, total in totals.items():
        cuts = statistics.quantiles(total["latencies"], n=100, method="inclusive")
        results[name] = {
            "requests": total["requests"],
            "rps": total["requests"] / total["wall"],
            "p50": cuts[49] * 1000,
            "p95": cuts[94] * 1000,
            "bytes": total["bytes"] / total["requests"],
            "client": total["client"] / total["requests"] * 1000,
        }
    return results


# --- The run ---------------------------------------------------------------------------------


def postgres_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0]


def database_sizes() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_size_pretty(pg_database_size(current_database())),"
            " pg_size_pretty(pg_total_relation_size('partners_publishedoperation')),"
            " avg(octet_length(document))::int FROM partners_publishedoperation"
        )
        total, published, document = cursor.fetchone()
    return f"database {total}, published operations table {published}, {document:,} bytes per public document"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--operations", type=int, default=100_000, help="verified operations to seed")
    parser.add_argument("--requests", type=int, default=300, help="measured requests per target and page set")
    parser.add_argument("--rounds", type=int, default=5, help="turns the targets take, per page set")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--pages", type=int, default=20, help="distinct pages in each page set")
    parser.add_argument("--batch", type=int, default=5000, help="operations written per transaction")
    parser.add_argument("--seed", type=int, default=20250115, help="of the random data")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--keep-db", action="store_true", help="leave the database for a later look")
    args = parser.parse_args()

    def log(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    database_name(args.database_url)
    os.environ.update(DJANGO_SETTINGS_MODULE=SETTINGS, DATABASE_URL=args.database_url, DJANGO_ENV="development")
    began = time.perf_counter()
    drop_database(args.database_url, create_again=True)
    server = None
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        from partners.services import partner_key_create

        log(f"migrating {args.database_url}")
        call_command("migrate", verbosity=0)
        log(f"seeding {args.operations:,} verified operations")
        started = time.perf_counter()
        refs = seed(
            args.operations,
            seed=args.seed,
            batch=args.batch,
            progress=lambda done: log(f"  {done:,} ({done / (time.perf_counter() - started):,.0f}/s)"),
        )
        seeding = time.perf_counter() - started
        log("checking the published documents against the real code path")
        checked = check_publications(refs, seed=args.seed)
        _, key = partner_key_create(organisation="Benchmark", name="benchmark")
        headers = {"Authorization": f"Api-Key {key}"}
        log("counting queries; timing the page query by depth")
        counts = query_counts(key)
        depth = page_query_costs(key)
        sizes = database_sizes()
        version = postgres_version()
        positions = page_sets(args.pages)

        server, port = start_gunicorn(workers=args.workers, database_url=args.database_url)
        log(f"gunicorn on port {port} ({args.workers} sync workers); checking the pages every target serves")
        check_next_links(port, headers)
        pages = {label: check_pages(port, headers, p) for label, p in positions.items()}
        connections.close_all()
        results = {}
        load_before = os.getloadavg()
        for label, paths in pages.items():
            log(
                f"measuring {label}: {args.requests} requests per target, {args.rounds} rounds, {args.concurrency} threads"
            )
            results[label] = measure(
                port, headers, paths, requests=args.requests, rounds=args.rounds, concurrency=args.concurrency, log=log
            )
        load_after = os.getloadavg()
    finally:
        if server is not None:
            stop(server)
        from django.db import connections

        connections.close_all()
        if args.keep_db:
            log(f"kept {args.database_url}")
        else:
            drop_database(args.database_url)

    report(
        args,
        results,
        counts,
        depth=depth,
        checked=checked,
        seeding=seeding,
        sizes=sizes,
        version=version,
        load_average=(load_before, load_after),
        elapsed=time.perf_counter() - began,
    )


def report(args, results, counts, *, depth, checked, seeding, sizes, version, load_average, elapsed) -> None:
    print(f"date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")
    print(f"machine: {machine()}, PostgreSQL {version}")
    before, after = load_average
    print(f"load average (1, 5, 15 min): {before[0]:.2f} {before[1]:.2f} {before[2]:.2f} before measuring, "
          f"{after[0]:.2f} {after[1]:.2f} {after[2]:.2f} after")  # fmt: skip
    print(
        f"data: {args.operations:,} verified operations seeded in {seeding:.0f} s "
        f"({args.operations / seeding:,.0f}/s); {sizes}"
    )
    print(f"checked: {checked}")
    print(
        f"load: gunicorn, {args.workers} sync workers; {args.concurrency} client threads on the same machine; "
        f"per page set, {args.pages} pages of {PAGE_SIZE}, the same operations for every target, "
        f"{args.requests} requests per target in {args.rounds} interleaved rounds"
    )
    print()
    print("SQL queries per request (page size 10 / 100):")
    for name, by_size in counts.items():
        print(f"  {name:<13} {by_size[10]:>3} / {by_size[100]}")
    print()
    print("The page query by the page's depth in the list (EXPLAIN ANALYZE, best of 3):")
    for label, by_target in depth:
        for name, c in by_target.items():
            print(
                f"  {label:<11} {name:<6} {c['ms']:>7.2f} ms, {c['read']:>7,} rows read for {c['returned']:,} returned;"
                f" {c['plan']}; index range: {c['range']}"
            )
    for label, by_target in results.items():
        real = by_target["real"]
        print()
        print(f"{label}:")
        header = (
            f"{'target':<13} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'KB/resp':>8}"
            f" {'client ms':>9} {'real/this':>10}"
        )
        print(header)
        print("-" * len(header))
        for name, r in by_target.items():
            print(
                f"{name:<13} {r['requests']:>8} {r['rps']:>8.1f} {r['p50']:>8.1f} {r['p95']:>8.1f}"
                f" {r['bytes'] / 1024:>8.1f} {r['client']:>9.2f} {real['rps'] / r['rps']:>9.2f}x"
            )
        for other, target, wording in (("baseline", 5, ""), ("floor", 0.5, ", within 2x of the floor")):
            ratio = real["rps"] / by_target[other]["rps"]
            verdict = "met" if ratio >= target else "NOT met"
            print(f"real / {other + ' throughput:':<20} {ratio:5.2f}x (target >= {target}x{wording}: {verdict})")
    print()
    print(f"total run time: {elapsed / 60:.1f} min")


if __name__ == "__main__":
    main()
