"""PostgreSQL restarted under load: requests fail cleanly with 503 and the app recovers by
itself, without a restart of gunicorn. Results: docs/reliability.md.

    .venv/bin/python benchmarks/faults.py            # long form: 100,000 operations, 60 s, two outages
    .venv/bin/python benchmarks/faults.py --short    # CI: 3,000 operations, 25 s, one outage
        [--outages 0,10] [--duration S] [--recovery S] [--pg-version 15]
        [and the options of benchmarks/load.py: --operations, --users, --workers, --timeout,
         --database-url (default .../fault_bench), --keep-db, ...]

It prepares the database, serves it and loads it exactly as `benchmarks/load.py` does. While
locust runs it takes PostgreSQL down, evenly spaced over the run, once per `--outages`
value: 0 is `pg_ctlcluster --skip-systemctl-redirect <version> main restart`; a number of
seconds is `... stop`, that long down, then `... start`. (pg_ctlcluster stops in "fast"
mode: it ends every session, so the workers' persistent connections break.) A thread
polls /healthz meanwhile. PostgreSQL is started again at the end whatever happened, before
the database is dropped.

It passes (exit code 0) when all of these hold:
- every response was a 200 or a 503: no 500, no other status, no connection refused or
  reset, no request past the `--timeout` (a hung or crashed worker shows as one of these);
- every 503 carried Retry-After, and none came before the first outage;
- after each outage, once PostgreSQL accepts connections again, requests succeed within
  `--recovery` seconds and keep succeeding;
- gunicorn kept the same worker processes (none timed out, crashed or was restarted), and
  PostgreSQL really restarted (its start time moved on).

This restarts the machine's PostgreSQL: every other database on it goes down for a moment.
"""

import argparse
import dataclasses
import datetime
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.extraction import machine  # noqa: E402
from benchmarks.load import (  # noqa: E402
    LOST_WORKERS,
    Request,
    Served,
    Server,
    add_common_arguments,
    apply_form,
    error_lines,
    get,
    load_average,
    log,
    percentiles,
    prepare_and_serve,
    production_environment,
    raise_on_sigterm,
    read_requests,
    run_locust,
    stop_locust,
    summarise,
    table,
    wait_locust,
)
from benchmarks.partner_api import database_name, drop_database  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/fault_bench"
LONG = {"operations": 100_000, "in_review": 2_000, "withdrawn": 50, "duration": 60.0, "outages": "0,10"}
SHORT = {"operations": 3_000, "in_review": 300, "withdrawn": 20, "duration": 25.0, "outages": "3"}
# The statuses a request may get while PostgreSQL is away.
CLEAN = {200, 503}


# --- PostgreSQL ------------------------------------------------------------------------------


@dataclasses.dataclass
class Cluster:
    version: str
    host: str
    port: int

    def ctl(self, action: str) -> None:
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", self.version, "main", action],
            check=True,
            timeout=120,
            capture_output=True,
        )

    def ready(self) -> bool:
        command = ["pg_isready", "-h", self.host, "-p", str(self.port), "-q", "-t", "2"]
        return subprocess.run(command, timeout=10).returncode == 0

    def wait_ready(self, seconds: float = 60) -> float | None:
        """The time it answered, or None if it did not within `seconds`."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.ready():
                return time.time()
            time.sleep(0.1)
        return None

    def ensure_up(self) -> None:
        """Start PostgreSQL if it is not answering: whatever went wrong, leave it running."""
        if self.ready() or self.wait_ready(5):
            return
        log("PostgreSQL is not answering: starting it")
        try:
            self.ctl("start")
        except subprocess.CalledProcessError as error:
            log(f"pg_ctlcluster start: {error.stderr.decode(errors='replace').strip()}")
        if self.wait_ready(60) is None:
            log("PostgreSQL is still down: start it by hand (pg_ctlcluster ... main start)")

    def started_at(self, database_url: str) -> str:
        import psycopg

        with psycopg.connect(database_url, connect_timeout=5) as conn:
            return str(conn.execute("SELECT pg_postmaster_start_time()").fetchone()[0])


def cluster_of(database_url: str, version: str | None) -> Cluster:
    parts = urllib.parse.urlparse(database_url)
    if version is None:
        versions = sorted(os.listdir("/etc/postgresql"))
        if len(versions) != 1:
            sys.exit(f"Several PostgreSQL versions in /etc/postgresql ({versions}): choose one with --pg-version.")
        version = versions[0]
    return Cluster(version, parts.hostname or "127.0.0.1", parts.port or 5432)


@dataclasses.dataclass
class Outage:
    down: float  # seconds between stop and start; 0 for a plain restart
    began: float = 0.0  # the stop or restart was asked for (seconds since the epoch)
    down_at: float = 0.0  # PostgreSQL first refused a connection
    back: float = 0.0  # and then first accepted one again

    @property
    def how(self) -> str:
        return "restart" if not self.down else f"stop, {self.down:g} s down, start"


class PostgresWatcher(threading.Thread):
    """Opens a connection every 0.1 s: (time, whether it opened). It tells when PostgreSQL
    refused connections and when it took them again more closely than pg_ctlcluster's return."""

    def __init__(self, database_url: str):
        super().__init__(daemon=True)
        self.database_url = database_url
        self.answers: list[tuple[float, bool]] = []
        self.done = threading.Event()

    def run(self):
        import psycopg

        while not self.done.is_set():
            began = time.time()
            try:
                psycopg.connect(self.database_url, connect_timeout=1).close()
                self.answers.append((began, True))
            except psycopg.Error:
                self.answers.append((began, False))
            self.done.wait(0.1)

    def outage_since(self, began: float) -> tuple[float, float] | None:
        """The first refusal after `began` and the first success after it."""
        answers = list(self.answers)
        refused = next((t for t, ok in answers if t >= began and not ok), None)
        if refused is None:
            return None
        back = next((t for t, ok in answers if t > refused and ok), None)
        return (refused, back) if back is not None else None


