"""Field-level review in a real browser: accepting and correcting the machine's proposal."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from seizures.models import Operation
from sources.models import FieldDecision
from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def test_a_reviewer_accepts_and_corrects_fields_and_a_second_reviewer_verifies(page, demo, screenshot):
    log_in(page, "reviewer", "demo-reviewer-pass")
    page.get_by_role("link", name=re.compile(r"To review: 5")).click()
    page.locator("#result_list tbody tr", has_text="Paita Port").locator("th a").click()
    operation = Operation.objects.get(place="Paita Port")
    review = page.locator("section.field-review")
    expect(review).to_contain_text("0 of 10")

    # The words "Paita Port" in the source lead to the place's row.
    page.locator(".source-text a.field-span", has_text="Paita Port").click()
    place = page.locator("#field-place")
    expect(place).to_be_focused()
    expect(place).to_contain_text("80%")

    page.get_by_role("button", name="Accept all that the record holds").click()
    expect(page.locator(".messagelist")).to_contain_text("Accepted 10 fields.")
    expect(review).to_contain_text("10 of 10")
    expect(page.locator("#field-country .decision")).to_have_text("Accepted")
    # The page as the README shows it: the proposal and the decisions beside the source.
    page.evaluate("window.scrollTo(0, 0)")
    screenshot("review-page", full_page=False)

    # The reviewer rejects the destination, then corrects the place in the form.
    page.get_by_role("button", name="Reject bound for").click()
    expect(page.locator("#field-destinations .decision")).to_have_text("Rejected")
    page.locator("#field-place").get_by_role("button", name="Edit place").click()
    expect(page.locator("#id_place")).to_be_focused()
    page.locator("#id_place").fill("Paita Port container terminal")
    screenshot("field-review")
    page.get_by_role("button", name="Save and continue editing").click()

    expect(page.locator("#field-place .decision")).to_have_text("Edited")
    # Every field decided: only the four-eyes rule stops this reviewer, in the service's words.
    expect(page.locator("#verify-blockers li")).to_have_text(
        [
            "You decided or edited its values since it was last verified, so another reviewer must verify it "
            "(four-eyes rule)."
        ]
    )
    expect(page.get_by_role("button", name="Verify", exact=True)).to_have_count(0)
    decisions = dict(FieldDecision.objects.filter(operation=operation).values_list("field", "decision"))
    assert (decisions["place"], decisions["destinations"], decisions["country"]) == ("edited", "rejected", "accepted")
    operation.refresh_from_db()
    assert (operation.place, list(operation.destinations.all())) == ("Paita Port container terminal", [])

    # A second reviewer finds it in their queue and verifies it; it leaves the queue.
    page.context.clear_cookies()
    log_in(page, "reviewer2", "demo-reviewer2-pass")
    page.get_by_role("link", name=re.compile(r"To review: 5")).click()
    page.locator("#result_list tbody tr", has_text="Paita Port container terminal").locator("th a").click()
    page.get_by_role("button", name="Verify", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("verified")
    expect(page.locator("#result_list tbody tr")).to_have_count(4)
    expect(page.locator("#result_list")).not_to_contain_text("Paita Port container terminal")
    operation.refresh_from_db()
    assert operation.status == Operation.Status.VERIFIED
    assert operation.verified_version.verified_by.username == "reviewer2"


def test_where_the_two_demo_reports_disagree_the_reviewer_picks_a_value(page, demo, screenshot):
    callao = Operation.objects.get(place="Callao")
    log_in(page, "reviewer", "demo-reviewer-pass")
    page.goto(f"/admin/seizures/operation/{callao.pk}/change/")
    item = page.locator("#field-item-1")
    expect(item).to_contain_text("Sources disagree.")
    expect(item).to_contain_text("Demo coastal news:")
    expect(item.locator("q").first).to_contain_text("520 kilograms")

    item.get_by_role("button", name="Use Cocaine 520 kg for item 1").click()

    expect(page.locator("#field-item-1 .decision")).to_have_text("Accepted")
    expect(page.locator("#field-item-1 .voice.on-record")).to_contain_text("Cocaine 520 kg")
    expect(item.get_by_role("button", name="Use Cocaine 517 kg (hydrochloride) for item 1")).to_be_visible()
    expect(item.get_by_role("button", name="Use Cocaine 520 kg for item 1")).to_have_count(0)
    screenshot("sources-disagree", full_page=False)
    assert [f"{i.quantity_kg.normalize():f}" for i in callao.evidence_items.all()] == ["520"]
