"""The figures and verdicts of benchmarks/load.py and benchmarks/faults.py, on made-up requests.

The scripts themselves run in CI in their short form; these tests pin the arithmetic that
decides whether a run passes, which a real run rarely exercises (a 500, a reset, a slow
recovery).
"""

import random

import pytest

from benchmarks.faults import Outage, checks, recoveries
from benchmarks.load import (
    ENDPOINTS,
    PARTNER,
    Request,
    Server,
    credentials,
    next_link,
    percentiles,
    read_requests,
    summarise,
)

SAMPLE = {
    "key": "abc.def",
    "session_cookie": "sessionid",
    "session": "s3ss10n",
    "public_ids": ["7d4c9f0e-8a57-4b8e-9b1a-0c6f2f1f6a10"],
    "modified": ["2024-01-02T03:04:05Z"],
    "review_ids": [12],
    "source_ids": [3],
    "countries": ["PE", "CO"],
    "foreign": ["ES", "NL"],
    "agency_codes": ["PE-PNP"],
    "agency_ids": [4],
    "search_terms": ["Puerto de Paita"],
    "removed_since": "2000-01-01T00:00:00Z",
}


def test_percentiles_interpolate_between_ranks_as_the_partner_benchmark_does():
    cut = percentiles([float(v) for v in range(1, 101)])
    assert cut == {50: pytest.approx(50.5), 95: pytest.approx(95.05), 99: pytest.approx(99.01)}


def test_percentiles_of_one_value_are_that_value():
    assert percentiles([7.0]) == {50: 7.0, 95: 7.0, 99: 7.0}


def test_next_link_gives_the_path_of_the_next_page_only():
    header = (
        '<http://127.0.0.1:8000/api/v1/operations/?cursor=abc&page_size=500>; rel="next", '
        '<http://127.0.0.1:8000/api/v1/operations/?cursor=xyz>; rel="prev"'
    )
    assert next_link(header) == "/api/v1/operations/?cursor=abc&page_size=500"
    assert next_link('<http://x/api/v1/operations/?cursor=xyz>; rel="prev"') is None
    assert next_link(None) is None


@pytest.mark.parametrize("name", list(ENDPOINTS))
def test_every_kind_of_request_is_a_path_of_the_site_with_its_credentials(name):
    who, weight, build = ENDPOINTS[name]
    path, headers = build(SAMPLE, random.Random(0))
    assert weight > 0
    assert path.startswith("/api/v1/" if who == PARTNER else "/admin/")
    sent = {**credentials(SAMPLE, who), **headers}
    if who == PARTNER:
        assert sent["Authorization"] == "Api-Key abc.def"
    else:
        assert sent["Cookie"] == "sessionid=s3ss10n"


def test_requests_are_read_back_as_locust_wrote_them(tmp_path):
    path = tmp_path / "requests.tsv"
    path.write_text(
        "100.5\t20.0\tqueue\t200\t\t\n"
        "100.0\t1500.0\tapi stats\t503\t\t5\n"
        "101.0\t10000.0\tapi csv\t0\tConnectionResetError: [Errno 104] reset\t\n"
    )
    first, second, third = read_requests(path)
    assert (first.name, first.status, first.retry_after, first.ok) == ("api stats", 503, "5", False)
    assert first.end == pytest.approx(101.5)
    assert second.ok
    assert (third.ok, third.outcome) == (False, "ConnectionResetError")


def test_summary_counts_every_answer_that_is_not_a_200_as_an_error():
    requests = [
        Request(0.0, 10.0, "queue", 200),
        Request(0.1, 30.0, "queue", 302),
        Request(0.2, 20.0, "api stats", 200),
        Request(0.3, 5.0, "api stats", 0, "Timeout: timed out"),
    ]
    rows = {row.name: row for row in summarise(requests, seconds=2.0)}
    assert [name for name in rows] == ["api stats", "queue", "all"]  # in the order of ENDPOINTS
    assert (rows["queue"].requests, rows["queue"].errors, rows["queue"].per_second) == (2, 1, 1.0)
    assert (rows["all"].requests, rows["all"].errors, rows["all"].slowest) == (4, 2, 30.0)


