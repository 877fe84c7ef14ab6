"""Batch ingest under faults: a worker killed mid-file, Redis stopped mid-batch, a cancel.

    .venv/bin/python benchmarks/batch_faults.py            # long form: 10,000 articles
    .venv/bin/python benchmarks/batch_faults.py --short    # CI: 300 articles, under a minute

Real processes, as deployed: Celery workers (`celery -A config worker`) on Redis, PostgreSQL,
and `manage.py ingest_batch` as an operator would run it. On its own database (created and
dropped; --keep-db keeps it) and its own Redis database number, so nothing else is touched.

1. N distinct articles are written to a folder and sent as one batch to two worker processes.
2. At a fifth done, the whole worker (its main process and children) is killed with
   SIGKILL, mid-file. Checked: no partial record (every source belongs to exactly one item
   marked created, every pending item still has its bytes). A new worker and
   `ingest_batch resume` go on from there.
3. At 40% the batch is cancelled: workers stop after the file in hand; then resumed.
4. At 60% Redis is stopped (shutdown, nothing saved: a broker that comes back empty) for a
   few seconds, then started again. Checked: the files in hand keep going in; after Redis is
   back the workers reconnect and `/healthz`'s broker check passes; `ingest_batch resume`
   sends out whatever message was lost.
5. At the end: every article is a source exactly once, no item is lost, failed or pending,
   and the sources' count equals N.

Exits non-zero if any check fails. Redis is always started again, and the workers stopped,
even when the script fails.
"""

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
CELERY = str(ROOT / ".venv" / "bin" / "celery")
REDIS_START = (
    'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no '
    "--dir /var/lib/redis --logfile /var/log/redis/ci.log"
)

TOWNS = ["Callao", "Paita", "Trujillo", "Chiclayo", "Piura", "Tumbes", "Arequipa", "Cusco", "Puno", "Iquitos"]
DRUGS = ["cocaine", "cocaine paste", "marijuana", "cocaine hydrochloride"]


def article(n: int) -> str:
    town, drug = TOWNS[n % len(TOWNS)], DRUGS[n % len(DRUGS)]
    day, kilos, held = n % 27 + 1, 11 + (n * 37) % 900, 1 + n % 4
    return (
        f"Police in {town}, Peru, seized {kilos} kg of {drug} on February {day}, 2021, in an operation "
        f"against a trafficking network. {held} people were detained at the scene. "
        f"The seizure was announced in bulletin {n:06d} of the regional command.\n"
    )


class Fail(Exception):
    pass


def check(condition: bool, what: str, log) -> None:
    if not condition:
        raise Fail(what)
    log(f"  ok: {what}")


