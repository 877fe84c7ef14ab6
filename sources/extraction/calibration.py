"""Whether an extractor's confidences can be taken at their word: of the values it proposes at
90%, at least 90% should be right. Reviewers are told to check the low ones first
(sources.review.LOW_CONFIDENCE), which only helps if the high ones are rarely wrong.

    report = calibrate(cases, extractor, agencies=read_agencies(csv_path))
    print(render(report))
    report.failures()  # the bands of 0.9 and up whose values are right less than 90% of the time

Each predicted operation is paired with at most one gold operation of its article (`pair`);
every value it proposes is then judged right or wrong on its own, slot by slot, the way the
corpus scorer counts slots (../shared/corpus/README.md). A predicted operation paired with
none is wrong, and so is every value in it. Only proposed values are judged: a value the
extractor missed has no confidence to be calibrated.

Predictions are read in the `ExtractionResult.to_dict()` shape, which is also what
`manage.py extract --format full` prints and what an extraction run keeps, so that a saved run
of a slow extractor can be judged without running it again. Pure Python: no database.
"""

from __future__ import annotations

import csv
import datetime
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

# (lower bound, upper bound); a confidence on a bound belongs to the band above it, and 1.0 to
# the last one.
BANDS = ((0.0, 0.5), (0.5, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 0.95), (0.95, 1.0))
# `--strict` fails when a band from here up is right less often than this.
STRICT_FLOOR = 0.9

SLOT_KINDS = (
    "operation",
    "date_start",
    "country",
    "admin1",
    "seizure",
    "detainees_total",
    "detainees_nationality",
    "destination",
    "agency",
    "organization",
)
# The scorer's tolerances for a seizure line's mass, and for "about the same day" when pairing.
KG_SHARE, KG_FLOOR = 0.01, 0.5
DATE_WINDOW_DAYS = 3


@dataclass(frozen=True)
class Case:
    """One article to calibrate on: what the extractor reads, and its gold record."""

    article: str
    text: str
    gold: dict
    published: datetime.date | None = None
    language: str | None = None


@dataclass(frozen=True)
class Agencies:
    """The scored agency codes and each unit's parent (agencies.csv). `known=None` scores
    every code."""

    known: frozenset[str] | None = None
    parent: dict[str, str] = field(default_factory=dict)


def read_agencies(path: Path) -> Agencies:
    with open(path, encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    return Agencies(frozenset(r["code"] for r in rows), {r["code"]: r["parent"] for r in rows if r.get("parent")})


@dataclass(frozen=True)
class Judgement:
    article: str
    slot: str
    value: object
    confidence: float
    right: bool


# --- Reading a predicted operation -----------------------------------------------------------


def _value(extracted):
    return extracted.get("value") if isinstance(extracted, dict) else None


def _confidence(extracted, default: float = 1.0) -> float:
    return float(extracted.get("confidence", default)) if isinstance(extracted, dict) else default


def _kg(value) -> float:
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return 0.0


def seizure_lines(operation: dict) -> list[tuple[str, float, float]]:
    """(drug, kg, confidence) of each drug a predicted operation (to_dict shape) proposes;
    as in `ExtractedOperation.to_gold`, a drug of no stated type is "other"."""
    return [
        (_value(item.get("drug_type")) or "other", _kg(item.get("quantity_kg")), float(item.get("confidence", 1.0)))
        for item in operation.get("items") or []
        if item.get("category") == "drug"
    ]


def _gold_lines(operation: dict) -> list[tuple[str, float]]:
    return [(s.get("drug"), _kg(s.get("quantity_kg"))) for s in operation.get("seizures") or []]


def kg_close(a: float, b: float) -> bool:
    return abs(a - b) <= max(KG_SHARE * max(abs(a), abs(b)), KG_FLOOR)


def fold(text) -> str:
    text = unicodedata.normalize("NFKD", str(text or ""))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).casefold().split())


def _date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


# --- Pairing predicted and gold operations ---------------------------------------------------


def _shared_lines(gold: list[tuple[str, float]], predicted: list[tuple[str, float, float]]) -> int:
    left = list(gold)
    shared = 0
    for drug, kg, _ in predicted:
        hit = next((i for i, (d, k) in enumerate(left) if d == drug and kg_close(k, kg)), None)
        if hit is not None:
            left.pop(hit)
            shared += 1
    return shared


def affinity(gold: dict, predicted: dict) -> float:
    """How alike a gold and a predicted operation are, 0 where they cannot be the same event.
    The seized goods weigh most; a date a few days off or another country still pairs them, so
    that a wrong date is judged as a wrong date rather than as an invented operation."""
    shared = _shared_lines(_gold_lines(gold), seizure_lines(predicted))
    gold_day, predicted_day = _date(gold.get("date_start")), _date(_value(predicted.get("date_start")))
    gap = abs((gold_day - predicted_day).days) if gold_day and predicted_day else None
    near = gap is not None and gap <= DATE_WINDOW_DAYS
    same_country = bool(gold.get("country")) and gold.get("country") == _value(predicted.get("country"))
    if not shared and not (near and same_country):
        return 0.0
    score = 4.0 * shared
    if near:
        score += 3.0 - gap / 2
    if same_country:
        score += 1.0
    if gold.get("admin1") and gold.get("admin1") == _value(predicted.get("admin1")):
        score += 1.0
    return score


