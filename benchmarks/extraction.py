"""Extraction speed on the dev corpus, on one core, after warm-up.

    .venv/bin/python benchmarks/extraction.py [--corpus ../shared/corpus/dev] [--seconds 10]

Prints articles per second and the machine it ran on. Timings are never asserted in tests:
shared machines are noisy, so compare figures taken in one run.
"""

import argparse
import datetime
import json
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def machine() -> str:
    cpu = platform.processor() or "unknown cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.machine()}, {os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "shared/corpus/dev")
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()

    import django

    django.setup()
    from sources.extraction import extract

    articles = [
        json.loads(p.read_text()) for p in sorted(args.corpus.glob("*.json")) if not p.name.endswith(".gold.json")
    ]
    if not articles:
        sys.exit(f"No articles in {args.corpus}")

    def run_once():
        for a in articles:
            extract(a["text"], published=datetime.date.fromisoformat(a["published"]), language=a.get("language"))

    started = time.perf_counter()
    run_once()  # builds the gazetteer and the pipelines
    warm_up = time.perf_counter() - started

    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < args.seconds:
        run_once()
        done += len(articles)
    elapsed = time.perf_counter() - started
    words = sum(len(a["text"].split()) for a in articles) * done / len(articles)

    print(f"machine: {machine()}")
    print(f"articles: {len(articles)} from {args.corpus}")
    print(f"warm-up (first pass, gazetteer and pipelines built): {warm_up:.2f} s")
    print(f"after warm-up: {done / elapsed:.1f} articles/s ({words / elapsed:,.0f} words/s) on one core")


if __name__ == "__main__":
    main()
