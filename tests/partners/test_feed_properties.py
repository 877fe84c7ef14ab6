"""Property test of the partner feed: whatever reviewers do, and in whatever order, partners
are never served one seizure twice, the stats add up to the records served, and a copy kept by
incremental sync is the published set.

Hypothesis drives random sequences of the steps the site takes, each through the functions the
site calls: a source ingested (a new event, or another report of one already in), a person
deciding the extractor's fields, an edit of an operation's fields or items, a merge (default
plan) and its undoing, a verification, a reopening, a rejection, a deletion. Refusals
(`WorkflowError`, `ValidationError`, a duplicate source, a protected deletion) are part of the
game: each step runs in a savepoint, as a request would, and a refused one leaves nothing.
After every step the partner API is read as a key with the personal-data scope reads it:

(a) every evidence item and every detainee is in at most one published operation document;
(b) /api/v1/stats/ is the sum over the documents served;
(c) a partner's mirror, kept with `updated_since` and the removals feed, is the set served,
    document for document, and that set is the database's published operations.

Each example runs in a transaction rolled back at its end. The default run is small and the
same each time (derandomized); FEED_EXAMPLES=500 FEED_RANDOM=1 is the long form
(docs/reliability.md).
"""

import datetime
import os
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal

import hypothesis
import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.test import Client
from django.utils import timezone
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from seizures.duplicates import likely_duplicates
from seizures.models import Country, Detainee, EvidenceItem, Operation, OperationMerge
from seizures.services import (
    WorkflowError,
    four_eyes_blocks,
    operation_merge,
    operation_reject,
    operation_reopen,
    operation_touch,
    operation_unmerge,
    operation_update,
    operation_verify,
)
from sources.ingestion import IngestError, source_ingest
from sources.models import Source
from sources.review import field_accept_all, field_decide, field_reviews, open_fields, record_edits
from tests import factories
from tests.partners.partner_copy import OPERATIONS, REMOVED, PartnerCopy, walk

FEED_EXAMPLES = int(os.environ.get("FEED_EXAMPLES", "25"))
FEED_STEPS = int(os.environ.get("FEED_STEPS", "15"))
FEED_RANDOM = os.environ.get("FEED_RANDOM", "") == "1"

STATS = "/api/v1/stats/"
PAGE_SIZE = 4  # the partner reads small pages, so that the keyset cursor is exercised too
Status = Operation.Status
REFUSALS = (WorkflowError, ValidationError, IngestError)
# (step, "done" or "refused") over the whole run: a run in which some step never succeeded
# tested less than it seems.
TALLY: Counter = Counter()
CORE_STEPS = ("accept all", "verify", "merge")
LAST_REFUSAL: dict[str, str] = {}  # step: why it was last refused, to say so if it never succeeded


# --- Reports ---------------------------------------------------------------------------------
# Invented reports in a few shapes the extractor reads (checked with `manage.py extract`).
# "March" is avoided: the gazetteer knows a town of that name in England.

START = datetime.date(2021, 4, 1)
PLACES = [
    "the port of Callao, Peru",
    "Paita, Peru",
    "Lima, Peru",
    "Buenaventura, Colombia",
    "Cartagena, Colombia",
    "Guayaquil, Ecuador",
]
DRUGS = ["cocaine", "cannabis", "heroin"]
NATIONALITIES = ["Colombian", "Peruvian", "Ecuadorian", "Venezuelan", "Mexican"]
NUMBERS = ["no", "one", "two", "three", "four", "five", "six", "seven"]
OUTLETS = ["Andean Wire", "El Puerto Hoy", "Pacific Desk", "Diario del Sur"]


@dataclass(frozen=True)
class Event:
    """What a report says: where, when, which drugs ((drug, kg)...) and who
    ((nationality index, how many)...)."""

    place: int
    day: int
    drugs: tuple[tuple[str, int], ...]
    detainees: tuple[tuple[int, int], ...]

    @property
    def date(self) -> datetime.date:
        return START + datetime.timedelta(days=self.day)


def _people(detainees: tuple[tuple[int, int], ...]) -> tuple[str, bool]:
    """("one Mexican and two Colombians", plural)."""
    parts = [f"{NUMBERS[n]} {NATIONALITIES[k]}{'s' if n > 1 else ''}" for k, n in detainees]
    return " and ".join(parts), sum(n for _, n in detainees) > 1


