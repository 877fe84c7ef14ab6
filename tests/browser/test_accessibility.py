"""The admin pages reviewers work in, checked with axe-core against WCAG 2 A and AA (2.0 to 2.2):
labels, names, contrast, structure. axe-core comes from the npm registry at the version that
package-lock.json pins; `make test` installs it into node_modules/ (`npm ci`).

A rule is never turned off for a whole page: where stock Django admin markup breaks one and
cannot reasonably be fixed here, EXEMPT names that rule for exactly those elements, and why.
"""

from pathlib import Path

import pytest
from django.core.management import call_command

from seizures.models import Operation
from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# (rule id, CSS selector of the elements it is not checked on, why). Empty is the goal.
TABULAR_CELLS = ".inline-group .tabular tbody td"
EXEMPT: list[tuple[str, str, str]] = [
    # Select2 4.0 (vendored by Django's admin for its autocomplete widgets) names its box after
    # the chosen value (empty, in an inline's new row, it has no name), marks up its multiple
    # choice box with a list that holds a non-item, and has a search box without a label (the
    # field's <label> points at the <select> it hides). Django ships it as it is.
    (
        "aria-input-field-name",
        f"{TABULAR_CELLS} :is(.select2-selection, .select2-selection__rendered)",
        "Select2's box, empty, in a tabular inline's row",
    ),
    ("list", ".select2-selection--multiple > ul", "Select2's multiple choice box"),
    ("label", ".select2-search__field", "Select2's search box"),
]

RUN_AXE = """
async ([tags, exempt, within]) => {
  const context = within.length ? {include: within.map((selector) => [selector])} : document;
  const results = await axe.run(context, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  const exempted = (rule, node) => {
    const element = node.target.length === 1 ? document.querySelector(node.target[0]) : null;
    return element !== null && exempt.some(([id, selector]) => id === rule && element.matches(selector));
  };
  return results.violations
    .map((violation) => ({...violation, nodes: violation.nodes.filter((node) => !exempted(violation.id, node))}))
    .filter((violation) => violation.nodes.length > 0);
}
"""


def axe_violations(page, within: tuple[str, ...] = ()) -> list[dict]:
    """Violations on the page, or only in the elements the CSS selectors `within` match."""
    if not AXE_JS.exists():
        pytest.fail(f"No axe-core at {AXE_JS}: `make test` installs it (npm ci).")
    # Evaluated by the test, not added as a <script> tag: the page's Content-Security-Policy
    # (rightly) refuses inline scripts, and the test must not weaken it.
    page.evaluate(AXE_JS.read_text() + "\n;undefined")
    before = len(page.csp_blocked)
    violations = page.evaluate(RUN_AXE, [WCAG_A_AA, [[rule, selector] for rule, selector, _ in EXEMPT], list(within)])
    # axe-core measures with <style> elements of its own, which the policy refuses: the
    # page's own scripts are idle while axe runs, so what was refused then was axe's.
    del page.csp_blocked[before:]
    return violations


def report(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"\n{violation['id']} ({violation['impact']}): {violation['help']}\n  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"  - {' '.join(node['target'])}\n    {node['html'][:200]}")
            lines.extend(f"      {line}" for line in node["failureSummary"].splitlines())
    return "\n".join(lines)


def assert_accessible(page, show, within: tuple[str, ...] = ()) -> None:
    """No violation on the page `show()` brings up (or in the parts of it `within` selects),
    in either of the admin's themes (which follow the browser's preference, read as the page
    loads). Both in one test: each browser test starts by reloading the reference data, which
    costs more than the check."""
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        show()
        violations = axe_violations(page, within)
        assert not violations, (
            f"axe-core found {len(violations)} kind(s) of violation on {page.url} ({scheme} theme):{report(violations)}"
        )


@pytest.fixture
def demo_draft(db):
    call_command("load_demo", verbosity=0)
    return Operation.objects.filter(status=Operation.Status.NEEDS_REVIEW).order_by("pk").first()


def test_the_login_page_is_accessible(page):
    assert_accessible(page, lambda: page.goto("/admin/login/"))


REVIEWERS_PAGES = [
    "/admin/",
    "/admin/seizures/operation/",
    "/admin/seizures/operation/{pk}/change/",
    "/admin/seizures/operation/{pk}/history/",
    "/overview/",  # nothing verified yet: the empty state
]


def test_the_reviewers_pages_are_accessible(page, demo_draft):
    log_in(page, "reviewer", "demo-reviewer-pass")
    for path in REVIEWERS_PAGES:
        assert_accessible(page, lambda path=path: page.goto(path.format(pk=demo_draft.pk)))


def test_the_check_first_marks_are_accessible(page, demo_draft):
    """Only the marks and their list: the demo's one page that has them (sources disagreeing,
    "also reported by") breaks rules elsewhere that the other tests here do not reach yet."""
    from sources.review import check_first, field_reviews

    unsure = next(
        op
        for op in Operation.objects.filter(status=Operation.Status.NEEDS_REVIEW).order_by("pk")
        if check_first(field_reviews(op))
    )
    log_in(page, "reviewer", "demo-reviewer-pass")

    def show():
        page.goto(f"/admin/seizures/operation/{unsure.pk}/change/")
        page.locator(".check-first-list").wait_for()
        assert page.locator(".field-row.check-first .check-first-mark").count() >= 1

    assert_accessible(page, show, within=(".check-first-list", ".field-row.check-first > th"))


def test_the_review_page_is_accessible_with_the_keyboard_help_open(page, demo_draft):
    log_in(page, "reviewer", "demo-reviewer-pass")

    def show():
        page.goto(f"/admin/seizures/operation/{demo_draft.pk}/change/")
        page.keyboard.press("?")
        page.get_by_role("dialog", name="Keyboard shortcuts").wait_for()

    assert_accessible(page, show)


def test_the_review_page_is_accessible_with_the_editor_s_forms_open(page, demo_draft):
    log_in(page, "editor", "demo-editor-pass")

    def show():
        page.goto(f"/admin/seizures/operation/{demo_draft.pk}/change/")
        for summary in page.locator(".review-sources details > summary").all():
            summary.click()
        assert page.locator(".review-sources details[open]").count() >= 2

    assert_accessible(page, show)


def test_the_overview_is_accessible_with_its_map_and_chart(page):
    call_command("load_demo", verify=True, verbosity=0)
    log_in(page, "reviewer", "demo-reviewer-pass")
    for query in ["", "?drug=cocaine&country=PE", "?date_from=2021-02-20&date_to=2021-02-01"]:
        assert_accessible(page, lambda query=query: page.goto(f"/overview/{query}"))
