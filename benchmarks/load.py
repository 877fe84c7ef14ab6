"""Load: the partner API and the review queue served by gunicorn on PostgreSQL, driven by
locust from a second process. Results: docs/reliability.md.

    .venv/bin/python benchmarks/load.py            # long form: 100,000 operations, 60 s
    .venv/bin/python benchmarks/load.py --short    # CI: 3,000 operations, 10 s
        [--operations N] [--in-review N] [--withdrawn N] [--duration S] [--users N]
        [--reviewers N] [--workers 4] [--timeout S] [--redis-url redis://...]
        [--database-url postgres://postgres@127.0.0.1:5432/load_bench] [--keep-db]

What it does:

1. Creates (or resets) its own PostgreSQL database, migrates it and seeds N verified
   operations with the bulk seeding of `benchmarks/partner_api.py` (COPY, seeded random
   data). It adds operations waiting for review (the same generator, not verified), sends a
   few verified ones back to review through `operation_reopen` so that partners have
   removals to fetch, and makes a partner key and a logged-in session for a reviewer.
2. Serves the project as production does: `DJANGO_ENV=production`, `config.wsgi`, gunicorn
   with `--workers` sync workers (and `config/gunicorn.py` when there is one), static files
   collected. Only the partner rate is raised (`PARTNER_API_RATE`), so that the throttle,
   which still runs, never answers 429 to the one key the load uses; and the access log
   names the kind of each request, to give the time spent inside the workers.
3. Asks every kind of request a few times (each must answer 200), then runs locust headless
   (`benchmarks/locustfile.py`) for `--duration` seconds with `--users` users and no think
   time: partners walk operation lists with filters and cursors, open operations, sources,
   stats, removals, CSV and GeoJSON; reviewers open the admin index, the queue with its
   filters and search, and operation pages. locust writes one line per request.
4. Stops gunicorn and drops the database (unless --keep-db), whatever happened.
5. Reports requests per second and p50/p95/p99 latency per kind of request and overall,
   and every request that was not a 200 (a status, a timeout, a reset connection). Exits
   with 1 if there was any, or if a worker timed out or died: that is the check CI runs.

Latency is what the client saw, waiting for a free worker included: with no think time
there are more users than workers. Client, workers and PostgreSQL share the machine.
`benchmarks/faults.py` reuses all of this to restart PostgreSQL under load.
"""

import argparse
import dataclasses
import datetime
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.extraction import machine  # noqa: E402
from benchmarks.partner_api import PLACES, database_name, drop_database, free_port, seed  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/load_bench"
LOCUSTFILE = ROOT / "benchmarks" / "locustfile.py"
GUNICORN_CONFIG = ROOT / "config" / "gunicorn.py"
# The long form is the figure; the short one fits in CI's budget (well under 90 s).
LONG = {"operations": 100_000, "in_review": 2_000, "withdrawn": 50, "duration": 60.0}
SHORT = {"operations": 3_000, "in_review": 300, "withdrawn": 20, "duration": 10.0}
DRUGS = ["cocaine", "cannabis", "heroin", "methamphetamine", "mdma", "fentanyl"]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- What the users ask for ------------------------------------------------------------------
#
# Each kind of request is a name, who asks it (a partner, with the key, or a reviewer, with
# the session cookie), a weight and a function of the sample of seeded data and a random
# generator giving a path and extra headers. The locustfile picks from these by weight; the
# pre-flight check asks each once. "api operations sync" also follows the `next` links.


def _year(rng) -> int:
    return rng.randint(2014, 2024)


def _partner_list_filters(sample, rng) -> str:
    country, other = rng.sample(sample["countries"], 2)
    year = _year(rng)
    return rng.choice(
        [
            f"country={country}&drug={rng.choice(DRUGS)}",
            f"date_from={year}-01-01&date_to={year}-12-31",
            f"drug=cocaine&kg_min={rng.choice([10, 100, 1000])}",
            f"agency={rng.choice(sample['agency_codes'])}",
            f"nationality={other}&destination={rng.choice(sample['foreign'])}",
            f"country={country},{other}&page_size=500",
            f"transit={rng.choice(sample['foreign'])}&ordering=modified",
        ]
    )


