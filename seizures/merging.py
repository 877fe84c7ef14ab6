"""Which parts of two reports of one event are the same thing reported twice.

A merge (`seizures.services.operation_merge`) never sums one seizure: an evidence item of the
duplicate that is the survivor's item reported again becomes one item with it, and so does a
detainee. The reviewer says which are the same on the merge page; `default_plan` proposes:

- drugs of the same type whose weights agree within `SAME_EVENT_WEIGHT_TOLERANCE` (the
  tolerance that makes two records the same event), the nearest weights first;
- other items of the same category stating the same quantity and unit (or currency);
- detainees of the same name (compared without accents or case), then, among those whose
  names are not both known, detainees of the same nationality, one for one.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from unidecode import unidecode

from seizures import vocabularies as vocab
from seizures.models import Detainee, EvidenceItem, Operation

SAME_EVENT_WEIGHT_TOLERANCE = Decimal("0.02")

# What a pair becomes: the survivor's item as it was, or with the duplicate's values.
KEEP_SURVIVOR, KEEP_DUPLICATE = "survivor", "duplicate"
ITEM_VALUE_FIELDS = [
    "category",
    "drug_type",
    "form",
    "description",
    "quantity",
    "unit",
    "currency",
    "quantity_kg",
    "concealment",
]
# A detainee reported twice keeps what either report says of them.
DETAINEE_FIELDS = ["nationality", "name", "age", "sex", "role"]


@dataclass
class Pair:
    survivor: int  # the survivor's item or detainee id
    duplicate: int  # the duplicate's
    keep: str = KEEP_SURVIVOR  # items only: whose values the one item takes


@dataclass
class MergePlan:
    items: list[Pair] = field(default_factory=list)
    detainees: list[Pair] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "items": [[p.survivor, p.duplicate, p.keep] for p in self.items],
            "detainees": [[p.survivor, p.duplicate] for p in self.detainees],
        }


def weights_agree(a: Decimal | None, b: Decimal | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= SAME_EVENT_WEIGHT_TOLERANCE * max(a, b)


def _items_match(a: EvidenceItem, b: EvidenceItem) -> bool:
    if a.category != b.category:
        return False
    if a.category == vocab.EvidenceCategory.DRUG:
        return a.drug_type == b.drug_type and weights_agree(a.quantity_kg, b.quantity_kg)
    return (a.quantity, a.unit, a.currency) == (b.quantity, b.unit, b.currency)


def _distance(a: EvidenceItem, b: EvidenceItem) -> Decimal:
    if a.quantity_kg is None or b.quantity_kg is None:
        return Decimal(0)
    return abs(a.quantity_kg - b.quantity_kg)


def folded_name(name: str) -> str:
    return " ".join(unidecode(name).casefold().split())


def default_plan(survivor: Operation, duplicate: Operation) -> MergePlan:
    plan = MergePlan()
    theirs = list(EvidenceItem.objects.filter(operation=duplicate).order_by("pk"))
    ours = list(EvidenceItem.objects.filter(operation=survivor).order_by("pk"))
    candidates = sorted(
        ((_distance(a, b), a.pk, b.pk) for a in ours for b in theirs if _items_match(a, b)),
    )
    used_ours, used_theirs = set(), set()
    for _, ours_pk, theirs_pk in candidates:
        if ours_pk not in used_ours and theirs_pk not in used_theirs:
            used_ours.add(ours_pk)
            used_theirs.add(theirs_pk)
            plan.items.append(Pair(ours_pk, theirs_pk))

    people_ours = list(Detainee.objects.filter(operation=survivor).order_by("pk"))
    people_theirs = list(Detainee.objects.filter(operation=duplicate).order_by("pk"))
    paired_ours, paired_theirs = set(), set()

    def pair_when(same) -> None:
        for mine in people_ours:
            if mine.pk in paired_ours:
                continue
            other = next((o for o in people_theirs if o.pk not in paired_theirs and same(mine, o)), None)
            if other is not None:
                paired_ours.add(mine.pk)
                paired_theirs.add(other.pk)
                plan.detainees.append(Pair(mine.pk, other.pk))

    pair_when(lambda a, b: bool(a.name.strip()) and folded_name(a.name) == folded_name(b.name))
    pair_when(lambda a, b: not (a.name.strip() and b.name.strip()) and a.nationality_id == b.nationality_id)
    plan.items.sort(key=lambda p: p.survivor)
    return plan


class PlanError(ValueError):
    """A plan that does not fit the two operations; the message is meant for the user."""


def checked_plan(plan: MergePlan, *, survivor: Operation, duplicate: Operation) -> MergePlan:
    """`plan`, refused if a pair names a part of neither operation, or a part twice."""
    for kind, model, pairs in (("an item", EvidenceItem, plan.items), ("a detainee", Detainee, plan.detainees)):
        ours = set(model.objects.filter(operation=survivor).values_list("pk", flat=True))
        theirs = set(model.objects.filter(operation=duplicate).values_list("pk", flat=True))
        seen_ours, seen_theirs = set(), set()
        for pair in pairs:
            if pair.survivor not in ours or pair.duplicate not in theirs:
                raise PlanError(f"A pair names {kind} that is not one of the two operations'. Reload the page.")
            if pair.survivor in seen_ours or pair.duplicate in seen_theirs:
                raise PlanError(f"Each of them can be paired with one other only: {kind} was paired twice.")
            if pair.keep not in (KEEP_SURVIVOR, KEEP_DUPLICATE):
                raise PlanError("Choose whose values a pair of items keeps.")
            seen_ours.add(pair.survivor)
            seen_theirs.add(pair.duplicate)
    return plan