class Setup:
    def __init__(self, args, log):
        self.args, self.log = args, log
        self.database_url = f"postgres://postgres@127.0.0.1:5432/{args.database}"
        self.env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "REDIS_URL": f"redis://127.0.0.1:6379/{args.redis_db}",
            "DJANGO_ENV": "development",
            "DEBUG": "0",
            "LOG_LEVEL": "WARNING",
        }
        self.workers: list[subprocess.Popen] = []

    # --- Processes ---------------------------------------------------------------------------

    def manage(self, *args, check_rc=True, timeout=600) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if check_rc and result.returncode != 0:
            raise Fail(f"manage.py {' '.join(args)} failed: {result.stderr.strip()[-800:]}")
        return result

    def start_worker(self, name: str) -> subprocess.Popen:
        worker = subprocess.Popen(
            [CELERY, "-A", "config", "worker", "-n", f"{name}@%h", "-c", str(self.args.concurrency), "-l", "WARNING"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=open(ROOT / "var" / f"batch_faults_{name}.log", "w"),  # noqa: SIM115
            start_new_session=True,  # its own process group: killed whole, children too
        )
        self.workers.append(worker)
        return worker

    def kill(self, worker: subprocess.Popen, sig=signal.SIGKILL) -> None:
        try:
            os.killpg(worker.pid, sig)
        except ProcessLookupError:
            pass
        worker.wait(timeout=30)

    def stop_all(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                self.kill(worker, signal.SIGTERM)

    # --- Database ---------------------------------------------------------------------------

    def maintenance(self):
        return psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True)

    def create_database(self) -> None:
        with self.maintenance() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.args.database}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{self.args.database}"')
        self.manage("migrate", "--no-input", "-v0")

    def drop_database(self) -> None:
        with self.maintenance() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.args.database}" WITH (FORCE)')

    def query(self, sql: str, params=()):
        with psycopg.connect(self.database_url, autocommit=True) as connection:
            return connection.execute(sql, params).fetchall()

    def progress(self, batch: int) -> dict[str, int]:
        rows = self.query(
            "SELECT status, count(*) FROM sources_ingestitem WHERE batch_id = %s GROUP BY status", [batch]
        )
        counts = dict.fromkeys(("pending", "created", "duplicate", "failed"), 0)
        counts.update({status: n for status, n in rows})
        return counts

    def batch_status(self, batch: int) -> str:
        return self.query("SELECT status FROM sources_ingestbatch WHERE id = %s", [batch])[0][0]

    def wait_until(self, batch: int, done_share: float, *, timeout: float) -> dict[str, int]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            counts = self.progress(batch)
            if (self.args.articles - counts["pending"]) >= done_share * self.args.articles:
                return counts
            time.sleep(0.2)
        raise Fail(f"batch #{batch} did not reach {done_share:.0%} in {timeout:.0f} s: {self.progress(batch)}")

    def consistent(self, batch: int, what: str) -> None:
        """No partial record: each source is one item's, created; pending items keep their bytes."""
        orphans = self.query(
            "SELECT count(*) FROM sources_source s WHERE NOT EXISTS "
            "(SELECT 1 FROM sources_ingestitem i WHERE i.source_id = s.id AND i.status = 'created')"
        )[0][0]
        shared = self.query(
            "SELECT count(*) FROM (SELECT source_id FROM sources_ingestitem WHERE status = 'created' "
            "GROUP BY source_id HAVING count(*) > 1) twice"
        )[0][0]
        empty_pending = self.query(
            "SELECT count(*) FROM sources_ingestitem WHERE batch_id = %s AND status = 'pending' "
            "AND octet_length(content) = 0",
            [batch],
        )[0][0]
        drafts_without_source = self.query(
            "SELECT count(*) FROM seizures_operation o WHERE NOT EXISTS "
            "(SELECT 1 FROM sources_citation c WHERE c.operation_id = o.id)"
        )[0][0]
        check(
            (orphans, shared, empty_pending, drafts_without_source) == (0, 0, 0, 0),
            f"{what}: no partial record (sources without their item: {orphans}, items sharing a source: {shared}, "
            f"pending items without bytes: {empty_pending}, drafts without a citation: {drafts_without_source})",
            self.log,
        )

    def healthz_broker(self) -> str:
        script = (
            "from django.test import Client; import json;"
            "print(json.loads(Client().get('/healthz').content)['checks']['broker'])"
        )
        return self.manage("shell", "--no-imports", "-c", script, check_rc=False).stdout.strip()


def redis(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["redis-cli", "-p", "6379", *args], capture_output=True, text=True, timeout=30)


def redis_up() -> bool:
    return redis("ping").stdout.strip() == "PONG"


def start_redis() -> None:
    if not redis_up():
        subprocess.run(REDIS_START, shell=True, check=True, timeout=30)
        for _ in range(50):
            if redis_up():
                return
            time.sleep(0.1)
        raise Fail("Redis did not come back")