def pair(gold_ops: list[dict], predicted_ops: list[dict]) -> dict[int, int]:
    """{predicted index: gold index}, greedily by the highest affinity (ties: the earlier)."""
    scored = sorted(
        ((affinity(g, p), -j, -i) for i, g in enumerate(gold_ops) for j, p in enumerate(predicted_ops)),
        reverse=True,
    )
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for score, j, i in scored:
        j, i = -j, -i
        if score > 0 and j not in pairs and i not in used:
            pairs[j] = i
            used.add(i)
    return pairs


# --- Judging ---------------------------------------------------------------------------------


def judge_operation(article: str, predicted: dict, gold: dict | None, agencies: Agencies) -> list[Judgement]:
    """Every value of one predicted operation, right or wrong against `gold` (None: the
    operation is not in the gold, and neither is any of its values)."""
    out: list[Judgement] = []
    paired, gold = gold is not None, gold or {}

    def add(slot, value, confidence, right):
        out.append(Judgement(article, slot, value, confidence, bool(right)))

    what = " ".join(
        [str(_value(predicted.get("date_start")) or "")] + [f"{d} {kg:g} kg" for d, kg, _ in seizure_lines(predicted)]
    )
    add("operation", what, float(predicted.get("confidence", 1.0)), paired)
    for slot, key, gold_key in (("date_start", "date_start", "date_start"), ("country", "country", "country")):
        value = _value(predicted.get(key))
        if value not in (None, ""):
            add(slot, value, _confidence(predicted.get(key)), value == gold.get(gold_key))
    admin1 = _value(predicted.get("admin1"))
    if admin1:
        add("admin1", admin1, _confidence(predicted.get("admin1")), admin1 == gold.get("admin1"))

    left = _gold_lines(gold)
    for drug, kg, confidence in seizure_lines(predicted):
        hit = next((i for i, (d, k) in enumerate(left) if d == drug and kg_close(k, kg)), None)
        if hit is not None:
            left.pop(hit)
        add("seizure", f"{drug} {kg:g} kg", confidence, hit is not None)

    detained = gold.get("detainees") or {}
    total = predicted.get("detainees_total")
    if _value(total):
        add("detainees_total", _value(total), _confidence(total), int(_value(total)) == int(detained.get("total") or 0))
    by_nationality = {code: int(n) for code, n in (detained.get("by_nationality") or {}).items() if n}
    for code, count in (predicted.get("detainees_by_nationality") or {}).items():
        if _value(count):
            right = by_nationality.get(code) == int(_value(count))
            add("detainees_nationality", f"{code} {_value(count)}", _confidence(count), right)

    left_destinations = list(gold.get("destinations") or [])
    for extracted in predicted.get("destinations") or []:
        code = _value(extracted)
        if code:
            right = code in left_destinations
            if right:
                left_destinations.remove(code)
            add("destination", code, _confidence(extracted), right)

    gold_agencies = list(gold.get("agencies") or [])
    left_agencies = list(gold_agencies)
    for extracted in predicted.get("agencies") or []:
        code = _value(extracted)
        if not code:
            continue
        if code in left_agencies:
            left_agencies.remove(code)
            add("agency", code, _confidence(extracted), True)
        elif (agencies.known is not None and code not in agencies.known) or any(
            agencies.parent.get(unit) == code for unit in gold_agencies
        ):
            continue  # outside the scored vocabulary, or a named unit's parent: neither way
        else:
            add("agency", code, _confidence(extracted), False)

    group = _value(predicted.get("organization"))
    if group:
        named = fold(gold.get("organization"))
        right = bool(named) and (named in fold(group) or fold(group) in named)
        add("organization", group, _confidence(predicted.get("organization")), right)
    return out


@dataclass
class Report:
    judgements: list[Judgement] = field(default_factory=list)
    articles: int = 0
    gold_operations: int = 0
    # Gold operations no predicted operation was paired with: misses, which have no confidence.
    missed_operations: int = 0

    def add_article(self, article: str, gold: dict, predicted_ops: list[dict], agencies: Agencies) -> None:
        gold_ops = gold.get("operations") or []
        pairs = pair(gold_ops, predicted_ops)
        self.articles += 1
        self.gold_operations += len(gold_ops)
        self.missed_operations += len(gold_ops) - len(pairs)
        for j, predicted in enumerate(predicted_ops):
            matched = gold_ops[pairs[j]] if j in pairs else None
            self.judgements.extend(judge_operation(article, predicted, matched, agencies))

    def extend(self, other: Report) -> None:
        self.judgements += other.judgements
        self.articles += other.articles
        self.gold_operations += other.gold_operations
        self.missed_operations += other.missed_operations

    def share_right(self) -> float:
        return sum(j.right for j in self.judgements) / len(self.judgements) if self.judgements else 0.0

    def bands(self, slot: str | None = None) -> list[BandRow]:
        rows = [BandRow(low, high) for low, high in BANDS]
        for judgement in self.judgements:
            if slot is None or judgement.slot == slot:
                rows[band_index(judgement.confidence)].add(judgement)
        return rows

    def failures(self, floor: float = STRICT_FLOOR) -> list[BandRow]:
        """The bands from `floor` up whose values are right less often than `floor`."""
        return [row for row in self.bands() if row.low >= floor and row.count and row.share < floor]


