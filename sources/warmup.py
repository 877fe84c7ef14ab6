"""Warming a web server's process up, so that the first source pasted into it is drafted in
about the time the next ones take, not the ~1.5 s (or, without the gazetteer's disk cache,
~5 s) that loading the extractor, its pipelines and the language model cost on first use.

`SourcesConfig.ready` starts `warm_up` in a background thread in gunicorn workers and in the
process `runserver` serves from; never in `migrate`, `check`, the other commands, Celery or
the tests. `SOURCES_WARM_UP=0` turns it off (each web worker then loads all this, ~170 MB, only
when it first ingests).
"""

import datetime
import os
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import structlog

logger = structlog.get_logger(__name__)

# One short report per language the rule extractor reads: a date, a quantity, a place, an
# agency and detainees, so that every rule builds what it builds on first use.
SAMPLES = {
    "es": "La Policía Nacional del Perú incautó 2,3 toneladas de cocaína en el puerto del Callao "
    "el 3 de febrero de 2021. Dos ciudadanos colombianos fueron detenidos.",
    "en": "On 3 February 2021 the National Police seized 1,200 kg of cocaine in Manzanillo, "
    "Panama, bound for Rotterdam, and arrested three Colombian nationals.",
    "pt": "A Polícia Federal apreendeu 500 quilos de cocaína no Porto de Santos em 3 de fevereiro "
    "de 2021 e prendeu dois brasileiros.",
}
PUBLISHED = datetime.date(2021, 2, 4)


def serves_requests(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> bool:
    """Whether this process answers web requests: a gunicorn worker (gunicorn loads the app
    in each worker, after forking) or the process `runserver` serves from."""
    argv = sys.argv if argv is None else argv
    environ = os.environ if environ is None else environ
    if not argv:
        return False
    program = Path(argv[0])
    if program.name == "gunicorn" or (program.name == "__main__.py" and program.parent.name == "gunicorn"):
        return True
    if list(argv[1:2]) == ["runserver"]:
        # With the autoreloader the first process only watches the files: its child serves.
        return environ.get("RUN_MAIN") == "true" or "--noreload" in argv
    return False


def warm_up() -> None:
    """Build what a first ingest would otherwise build while someone waits: the extractor and
    its pipelines, the gazetteer (from its disk cache), the dates parser's languages and the
    language identifier. Pure: no database, no network."""
    from sources.extraction import get_extractor
    from sources.text import detect_language

    started = time.monotonic()
    extractor = get_extractor()
    for language, text in SAMPLES.items():
        extractor.extract(text, published=PUBLISHED, language=language)
    detect_language(SAMPLES["es"])
    logger.info("extractor_warmed_up", seconds=round(time.monotonic() - started, 2))


def _warm_up_quietly() -> None:
    try:
        warm_up()
    except Exception:
        # A failure here is the first ingest's to report, as it would have been without it.
        logger.exception("extractor_warm_up_failed")


def warm_up_in_background() -> threading.Thread:
    # A daemon: a server stopping does not wait for it.
    thread = threading.Thread(target=_warm_up_quietly, name="sources-warm-up", daemon=True)
    thread.start()
    return thread