def take_down(cluster: Cluster, outage: Outage, watcher: PostgresWatcher) -> None:
    outage.began = time.time()
    if outage.down:
        cluster.ctl("stop")
        time.sleep(outage.down)
        cluster.ctl("start")
    else:
        cluster.ctl("restart")
    returned = cluster.wait_ready(60)
    if returned is None:
        raise RuntimeError("PostgreSQL did not come back within a minute")
    deadline = time.monotonic() + 5
    while (seen := watcher.outage_since(outage.began)) is None and time.monotonic() < deadline:
        time.sleep(0.1)
    # Without a refusal seen (a restart quicker than the watcher), pg_ctlcluster's word is taken.
    outage.down_at, outage.back = seen or (outage.began, returned)


class HealthPoller(threading.Thread):
    """GET /healthz every `every` seconds: (time, status or 0 for no answer)."""

    def __init__(self, server: Server, every: float = 0.25):
        super().__init__(daemon=True)
        self.server, self.every = server, every
        self.answers: list[tuple[float, int]] = []
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set():
            began = time.time()
            try:
                status, _, _ = get(self.server, "/healthz", {}, timeout=5)
            except OSError:
                status = 0
            self.answers.append((began, status))
            self.done.wait(self.every)


# --- The verdict -----------------------------------------------------------------------------


@dataclasses.dataclass
class Recovery:
    outage: Outage
    unavailable: int  # 503s
    failures: int  # anything else that was not a 200
    first_failure: float | None  # seconds after the outage began
    first_success: float | None  # seconds after PostgreSQL was back
    recovered: float | None  # seconds after PostgreSQL was back; None: failures went on to the end
    successes_after: int  # 200s after the last failure
    slowest_ms: float


def recoveries(requests: list[Request], outages: list[Outage]) -> list[Recovery]:
    """For each outage, what the requests ending between its start and the next outage's got."""
    results = []
    for i, outage in enumerate(outages):
        until = outages[i + 1].began if i + 1 < len(outages) else float("inf")
        mine = [r for r in requests if outage.began <= r.end < until]
        failed = [r for r in mine if not r.ok]
        last_failure = max((r.end for r in failed), default=None)
        after_back = [r for r in mine if r.ok and r.start >= outage.back]
        successes_after = [r for r in mine if r.ok and (last_failure is None or r.start >= last_failure)]
        results.append(
            Recovery(
                outage=outage,
                unavailable=sum(r.status == 503 and not r.error for r in failed),
                failures=sum(not (r.status == 503 and not r.error) for r in failed),
                first_failure=min(r.end for r in failed) - outage.began if failed else None,
                first_success=min(r.end for r in after_back) - outage.back if after_back else None,
                recovered=(max(0.0, last_failure - outage.back) if last_failure is not None else 0.0)
                if successes_after
                else None,
                successes_after=len(successes_after),
                slowest_ms=max((r.ms for r in mine), default=0.0),
            )
        )
    return results