def _stats_filters(sample, rng) -> str:
    year = _year(rng)
    return rng.choice(
        [
            "",
            f"?country={rng.choice(sample['countries'])}",
            f"?date_from={year}-01-01&date_to={year}-06-30",
            f"?drug=cocaine&country={rng.choice(sample['countries'])}",
        ]
    )


def _queue_filters(sample, rng) -> str:
    year = _year(rng)
    return rng.choice(
        [
            f"country__code__exact={rng.choice(sample['countries'])}",
            f"drug={rng.choice(DRUGS)}",
            f"date_start__range__gte={year}-01-01&date_start__range__lte={year}-12-31",
            f"agencies__id__exact={rng.choice(sample['agency_ids'])}",
            "status=all",
            f"status=verified&country__code__exact={rng.choice(sample['countries'])}",
            "status=needs_review&o=-2",
        ]
    )


def _search_term(sample, rng) -> str:
    return urllib.parse.quote_plus(rng.choice(sample["search_terms"]))


API = "/api/v1"
QUEUE = "/admin/seizures/operation/"
PARTNER, REVIEWER = "partner", "reviewer"
GEOJSON = {"Accept": "application/geo+json"}
ENDPOINTS = {
    # name: (who, weight, path and headers)
    "api operations": (PARTNER, 3, lambda s, r: (f"{API}/operations/", {})),
    "api operations filtered": (PARTNER, 3, lambda s, r: (f"{API}/operations/?{_partner_list_filters(s, r)}", {})),
    "api operations sync": (
        PARTNER,
        2,
        lambda s, r: (
            f"{API}/operations/?ordering=modified&page_size=500&updated_since="
            + urllib.parse.quote(r.choice(s["modified"])),
            {},
        ),
    ),
    "api operation": (PARTNER, 3, lambda s, r: (f"{API}/operations/{r.choice(s['public_ids'])}/", {})),
    "api stats": (PARTNER, 2, lambda s, r: (f"{API}/stats/{_stats_filters(s, r)}", {})),
    "api removed": (PARTNER, 1, lambda s, r: (f"{API}/operations/removed/?since={s['removed_since']}", {})),
    "api sources": (PARTNER, 1, lambda s, r: (f"{API}/sources/", {})),
    "api source": (PARTNER, 1, lambda s, r: (f"{API}/sources/{r.choice(s['source_ids'])}/", {})),
    "api csv": (
        PARTNER,
        1,
        lambda s, r: (f"{API}/operations/?country={r.choice(s['countries'])}&drug=cocaine&format=csv", {}),
    ),
    "api geojson": (PARTNER, 1, lambda s, r: (f"{API}/operations/?country={r.choice(s['countries'])}", GEOJSON)),
    "api agencies": (PARTNER, 1, lambda s, r: (f"{API}/agencies/", {})),
    "admin index": (REVIEWER, 1, lambda s, r: ("/admin/", {})),
    "queue": (REVIEWER, 3, lambda s, r: (QUEUE, {})),
    "queue inbox": (REVIEWER, 2, lambda s, r: (f"{QUEUE}?inbox=to_review", {})),
    "queue filtered": (REVIEWER, 2, lambda s, r: (f"{QUEUE}?{_queue_filters(s, r)}", {})),
    "queue search": (REVIEWER, 2, lambda s, r: (f"{QUEUE}?q={_search_term(s, r)}", {})),
    "operation page": (REVIEWER, 3, lambda s, r: (f"{QUEUE}{r.choice(s['review_ids'])}/change/", {})),
}
SYNC = "api operations sync"
SYNC_PAGES = 5  # `next` links a sync follows before it starts again elsewhere