def report(event: Event, style: int) -> str:
    unit = ["kg", "kilograms", "kilos"][style % 3]
    drugs = " and ".join(f"{kg:,} {unit} of {drug}" for drug, kg in event.drugs)
    date = f"{event.date.day} {event.date:%B %Y}"
    place = PLACES[event.place]
    people, plural = _people(event.detainees)
    were = "were" if plural else "was"
    if style % 3 == 0:
        told = f"On {date} police seized {drugs} at {place}"
        return told + (f"; {people} {were} detained." if people else ". Nobody was arrested.")
    if style % 3 == 1:
        told = f"Authorities reported that on {date} officers found {drugs} hidden in a container in {place}."
        return told + (f" {people.capitalize()} {were} arrested." if people else "")
    told = f"Anti-drug police announced the seizure of {drugs} in {place} on {date}."
    return told + (f" {people.capitalize()} {were} taken into custody." if people else "")


events = st.builds(
    Event,
    place=st.integers(0, len(PLACES) - 1),
    day=st.integers(0, 40),
    drugs=st.lists(
        st.tuples(st.sampled_from(DRUGS), st.integers(5, 3000)), min_size=1, max_size=2, unique_by=lambda d: d[0]
    ).map(tuple),
    detainees=st.lists(
        st.tuples(st.integers(0, len(NATIONALITIES) - 1), st.integers(1, 4)), max_size=2, unique_by=lambda d: d[0]
    ).map(tuple),
)
styles = st.integers(0, 2)

# How another report of an event differs from the first: nothing, the weight (within the 2%
# that makes it the same event), the detainees, the day, or a week later (too far for the
# matching rule: a second operation, which a reviewer may merge).
RETELLINGS = ["same", "weight", "detainees", "next day", "a week later"]


