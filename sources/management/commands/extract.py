"""`python manage.py extract FILE... --format json [--extractor dotted.path.Class]`: run an
extractor over article files and print what it finds, without touching the database.

Files are read as ingestion reads them (.txt, .html reduced to its article, and the corpus's
article .json shape), so what is printed is what ingesting them would draft. The id of each
result is the article's "id", or the file name. `--extractor` tries another extractor class
than the configured one (settings.SOURCES_EXTRACTOR); `--full FILE` also writes every value
with its span and confidence, which `manage.py calibration --predictions` reads, so one run of
a slow extractor serves both the corpus scorer and the calibration table.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sources.extraction.base import Extractor, ExtractorPathError, get_extractor, load_extractor
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


def extractor_option(path: str | None) -> Extractor:
    """The extractor an `--extractor` option names (the configured one when it names none)."""
    try:
        return load_extractor(path) if path else get_extractor()
    except ExtractorPathError as error:
        raise CommandError(f"--extractor: {error}" if path else f"settings.SOURCES_EXTRACTOR: {error}") from None


def add_extractor_argument(parser) -> None:
    parser.add_argument(
        "--extractor",
        metavar="DOTTED.PATH",
        help="The extractor class to run, e.g. sources.extraction.rules.RuleExtractor "
        "(default: settings.SOURCES_EXTRACTOR).",
    )


def extract_file(extractor: Extractor, path: Path):
    """(id, result) for one article file; CommandError naming the file if it cannot be read."""
    try:
        source = source_from_file(path)
    except IngestError as error:
        raise CommandError(f"{path}: {error}") from None
    result = extractor.extract(source.text, published=source.published, language=source.language or None)
    return article_id(path), result


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
        add_extractor_argument(parser)
        parser.add_argument(
            "--full",
            type=Path,
            metavar="FILE",
            help="Also write the full output (every value with its span and confidence) to FILE.",
        )

    def handle(self, *args, files, format, extractor=None, full=None, **options):
        runner = extractor_option(extractor)
        gold_shape, full_shape = [], []
        for path in files:
            identifier, result = extract_file(runner, path)
            gold_shape.append(result.to_gold(identifier))
            full_shape.append({"id": identifier, **result.to_dict()})
        if full is not None:
            full.write_text(json.dumps(full_shape, ensure_ascii=False, indent=1), encoding="utf-8")
        self.stdout.write(json.dumps(gold_shape if format == "json" else full_shape, ensure_ascii=False, indent=1))
