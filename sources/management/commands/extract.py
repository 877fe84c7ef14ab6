"""`python manage.py extract FILE... --format json`: run the extractor over article files and
print what it finds, without touching the database.

Accepts the article .json shape of the extraction corpus ({"id", "published", "language",
"text", ...}) and plain .txt files (the id is then the file name).
"""

import datetime
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sources.extraction import extract


def read_article(path: Path) -> dict:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise CommandError(f"{path}: cannot read it ({error.strerror}).") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise CommandError(f"{path}: not UTF-8 text.") from None
    if path.suffix.lower() == ".json":
        try:
            article = json.loads(text)
        except json.JSONDecodeError as error:
            raise CommandError(f"{path}: malformed JSON ({error.msg} at line {error.lineno}).") from None
        if not isinstance(article, dict) or not isinstance(article.get("text"), str):
            raise CommandError(f"{path}: an article needs a 'text' string.")
        article.setdefault("id", path.stem)
        return article
    return {"id": path.stem, "text": text}


def parse_date(value, path: Path) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise CommandError(f"{path}: published date {value!r} is not a date (use YYYY-MM-DD).") from None


class Command(BaseCommand):
    help = "Print the operations the extractor finds in article files, as JSON, without touching the database."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--format", choices=["json", "full"], default="json",
                            help="json: the corpus gold shape; full: every value with its span and confidence.")  # fmt: skip

    def handle(self, *args, files, format, **options):
        results = []
        for path in files:
            article = read_article(path)
            result = extract(
                article["text"], published=parse_date(article.get("published"), path), language=article.get("language")
            )
            results.append(
                result.to_gold(str(article["id"])) if format == "json" else result.to_dict() | {"id": article["id"]}
            )
        self.stdout.write(json.dumps(results, ensure_ascii=False, indent=1))