def run(args, log) -> dict:
    figures: dict = {}
    setup = Setup(args, log)
    (ROOT / "var").mkdir(exist_ok=True)
    start_redis()
    redis("-n", str(args.redis_db), "flushdb")
    setup.create_database()
    with tempfile.TemporaryDirectory() as folder:
        for n in range(1, args.articles + 1):
            (Path(folder) / f"{n:06d}.txt").write_text(article(n))
        log(f"{args.articles:,} articles written; starting two workers")
        first = setup.start_worker("first")
        setup.start_worker("second")
        started = time.monotonic()
        out = setup.manage("ingest_batch", "start", folder, "--workers", "4", "--no-wait", "--outlet", "Bulletin")
        batch = int(out.stdout.split("Batch #", 1)[1].split(":", 1)[0].split(" ", 1)[0])

        # 1. A worker killed mid-file.
        setup.wait_until(batch, 0.2, timeout=args.timeout)
        setup.kill(first)
        killed_at = setup.progress(batch)
        log(f"killed the first worker (SIGKILL, its whole process group) at {killed_at}")
        setup.consistent(batch, "after the kill")
        figures["killed_at_done"] = args.articles - killed_at["pending"]
        setup.start_worker("third")
        resumed = setup.manage("ingest_batch", "resume", str(batch), "--no-wait")
        log(f"  {resumed.stdout.strip().splitlines()[-1]}")

        # 2. Cancel, then resume.
        setup.wait_until(batch, 0.4, timeout=args.timeout)
        setup.manage("ingest_batch", "cancel", str(batch))
        time.sleep(3)  # the files in hand finish
        frozen = setup.progress(batch)
        time.sleep(2)
        check(setup.batch_status(batch) == "cancelled", "the batch is cancelled", log)
        check(setup.progress(batch) == frozen, f"no file is taken after the cancel ({frozen})", log)
        setup.consistent(batch, "after the cancel")
        setup.manage("ingest_batch", "resume", str(batch), "--no-wait")

        # 3. Redis stopped for a while; it comes back empty.
        setup.wait_until(batch, 0.6, timeout=args.timeout)
        before = setup.progress(batch)
        redis("shutdown", "nosave")
        stopped = time.monotonic()
        check(not redis_up(), "Redis is down", log)
        time.sleep(args.outage)
        during = setup.progress(batch)
        figures["done_during_outage"] = before["pending"] - during["pending"]
        log(f"  files taken in while Redis was down ({args.outage:.0f} s): {figures['done_during_outage']}")
        broker_down = setup.healthz_broker()
        check(broker_down == "unavailable", f"/healthz reports the broker down ({broker_down})", log)
        start_redis()
        figures["redis_outage_s"] = round(time.monotonic() - stopped, 1)
        setup.consistent(batch, "after the Redis outage")
        broker = ""
        for _ in range(30):
            broker = setup.healthz_broker()
            if broker == "ok":
                break
            time.sleep(1)
        check(broker == "ok", "/healthz reaches the broker again", log)
        # Redis came back empty: send the batch out again (items done stay done).
        if setup.progress(batch)["pending"]:
            setup.manage("ingest_batch", "resume", str(batch), "--no-wait")

        # 4. The end.
        setup.wait_until(batch, 1.0, timeout=args.timeout)
        deadline = time.monotonic() + 30
        while setup.batch_status(batch) != "done" and time.monotonic() < deadline:
            time.sleep(0.2)
        figures["seconds"] = round(time.monotonic() - started, 1)
        final = setup.progress(batch)
        sources = setup.query("SELECT count(*) FROM sources_source")[0][0]
        check(setup.batch_status(batch) == "done", "the batch is done", log)
        check(
            final == {"pending": 0, "created": args.articles, "duplicate": 0, "failed": 0},
            f"every article was taken in once: {final}",
            log,
        )
        check(sources == args.articles, f"{sources:,} sources for {args.articles:,} articles", log)
        setup.consistent(batch, "at the end")
        figures["files_per_second"] = round(args.articles / figures["seconds"], 1)
    setup.stop_all()
    if not args.keep_db:
        setup.drop_database()
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="CI's form: 300 articles")
    parser.add_argument("--articles", type=int)
    parser.add_argument("--concurrency", type=int, default=1, help="processes per worker (default 1)")
    parser.add_argument("--outage", type=float, default=3.0, help="seconds Redis stays down")
    parser.add_argument("--timeout", type=float, help="seconds to wait for each stage")
    parser.add_argument("--database", default="batch_faults")
    parser.add_argument("--redis-db", type=int, default=9)
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    args.articles = args.articles or (300 if args.short else 10_000)
    args.timeout = args.timeout or (120 if args.short else 3600)

    def log(line: str) -> None:
        print(line, flush=True)

    try:
        figures = run(args, log)
    except Fail as failure:
        log(f"FAILED: {failure}")
        sys.exit(1)
    finally:
        start_redis()
        for line in subprocess.run(
            ["pgrep", "-f", "celery -A config worker -n"], capture_output=True, text=True
        ).stdout.split():
            try:
                os.killpg(int(line), signal.SIGTERM)
            except (ProcessLookupError, PermissionError):
                pass
    log(
        f"\nBatch of {args.articles:,} articles with a worker killed, Redis stopped {figures['redis_outage_s']} s "
        f"and a cancel: done in {figures['seconds']} s ({figures['files_per_second']} files/s), every file "
        f"taken in exactly once. Worker killed at {figures['killed_at_done']:,} done; "
        f"{figures['done_during_outage']} files taken in while Redis was down."
    )


if __name__ == "__main__":
    main()