def credentials(sample: dict, who: str) -> dict:
    if who == PARTNER:
        return {"Authorization": f"Api-Key {sample['key']}"}
    # Production's session cookie is Secure: a client over plain HTTP must send it itself.
    return {"Cookie": f"{sample['session_cookie']}={sample['session']}"}


def next_link(link_header: str | None) -> str | None:
    """The path of the `rel="next"` URL of a Link header, if any."""
    for part in (link_header or "").split(","):
        url, _, params = part.partition(";")
        if 'rel="next"' in params:
            parts = urllib.parse.urlsplit(url.strip().strip("<>"))
            return f"{parts.path}?{parts.query}" if parts.query else parts.path
    return None


# --- The database ----------------------------------------------------------------------------


def setup_django(*, database_url: str, secret_key: str) -> None:
    """Django in this process, on the benchmark's database, signing with the key gunicorn will
    use: the reviewer's session hash depends on it."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_ENV="development",
        DEBUG="0",
        DATABASE_URL=database_url,
        SECRET_KEY=secret_key,
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()


def prepare(*, operations: int, in_review: int, withdrawn: int, seed_value: int, batch: int) -> dict:
    """Migrate and seed the database; return the sample the users draw their requests from."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connection, transaction

    from benchmarks.partner_api import Writer, generate, insert
    from partners.models import OperationRemoval, PublishedOperation
    from partners.services import partner_key_create
    from seizures.models import Operation
    from seizures.services import operation_reopen
    from sources.models import Source

    log("migrating")
    call_command("migrate", verbosity=0)
    log(f"seeding {operations:,} verified operations")
    started = time.perf_counter()
    refs = seed(
        operations,
        seed=seed_value,
        batch=batch,
        progress=lambda done: log(f"  {done:,} ({done / (time.perf_counter() - started):,.0f}/s)"),
    )
    rng = random.Random(seed_value + 1)
    log(f"adding {in_review:,} operations in review, sending {withdrawn} verified ones back to review")
    writer = Writer()
    done = 0
    while done < in_review:
        size = min(batch, in_review - done)
        with transaction.atomic():
            insert(generate(rng, refs, size), refs, writer, verified=False)
        done += size
    writer.finish()
    verified = list(Operation.objects.filter(status=Operation.Status.VERIFIED).values_list("pk", flat=True))
    for pk in rng.sample(verified, min(withdrawn, len(verified))):
        with transaction.atomic():
            operation_reopen(operation=Operation.objects.get(pk=pk), by=refs.reviewer, reason="load test")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    _, key = partner_key_create(organisation="Load test", name="load")
    session = SessionStore()
    session[SESSION_KEY] = str(refs.reviewer.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = refs.reviewer.get_session_auth_hash()
    session.create()

    published = PublishedOperation.objects.order_by("?")
    first_removal = OperationRemoval.objects.order_by("removed_at").values_list("removed_at", flat=True).first()
    removed_since = (first_removal or datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)) - datetime.timedelta(hours=1)
    return {
        "key": key,
        "session_cookie": "sessionid",
        "session": session.session_key,
        "public_ids": [str(p) for p in published.values_list("operation__public_id", flat=True)[:500]],
        "modified": [
            t.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            for t in published.values_list("modified_at", flat=True)[:200]
        ],
        "review_ids": list(
            Operation.objects.filter(status=Operation.Status.NEEDS_REVIEW)
            .order_by("?")
            .values_list("pk", flat=True)[:500]
        ),
        "source_ids": list(Source.objects.order_by("?").values_list("pk", flat=True)[:100]),
        "countries": refs.countries,
        "foreign": refs.foreign,
        "agency_codes": sorted({code for _, code, _, country in refs.agencies if country in refs.countries}),
        "agency_ids": sorted({pk for pk, _, _, country in refs.agencies if country in refs.countries}),
        "search_terms": [*PLACES[:12], *(name for _, name in refs.groups[:5]), "Report 1"],
        "removed_since": removed_since.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "operations": Operation.objects.count(),
        "in_review": Operation.objects.filter(status=Operation.Status.NEEDS_REVIEW).count(),
        "removals": OperationRemoval.objects.count(),
        "seconds_seeding": round(time.perf_counter() - started, 1),
    }


