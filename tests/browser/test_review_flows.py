"""A reviewer's day in a real browser: the inbox, verifying, the four-eyes rule, merging."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from seizures.models import Operation, OperationMerge
from tests import factories
from tests.browser.conftest import log_in

# Transactional, so the live server sees the test's rows; serialized_rollback puts back the
# reference data (countries, groups) that migrations loaded and the flush between tests removes.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

Status = Operation.Status


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)
    return list(Operation.objects.order_by("pk"))


def test_a_reviewer_verifies_a_demo_draft_from_the_inbox_and_it_leaves_the_queue(page, demo, screenshot):
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
    page.get_by_role("button", name="Verify", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text("verified")
    expect(page.locator("#result_list tbody tr")).to_have_count(4)
    expect(page.locator("#result_list")).not_to_contain_text(title)
    assert Operation.objects.filter(status=Status.VERIFIED).count() == 1


def test_a_reviewer_cannot_verify_what_they_edited_themselves(page, demo, screenshot):
    operation = demo[0]
    log_in(page, "reviewer2", "demo-reviewer2-pass")
    page.goto(f"/admin/seizures/operation/{operation.pk}/change/")
    page.locator("#id_place").fill("Paita port terminal")
    page.get_by_role("button", name="Save and continue editing").click()

    expect(page.get_by_text("You made the last edit, so another reviewer must verify this operation.")).to_be_visible()
    expect(page.get_by_role("button", name="Verify", exact=True)).to_have_count(0)
    screenshot("four-eyes")
    operation.refresh_from_db()
    assert (operation.place, operation.status) == ("Paita port terminal", Status.NEEDS_REVIEW)


def test_a_reviewer_merges_two_reports_of_one_event_and_undoes_it(page, screenshot):
    factories.reviewer(username="rita")
    survivor, duplicate = factories.cited_operation(), factories.cited_operation(place="Paita")
    log_in(page, "rita", "correct-horse-battery")
    page.goto("/admin/seizures/operation/")
    for operation in (survivor, duplicate):
        page.locator(f'input[name="_selected_action"][value="{operation.pk}"]').check()
    page.locator('select[name="action"]').select_option("merge_selected")
    page.get_by_role("button", name="Go").click()

    page.get_by_label(re.compile(rf"^#{survivor.pk} ")).check()
    page.get_by_label("Why they are the same").fill("Same container, same day")
    page.get_by_role("button", name="Merge").click()

    expect(page.get_by_text(f"Holds operation #{duplicate.pk}")).to_be_visible()
    screenshot("merged")
    page.get_by_role("link", name=f"operation #{duplicate.pk}").click()
    page.get_by_role("button", name="Undo the merge").click()

    expect(page.locator(".messagelist")).to_contain_text("back in review")
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == (Status.NEEDS_REVIEW, None)
    assert OperationMerge.objects.get().undone_at is not None