def test_time_inside_the_workers_is_read_from_the_access_log_by_kind_of_request(tmp_path):
    log = tmp_path / "gunicorn.log"
    log.write_text(
        "[2026-11-26 23:09:01 +0000] [11587] [INFO] Booting worker with pid: 11588\n"
        '127.0.0.1 "GET /api/v1/stats/" 200 812 52000us load=api stats\n'
        '{"event": "request_finished", "code": 200}\n'
        '127.0.0.1 "GET /admin/seizures/operation/" 200 40211 631500us load=queue\n'
        '127.0.0.1 "GET /api/v1/stats/" 503 120 1500us load=api stats\n'
        '127.0.0.1 "GET /healthz" 200 80 900us load=-\n'
    )
    server_ms = Server(process=None, port=0, log_path=log).server_ms()
    assert server_ms == {"api stats": [52.0, 1.5], "queue": [631.5], "-": [0.9]}
    rows = {row.name: row for row in summarise([Request(0.0, 60.0, "api stats", 200)], seconds=1, server_ms=server_ms)}
    assert rows["api stats"].server_p50 == pytest.approx(26.75)


def _outage(began=10.0, back=14.0):
    return Outage(down=3, began=began, down_at=began + 0.5, back=back)


def _steady(start, end, status=200, every=0.1, **kwargs):
    return [
        Request(start + i * every, 20.0, "api operations", status, **kwargs)
        for i in range(round((end - start) / every))
    ]


def _verdict(requests, outages, **kwargs):
    found = recoveries(requests, outages)
    options = {"recovery_limit": 5.0, "same_workers": True, "lost_workers": 0, "restarted": True, **kwargs}
    return found, {text.split(":")[0]: ok for ok, text in checks(requests, outages, found, **options)}


def test_an_outage_answered_with_503s_and_recovered_at_once_passes():
    outage = _outage()
    requests = _steady(0, 10) + _steady(10, 14.2, status=503, retry_after="5") + _steady(14.2, 20)
    (found,), verdict = _verdict(requests, [outage])
    assert found.unavailable == 42 and found.failures == 0
    assert found.recovered == pytest.approx(0.12)  # the last 503 ended just after PostgreSQL was back
    assert all(verdict.values()), verdict


def test_a_500_or_a_reset_during_the_outage_fails_the_run():
    outage = _outage()
    requests = (
        _steady(0, 10)
        + _steady(10, 12, status=503, retry_after="5")
        + [Request(12.5, 20.0, "queue", 500), Request(12.6, 20.0, "api csv", 0, "ConnectionResetError: reset")]
        + _steady(14, 20)
    )
    (found,), verdict = _verdict(requests, [outage])
    assert found.failures == 2
    assert verdict["every response a 200 or a 503"] is False


def test_a_503_without_retry_after_or_before_the_outage_fails_the_run():
    requests = [*_steady(0, 9), Request(9.5, 20.0, "queue", 503, retry_after="5")]
    requests += _steady(10, 12, status=503) + _steady(14, 20)
    _, verdict = _verdict(requests, [_outage()])
    assert verdict["every 503 with Retry-After"] is False
    assert verdict["no failure before the first outage"] is False


def test_failures_going_on_long_after_postgresql_is_back_fail_the_run():
    requests = _steady(0, 10) + _steady(10, 21, status=503, retry_after="5") + _steady(21, 25)
    (found,), verdict = _verdict(requests, [_outage(back=14.0)])
    assert found.recovered == pytest.approx(6.92)
    assert verdict["requests succeed again within 5 s of PostgreSQL answering"] is False


def test_an_app_that_never_recovers_fails_the_run():
    requests = _steady(0, 10) + _steady(10, 25, status=503, retry_after="5")
    (found,), verdict = _verdict(requests, [_outage()])
    assert found.recovered is None
    assert verdict["requests succeed again within 5 s of PostgreSQL answering"] is False


def test_restarted_workers_fail_the_run():
    requests = _steady(0, 10) + _steady(14, 20)
    _, verdict = _verdict(requests, [_outage()], same_workers=False)
    assert verdict["gunicorn kept its worker processes (no restart, timeout or crash)"] is False


def test_each_outage_is_judged_on_the_requests_until_the_next_one():
    first, second = _outage(began=10.0, back=12.0), _outage(began=20.0, back=23.0)
    requests = (
        _steady(0, 10)
        + _steady(10, 12, status=503, retry_after="5")
        + _steady(12, 20)
        + _steady(20, 23.5, status=503, retry_after="5")
        + _steady(23.5, 30)
    )
    found, verdict = _verdict(requests, [first, second])
    assert [r.unavailable for r in found] == [20, 35]
    assert [round(r.recovered, 2) for r in found] == [0.0, 0.42]
    assert all(verdict.values()), verdict
