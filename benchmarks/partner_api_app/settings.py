"""Settings for `benchmarks/partner_api.py`: the project's settings, served as a deployment
would serve them (DEBUG off, persistent database connections), with the benchmark's URLs
and a partner rate high enough that throttling never answers 429.

The environment still decides the database (DATABASE_URL): the benchmark points it at a
database of its own.
"""

from config.settings import *  # noqa: F403
from config.settings import DATABASES

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "benchmarks.partner_api_app.urls"
# The rate is still checked on every request (the throttle's cost is part of the real
# endpoint's); it is only set too high to ever refuse one.
PARTNER_API_RATE = "1000000000/second"
# As in production (config.settings): a worker keeps its connection between requests.
DATABASES["default"]["CONN_MAX_AGE"] = 60
DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
