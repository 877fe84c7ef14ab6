"""End-to-end tests in a real browser: Playwright driving Debian's Chromium (`/usr/bin/chromium`,
installed by `make test`; Playwright never downloads a browser here) against the app served by
pytest-django's live server.

Each flow saves a screenshot under `var/screenshots/`.
"""

import os
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import expect, sync_playwright

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
# Quiet, self-contained Chromium: no sandbox (tests may run as root), and no calls home, which
# this closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The suite runs a process per core beside PostgreSQL on shared machines: a page may take more
# than Playwright's default 5 s to settle, which is slow but not wrong.
expect.set_options(timeout=10_000)


@pytest.fixture(autouse=True)
def orm_beside_playwright(monkeypatch):
    """Playwright's sync API keeps an event loop in this thread while it runs, which Django's
    ORM takes for an async context; the tests' ORM calls are plain synchronous code. Set per
    test (Playwright runs per test too), so nothing outside the browser tests inherits it."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def page(live_server):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"No Chromium at {CHROMIUM}: `make test` installs Debian's chromium package.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1400, "height": 1000})
        context.set_default_timeout(10_000)
        page = context.new_page()
        # The pages run under the project's Content-Security-Policy: anything it blocks (an
        # inline script or style, a file from elsewhere) is a broken page, and fails the test.
        blocked: list[str] = []
        page.on(
            "console",
            lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None,
        )
        # For tools the test itself runs in the page (axe-core adds <style> elements).
        page.csp_blocked = blocked
        yield page
        # No request left in flight: the live server's threads must let go of the database
        # before it is flushed (or, at the end of the run, dropped).
        page.wait_for_load_state("networkidle")
        browser.close()
        # Django keeps connections per async context, and Playwright's loop made the test's
        # ORM calls one of its own: close it, or it outlives the test database.
        connections.close_all()
        assert not blocked, "The Content-Security-Policy blocked: " + "\n".join(blocked)


TAKEN: dict[str, str] = {}


@pytest.fixture
def screenshot(page, request):
    def take(name: str, *, full_page: bool = True) -> Path:
        # One flow, one picture: a name taken twice in a run would leave the README showing
        # whichever flow ran last.
        owner = TAKEN.setdefault(name, request.node.nodeid)
        assert owner == request.node.nodeid, f"Screenshot {name!r} is already taken by {owner}."
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


def log_in(page, username: str, password: str = "pass") -> None:
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")


def log_out(page) -> None:
    """Log out with the button in the header, as a person handing over to a colleague."""
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in again")).to_be_visible()


def decide_every_field(page, operation_pk: int) -> None:
    """On the operation's page, decide every value the extractor proposed as a reviewer does:
    "Accept all that the record holds", then, where the sources disagree, "Keep this value"
    (the value on the record) for each field still open. Ends with the panel saying all are
    decided."""
    page.goto(f"/admin/seizures/operation/{operation_pk}/change/")
    page.get_by_role("button", name="Accept all that the record holds").click()
    expect(page.locator(".messagelist")).to_contain_text("Accepted")
    keep = page.locator('.field-review button[data-decision="keep"]')
    for _ in range(20):  # a field a click: each decision reloads the page
        if keep.count() == 0:
            break
        before = page.locator(".field-progress strong").inner_text()
        keep.first.click()
        expect(page.locator(".field-progress strong")).not_to_have_text(before)
    decided, proposed = page.locator(".field-progress strong").inner_text().split(" of ")
    assert decided == proposed, f"{decided} of {proposed} fields decided"


@pytest.fixture(scope="session", autouse=True)
def reference_data_for_rollback(django_db_setup, django_db_blocker):
    """The reference data that migrations loaded (countries, agencies, groups...), kept as
    Django keeps it for `serialized_rollback`: the browser tests are transactional (the live
    server must see their rows), so each one ends with a flush, and the next one starts by
    loading this back. Taken when the first browser test starts, before any flush (pytest-
    django runs transactional tests last); Django itself only takes it when told at set-up.
    tests/conftest.py loads it back in bulk."""
    from django.db import connection

    with django_db_blocker.unblock():
        if not hasattr(connection, "_test_serialized_contents"):
            connection._test_serialized_contents = connection.creation.serialize_db_to_string()
