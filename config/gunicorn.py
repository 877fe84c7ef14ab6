"""gunicorn settings for `make serve` and for deployments (`gunicorn -c config/gunicorn.py config.wsgi`).

Every value can be overridden from the environment (GUNICORN_WORKERS, ...) or the command
line. App servers keep no state of their own: sessions and records are in PostgreSQL, rate
limits in Redis, static files in the image, so any number of them can run behind a proxy.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two or so per core: requests mostly wait on PostgreSQL.
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * (os.cpu_count() or 1)))
# A worker that takes longer than this on one request is restarted; the partner API's largest
# page and CSV exports take well under it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
# Behind a proxy keeping connections open to the app servers.
keepalive = 5
# Workers are recycled now and then, staggered, so that no leak can grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 5000))
max_requests_jitter = max_requests // 10
# The request line, status, time in microseconds and the request id (no query strings: they
# can carry names searched for in the review queue).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(D)sus rid=%({x-request-id}o)s'
# The proxy in front sets X-Forwarded-For and -Proto; trust them from these addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