def retold(event: Event, how: str) -> Event:
    (drug, kg), *others = event.drugs
    if how == "weight":
        return replace(event, drugs=((drug, kg + kg // 100), *others))
    if how == "detainees":
        if event.detainees:
            (who, n), *rest = event.detainees
            return replace(event, detainees=((who, n % 4 + 1), *rest))
        return replace(event, detainees=((1, 2),))
    if how == "next day":
        return replace(event, day=event.day + 1)
    if how == "a week later":
        return replace(event, day=event.day + 7)
    return event


# --- The partner's side ----------------------------------------------------------------------


def stats_of(documents: list[dict]) -> dict:
    """What /api/v1/stats/ should say of these documents, summed from their items and people."""
    kg: dict[str, Decimal | None] = {}
    operations: Counter = Counter()
    nationalities: Counter = Counter()
    for document in documents:
        drugs = set()
        for item in document["evidence_items"]:
            drug = item["drug_type"]
            if not drug:
                continue
            drugs.add(drug)
            kg.setdefault(drug, None)
            if item["quantity_kg"] is not None:
                kg[drug] = (kg[drug] or Decimal(0)) + Decimal(item["quantity_kg"])
        operations.update(drugs)
        nationalities.update(person["nationality"] for person in document["detainees"])
    return {
        "operations": len(documents),
        "detainees": sum(len(document["detainees"]) for document in documents),
        "drugs": {drug: (kg[drug], operations[drug]) for drug in kg},
        "detainees_by_nationality": dict(nationalities),
    }


def served_stats(client: Client) -> dict:
    response = client.get(STATS)
    assert response.status_code == 200, response.content
    body = response.json()
    return {
        "operations": body["operations"],
        "detainees": body["detainees"],
        "drugs": {
            row["drug_type"]: (None if row["kg"] is None else Decimal(str(row["kg"])), row["operations"])
            for row in body["drugs"]
        },
        "detainees_by_nationality": {row["nationality"]: row["detainees"] for row in body["detainees_by_nationality"]},
    }


# --- The machine -----------------------------------------------------------------------------


class Clock:
    """Real time moved on by `advance`. The steps of an example take milliseconds, and
    partners sync hours apart: moving the clock a minute between steps lets the mirror's
    overlap re-read nothing of the step before, so a change that left `modified_at` or
    `removed_at` behind would be missed here as a partner would miss it."""

    def __init__(self, now):
        self.real_now = now
        self.offset = datetime.timedelta(0)

    def __call__(self) -> datetime.datetime:
        return self.real_now() + self.offset

    def advance(self) -> None:
        self.offset += datetime.timedelta(minutes=1)


EDITS = ["place", "weight", "add item", "remove item", "add detainee", "remove detainee", "place and weight"]
OTHER_PLACES = ["Pier 4", "Container terminal", "Km 12 of the Panamericana", "Warehouse in the old town"]


class FeedMachine(RuleBasedStateMachine):
    """One example: a world of sources and operations built step by step, in a transaction
    rolled back at its end. The test sets `people`, `key` and `clock` on the class."""

    people: dict[str, object]
    key: str
    clock: Clock
    REVIEWERS = ("rita", "raul", "vera")
    PEOPLE = (*REVIEWERS, "eddie")

    def __init__(self):
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.client = Client(headers={"Authorization": f"Api-Key {self.key}"})
        self.mirror = PartnerCopy(self.client, page_size=PAGE_SIZE)
        self.events: list[Event] = []
        self.sources = 0
        self.counts: Counter = Counter()

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    # --- helpers ---

    def attempt(self, step: str, action, *, refusals=REFUSALS) -> bool:
        """Run `action` in a savepoint, as a request would: a refusal leaves nothing behind."""
        try:
            with transaction.atomic():
                action()
        except refusals as error:
            hypothesis.note(f"{step} refused: {error}")
            LAST_REFUSAL[step] = str(error)
            TALLY[step, "refused"] += 1
            return False
        TALLY[step, "done"] += 1
        return True

    def pick(self, index: int, candidates):
        candidates = list(candidates.order_by("pk")) if hasattr(candidates, "order_by") else list(candidates)
        return candidates[index % len(candidates)] if candidates else None

    def refresh_counts(self) -> None:
        self.counts = Counter(Operation.objects.values_list("status", flat=True))
        self.counts["merges"] = OperationMerge.objects.filter(undone_at__isnull=True).count()

    def ingest(self, event: Event, style: int) -> None:
        self.sources += 1
        source = Source(
            kind=Source.Kind.ARTICLE,
            outlet=OUTLETS[self.sources % len(OUTLETS)],
            title=f"Seizure report {self.sources}",
            url=f"https://news.example.org/feed/{self.sources}",
            published=event.date + datetime.timedelta(days=1),
            language="en",
            text=report(event, style),
        )
        hypothesis.note(f"source {self.sources}: {source.text}")
        if self.attempt("ingest", lambda: source_ingest(by=None, source=source)):
            self.events.append(event)

    # --- the steps ---

    @initialize(event=events, later_report=st.booleans(), style=styles)
    def first_reports(self, event, later_report, style):
        self.ingest(event, style)
        if later_report:
            self.ingest(retold(event, "a week later"), style + 1)

    @rule(event=events, style=styles)
    def ingest_a_new_event(self, event, style):
        self.ingest(event, style)

    @precondition(lambda self: self.events)
    @rule(which=st.integers(0, 100), how=st.sampled_from(RETELLINGS), style=styles)
    def ingest_another_report(self, which, how, style):
        self.ingest(retold(self.events[which % len(self.events)], how), style)

    @precondition(lambda self: self.counts[Status.NEEDS_REVIEW])
    @rule(op=st.integers(0, 100), who=st.sampled_from(PEOPLE), pick_disputed=st.booleans(), data=st.data())
    def decide_fields(self, op, who, pick_disputed, data):
        """Accept all, then (or not) pick a value where sources disagree or the record holds
        none of the proposals."""
        operation = self.pick(op, Operation.objects.needing_review())
        person = self.people[who]
        self.attempt("accept all", lambda: field_accept_all(operation=operation, by=person))
        if not pick_disputed:
            return
        for row in field_reviews(operation):
            if not row.is_open:
                continue
            voice = row.voices[data.draw(st.integers(0, len(row.voices) - 1), label=f"value of {row.key}")]
            self.attempt(
                "pick a value",
                lambda key=row.key, source_id=voice.source.pk: field_decide(
                    operation=operation, key=key, decision="accepted", source_id=source_id, by=person
                ),
            )

    @precondition(lambda self: self.counts[Status.NEEDS_REVIEW] + self.counts[Status.VERIFIED])
    @rule(op=st.integers(0, 100), who=st.sampled_from(PEOPLE), what=st.sampled_from(EDITS), n=st.integers(0, 3))
    def edit(self, op, who, what, n):
        """What saving the operation's form does: its fields through operation_update, its
        items and detainees saved beside (operation_touch when only they changed), and the
        proposed fields changed marked as edited."""
        operation = self.pick(op, Operation.objects.exclude(status__in=Operation.FROZEN_STATUSES))
        person = self.people[who]

        def save_the_form():
            fields, parts = [], set()
            if "place" in what:
                operation.place = OTHER_PLACES[n]
                operation_update(operation=operation, by=person)
                fields.append("place")
            items = list(operation.evidence_items.order_by("pk"))
            detainees = list(operation.detainees.order_by("pk"))
            if "weight" in what and items:
                item = items[n % len(items)]
                factor = [Decimal("0.5"), Decimal("1.1"), Decimal("2"), Decimal("10")][n]
                # As a person types it: a weight with at most three decimals.
                item.quantity = ((item.quantity or Decimal(1)) * factor).quantize(Decimal("0.001"))
                item.quantity_kg = item.quantity if item.unit == "kg" else item.quantity_kg
                self.save_part(item, person)
                parts.add("evidence_items")
            elif what == "add item":
                kg = Decimal(10 * (n + 1))
                item = EvidenceItem(
                    operation=operation, category="drug", drug_type=DRUGS[n % 3], quantity=kg, unit="kg", quantity_kg=kg
                )
                self.save_part(item, person)
                parts.add("evidence_items")
            elif what == "remove item" and items:
                self.delete_part(items[n % len(items)], person)
                parts.add("evidence_items")
            elif what == "add detainee":
                self.save_part(Detainee(operation=operation, nationality=Country.objects.get(code="PE")), person)
                parts.add("detainees")
            elif what == "remove detainee" and detainees:
                self.delete_part(detainees[n % len(detainees)], person)
                parts.add("detainees")
            if parts and not fields:
                operation_touch(operation=operation, by=person, reason=f"edited: {what}")
            record_edits(operation=operation, changed_fields=fields, by=person, changed_parts=parts)

        self.attempt(f"edit ({what})", save_the_form)

    @staticmethod
    def settle(operation, *, by) -> None:
        """Decide every field still open: accept what the record holds, and where sources
        disagree, the first value shown."""
        field_accept_all(operation=operation, by=by)
        for row in field_reviews(operation):
            if row.is_open:
                field_decide(
                    operation=operation, key=row.key, decision="accepted", source_id=row.voices[0].source.pk, by=by
                )

    @staticmethod
    def save_part(part, person) -> None:
        part.full_clean(exclude=["operation"])
        part._history_user = person
        part.save()

    @staticmethod
    def delete_part(part, person) -> None:
        part._history_user = person
        part.delete()

    @precondition(lambda self: self.counts[Status.NEEDS_REVIEW] + self.counts[Status.VERIFIED] >= 2)
    @rule(
        survivor=st.integers(0, 100),
        duplicate=st.integers(0, 100),
        likely=st.booleans(),
        who=st.sampled_from(REVIEWERS),
    )
    def merge(self, survivor, duplicate, likely, who):
        """Merge two operations, the duplicate among the survivor's likely duplicates (if it
        has any and `likely`) or among any others that may be merged."""
        mergeable = Operation.objects.exclude(status__in=Operation.FROZEN_STATUSES)
        survivor = self.pick(survivor, mergeable)
        candidates = likely_duplicates(survivor) if likely else []
        duplicate = self.pick(duplicate, candidates or mergeable.exclude(pk=survivor.pk))
        if duplicate is None:
            return
        self.attempt(
            "merge",
            lambda: operation_merge(
                survivor=survivor, duplicate=duplicate, by=self.people[who], reason="The same seizure, reported twice."
            ),
        )

    @precondition(lambda self: self.counts["merges"])
    @rule(which=st.integers(0, 100), who=st.sampled_from(REVIEWERS))
    def unmerge(self, which, who):
        merge = self.pick(which, OperationMerge.objects.filter(undone_at__isnull=True))
        self.attempt("unmerge", lambda: operation_unmerge(merge=merge, by=self.people[who]))

    @precondition(lambda self: self.counts[Status.NEEDS_REVIEW])
    @rule(op=st.integers(0, 100), who=st.sampled_from(REVIEWERS), decided=st.booleans())
    def verify(self, op, who, decided):
        """Verify, by `who` or, if the four-eyes rule stops them, by the next reviewer it
        does not stop. Half the time (`decided`) another person first settles every field
        still open, as the four-eyes workflow has it; else the operation goes as it is (an
        untouched draft is refused)."""
        operation = self.pick(op, Operation.objects.needing_review())
        start = self.REVIEWERS.index(who)
        order = [self.people[name] for name in (*self.REVIEWERS[start:], *self.REVIEWERS[:start])]
        if decided and open_fields(operation):
            self.attempt("accept all", lambda: self.settle(operation, by=order[-1]))
        reviewer = next((r for r in order if not four_eyes_blocks(operation=operation, by=r)), order[0])
        self.attempt("verify", lambda: operation_verify(operation=operation, by=reviewer))

    @precondition(lambda self: self.counts[Status.VERIFIED] + self.counts[Status.REJECTED])
    @rule(op=st.integers(0, 100), who=st.sampled_from(REVIEWERS))
    def reopen(self, op, who):
        operation = self.pick(op, Operation.objects.filter(status__in=[Status.VERIFIED, Status.REJECTED]))
        self.attempt(
            "reopen", lambda: operation_reopen(operation=operation, by=self.people[who], reason="Weight in doubt")
        )

    @precondition(lambda self: self.counts[Status.NEEDS_REVIEW])
    @rule(op=st.integers(0, 100), who=st.sampled_from(REVIEWERS))
    def reject(self, op, who):
        operation = self.pick(op, Operation.objects.needing_review())
        self.attempt(
            "reject",
            lambda: operation_reject(operation=operation, by=self.people[who], reason="A yearly total, not a seizure."),
        )

    @precondition(lambda self: sum(self.counts[status] for status in Status.values))
    @rule(op=st.integers(0, 100))
    def delete(self, op):
        # Operations in a merge, even an undone one, are protected until the merge row goes.
        operation = self.pick(op, Operation.objects.filter(merges_in=None, merges_out=None))
        if operation is not None:
            self.attempt("delete", operation.delete, refusals=(ProtectedError,))

    # --- what partners see, after every step ---

    @invariant()
    def partners_see_each_seizure_once_and_a_copy_they_can_keep(self):
        documents = walk(self.client, OPERATIONS, page_size=PAGE_SIZE)
        served = {document["id"]: document for document in documents}
        assert len(served) == len(documents), "an operation was served twice in one walk"

        # (a) One evidence item, one person: in one published document at most.
        holders = defaultdict(list)
        for document in documents:
            for item in document["evidence_items"]:
                holders["evidence item", item["id"]].append(document["id"])
            for person in document["detainees"]:
                holders["detainee", person["id"]].append(document["id"])
        assert not {part: ids for part, ids in holders.items() if len(ids) > 1}

        # (b) The stats are the sum of what is served.
        for document in documents:
            assert document["detainee_count"] == len(document["detainees"])
        assert served_stats(self.client) == stats_of(documents)

        # (c) The mirror is what is served, and what is served is what was verified.
        self.mirror.sync()
        assert self.mirror.records == served
        published = dict(Operation.objects.published().values_list("public_id", "verified_version__number"))
        assert {pid: document["version"] for pid, document in served.items()} == {
            str(pid): number for pid, number in published.items()
        }
        removed = {removal["id"] for removal in walk(self.client, REMOVED, page_size=PAGE_SIZE)}
        assert not removed & set(served), "an operation is both served and removed"

        self.refresh_counts()
        self.clock.advance()


@pytest.mark.django_db
def test_partners_never_see_a_seizure_twice_and_their_copy_stays_the_published_set(settings, monkeypatch):
    settings.PARTNER_API_RATE = "1000000/minute"  # hundreds of requests an example
    settings.SEIZURES_FOUR_EYES = True
    FeedMachine.people = {name: factories.reviewer(username=name) for name in FeedMachine.REVIEWERS}
    FeedMachine.people["eddie"] = factories.editor(username="eddie")
    FeedMachine.key = factories.partner_api_key(personal_data=True)[1]
    FeedMachine.clock = Clock(timezone.now)
    monkeypatch.setattr(timezone, "now", FeedMachine.clock)
    run_state_machine_as_test(
        FeedMachine,
        settings=hypothesis.settings(
            max_examples=FEED_EXAMPLES,
            stateful_step_count=FEED_STEPS,
            derandomize=not FEED_RANDOM,
            database=None,  # no example database: each run is the same run
            deadline=None,
            suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture, hypothesis.HealthCheck.too_slow],
        ),
    )
    # A run in which verifying, merging or deciding never succeeded tested far less than it
    # seems (the feed would stay nearly empty); rarer steps may be refused by chance.
    never_done = sorted(step for step in CORE_STEPS if not TALLY[step, "done"])
    assert not never_done, "these steps never succeeded: " + "; ".join(
        f"{step} (last refused: {LAST_REFUSAL.get(step)})" for step in never_done
    )
