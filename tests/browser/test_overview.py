"""The overview of verified data in a real browser: the demo case's figures, map and chart."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import log_in

# Transactional, so the live server sees the test's rows; serialized_rollback puts back the
# reference data (countries, groups) that migrations loaded and the flush between tests removes.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def demo(db):
    call_command("load_demo", verify=True, stdout=io.StringIO())


def test_a_reviewer_sees_the_demo_case_at_a_glance_and_narrows_it(page, demo, screenshot):
    log_in(page, "reviewer", "demo-reviewer-pass")
    page.get_by_role("link", name="Overview", exact=True).click()

    expect(page.locator("#total-kg")).to_have_text("4,940 kg")
    expect(page.locator("#total-operations")).to_have_text("5")
    chart = page.get_by_role("img", name=re.compile(r"^Kilograms of drugs seized per month"))
    expect(chart).to_be_visible()
    expect(chart.locator("rect title")).to_have_text(["February 2021, cocaine: 4,940 kg"])
    drawn = page.get_by_role("img", name=re.compile(r"^Map of the 5 matching operations"))
    expect(drawn).to_be_visible()
    # Peru's regions outlined, four of them shaded, on land drawn for its neighbours too.
    peru = drawn.locator('.map-subdivision-borders path[data-country="PE"]')
    expect(peru).to_be_visible()
    box = peru.bounding_box()
    assert box["width"] > 150 and box["height"] > 150
    expect(drawn.locator(".map-shaded path")).to_have_count(4)
    expect(drawn.locator('.map-land path[data-country="EC"]')).to_be_visible()
    expect(drawn.locator(".map-dots circle")).to_have_count(4)
    expect(page.locator("#busiest-agencies")).to_contain_text("Policía Nacional del Perú")
    screenshot("overview")

    page.get_by_label("From").fill("2021-02-12")
    page.get_by_role("button", name="Apply filters").click()

    expect(page.locator("#total-kg")).to_have_text("441 kg")
    expect(page.locator("#total-operations")).to_have_text("2")
    expect(page.get_by_role("img", name=re.compile(r"^Map of the 2 matching operations"))).to_be_visible()
    expect(page.get_by_label("From")).to_have_value("2021-02-12")


def test_an_impossible_filter_is_explained_beside_the_field(page, demo):
    log_in(page, "reviewer", "demo-reviewer-pass")
    page.goto("/overview/")
    page.get_by_label("From").fill("2021-03-01")
    page.get_by_label("To", exact=True).fill("2021-02-01")
    page.get_by_role("button", name="Apply filters").click()

    expect(page.get_by_role("alert")).to_contain_text("date_to is before date_from.")
    expect(page.get_by_label("To", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#total-kg")).to_have_count(0)
