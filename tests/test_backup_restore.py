"""bin/backup and bin/restore (docs/backup.md): a dump restored into a fresh database holds
every verified record, the documents partners are served, and the whole history."""

import datetime
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection
from psycopg import sql

from partners.models import PublishedOperation
from seizures.models import Agency, Country, Detainee, EvidenceItem, Operation
from seizures.services import (
    operation_create,
    operation_reject,
    operation_submit,
    operation_touch,
    operation_update,
)
from sources.models import Citation
from sources.services import citation_create, source_create
from tests import factories

ROOT = Path(__file__).resolve().parent.parent
PROJECT_APPS = ["seizures", "sources", "partners"]
HISTORY_OF = [Operation, EvidenceItem, Detainee, Citation]

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="pg_dump and pg_restore need PostgreSQL: this test runs in CI's PostgreSQL pass "
    "(DATABASE_URL=postgres://postgres@127.0.0.1:5432/test).",
)

REPORT = (
    "Police seized 120 kilograms of cocaine at the port of Paita on Thursday. "
    "Ana Quispe Mamani, 34, was detained as the courier. "
    "The shipment was bound for Spain. "
    "In Callao, officers found 850 grams of cocaine in a parcel. "
    "A third report counted the national total for the month."
)


# --- the database, its URL and its copy ------------------------------------------------------


def conninfo(name: str) -> dict:
    """psycopg connection arguments for database `name` on the test database's server."""
    settings = connection.settings_dict
    params = {
        "dbname": name,
        "user": settings["USER"],
        "password": settings["PASSWORD"],
        "host": settings["HOST"],
        "port": str(settings["PORT"] or ""),
    }
    return {key: value for key, value in params.items() if value}


def database_url(name: str) -> str:
    """DATABASE_URL of database `name` on the test database's server, as the scripts take it."""
    settings = connection.settings_dict
    userinfo = quote(settings["USER"] or "", safe="")
    if settings["PASSWORD"]:
        userinfo += ":" + quote(settings["PASSWORD"], safe="")
    port = f":{settings['PORT']}" if settings["PORT"] else ""
    host = quote(settings["HOST"] or "", safe="")
    return f"postgres://{userinfo + '@' if userinfo else ''}{host}{port}/{quote(name, safe='')}"


def run(*args: str, database: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database, "PYTHON": sys.executable}
    return subprocess.run([str(ROOT / "bin" / args[0]), *args[1:]], env=env, capture_output=True, text=True, timeout=60)


@pytest.fixture
def scratch_database():
    """The name of a database that does not exist yet; dropped after the test, whatever happens."""
    name = f"{connection.settings_dict['NAME'][:30]}_restored_{uuid.uuid4().hex[:8]}"
    yield name
    with psycopg.connect(**conninfo("postgres"), autocommit=True) as server:
        server.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def project_tables() -> dict[str, str]:
    """Table name to primary-key column of every model of the project's apps, history and
    many-to-many tables included."""
    return {
        model._meta.db_table: model._meta.pk.column
        for label in PROJECT_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    }


