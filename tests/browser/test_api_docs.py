"""The partner API's docs page (Swagger UI, served from our static files) works under the
Content-Security-Policy: its start-up script is a file, not inline (the page fixture fails
the test on anything the policy blocks)."""

import pytest
from django.core.management import call_command

from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def test_the_api_docs_render_under_the_content_security_policy(page, demo):
    log_in(page, "reviewer", "demo-reviewer-pass")
    page.goto("/api/docs/")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "Seizure records: partner API" in page.locator(".swagger-ui .info .title").inner_text()
    # The operations list is documented with its filters.
    page.get_by_text("/api/v1/operations/", exact=True).first.wait_for()
    assert page.evaluate("document.querySelectorAll('script:not([src])').length") == 0
