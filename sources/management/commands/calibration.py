"""`python manage.py calibration [FOLDER...] [--extractor dotted.path.Class] [--strict]`: how
often the values an extractor proposes at each confidence are right, over corpus folders of
articles with gold (sources/extraction/calibration.py; `make calibration`).

Without folders it reads the shared corpus's dev/ and real-dev/ and our own sets in
tests/sources/extraction/heldout*. `--predictions FILE` judges a saved
`manage.py extract --format full` output instead of running the extractor again.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sources.extraction.calibration import (
    STRICT_FLOOR,
    Agencies,
    Case,
    Report,
    calibrate,
    judge_saved,
    read_agencies,
    render,
    worst_values,
)
from sources.ingestion import IngestError, source_from_file
from sources.management.commands.extract import add_extractor_argument, extractor_option

SHARED_CORPUS = Path(settings.BASE_DIR).parent / "shared" / "corpus"
OWN_SETS = Path(settings.BASE_DIR) / "tests" / "sources" / "extraction"


def default_folders() -> list[Path]:
    return [
        folder
        for folder in [SHARED_CORPUS / "dev", SHARED_CORPUS / "real-dev", *sorted(OWN_SETS.glob("heldout*"))]
        if folder.is_dir()
    ]


def read_golds(folder: Path) -> dict[Path, dict]:
    """{article file: gold record} of a corpus folder."""
    golds = {}
    for path in sorted(folder.glob("*.gold.json")):
        try:
            gold = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"{path}: cannot read the gold record: {error}") from None
        if not isinstance(gold, dict) or not gold.get("id"):
            raise CommandError(f"{path}: a gold record is an object with an id.")
        golds[path.with_name(path.name[: -len(".gold.json")] + ".json")] = gold
    if not golds:
        raise CommandError(f"{folder}: no *.gold.json files.")
    return golds


def read_case(path: Path, gold: dict) -> Case:
    # Read as `manage.py extract` and ingestion read it, so the extractor sees the same text.
    try:
        source = source_from_file(path)
    except IngestError as error:
        raise CommandError(f"{path}: {error}") from None
    return Case(str(gold["id"]), source.text, gold, source.published, source.language or None)


class Command(BaseCommand):
    help = "How often the values the extractor proposes at each confidence are right, over corpus folders with gold."

    def add_arguments(self, parser):
        parser.add_argument("folders", nargs="*", type=Path, metavar="FOLDER")
        add_extractor_argument(parser)
        parser.add_argument(
            "--predictions",
            type=Path,
            metavar="FILE",
            help="Judge this saved `manage.py extract --format full` output instead of running the extractor.",
        )
        parser.add_argument(
            "--agencies",
            type=Path,
            metavar="CSV",
            default=SHARED_CORPUS / "agencies.csv",
            help="The scored agency codes; others are not judged (default: the shared corpus's agencies.csv).",
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help=f"Exit non-zero when a band of {STRICT_FLOOR:g} and up is right less than {STRICT_FLOOR:.0%} of the time.",
        )
        parser.add_argument(
            "--worst", type=int, default=0, metavar="N", help="Also list the N most confident wrong values."
        )

    def handle(self, *args, folders, extractor=None, predictions=None, agencies, strict=False, worst=0, **options):
        folders = folders or default_folders()
        if not folders:
            raise CommandError("No corpus folders given, and none of the default ones is here.")
        for folder in folders:
            if not folder.is_dir():
                raise CommandError(f"{folder}: not a folder.")
        if agencies.is_file():
            scored = read_agencies(agencies)
        else:
            self.stderr.write(f"{agencies} not found: every agency code is judged.")
            scored = Agencies()
        saved = self._saved(predictions) if predictions else None
        runner = None if saved is not None else extractor_option(extractor)

        combined, per_folder = Report(), []
        for folder in folders:
            golds = read_golds(folder)
            if saved is not None:
                report = judge_saved({str(g["id"]): g for g in golds.values()}, saved, agencies=scored)
            else:
                report = calibrate((read_case(path, gold) for path, gold in golds.items()), runner, agencies=scored)
            per_folder.append((folder, report))
            combined.extend(report)

        if runner is not None:
            name = f"{runner.name} {runner.version}"
        else:
            name = ", ".join(sorted({f"{a.get('extractor', '?')} {a.get('version', '?')}" for a in saved})) or "nothing"
            name += f" (saved in {predictions})"
        self.stdout.write(render(combined, title=f"Calibration of {name}"))
        if len(per_folder) > 1:
            self.stdout.write("")
            for folder, report in per_folder:
                self.stdout.write(
                    f"  {folder}: {report.articles} articles, {len(report.judgements)} values, "
                    f"{report.share_right():.3f} right"
                )
        if worst:
            self.stdout.write("")
            self.stdout.write(f"The {worst} most confident wrong values:")
            for judgement in worst_values(combined, worst):
                self.stdout.write(
                    f"  {judgement.confidence:.2f} {judgement.article} {judgement.slot}: {judgement.value}"
                )
        if strict and combined.failures():
            raise CommandError(
                f"A confidence band of {STRICT_FLOOR:g} and up is right less than {STRICT_FLOOR:.0%} of the time."
            )

    def _saved(self, path: Path) -> list[dict]:
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"{path}: cannot read the predictions: {error}") from None
        saved = [saved] if isinstance(saved, dict) else saved
        if not isinstance(saved, list) or not all(isinstance(a, dict) and "operations" in a for a in saved):
            raise CommandError(f"{path}: expected the output of `manage.py extract --format full`.")
        return saved