def database_facts() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database())), version()")
        size, version = cursor.fetchone()
    return f"PostgreSQL {version.split(' on ')[0].removeprefix('PostgreSQL ')}, database {size}"


# --- The server ------------------------------------------------------------------------------


@dataclasses.dataclass
class Server:
    process: subprocess.Popen
    port: int
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self) -> list[int]:
        """The gunicorn master's children, read from /proc."""
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # gone meanwhile
            if int(fields[1]) == self.process.pid:
                pids.append(int(stat.parent.name))
        return sorted(pids)

    def server_ms(self) -> dict[str, list[float]]:
        """Milliseconds each request took inside a worker (gunicorn's access log), by the name
        locust gave it: the latency the client saw, less the wait for a free worker."""
        times: dict[str, list[float]] = {}
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        for match in re.finditer(r" (\d+)us load=(.+)$", text, re.MULTILINE):
            times.setdefault(match[2], []).append(int(match[1]) / 1000)
        return times

    def log_counts(self) -> dict[str, int]:
        """What gunicorn's log (Django's included) says happened to the workers and requests."""
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return {name: text.count(marker) for name, marker in LOG_MARKERS.items()}


# Lines of gunicorn's and the app's log worth counting. The first three are workers lost
# (a request over gunicorn's timeout, a crash, a kill); a recycle is gunicorn's max_requests.
LOG_MARKERS = {
    "worker timeouts": "WORKER TIMEOUT",
    "workers exited with an error": "exited with code",
    "workers killed by a signal": "was sent SIG",
    "workers recycled (max_requests)": "Autorestarting worker",
    "server errors logged": "Internal Server Error",
    "database unavailable logged": "database_unavailable",
}
ACCESS_LOG_FORMAT = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(D)sus load=%({x-load-name}i)s'
LOST_WORKERS = ("worker timeouts", "workers exited with an error", "workers killed by a signal")