def checks(
    requests: list[Request],
    outages: list[Outage],
    recovered: list[Recovery],
    *,
    recovery_limit: float,
    same_workers: bool,
    lost_workers: int,
    restarted: bool,
) -> list[tuple[bool, str]]:
    unclean = [r for r in requests if r.error or r.status not in CLEAN]
    no_retry_after = sum(r.status == 503 and not r.retry_after for r in requests)
    early = [r for r in requests if not r.ok and r.end < outages[0].began]
    slow = [
        f"{r.outage.how}: {r.recovered:.1f} s" if r.recovered is not None else f"{r.outage.how}: never"
        for r in recovered
    ]
    return [
        (not unclean, f"every response a 200 or a 503: {len(unclean)} others"),
        (no_retry_after == 0, f"every 503 with Retry-After: {no_retry_after} without"),
        (not early, f"no failure before the first outage: {len(early)}"),
        (
            all(r.recovered is not None and r.recovered <= recovery_limit for r in recovered),
            f"requests succeed again within {recovery_limit:g} s of PostgreSQL answering: " + ", ".join(slow),
        ),
        (
            all(r.successes_after >= 10 for r in recovered),
            "and keep succeeding (10 or more 200s after the last failure)",
        ),
        (same_workers and not lost_workers, "gunicorn kept its worker processes (no restart, timeout or crash)"),
        (restarted, "PostgreSQL really restarted (its start time moved on)"),
    ]


def phase_line(label: str, requests: list[Request]) -> str:
    if not requests:
        return f"  {label}: no requests"
    seconds = max(r.end for r in requests) - requests[0].start
    cut = percentiles([r.ms for r in requests])
    ok = sum(r.ok for r in requests)
    return (
        f"  {label}: {len(requests):,} requests, {len(requests) / seconds:.1f}/s, {ok:,} 200s;"
        f" p50 {cut[50]:.0f} ms, p95 {cut[95]:.0f} ms, p99 {cut[99]:.0f} ms"
    )


def health_line(answers: list[tuple[float, int]], outage: Outage, until: float) -> str:
    mine = [(t, s) for t, s in answers if outage.began <= t < until]
    unhealthy = [t for t, s in mine if s != 200]
    healthy_again = [t for t, s in mine if s == 200 and t >= (max(unhealthy) if unhealthy else outage.began)]
    statuses = sorted({s for _, s in mine})
    again = f"{healthy_again[0] - outage.back:+.1f} s" if healthy_again else "never"
    return (
        f"/healthz during and after the {outage.how}: {len(mine)} polls, statuses {statuses},"
        f" {len(unhealthy)} not 200; 200 again {again} from PostgreSQL answering"
    )


