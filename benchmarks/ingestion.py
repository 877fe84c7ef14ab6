"""Ingestion speed: 1,000 articles into a fresh SQLite database with `manage.py ingest`.

    .venv/bin/python benchmarks/ingestion.py [--articles 1000] [--corpus ../shared/corpus/dev]

The articles are the dev corpus's, each copy made distinct (its own URL and a numbered
line) so none is refused as a duplicate; most copies then match operations already drafted
and become citations of them, as repeated reports of the same events do. The whole command
is timed, start-up and the gazetteer's build included. Timings are never asserted in tests.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.extraction import machine  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared/corpus/dev")
    args = parser.parse_args()

    originals = [
        json.loads(p.read_text()) for p in sorted(args.corpus.glob("*.json")) if not p.name.endswith(".gold.json")
    ]
    if not originals:
        sys.exit(f"No articles in {args.corpus}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        for n in range(args.articles):
            article = dict(originals[n % len(originals)])
            article["id"] = f"bench-{n}"
            article["url"] = f"https://bench.example.org/{n}"
            article["text"] = f"{article['text']}\n(Bulletin {n})"
            (folder / f"{n:05d}.json").write_text(json.dumps(article, ensure_ascii=False))
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", "DJANGO_ENV": "development"}
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--no-input", "-v0"], env=env, check=True)
        files = sorted(str(p) for p in folder.iterdir())
        started = time.perf_counter()
        result = subprocess.run([*manage, "ingest", "--no-progress", *files], env=env, capture_output=True, text=True)
        elapsed = time.perf_counter() - started
        if result.returncode != 0:
            sys.exit(result.stderr[-2000:])
        count = subprocess.run(
            [*manage, "shell", "--no-imports", "-c",
             "from seizures.models import Operation; from sources.models import Source, Citation; "
             "print(Source.objects.count(), Operation.objects.count(), Citation.objects.count())"],
            env=env, capture_output=True, text=True, check=True,
        ).stdout.split()  # fmt: skip
    print(f"machine: {machine()}")
    print(
        f"ingested {args.articles} articles into SQLite in {elapsed:.1f} s ({args.articles / elapsed:.1f} articles/s),"
    )
    print(f"start-up and gazetteer included: {count[0]} sources, {count[1]} operations, {count[2]} citations")


if __name__ == "__main__":
    main()