def production_environment(*, database_url: str, secret_key: str, redis_url: str | None) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        # The run decides these; the caller's environment must not (a replica, a broker...).
        if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG", "LOG_LEVEL", "REDIS_URL", "CELERY_BROKER_URL"}
        and not k.startswith(("GUNICORN_", "DATABASE_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_ENV="production",
        SECRET_KEY=secret_key,
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url,
        SECURE_SSL_REDIRECT="0",
        # One key makes all the partner load: the rate is raised so that the throttle,
        # which still counts every request, never refuses one.
        PARTNER_API_RATE="1000000/minute",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def collect_static(env: dict) -> subprocess.Popen | None:
    """Start `collectstatic` if production's static files need collecting, else None.

    Production serves hashed static files from the manifest `collectstatic` writes to
    STATIC_ROOT; without it every admin page is a 500. It runs beside the seeding, and only
    when the manifest is missing or older than the project's `static/` files or
    requirements.txt (which decides the apps' own static files).

    Production installs requirements.txt, which has no brotli. Locust brings brotli into the
    dev venv, and whitenoise would then also write a Brotli copy of every file: 40 s instead
    of 4 on two cores. So `brotli` is hidden from the collecting process, as in production."""
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    sources = [ROOT / "requirements.txt", *(ROOT / "static").rglob("*")]
    newest = max((p.stat().st_mtime for p in sources if p.is_file()), default=0)
    if manifest.exists() and manifest.stat().st_mtime >= newest:
        return None
    log("collecting static files in the background, as a deployment does (manage.py collectstatic)")
    collect = (
        "import runpy, sys; sys.modules['brotli'] = None; "
        "sys.argv = ['manage.py', 'collectstatic', '--no-input', '--verbosity', '0']; "
        "runpy.run_path('manage.py', run_name='__main__')"
    )
    return subprocess.Popen([sys.executable, "-c", collect], cwd=ROOT, env=env, start_new_session=True)


def wait_collected(collecting: subprocess.Popen | None) -> None:
    if collecting is None:
        return
    if collecting.poll() is None:
        log("waiting for collectstatic")
    try:
        if collecting.wait(timeout=600) != 0:
            raise RuntimeError(f"collectstatic failed ({collecting.returncode})")
    finally:
        if collecting.poll() is None:
            os.killpg(collecting.pid, signal.SIGKILL)
            collecting.wait()


def start_server(*, workers: int, env: dict, directory: Path, key: str) -> Server:
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--chdir", str(ROOT)]
    if GUNICORN_CONFIG.exists():
        command += ["--config", str(GUNICORN_CONFIG)]
    command += ["--workers", str(workers), "--worker-class", "sync", "--bind", f"127.0.0.1:{port}"]
    # The project's access log line with the name of the kind of request (locust sends it).
    command += ["--access-logfile", "-", "--access-logformat", ACCESS_LOG_FORMAT]
    log_path = directory / "gunicorn.log"
    with open(log_path, "wb") as output:
        process = subprocess.Popen(
            command,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a Ctrl-C of the script reaches gunicorn through stop_server only
        )
    server = Server(process, port, log_path)
    deadline = time.monotonic() + 60
    while True:
        try:
            status, _, _ = get(server, f"{API}/agencies/", {"Authorization": f"Api-Key {key}"})
            if status == 200 and len(server.worker_pids()) >= workers:
                return server
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            stop_server(server)
            raise RuntimeError(f"gunicorn did not start; its log:\n{log_path.read_text(errors='replace')[-3000:]}")
        time.sleep(0.2)


def stop_server(server: Server) -> None:
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait()


def get(server: Server, path: str, headers: dict, timeout: float = 10) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def preflight(server: Server, sample: dict) -> list[str]:
    """Each kind of request once per worker or so (warming every worker up), and the one
    answer that is not a 200 per kind, if any."""
    rng = random.Random(1)
    problems = []
    for name, (who, _, build) in ENDPOINTS.items():
        for _ in range(4):
            path, headers = build(sample, rng)
            status, _, body = get(server, path, {**credentials(sample, who), **headers}, timeout=30)
            if status != 200:
                problems.append(f"{name}: {status} on {path}: {body[:300]!r}")
                break
    return problems


# --- The driver ------------------------------------------------------------------------------


def run_locust(
    server: Server,
    *,
    sample_path: Path,
    requests_path: Path,
    users: int,
    reviewers: int,
    duration: float,
    timeout: float,
) -> subprocess.Popen:
    """Start locust headless against `server`; it stops itself after `duration` seconds (and
    `wait_locust` kills it if it does not)."""
    env = {
        **os.environ,
        "LOAD_SAMPLE": str(sample_path),
        "LOAD_REQUESTS": str(requests_path),
        "LOAD_REVIEWERS": str(reviewers),
        "LOAD_PARTNERS": str(users - reviewers),
        "LOAD_TIMEOUT": str(timeout),
    }
    command = [
        sys.executable, "-m", "locust", "--locustfile", str(LOCUSTFILE), "--headless",
        "--host", server.url, "--users", str(users), "--spawn-rate", str(users),
        "--run-time", f"{round(duration)}s", "--stop-timeout", str(round(timeout)),
        "--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0",
    ]  # fmt: skip
    output = open(requests_path.with_suffix(".locust.log"), "wb")  # noqa: SIM115 (closed by wait_locust)
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
    )
    process.output = output  # type: ignore[attr-defined]
    return process


def wait_locust(process: subprocess.Popen, *, duration: float, timeout: float) -> None:
    """The hard time limit: locust's own run time, its stop timeout and a minute for starting."""
    try:
        process.wait(timeout=duration + timeout + 60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise RuntimeError("locust did not stop by itself; killed") from None
    finally:
        process.output.close()  # type: ignore[attr-defined]
    if process.returncode not in (0, 1):  # 1: locust counted failures, which the report shows
        output = Path(process.output.name).read_text(errors="replace")  # type: ignore[attr-defined]
        raise RuntimeError(f"locust exited with {process.returncode}:\n{output[-3000:]}")


def stop_locust(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


# --- The figures -----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Request:
    """One request as locust saw it: started at `start` (seconds since the epoch), lasted
    `ms`; `status` 0 when no response came (then `error` says why)."""

    start: float
    ms: float
    name: str
    status: int
    error: str = ""
    retry_after: str = ""

    @property
    def end(self) -> float:
        return self.start + self.ms / 1000

    @property
    def ok(self) -> bool:
        return self.status == 200 and not self.error

    @property
    def outcome(self) -> str:
        return self.error.split(":", 1)[0] if self.error else str(self.status)


def read_requests(path: Path) -> list[Request]:
    requests = []
    for line in path.read_text().splitlines():
        start, ms, name, status, error, retry_after = line.split("\t")
        requests.append(Request(float(start), float(ms), name, int(status), error, retry_after))
    return sorted(requests, key=lambda r: r.start)


def percentiles(values: list[float], points=(50, 95, 99)) -> dict[int, float]:
    """The `points` percentiles of `values`, interpolated between the closest ranks (the method
    of `statistics.quantiles(..., method="inclusive")`, as in benchmarks/partner_api.py)."""
    if not values:
        return dict.fromkeys(points, float("nan"))
    if len(values) == 1:
        return dict.fromkeys(points, values[0])
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {p: cuts[p - 1] for p in points}


@dataclasses.dataclass
class Row:
    name: str
    requests: int
    per_second: float
    p50: float
    p95: float
    p99: float
    slowest: float
    errors: int
    server_p50: float = float("nan")
    server_p95: float = float("nan")


def summarise(requests: list[Request], *, seconds: float, server_ms: dict[str, list[float]] | None = None) -> list[Row]:
    """A row per kind of request, in the order of ENDPOINTS, then one for all of them. Latency
    percentiles are over every request, answered or not; `server_ms` adds the time inside the
    workers, by name."""
    by_name: dict[str, list[Request]] = {}
    for r in requests:
        by_name.setdefault(r.name, []).append(r)
    order = [n for n in ENDPOINTS if n in by_name] + sorted(set(by_name) - set(ENDPOINTS))
    rows = []
    for name, group in [*((n, by_name[n]) for n in order), ("all", requests)]:
        ms = [r.ms for r in group]
        cut = percentiles(ms)
        inside = [t for times in (server_ms or {}).values() for t in times] if name == "all" else None
        server = percentiles(inside if inside is not None else (server_ms or {}).get(name, []), (50, 95))
        rows.append(
            Row(
                name=name,
                requests=len(group),
                per_second=len(group) / seconds if seconds > 0 else float("nan"),
                p50=cut[50],
                p95=cut[95],
                p99=cut[99],
                slowest=max(ms, default=float("nan")),
                errors=sum(not r.ok for r in group),
                server_p50=server[50],
                server_p95=server[95],
            )
        )
    return rows


def table(rows: list[Row]) -> str:
    lines = [
        "| request | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | errors | in worker: p50 ms | p95 ms |",
        "| --- |" + " ---: |" * 9,
    ]
    for row in rows:
        name = f"**{row.name}**" if row.name == "all" else row.name
        lines.append(
            f"| {name} | {row.requests:,} | {row.per_second:.1f} | {row.p50:.0f} | {row.p95:.0f} | {row.p99:.0f}"
            f" | {row.slowest:.0f} | {row.errors} | {row.server_p50:.0f} | {row.server_p95:.0f} |"
        )
    return "\n".join(lines)


def error_lines(requests: list[Request], limit: int = 10) -> list[str]:
    counts: dict[tuple[str, str], int] = {}
    for r in requests:
        if not r.ok:
            counts[r.name, r.error or str(r.status)] = counts.get((r.name, r.error or str(r.status)), 0) + 1
    ordered = sorted(counts.items(), key=lambda item: -item[1])
    return [f"{count} x {name}: {what}" for (name, what), count in ordered[:limit]]


def window(requests: list[Request]) -> float:
    """Seconds from the first request's start to the last one's end."""
    if not requests:
        return 0.0
    return max(r.end for r in requests) - requests[0].start


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def add_common_arguments(parser: argparse.ArgumentParser, default_database_url: str) -> None:
    parser.add_argument("--short", action="store_true", help="the short form CI runs")
    parser.add_argument("--operations", type=int, help="verified operations to seed (long 100,000; short 3,000)")
    parser.add_argument("--in-review", type=int, help="operations waiting for review (long 2,000; short 300)")
    parser.add_argument("--withdrawn", type=int, help="verified operations sent back to review (long 50; short 20)")
    parser.add_argument("--users", type=int, default=8, help="locust users, no think time (default 8)")
    parser.add_argument("--reviewers", type=int, default=2, help="of the users, how many are reviewers (default 2)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (default 4)")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds a request may take (default 10)")
    parser.add_argument("--batch", type=int, default=5000, help="operations written per transaction")
    parser.add_argument("--seed", type=int, default=20250115, help="of the random data")
    parser.add_argument("--database-url", default=default_database_url)
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("LOAD_REDIS_URL"),
        help="REDIS_URL for the app (its cache, where the partner rate is counted); none by default",
    )
    parser.add_argument("--keep-db", action="store_true", help="leave the database for a later look")


def apply_form(args: argparse.Namespace, short: dict, long: dict) -> None:
    """Fill the arguments left unset from the short or the long form."""
    form = short if args.short else long
    for name, value in form.items():
        if getattr(args, name, None) is None:
            setattr(args, name, value)
    if not 0 <= args.reviewers <= args.users:
        sys.exit("--reviewers must be between 0 and --users")


def raise_on_sigterm() -> None:
    """A SIGTERM (CI's timeout) unwinds through the `finally` blocks like Ctrl-C does."""

    def handler(signum, frame):
        raise SystemExit(f"stopped by signal {signum}")

    signal.signal(signal.SIGTERM, handler)


@dataclasses.dataclass
class Served:
    """What `prepare_and_serve` started and made, filled in as it goes, so that the caller's
    `finally` can stop whatever was started even when a later step failed."""

    collecting: subprocess.Popen | None = None
    server: Server | None = None
    sample: dict | None = None
    sample_path: Path | None = None
    facts: str = ""
    pids: list[int] = dataclasses.field(default_factory=list)

    def stop(self, args) -> None:
        """Stop what was started, and drop the database unless `--keep-db`."""
        if self.collecting is not None and self.collecting.poll() is None:
            os.killpg(self.collecting.pid, signal.SIGKILL)
        if self.server is not None:
            stop_server(self.server)
        from django.db import connections

        connections.close_all()
        if args.keep_db:
            log(f"kept {args.database_url}")
        else:
            drop_database(args.database_url)


def prepare_and_serve(args, *, env: dict, secret_key: str, directory: Path, served: Served) -> list[str]:
    """Collect the static files (in the background), seed the database, serve it with
    gunicorn and ask each kind of request once: the problems found (none: ready for load)."""
    served.collecting = collect_static(env)
    setup_django(database_url=args.database_url, secret_key=secret_key)
    from django.db import connections

    served.sample = prepare(
        operations=args.operations,
        in_review=args.in_review,
        withdrawn=args.withdrawn,
        seed_value=args.seed,
        batch=args.batch,
    )
    served.facts = database_facts()
    connections.close_all()
    served.sample_path = directory / "sample.json"
    served.sample_path.write_text(json.dumps(served.sample))

    wait_collected(served.collecting)
    served.server = start_server(workers=args.workers, env=env, directory=directory, key=served.sample["key"])
    served.pids = served.server.worker_pids()
    log(f"gunicorn on port {served.server.port}, workers {served.pids}; asking each kind of request once")
    problems = preflight(served.server, served.sample)
    if problems:
        log("these requests failed before the load started:\n  " + "\n  ".join(problems))
        log(f"gunicorn's log: {served.server.log_path}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser, os.environ.get("LOAD_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--duration", type=float, help="seconds of load (long 60; short 10)")
    args = parser.parse_args()
    apply_form(args, SHORT, LONG)
    database_name(args.database_url)
    raise_on_sigterm()

    began = time.perf_counter()
    secret_key = secrets.token_urlsafe(50)
    directory = Path(tempfile.mkdtemp(prefix="load-"))
    driver = None
    served = Served()
    env = production_environment(database_url=args.database_url, secret_key=secret_key, redis_url=args.redis_url)
    drop_database(args.database_url, create_again=True)
    try:
        if prepare_and_serve(args, env=env, secret_key=secret_key, directory=directory, served=served):
            return 1
        sample, sample_path, facts = served.sample, served.sample_path, served.facts
        server, pids = served.server, served.pids
        log(f"load: {args.users} users ({args.reviewers} reviewers) for {args.duration:.0f} s")
        before = load_average()
        requests_path = directory / "requests.tsv"
        driver = run_locust(
            server,
            sample_path=sample_path,
            requests_path=requests_path,
            users=args.users,
            reviewers=args.reviewers,
            duration=args.duration,
            timeout=args.timeout,
        )
        wait_locust(driver, duration=args.duration, timeout=args.timeout)
        after = load_average()
        requests = read_requests(requests_path)
        same_workers = server.worker_pids() == pids
        counts = server.log_counts()
        server_ms = server.server_ms()
    finally:
        if driver is not None:
            stop_locust(driver)
        served.stop(args)

    seconds = window(requests)
    rows = summarise(requests, seconds=seconds, server_ms=server_ms)
    errors = rows[-1].errors
    lost_workers = sum(counts[name] for name in LOST_WORKERS)
    config = "config/gunicorn.py" if GUNICORN_CONFIG.exists() else "no config file"
    print(f"date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")
    print(f"machine: {machine()}; {facts}")
    print(
        f"data: {sample['operations']:,} operations ({sample['in_review']:,} in review), "
        f"{sample['removals']} removals; seeded and prepared in {sample['seconds_seeding']:.0f} s"
    )
    print(
        f"server: gunicorn, {args.workers} sync workers ({config}), DJANGO_ENV=production, "
        f"{'REDIS_URL set' if args.redis_url else 'no REDIS_URL'}; "
        f"the same worker processes at the end: {'yes' if same_workers else 'no'}"
    )
    print(
        f"load: locust, {args.users} users ({args.users - args.reviewers} partners, {args.reviewers} reviewers), "
        f"no think time, {args.timeout:.0f} s request timeout, {seconds:.1f} s measured"
    )
    print(f"load average (1, 5, 15 min): {before} before the load, {after} after")
    print(f"gunicorn's log: {', '.join(f'{name} {count}' for name, count in counts.items())}")
    print()
    print(table(rows))
    print()
    if errors:
        print(f"{errors} requests failed:")
        for line in error_lines(requests):
            print(f"  {line}")
    else:
        print("errors: none")
    print(f"total run time: {time.perf_counter() - began:.0f} s")
    failed = errors or not requests or lost_workers
    if failed:
        print(f"logs kept in {directory}")
    else:
        shutil.rmtree(directory, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