# --- The run ---------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser, os.environ.get("FAULT_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--duration", type=float, help="seconds of load (long 60; short 25)")
    parser.add_argument(
        "--outages",
        help="seconds PostgreSQL stays down each time, comma-separated; 0 is a restart (long 0,10; short 3)",
    )
    parser.add_argument("--recovery", type=float, default=10.0, help="seconds allowed to recover (default 10)")
    parser.add_argument("--pg-version", help="the cluster's version, as in /etc/postgresql (default: the only one)")
    args = parser.parse_args()
    apply_form(args, SHORT, LONG)
    database_name(args.database_url)
    outages = [Outage(float(down)) for down in args.outages.split(",")]
    cluster = cluster_of(args.database_url, args.pg_version)
    raise_on_sigterm()

    began = time.perf_counter()
    secret_key = secrets.token_urlsafe(50)
    directory = Path(tempfile.mkdtemp(prefix="faults-"))
    driver = poller = watcher = None
    served = Served()
    env = production_environment(database_url=args.database_url, secret_key=secret_key, redis_url=args.redis_url)
    cluster.ensure_up()
    drop_database(args.database_url, create_again=True)
    try:
        if prepare_and_serve(args, env=env, secret_key=secret_key, directory=directory, served=served):
            return 1
        sample, sample_path, facts = served.sample, served.sample_path, served.facts
        server, pids = served.server, served.pids
        started_before = cluster.started_at(args.database_url)
        requests_path = directory / "requests.tsv"
        log(f"load: {args.users} users for {args.duration:.0f} s; PostgreSQL down {len(outages)} time(s)")
        load_before = load_average()
        driver = run_locust(
            server,
            sample_path=sample_path,
            requests_path=requests_path,
            users=args.users,
            reviewers=args.reviewers,
            duration=args.duration,
            timeout=args.timeout,
        )
        poller = HealthPoller(server)
        poller.start()
        watcher = PostgresWatcher(args.database_url)
        watcher.start()
        t0 = time.time()
        for i, outage in enumerate(outages):
            at = t0 + args.duration * (i + 1) / (len(outages) + 1)
            time.sleep(max(0.0, at - time.time()))
            log(f"PostgreSQL: {outage.how}")
            take_down(cluster, outage, watcher)
            log(f"  refused connections for {outage.back - outage.down_at:.1f} s")
        wait_locust(driver, duration=args.duration, timeout=args.timeout)
        load_after = load_average()
        for thread in (poller, watcher):
            thread.done.set()
            thread.join(10)
        requests = read_requests(requests_path)
        pids_after = server.worker_pids() if server.process.poll() is None else []
        same_workers = pids_after == pids
        counts = server.log_counts()
        server_ms = server.server_ms()
        started_after = cluster.started_at(args.database_url)
    finally:
        for thread in (poller, watcher):
            if thread is not None:
                thread.done.set()
        if driver is not None:
            stop_locust(driver)
        cluster.ensure_up()
        served.stop(args)

    if not requests:
        print(f"locust made no requests; logs kept in {directory}")
        return 1
    recovered = recoveries(requests, outages)
    lost_workers = sum(counts[name] for name in LOST_WORKERS)
    verdict = checks(
        requests,
        outages,
        recovered,
        recovery_limit=args.recovery,
        same_workers=same_workers,
        lost_workers=lost_workers,
        restarted=started_after != started_before,
    )
    first, last_back = outages[0].began, outages[-1].back
    print(f"date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")
    print(f"machine: {machine()}; {facts}")
    print(
        f"data: {sample['operations']:,} operations ({sample['in_review']:,} in review), {sample['removals']} removals"
    )
    print(
        f"load: locust, {args.users} users ({args.users - args.reviewers} partners, {args.reviewers} reviewers), "
        f"no think time, {args.timeout:.0f} s request timeout, {args.duration:.0f} s; gunicorn, {args.workers} sync "
        f"workers, DJANGO_ENV=production"
    )
    print(f"load average (1, 5, 15 min): {load_before} before the load, {load_after} after")
    print(f"PostgreSQL started at {started_before}, then at {started_after}")
    print(f"gunicorn workers {pids} before, {pids_after} after")
    print(f"gunicorn's log: {', '.join(f'{name} {count}' for name, count in counts.items())}")
    print()
    print(
        "| PostgreSQL | began (s into the load) | refused connections (s) | 503s | other failures "
        "| first failure (s after it began) | first 200 (s after it answered) | all 200 again (s after it answered) "
        "| slowest request (ms) |"
    )
    print("| --- |" + " ---: |" * 8)
    for r in recovered:
        o = r.outage

        def seconds(x):
            return "–" if x is None else f"{x:.1f}"

        print(
            f"| {o.how} | {o.began - t0:.1f} | {o.back - o.down_at:.1f} | {r.unavailable} | {r.failures} "
            f"| {seconds(r.first_failure)} | {seconds(r.first_success)} | {seconds(r.recovered)} | {r.slowest_ms:.0f} |"
        )
    print()
    outcomes: dict[str, int] = {}
    for r in requests:
        outcomes[r.outcome] = outcomes.get(r.outcome, 0) + 1
    print("responses: " + ", ".join(f"{count:,} x {what}" for what, count in sorted(outcomes.items())))
    print(phase_line("before the first outage", [r for r in requests if r.end < first]))
    print(phase_line("from the first outage to PostgreSQL back the last time", [r for r in requests if first <= r.end < last_back]))  # fmt: skip
    print(phase_line("after", [r for r in requests if r.end >= last_back]))
    for i, outage in enumerate(outages):
        until = outages[i + 1].began if i + 1 < len(outages) else float("inf")
        print(health_line(poller.answers, outage, until))
    unclean = [r for r in requests if r.error or r.status not in CLEAN]
    if unclean:
        print("responses other than 200 or 503:")
        for line in error_lines(unclean):
            print(f"  {line}")
    print()
    print(table(summarise(requests, seconds=max(r.end for r in requests) - requests[0].start, server_ms=server_ms)))
    print()
    for ok, text in verdict:
        print(f"[{'ok' if ok else 'FAILED'}] {text}")
    print(f"total run time: {time.perf_counter() - began:.0f} s")
    failed = not all(ok for ok, _ in verdict)
    if failed:
        print(f"logs kept in {directory}")
    else:
        shutil.rmtree(directory, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