def band_index(confidence: float) -> int:
    for index in range(len(BANDS) - 1, 0, -1):
        if confidence >= BANDS[index][0]:
            return index
    return 0


@dataclass
class BandRow:
    low: float
    high: float
    count: int = 0
    right: int = 0
    confidence_sum: float = 0.0

    def add(self, judgement: Judgement) -> None:
        self.count += 1
        self.right += judgement.right
        self.confidence_sum += judgement.confidence

    @property
    def label(self) -> str:
        if self.low == BANDS[0][0]:
            return f"<{self.high:g}"
        if self.high == BANDS[-1][1]:
            return f">={self.low:g}"
        return f"{self.low:g}-{self.high:g}"

    @property
    def share(self) -> float:
        return self.right / self.count if self.count else 0.0

    @property
    def mean_confidence(self) -> float:
        return self.confidence_sum / self.count if self.count else 0.0

    @property
    def below(self) -> bool:
        """Right less often than the band's lower bound promises."""
        return bool(self.count) and self.share < self.low


def predicted_operations(result: dict) -> list[dict]:
    return list(result.get("operations") or [])


def calibrate(cases: Iterable[Case], extractor, *, agencies: Agencies | None = None) -> Report:
    """Run `extractor` over `cases` and judge what it proposes."""
    report = Report()
    for case in cases:
        result = extractor.extract(case.text, published=case.published, language=case.language)
        report.add_article(case.article, case.gold, predicted_operations(result.to_dict()), agencies or Agencies())
    return report


def judge_saved(golds: dict[str, dict], saved: Iterable[dict], *, agencies: Agencies | None = None) -> Report:
    """Judge saved predictions (`manage.py extract --format full`: {"id", ...to_dict()} per
    article) against `golds` by article id. A gold article with no prediction counts as
    missed operations; a prediction without gold is left out."""
    by_id = {str(article.get("id")): article for article in saved}
    report = Report()
    for article, gold in golds.items():
        report.add_article(article, gold, predicted_operations(by_id.get(article, {})), agencies or Agencies())
    return report


# --- The table -------------------------------------------------------------------------------


def render(report: Report, *, title: str = "") -> str:
    rows = report.bands()
    lines = []
    if title:
        lines.append(title)
    lines.append(f"{'confidence':11} {'values':>6} {'right':>6} {'share':>6} {'mean conf':>9}")
    for row in rows:
        flag = f"  BELOW {row.low:g}" if row.below else ""
        share = f"{row.share:6.3f}" if row.count else f"{'-':>6}"
        mean = f"{row.mean_confidence:9.3f}" if row.count else f"{'-':>9}"
        lines.append(f"{row.label:11} {row.count:6} {row.right:6} {share} {mean}{flag}")
    total = sum(row.count for row in rows)
    right = sum(row.right for row in rows)
    lines.append(f"{'all':11} {total:6} {right:6} {right / total if total else 0:6.3f}")
    lines.append("BELOW x: the band's values are right less often than x, its lower bound, promises.")
    lines.append("")
    lines.append("share right (values) by slot kind and confidence band")
    labels = [row.label for row in rows]
    lines.append(f"{'slot':22}" + "".join(f"{label:>14}" for label in labels))
    counts = Counter(j.slot for j in report.judgements)
    for slot in [*SLOT_KINDS, *sorted(set(counts) - set(SLOT_KINDS))]:
        if not counts[slot]:
            continue
        cells = [f"{row.share:.2f} ({row.count})" if row.count else "-" for row in report.bands(slot)]
        lines.append(f"{slot:22}" + "".join(f"{cell:>14}" for cell in cells))
    lines.append("")
    lines.append(
        f"{report.articles} articles, {report.gold_operations} gold operations, "
        f"{report.missed_operations} of them found by no predicted operation (misses have no confidence)."
    )
    failing = report.failures()
    if failing:
        lines.append(
            "Overconfident: "
            + ", ".join(f"{row.label} right {row.share:.3f}" for row in failing)
            + f" (under {STRICT_FLOOR:g}; --strict fails)."
        )
    return "\n".join(lines)


def worst_values(report: Report, limit: int = 10) -> list[Judgement]:
    """The wrong values proposed with the highest confidence: where to look first."""
    wrong = [j for j in report.judgements if not j.right]
    return sorted(wrong, key=lambda j: (-j.confidence, j.article, j.slot))[:limit]
