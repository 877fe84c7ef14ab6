"""A reviewer works through the queue with the keyboard alone (static/seizures/keys.js)."""

import re

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from seizures.models import Operation
from sources.models import FieldDecision
from tests.browser.conftest import decide_every_field, log_in, log_out

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

Status = Operation.Status
REVIEWER = ("reviewer", "demo-reviewer-pass")
SECOND_REVIEWER = ("reviewer2", "demo-reviewer2-pass")
FOUR_EYES = (
    "You decided or edited its values since it was last verified, so another reviewer must verify it (four-eyes rule)."
)


@pytest.fixture
def queue(db):
    """The pks of the demo's five drafts in the order of the demo reviewer's queue."""
    call_command("load_demo", verbosity=0)
    reviewer = get_user_model().objects.get(username=REVIEWER[0])
    ordering = admin.site.get_model_admin(Operation).get_ordering(request=None)
    order = list(Operation.objects.to_review_by(reviewer).order_by(*ordering).values_list("pk", flat=True))
    assert len(order) == 5
    return order


def change_url(pk):
    return f"/admin/seizures/operation/{pk}/change/"


def focused(page, selector: str) -> bool:
    return page.evaluate("selector => document.activeElement.matches(selector)", selector)


def tab_until(page, selector: str, limit: int = 400) -> int:
    """Press Tab until the focus is on `selector`; returns how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if focused(page, selector):
            return presses
    raise AssertionError(f"{limit} presses of Tab never reached {selector}")


def test_a_reviewer_moves_through_the_queue_reads_the_help_and_rejects_with_the_keyboard(page, queue, screenshot):
    log_in(page, *REVIEWER)
    page.goto(change_url(queue[0]))
    position = page.locator(".queue-position")
    expect(position).to_have_text("1 of 5 in your review queue")
    expect(page.get_by_text("Press ? for keyboard shortcuts")).to_be_visible()
    screenshot("keyboard-queue-bar")

    page.keyboard.press("n")
    page.wait_for_url(f"**{change_url(queue[1])}")
    expect(position).to_have_text("2 of 5 in your review queue")
    page.keyboard.press("p")
    page.wait_for_url(f"**{change_url(queue[0])}")

    help_panel = page.get_by_role("dialog", name="Keyboard shortcuts")
    page.keyboard.press("?")
    expect(help_panel).to_be_visible()
    expect(help_panel).to_contain_text("Verify the operation")
    screenshot("keyboard-help")
    page.keyboard.press("Escape")
    expect(help_panel).to_be_hidden()

    page.keyboard.press("r")
    expect(page.locator("#reject-reason")).to_be_focused()
    page.keyboard.type("A monthly total, not an operation")
    page.keyboard.press("Control+Enter")

    expect(page.locator(".messagelist")).to_contain_text("rejected")
    rejected = Operation.objects.get(pk=queue[0])
    assert (rejected.status, rejected.rejection_reason) == (Status.REJECTED, "A monthly total, not an operation")
    page.goto("/admin/seizures/operation/?inbox=to_review")
    expect(page.locator("#result_list tbody tr")).to_have_count(4)


def test_keys_typed_in_a_field_are_text_not_shortcuts_and_an_empty_reason_is_refused(page, queue):
    log_in(page, *REVIEWER)
    page.goto(change_url(queue[0]))
    place = page.locator("#id_place")
    place.focus()
    page.keyboard.press("End")
    page.keyboard.type(" np?v")
    expect(place).to_have_value(re.compile(r" np\?v$"))
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_hidden()
    assert page.url.endswith(change_url(queue[0]))

    # Out of the field, with its edit not saved: n asks before leaving, and stays when told no.
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("n")
    assert asked and "not saved" in asked[0]
    assert page.url.endswith(change_url(queue[0]))

    page.locator("#reject-reason").focus()
    page.keyboard.press("Control+Enter")
    assert page.evaluate("document.querySelector('#reject-reason').validity.valueMissing")
    assert Operation.objects.get(pk=queue[0]).status == Status.NEEDS_REVIEW


def test_a_reviewer_decides_with_shift_a_and_a_second_reviewer_verifies_with_v(page, queue):
    log_in(page, *REVIEWER)
    page.goto(change_url(queue[2]))
    expect(page.locator(".queue-position")).to_have_text("3 of 5 in your review queue")
    page.keyboard.press("Shift+A")  # accept all that the record holds
    expect(page.locator(".messagelist")).to_contain_text("Accepted 10 fields.")
    expect(page.locator("#verify-blockers li")).to_have_text([FOUR_EYES])
    log_out(page)

    log_in(page, *SECOND_REVIEWER)
    page.goto(change_url(queue[2]))
    expect(page.locator('.review-actions button[value="verify"]')).to_have_attribute("aria-keyshortcuts", "v")
    page.keyboard.press("v")

    expect(page.locator(".messagelist")).to_contain_text("verified")
    verified = Operation.objects.get(pk=queue[2])
    assert verified.status == Status.VERIFIED
    assert verified.verified_version.verified_by.username == SECOND_REVIEWER[0]
    expect(page.locator("#result_list tbody tr")).to_have_count(4)


def test_v_does_nothing_where_there_is_no_verify_button(page, queue):
    """Neither on an undecided machine draft nor on one whose values this reviewer decided."""
    sent = []
    page.on("request", lambda request: sent.append(request.url) if "/transition/" in request.url else None)
    help_panel = page.get_by_role("dialog", name="Keyboard shortcuts")
    log_in(page, *REVIEWER)
    page.goto(change_url(queue[1]))
    blockers = page.locator("#verify-blockers")
    expect(blockers).to_contain_text("needs a person's decision first")

    def v_then_help():
        page.keyboard.press("v")
        # The shortcuts are alive (? opens their help) and v, pressed before, did nothing.
        page.keyboard.press("?")
        expect(help_panel).to_be_visible()
        page.keyboard.press("Escape")
        expect(help_panel).to_be_hidden()
        assert page.url.split("#")[0].endswith(change_url(queue[1]))
        assert sent == []

    v_then_help()
    decide_every_field(page, queue[1])
    expect(blockers.locator("li")).to_have_text([FOUR_EYES])
    v_then_help()
    assert Operation.objects.get(pk=queue[1]).status == Status.NEEDS_REVIEW


def test_tab_reaches_the_queue_links_the_verify_button_and_the_reason_in_order(page, queue):
    # The demo editor decides the fields: editors check values but do not verify, so they
    # take no claim, and the record stays in the reviewer's queue between its neighbours.
    log_in(page, "editor", "demo-editor-pass")
    decide_every_field(page, queue[1])
    log_out(page)
    log_in(page, *REVIEWER)
    page.goto(change_url(queue[1]))
    expect(page.locator(".queue-position")).to_have_text("2 of 5 in your review queue")

    tab_until(page, ".queue-nav a[rel=prev]")
    tab_until(page, ".queue-nav a[rel=next]")
    tab_until(page, '.review-actions button[value="verify"]')
    page.keyboard.press("Tab")
    assert focused(page, "#reject-reason")


def test_j_and_k_move_between_the_proposed_fields_and_a_accepts_one(page, queue):
    log_in(page, *REVIEWER)
    page.goto(change_url(queue[0]))
    rows = page.locator(".field-review .field-row")
    expect(rows.first).to_be_attached()

    page.keyboard.press("j")
    expect(rows.nth(0)).to_be_focused()
    page.keyboard.press("j")
    expect(rows.nth(1)).to_be_focused()
    page.keyboard.press("k")
    expect(rows.nth(0)).to_be_focused()

    # The first row that can be accepted as it is.
    acceptable = page.locator(".field-review .field-row:has([data-decision=accept])").first
    key = acceptable.get_attribute("data-field")
    while not focused(page, f'.field-row[data-field="{key}"]'):
        page.keyboard.press("j")
    page.keyboard.press("a")

    expect(page.locator(".messagelist")).to_contain_text("accepted")
    assert FieldDecision.objects.get(operation_id=queue[0], field=key).decision == "accepted"
    # Back on the page at that row, with the focus on it: j and k go on from there.
    expect(page.locator(f'.field-row[data-field="{key}"]')).to_be_focused()


def test_a_change_made_in_an_autocomplete_counts_as_unsaved_too(page, queue):
    """The admin's autocompletes (Select2) report through jQuery, not DOM events: the check
    compares the whole form with how it loaded, so clearing one is noticed."""
    log_in(page, *REVIEWER)
    page.goto(change_url(queue[0]))
    page.locator("#id_subdivision").locator("xpath=..").locator(".select2-selection__clear").click()
    page.keyboard.press("Escape")
    page.evaluate("document.activeElement.blur()")

    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.keyboard.press("n")

    assert asked and "not saved" in asked[0]
    assert page.url.endswith(change_url(queue[0]))
