"""The users of `benchmarks/load.py` and `benchmarks/faults.py`, which start locust with this
file; it is not meant to be run alone.

Partners (with the API key) and reviewers (with the session cookie) ask, with no think time,
for the kinds of request in `benchmarks.load.ENDPOINTS`, picked by weight. A partner who
starts a sync follows its `next` links for a few pages. Redirects are not followed: a
reviewer sent to the login page is an error. Every request is written as one line to
$LOAD_REQUESTS (start, milliseconds, name, status, error, Retry-After) for the script to
measure; locust's own statistics are not used.
"""

import itertools
import json
import os
import random
import sys
from pathlib import Path

from locust import FastHttpUser, constant, events, task
from locust.contrib.fasthttp import LocustBadStatusCode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.load import ENDPOINTS, PARTNER, REVIEWER, SYNC, SYNC_PAGES, credentials, next_link  # noqa: E402

SAMPLE = json.loads(Path(os.environ["LOAD_SAMPLE"]).read_text())
TIMEOUT = float(os.environ.get("LOAD_TIMEOUT", "10"))
_requests = open(os.environ["LOAD_REQUESTS"], "w")  # noqa: SIM115 (closed when locust quits)
_seeds = itertools.count(1)


def _one_line(text: str) -> str:
    return " ".join(text.split())[:200]


@events.request.add_listener
def record(name, response_time, response=None, exception=None, start_time=None, **kwargs):
    status = getattr(response, "status_code", 0) or 0
    # A status other than 2xx/3xx comes as LocustBadStatusCode: the status says it all. Any
    # other exception is a request that got no (whole) response: refused, reset, timed out.
    error = ""
    if exception is not None and not isinstance(exception, LocustBadStatusCode):
        error = _one_line(f"{type(exception).__name__}: {exception}")
    retry_after = ""
    if status == 503 and response.headers:
        retry_after = _one_line(response.headers.get("Retry-After") or "")
    _requests.write(f"{start_time:.6f}\t{response_time:.3f}\t{name}\t{status}\t{error}\t{retry_after}\n")


@events.quitting.add_listener
def close(**kwargs):
    _requests.close()


class User(FastHttpUser):
    abstract = True
    who = ""
    wait_time = constant(0)
    network_timeout = TIMEOUT
    connection_timeout = TIMEOUT
    max_retries = 0  # a reset connection must show, not be retried away

    def on_start(self):
        self.rng = random.Random(f"{self.who}-{next(_seeds)}")
        self.headers = credentials(SAMPLE, self.who)
        mine = {name: weight for name, (who, weight, _) in ENDPOINTS.items() if who == self.who}
        self.names, self.weights = list(mine), list(mine.values())
        self.sync_next, self.sync_left = None, 0

    @task
    def ask(self):
        if self.sync_next:
            name, path, extra = SYNC, self.sync_next, {}
        else:
            name = self.rng.choices(self.names, self.weights)[0]
            path, extra = ENDPOINTS[name][2](SAMPLE, self.rng)
            if name == SYNC:
                self.sync_left = SYNC_PAGES
        # The name goes to gunicorn's access log, which gives the time spent inside the worker.
        headers = {**self.headers, **extra, "X-Load-Name": name}
        response = self.client.get(path, name=name, headers=headers, allow_redirects=False)
        if name == SYNC:
            self.sync_left -= 1
            following = response.status_code == 200 and self.sync_left > 0
            self.sync_next = next_link(response.headers.get("Link")) if following else None


class Partner(User):
    who = PARTNER
    fixed_count = int(os.environ.get("LOAD_PARTNERS", "6"))


class Reviewer(User):
    who = REVIEWER
    fixed_count = int(os.environ.get("LOAD_REVIEWERS", "2"))
