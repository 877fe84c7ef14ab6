"""A reviewer's day in a real browser: the inbox, verifying, the four-eyes rule, merging.

A machine draft is verified in two hands: one reviewer decides every value the extractor
proposed, another verifies (seizures.services.verify_blockers).
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from seizures.models import Operation, OperationMerge, VerifiedVersion
from sources.review import field_accept_all
from tests import factories
from tests.browser.conftest import decide_every_field, log_in, log_out

# Transactional, so the live server sees the test's rows; serialized_rollback puts back the
# reference data (countries, groups) that migrations loaded and the flush between tests removes.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

Status = Operation.Status


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)
    return list(Operation.objects.order_by("pk"))


NOT_DECIDED = "Every value the extractor proposed needs a person's decision first; still open: "
NOBODY_CHECKED = (
    "No person has decided or edited its values yet: one reviewer checks them, another verifies (four-eyes rule)."
)
FOUR_EYES = (
    "You decided or edited its values since it was last verified, so another reviewer must verify it (four-eyes rule)."
)


def test_a_reviewer_decides_a_demo_draft_from_the_inbox_and_a_second_reviewer_verifies_it(page, demo, screenshot):
    log_in(page, "reviewer", "demo-reviewer-pass")
    page.get_by_role("link", name=re.compile(r"To review: 5")).click()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(5)
    first = rows.first.locator("th a")
    title = first.inner_text()
    first.click()

    expect(page.get_by_text("You are reviewing this operation")).to_be_visible()
    expect(page.locator(".source-text mark").first).to_be_visible()  # the cited sentence, highlighted
    screenshot("opened-from-inbox")
    # An untouched machine draft cannot be verified: the page says what is open, and offers no button.
    verify = page.get_by_role("button", name="Verify", exact=True)
    blockers = page.locator("#verify-blockers")
    expect(verify).to_have_count(0)
    expect(blockers).to_contain_text(NOT_DECIDED)
    expect(blockers).to_contain_text("Place (not decided)")
    expect(blockers).to_contain_text(NOBODY_CHECKED)

    page.get_by_role("button", name="Accept all that the record holds").click()
    expect(page.locator(".messagelist")).to_contain_text("Accepted 7 fields.")
    # Every value decided: what still stops this reviewer is only that they decided them.
    expect(blockers.locator("li")).to_have_count(1)
    expect(blockers).to_have_text(re.compile(re.escape(FOUR_EYES)))
    expect(verify).to_have_count(0)
    operation = Operation.objects.get(pk=int(re.search(r"/operation/(\d+)/change/", page.url)[1]))
    assert operation.status == Status.NEEDS_REVIEW
    page.goto("/admin/")
    expect(page.get_by_role("link", name=re.compile(r"To review: 4"))).to_be_visible()

    log_out(page)
    log_in(page, "reviewer2", "demo-reviewer2-pass")
    page.get_by_role("link", name="Operations", exact=True).first.click()
    page.locator("#result_list tbody tr", has_text=title).locator("th a").click()
    expect(blockers).to_have_count(0)
    page.get_by_role("button", name="Verify", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text("verified")
    expect(page.locator("#result_list tbody tr")).to_have_count(4)
    expect(page.locator("#result_list")).not_to_contain_text(title)
    operation.refresh_from_db()
    assert operation.status == Status.VERIFIED
    assert operation.verified_version.verified_by.username == "reviewer2"
    assert Operation.objects.filter(status=Status.VERIFIED).count() == 1


def test_a_reviewer_cannot_verify_what_they_edited_themselves(page, demo, screenshot):
    operation = Operation.objects.get(place="Paita Port")
    log_in(page, "reviewer2", "demo-reviewer2-pass")
    decide_every_field(page, operation.pk)
    page.locator("#id_place").fill("Paita port terminal")
    page.get_by_role("button", name="Save and continue editing").click()

    # All decided, so the one reason left is the four-eyes rule, in the service's words.
    blockers = page.locator("#verify-blockers li")
    expect(blockers).to_have_count(1)
    expect(blockers).to_have_text(FOUR_EYES)
    expect(page.get_by_role("button", name="Verify", exact=True)).to_have_count(0)
    screenshot("four-eyes")
    operation.refresh_from_db()
    assert (operation.place, operation.status) == ("Paita port terminal", Status.NEEDS_REVIEW)

    # Another reviewer may.
    log_out(page)
    log_in(page, "reviewer", "demo-reviewer-pass")
    page.goto(f"/admin/seizures/operation/{operation.pk}/change/")
    expect(page.locator("#verify-blockers")).to_have_count(0)
    page.get_by_role("button", name="Verify", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("verified")
    operation.refresh_from_db()
    assert operation.status == Status.VERIFIED
    assert operation.verified_version.verified_by.username == "reviewer"


def test_a_reviewer_merges_two_reports_of_one_event_and_undoes_it(page, screenshot):
    factories.reviewer(username="rita")
    survivor, duplicate = factories.cited_operation(), factories.cited_operation(place="Paita")
    (survivor_item,) = survivor.evidence_items.all()
    (duplicate_item,) = duplicate.evidence_items.all()
    log_in(page, "rita", "correct-horse-battery")
    page.goto("/admin/seizures/operation/")
    for operation in (survivor, duplicate):
        page.locator(f'input[name="_selected_action"][value="{operation.pk}"]').check()
    page.locator('select[name="action"]').select_option("merge_selected")
    page.get_by_role("button", name="Go").click()

    # The merge page: the older record stays, the two side by side, their one item paired.
    page.wait_for_url(f"**/admin/seizures/operation/{survivor.pk}/merge/{duplicate.pk}/")
    expect(page.locator("#side-survivor")).to_contain_text(f"#{survivor.pk}")
    expect(page.locator("#side-duplicate")).to_contain_text(f"#{duplicate.pk}")
    expect(page.locator(".merge-side").nth(1)).to_contain_text("Paita")
    pair = page.get_by_label(re.compile(rf"^#{duplicate_item.pk} "))
    expect(pair).to_have_value(str(survivor_item.pk))
    expect(page.locator(f"#keep-{duplicate_item.pk}-s")).to_be_checked()

    merge = page.get_by_role("button", name=f"Merge #{duplicate.pk} into #{survivor.pk}")
    merge.click()  # no reason given: the page refuses to send it
    assert page.evaluate("document.querySelector('#id_reason').validity.valueMissing")
    assert OperationMerge.objects.count() == 0
    page.get_by_label("Why they are the same").fill("Same container, same day")
    merge.click()

    page.wait_for_url(f"**/admin/seizures/operation/{survivor.pk}/change/")
    expect(page.locator(".messagelist")).to_contain_text("merged into")
    expect(page.get_by_text(f"Holds operation #{duplicate.pk}")).to_be_visible()
    screenshot("merged")
    # The same item reported twice stays one.
    assert list(survivor.evidence_items.values_list("pk", flat=True)) == [survivor_item.pk]
    assert OperationMerge.objects.get().reason == "Same container, same day"
    page.get_by_role("link", name=f"operation #{duplicate.pk}").click()
    page.get_by_role("button", name="Undo the merge").click()

    expect(page.locator(".messagelist")).to_contain_text("back in review")
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == (Status.NEEDS_REVIEW, None)
    assert list(duplicate.evidence_items.values_list("pk", flat=True)) == [duplicate_item.pk]
    assert OperationMerge.objects.get().undone_at is not None


def test_verifying_selected_operations_refuses_an_undecided_draft_and_says_why(page, demo, screenshot):
    """The bulk action asks first: a page listing each selected operation, and why those that
    cannot be verified cannot; confirmed, it verifies only the others."""
    reviewer, reviewer2 = (get_user_model().objects.get(username=name) for name in ("reviewer", "reviewer2"))
    undecided = Operation.objects.get(place="Alto Amazonas")
    ready = Operation.objects.get(place="Satipo")
    own = Operation.objects.get(place="Mariscal Ramón Castilla")
    field_accept_all(operation=ready, by=reviewer)  # another reviewer decided all its values
    field_accept_all(operation=own, by=reviewer2)  # this reviewer did: four eyes refuse them

    log_in(page, "reviewer2", "demo-reviewer2-pass")
    page.goto("/admin/seizures/operation/")
    for operation in (undecided, ready, own):
        page.locator(f'input[name="_selected_action"][value="{operation.pk}"]').check()
    page.locator('select[name="action"]').select_option("verify_selected")
    page.get_by_role("button", name="Go").click()

    expect(page.locator(".verify-list tbody tr")).to_have_count(3)
    refused = page.locator(f"#verify-{undecided.pk}")
    expect(refused).to_have_class(re.compile(r"\brefused\b"))
    expect(refused).to_contain_text("No.")
    expect(refused).to_contain_text(NOT_DECIDED + "Start date (not decided)")
    expect(refused).to_contain_text("Item 1 (not decided)")
    expect(refused).to_contain_text(NOBODY_CHECKED)
    expect(page.locator(f"#verify-{own.pk}")).to_have_class(re.compile(r"\brefused\b"))
    expect(page.locator(f"#verify-{own.pk} .verify-reasons li")).to_have_text([FOUR_EYES])
    expect(page.locator(f"#verify-{ready.pk}")).to_have_class(re.compile(r"\bready\b"))
    expect(page.locator(f"#verify-{ready.pk} td")).to_have_text("Yes")
    screenshot("verify-selected")
    assert Operation.objects.filter(status=Status.VERIFIED).count() == 0  # nothing yet: it asked first

    page.get_by_role("button", name="Verify 1 operation (not the 2 refused)").click()

    messages = page.locator(".messagelist")
    expect(messages).to_contain_text("1 operation(s) verified.")
    expect(messages).to_contain_text("2 other selected operation(s) were not verified")
    statuses = dict(Operation.objects.filter(pk__in=[undecided.pk, ready.pk, own.pk]).values_list("pk", "status"))
    assert statuses == {undecided.pk: Status.NEEDS_REVIEW, ready.pk: Status.VERIFIED, own.pk: Status.NEEDS_REVIEW}
    assert list(VerifiedVersion.objects.values_list("operation_id", "verified_by__username")) == [
        (ready.pk, "reviewer2")
    ]
