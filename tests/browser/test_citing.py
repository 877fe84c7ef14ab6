"""An editor's day in a real browser: citing a sentence by selecting it in the source, and
adding a second report of an operation from its page."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from seizures.models import Operation
from sources.models import AttachedSource, Citation, Source
from tests.browser.conftest import log_in

# Transactional, so the live server sees the test's rows; serialized_rollback puts back the
# reference data (countries, groups) that migrations loaded and the flush between tests removes.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Selects `sentence` in the source text on the page as a reader's drag would: a DOM range from
# the text node (and offset) where it starts to the one where it ends, found by walking the
# text nodes (the source text is split around its <mark>s).
SELECT = """([sourceId, sentence]) => {
  const container = document.querySelector(`.source-text[data-source-id="${sourceId}"]`);
  const at = container.textContent.indexOf(sentence);
  if (at < 0) throw new Error("sentence not shown");
  const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  let seen = 0;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const next = seen + node.length;
    if (seen <= at && at < next) range.setStart(node, at - seen);
    if (seen < at + sentence.length && at + sentence.length <= next) range.setEnd(node, at + sentence.length - seen);
    seen = next;
  }
  const selection = document.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}"""


# Where the marks of the citation just added (.cite-new) lie in the source text, in characters:
# [[start, end]] if they cover one unbroken run of it (the field review splits marks around its
# own links).
NEW_MARKS = """(sourceId) => {
  const container = document.querySelector(`.source-text[data-source-id="${sourceId}"]`);
  const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
  const runs = [];
  let seen = 0;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const length = Array.from(node.data).length; // in code points, as Python counts
    if (node.parentElement.closest("mark.cite-new")) {
      const last = runs[runs.length - 1];
      if (last && last[1] === seen) last[1] += length;
      else runs.push([seen, seen + length]);
    }
    seen += length;
  }
  return runs;
}"""


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)
    return list(Operation.objects.order_by("pk"))


def test_an_editor_selects_a_sentence_in_a_source_and_the_citation_appears_highlighted(page, demo, screenshot):
    paita = demo[0]
    source = paita.citations.get().source
    sentence = "Investigators attribute the shipment to a network known as Los Aceiteros de Paita."
    log_in(page, "editor", "demo-editor-pass")
    page.goto(f"/admin/seizures/operation/{paita.pk}/change/")

    cite_selection = page.get_by_role("button", name="Cite selection")
    expect(cite_selection).to_be_disabled()
    page.evaluate(SELECT, [source.pk, sentence])
    expect(cite_selection).to_be_enabled()
    cite_selection.press("Enter")  # the keyboard's way to the form

    form = page.locator("#cite-form")
    expect(form.get_by_label("Quote")).to_be_focused()
    expect(form.get_by_label("Quote")).to_have_value(sentence)
    expect(form.locator("#cite-start")).to_have_value(str(source.text.index(sentence)))
    form.get_by_label("Supports").select_option(label="The operation")
    form.get_by_label("Field").select_option(label="Criminal group")
    form.get_by_role("button", name="Cite", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text("Citation #")
    citation = Citation.objects.get(created_by__username="editor")
    assert (citation.operation, citation.source, citation.field) == (paita, source, "criminal_group")
    assert source.text[citation.start : citation.end] == sentence
    new = page.locator(".source-text mark.cite-new")
    expect(new.first).to_be_in_viewport()
    assert page.evaluate(NEW_MARKS, source.pk) == [[citation.start, citation.end]]
    labels = {mark.get_attribute("title") for mark in new.all()}
    assert labels == {f"Citation {paita.citations.first().pk}; Citation {citation.pk} – criminal_group"}
    screenshot("citing")


def test_an_editor_pastes_a_second_report_and_cites_it_beside_the_first(page, demo, screenshot):
    satipo = demo[3]
    first = satipo.citations.get().source
    text = (
        "📻 Satipo, 14 February. A joint patrol of the police and the army stopped a lorry on the road to "
        "Mazamari and found 225 kilograms of cocaine under a load of coffee. The driver fled on foot."
    )
    sentence = "The driver fled on foot."
    log_in(page, "editor", "demo-editor-pass")
    page.goto(f"/admin/seizures/operation/{satipo.pk}/change/")

    page.get_by_text("Add a source", exact=True).click()
    adding = page.locator(".add-source-form")
    adding.get_by_label("Text").fill(text)
    adding.get_by_label("URL").fill("https://radio.example.org/satipo-coffee")
    adding.get_by_label("Outlet").fill("Radio Selva")
    adding.get_by_label("Title").fill("Cocaine under coffee in Satipo")
    adding.get_by_label("Published date").fill("2021-02-15")
    adding.get_by_role("button", name="Add the source").click()

    # A second report of the same event: the extractor finds it and cites it on this operation.
    expect(page.locator(".messagelist")).to_contain_text("added beside this operation")
    expect(page.locator(".messagelist")).to_contain_text(f"cited on existing #{satipo.pk}")
    second = Source.objects.get(outlet="Radio Selva")
    assert AttachedSource.objects.get(operation=satipo).source == second
    texts = page.locator(".source-text")
    expect(texts).to_have_count(2)
    assert {text.get_attribute("data-source-id") for text in texts.all()} == {str(first.pk), str(second.pk)}
    expect(page.locator("article.source-new")).to_contain_text("Cocaine under coffee in Satipo")
    expect(page.locator("article.source-new")).to_be_in_viewport()
    screenshot("add-source")

    page.evaluate(SELECT, [second.pk, sentence])
    form = page.locator("#cite-form")
    expect(form.get_by_label("Quote")).to_have_value(sentence)  # filled once the selection settles
    expect(form.get_by_label("Source")).to_have_value(str(second.pk))
    # Counted in characters as Python counts them: the emoji before it is one, not two.
    expect(form.locator("#cite-start")).to_have_value(str(second.text.index(sentence)))
    form.get_by_role("button", name="Cite", exact=True).click()

    # Waits for the page after the citation: the one before already says "added" (the source).
    expect(page.locator(".messagelist")).to_contain_text("Citation #")
    citation = Citation.objects.get(source=second, created_by__username="editor")
    expect(page.locator(".messagelist")).to_contain_text(f"Citation #{citation.pk} added")
    assert page.evaluate(NEW_MARKS, second.pk) == [[citation.start, citation.end]]
    assert second.text[citation.start : citation.end] == sentence