def contents(name: str) -> dict:
    """What a comparison of two copies of the database looks at, read over a connection of its own."""
    user_table = get_user_model()._meta.db_table
    with psycopg.connect(**conninfo(name)) as conn:

        def rows(query, *identifiers):
            return conn.execute(sql.SQL(query).format(*map(sql.Identifier, identifiers))).fetchall()

        tables = [t for (t,) in rows("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
        return {
            "counts": {table: rows("SELECT count(*) FROM {}", table)[0][0] for table in tables},
            "sequences": dict(rows("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")),
            "project rows": {
                table: rows("SELECT * FROM {} ORDER BY {}", table, pk) for table, pk in project_tables().items()
            },
            "verified operations": rows(
                "SELECT * FROM {} WHERE status = 'verified' ORDER BY id", Operation._meta.db_table
            ),
            "published documents": rows(
                "SELECT operation_id, public_id, version, document, document_personal FROM {} ORDER BY operation_id",
                PublishedOperation._meta.db_table,
            ),
            "history": {
                model.__name__: rows(
                    "SELECT h.history_id, h.id, h.history_type, h.history_date, u.username, h.history_change_reason"
                    " FROM {} h LEFT JOIN {} u ON u.id = h.history_user_id ORDER BY h.history_id",
                    model.history.model._meta.db_table,
                    user_table,
                )
                for model in HISTORY_OF
            },
        }


# --- a realistic case, built through the services ------------------------------------------------


def build_case() -> dict:
    """Operations verified with the four-eyes rule (edits by one person, verification by
    another), one edited after verification, one rejected; citations, a named detainee, and
    the documents published for partners."""
    editor = factories.editor(username="eddie")
    rita = factories.reviewer(username="rita")
    raul = factories.reviewer(username="raul")
    factories.partner_api_key(personal_data=True)
    factories.partner_api_key()
    peru, spain = Country.objects.get(code="PE"), Country.objects.get(code="ES")
    agency = Agency.objects.filter(country=peru).order_by("pk").first()

    source = source_create(by=editor, source=factories.SourceFactory.build(text=REPORT, outlet="Andina"))

    def cite(operation, quote, *, by, **target):
        return citation_create(by=by, source=source, operation=operation, quote=quote, **target)

    def add(row, *, by):
        row.full_clean()
        row._history_user = by
        row.save()
        if by is not None:
            operation_touch(operation=row.operation, by=by, reason=f"{row._meta.verbose_name} added")
        return row

    # Drafted by an editor, submitted, verified by a reviewer.
    paita = operation_create(
        by=editor,
        operation=Operation(
            date_start=datetime.date(2021, 2, 11),
            country=peru,
            place="Paita Port",
            summary="120 kg of cocaine bound for Spain; Ana Quispe Mamani detained.",
        ),
    )
    paita.agencies.add(agency)
    paita.destinations.add(spain)
    item = add(EvidenceItem(operation=paita, category="drug", drug_type="cocaine", quantity=120, unit="kg"), by=editor)
    ana = add(
        Detainee(operation=paita, name="Ana Quispe Mamani", age=34, sex="female", role="courier", nationality=peru),
        by=editor,
    )
    cite(paita, "Police seized 120 kilograms of cocaine at the port of Paita on Thursday.", by=editor)
    cite(paita, "Ana Quispe Mamani, 34, was detained as the courier.", by=editor, detainee=ana)
    cite(paita, "The shipment was bound for Spain.", by=editor, evidence_item=item)
    operation_submit(operation=paita, by=editor)
    factories.verify_checked(operation=paita, by=rita)

    # A machine draft, corrected by one reviewer and verified by the other, then edited again
    # after verification: partners keep the verified version while the edit waits.
    callao = operation_create(by=None, operation=Operation(date_start=datetime.date(2021, 2, 12), country=peru))
    add(EvidenceItem(operation=callao, category="drug", drug_type="cocaine", quantity=850, unit="g"), by=None)
    cite(callao, "In Callao, officers found 850 grams of cocaine in a parcel.", by=None)
    corrected = Operation.objects.get(pk=callao.pk)
    corrected.place = "Callao"
    operation_update(operation=corrected, by=raul, reason="place from the source")
    factories.verify_checked(operation=callao, by=rita)
    pending = Operation.objects.get(pk=callao.pk)
    pending.place = "Callao, Jorge Chávez airport"
    operation_update(operation=pending, by=editor)

    # Created and submitted in one go by the editor, verified by the second reviewer.
    piura = operation_create(
        by=editor,
        submit=True,
        operation=Operation(date_start=datetime.date(2021, 2, 14), country=peru, place="Sullana"),
    )
    add(EvidenceItem(operation=piura, category="drug", drug_type="cocaine", quantity=120, unit="kg"), by=editor)
    cite(piura, "Police seized 120 kilograms of cocaine at the port of Paita on Thursday.", by=editor)
    factories.verify_checked(operation=piura, by=raul)

    # An aggregate figure, not an event: rejected.
    total = operation_create(by=None, operation=Operation(date_start=datetime.date(2021, 2, 28), country=peru))
    cite(total, "A third report counted the national total for the month.", by=None)
    operation_reject(operation=total, by=rita, reason="a monthly total, not a seizure event")

    return {"paita": paita, "callao": callao, "piura": piura, "total": total}


# --- the tests ---------------------------------------------------------------------------------


@on_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_restored_dump_holds_every_verified_record_its_publication_and_its_history(tmp_path, scratch_database):
    case = build_case()
    original_name = connection.settings_dict["NAME"]
    dump = tmp_path / "backups" / "seizures.dump"

    backup = run("backup", str(dump), database=database_url(original_name))
    assert backup.returncode == 0, backup.stderr
    assert str(dump) in backup.stdout
    assert f"{dump.stat().st_size} bytes" in backup.stdout
    assert [p.name for p in dump.parent.iterdir()] == ["seizures.dump"]  # no temporary file left
    assert dump.stat().st_mode & 0o077 == 0  # personal data: readable by its owner only

    restore = run("restore", str(dump), database=database_url(scratch_database))
    assert restore.returncode == 0, restore.stderr
    assert "every migration of this code is applied" in restore.stdout
    assert "2 verified, 3 published to partners" in restore.stdout

    original = contents(original_name)
    restored = contents(scratch_database)

    # Every verified operation, with the same values in every field.
    assert [row[0] for row in restored["verified operations"]] == [case["paita"].pk, case["piura"].pk]
    assert restored["verified operations"] == original["verified operations"]

    # What partners are served: the same documents, byte for byte, and still the verified
    # version of the operation whose later edit waits for review.
    assert restored["published documents"] == original["published documents"]
    served = {op_id: (document, personal) for op_id, _, _, document, personal in restored["published documents"]}
    assert set(served) == {case["paita"].pk, case["callao"].pk, case["piura"].pk}
    assert served == {
        p.operation_id: (p.document, p.document_personal) for p in PublishedOperation.objects.order_by("operation_id")
    }
    assert '"place":"Callao"' in served[case["callao"].pk][0]
    with psycopg.connect(**conninfo(scratch_database)) as conn:
        pending = conn.execute(
            "SELECT status, place, verified_version_id IS NOT NULL FROM seizures_operation WHERE id = %s",
            [case["callao"].pk],
        ).fetchone()
    assert pending == ("needs_review", "Callao, Jorge Chávez airport", True)
    assert "Ana Quispe Mamani" in served[case["paita"].pk][1]
    assert "Ana Quispe Mamani" not in served[case["paita"].pk][0]

    # Every history row: who, when, what and why.
    assert restored["history"] == original["history"]
    for model in HISTORY_OF:
        expected = [
            (h.history_id, h.id, h.history_type, h.history_date, h.history_user and h.history_user.username)
            for h in model.history.select_related("history_user").order_by("history_id")
        ]
        assert expected, model
        assert [row[:5] for row in restored["history"][model.__name__]] == expected
    paita_history = [
        (user, reason) for _, op_id, _, _, user, reason in restored["history"]["Operation"] if op_id == case["paita"].pk
    ]
    assert list(dict.fromkeys(paita_history)) == [
        ("eddie", "created"),
        ("eddie", "evidence item added"),
        ("eddie", "detainee added"),
        ("eddie", "citation added"),
        ("eddie", "submitted for review"),
        ("rita", "verified (version 1)"),
    ]
    assert ("rita", "rejected: a monthly total, not a seizure event") in [
        row[4:] for row in restored["history"]["Operation"] if row[1] == case["total"].pk
    ]

    # Everything else too: every row of the project's tables, every table's count, and the
    # sequences, so that new rows in the restored database do not collide with old ones.
    assert restored["project rows"] == original["project rows"]
    assert restored["counts"] == original["counts"]
    assert set(project_tables()) <= set(restored["counts"])
    assert restored["sequences"] == original["sequences"]
    assert restored["counts"][Operation.history.model._meta.db_table] > 10

    # A database with tables is not restored over...
    refused = run("restore", str(dump), database=database_url(scratch_database))
    assert refused.returncode == 1
    assert f"refusing to restore over database {scratch_database}" in refused.stderr
    assert "--force" in refused.stderr

    # ...unless asked to: then it is replaced by a complete copy.
    with psycopg.connect(**conninfo(scratch_database), autocommit=True) as conn:
        conn.execute("UPDATE seizures_operation SET place = 'changed since the backup'")
        conn.execute("CREATE TABLE not_in_the_dump (id int)")
    forced = run("restore", "--force", str(dump), database=database_url(scratch_database))
    assert forced.returncode == 0, forced.stderr
    assert contents(scratch_database) == restored


def test_backup_refuses_a_sqlite_database(tmp_path):
    dump = tmp_path / "seizures.dump"

    result = run("backup", str(dump), database="sqlite:///db.sqlite3")

    assert result.returncode == 1
    assert "DATABASE_URL is a SQLite database" in result.stderr
    assert "PostgreSQL only" in result.stderr
    assert list(tmp_path.iterdir()) == []


@on_postgresql
def test_a_failed_backup_leaves_no_file(tmp_path):
    missing = f"{connection.settings_dict['NAME'][:30]}_missing_{uuid.uuid4().hex[:8]}"
    dump = tmp_path / "seizures.dump"

    result = run("backup", str(dump), database=database_url(missing))

    assert result.returncode == 1
    assert f"pg_dump of database {missing} failed" in result.stderr
    assert list(tmp_path.iterdir()) == []
