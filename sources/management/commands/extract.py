"""`python manage.py extract FILE... --format json`: run the extractor over article files and
print what it finds, without touching the database.

Files are read as ingestion reads them (.txt, .html reduced to its article, and the corpus's
article .json shape), so what is printed is what ingesting them would draft. The id of each
result is the article's "id", or the file name.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sources.extraction import extract
from sources.ingestion import IngestError, source_from_file


def article_id(path: Path) -> str:
    if path.suffix.lower() == ".json":
        try:
            article = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(article, dict) and article.get("id"):
                return str(article["id"])
        except (OSError, ValueError):
            pass  # reading the source below reports what is wrong with the file
    return path.stem


class Command(BaseCommand):
    help = "Print the operations the extractor finds in article files, as JSON, without touching the database."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument(
            "--format",
            choices=["json", "full"],
            default="json",
            help="json: the corpus gold shape; full: every value with its span and confidence.",
        )

    def handle(self, *args, files, format, **options):
        results = []
        for path in files:
            try:
                source = source_from_file(path)
            except IngestError as error:
                raise CommandError(f"{path}: {error}") from None
            result = extract(source.text, published=source.published, language=source.language or None)
            identifier = article_id(path)
            results.append(result.to_gold(identifier) if format == "json" else {"id": identifier, **result.to_dict()})
        self.stdout.write(json.dumps(results, ensure_ascii=False, indent=1))
