/* Citing by selection on the operation page.
 *
 * Selecting words in a source's text (.source-text) fills the citing form: the quote, the
 * source and where the quote starts. The form is an ordinary POST to <id>/cite/, which works
 * without this script too (the editor then pastes the quote; the server finds it).
 *
 * Offsets count the characters of the source's text: the text nodes of .source-text, in
 * document order, whatever inline elements (<mark>s and others) are wrapped around them.
 */
(function () {
  "use strict";

  const dock = document.getElementById("cite-dock");
  const form = document.getElementById("cite-form");
  if (!dock || !form) {
    revealNew();
    return;
  }
  const box = document.getElementById("cite-box");
  const bar = dock.querySelector("[data-cite-bar]");
  const button = document.getElementById("cite-selection");
  const hint = document.getElementById("cite-selection-hint");
  const sourceSelect = document.getElementById("cite-source");
  const quote = document.getElementById("cite-quote");
  const start = document.getElementById("cite-start");
  const check = document.getElementById("cite-quote-check");
  const supports = document.getElementById("cite-supports");
  const field = document.getElementById("cite-field");
  const fieldsByKind = JSON.parse(document.getElementById("cite-fields").textContent);
  const HINT = hint.textContent;

  let selected = null; // the last selection made in a source text, as the form would take it
  let pointerDown = false;
  let pointerInSource = false;
  let settle = 0;

  function sourceTextOf(node) {
    const element = node && (node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement);
    return element ? element.closest(".source-text[data-source-id]") : null;
  }

  // The number of characters of `container`'s text that come before the boundary point
  // (node, offset), which may sit in a text node or between the children of an element.
  function textOffset(container, node, offset) {
    const point = document.createRange();
    point.setStart(node, offset);
    const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
    let count = 0;
    for (let text = walker.nextNode(); text; text = walker.nextNode()) {
      if (text === node) return count + offset;
      if (point.comparePoint(text, text.length) > 0) break; // this text node comes after the point
      count += text.length;
    }
    return count;
  }

  // Python counts a string's characters by code point, JavaScript by UTF-16 unit: an emoji
  // before the quote would otherwise move the offset by one.
  function codePoints(text) {
    return Array.from(text).length;
  }

  function readSelection() {
    const selection = document.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    const range = selection.getRangeAt(0);
    const container = sourceTextOf(range.startContainer) || sourceTextOf(range.endContainer);
    if (!container) return null;
    const text = container.textContent;
    // A selection running out of the source text is cut at its edges.
    let from = container.contains(range.startContainer) ? textOffset(container, range.startContainer, range.startOffset) : 0;
    const to = container.contains(range.endContainer) ? textOffset(container, range.endContainer, range.endOffset) : text.length;
    const raw = text.slice(from, to);
    const words = raw.trim();
    if (!words) return null;
    from += raw.length - raw.trimStart().length;
    return { container, sourceId: container.dataset.sourceId, quote: words, start: codePoints(text.slice(0, from)) };
  }

  function sourceText(id) {
    return document.querySelector(`.source-text[data-source-id="${CSS.escape(id)}"]`);
  }

  function checkQuote() {
    const words = quote.value.trim();
    const container = sourceText(sourceSelect.value);
    const missing = Boolean(words && container && !container.textContent.includes(words));
    check.textContent = missing ? "This quote does not occur in the source: copy the words exactly as written." : "";
    check.classList.toggle("is-missing", missing);
    if (missing) quote.setAttribute("aria-invalid", "true");
    else quote.removeAttribute("aria-invalid");
  }

  function fill(selection, { focus }) {
    for (const error of form.querySelectorAll("[data-cite-error]")) error.remove();
    sourceSelect.value = selection.sourceId;
    quote.value = selection.quote;
    start.value = String(selection.start);
    box.open = true;
    checkQuote();
    if (focus) quote.focus();
  }

  function showFields() {
    const kind = supports.value.split(":")[0];
    const current = field.value;
    const choices = fieldsByKind[kind] || [];
    field.replaceChildren(new Option("The whole record", ""));
    for (const [name, label] of choices) field.add(new Option(label, name));
    field.value = choices.some(([name]) => name === current) ? current : "";
  }

  function onSelectionChange() {
    const selection = readSelection();
    if (selection) {
      selected = selection;
      button.disabled = false;
      hint.textContent = `${codePoints(selection.quote)} characters selected.`;
    } else if (!dock.contains(document.activeElement)) {
      // Kept while the editor is in the form: going there may clear the page's selection.
      selected = null;
      button.disabled = true;
      hint.textContent = HINT;
    }
    // A selection made with the keyboard fills the form once it stops changing; one made
    // with the mouse when the button is released.
    window.clearTimeout(settle);
    if (selection && !pointerDown) {
      settle = window.setTimeout(() => {
        if (!dock.contains(document.activeElement)) fill(selection, { focus: false });
      }, 400);
    }
  }

  // The marks of a citation just added (#citation-12) or the source just added (#source-3),
  // brought into view: the redirect after saving points at them.
  function revealNew() {
    const hash = window.location.hash;
    let match = /^#citation-(\d+)$/.exec(hash);
    if (match) {
      const label = new RegExp(`(^|; )Citation ${match[1]}( –|;|$)`);
      const marks = [...document.querySelectorAll(".source-text mark[title]")].filter((mark) => label.test(mark.title));
      for (const mark of marks) mark.classList.add("cite-new");
      if (marks.length) {
        if (!document.getElementById(hash.slice(1))) marks[0].id = hash.slice(1);
        marks[0].scrollIntoView({ block: "center" });
      }
      return;
    }
    match = /^#source-(\d+)$/.exec(hash);
    const container = match && sourceText(match[1]);
    if (container) {
      const article = container.closest("article") || container;
      article.classList.add("source-new");
      if (!document.getElementById(hash.slice(1))) article.id = hash.slice(1);
      article.scrollIntoView({ block: "start" });
    }
  }

  document.addEventListener("selectionchange", onSelectionChange);
  document.addEventListener("pointerdown", (event) => {
    pointerDown = true;
    pointerInSource = Boolean(sourceTextOf(event.target));
  });
  document.addEventListener("pointerup", (event) => {
    pointerDown = false;
    // Only a release that ends a selection in a source: clicking the form's own controls
    // must not overwrite a quote the editor has corrected.
    if (!pointerInSource && !sourceTextOf(event.target)) return;
    window.setTimeout(() => {
      const selection = readSelection();
      if (selection) fill(selection, { focus: false });
    }, 0);
  });
  // Pressing the button must not take the selection away before it is read.
  button.addEventListener("pointerdown", (event) => event.preventDefault());
  button.addEventListener("click", () => {
    const selection = readSelection() || selected;
    if (selection) fill(selection, { focus: true });
  });
  sourceSelect.addEventListener("change", () => {
    start.value = ""; // an offset in another text means nothing; the server will find the quote
    checkQuote();
  });
  quote.addEventListener("input", () => {
    for (const error of form.querySelectorAll("[data-cite-error]")) error.remove(); // said of the old quote
    checkQuote();
  });
  supports.addEventListener("change", showFields);
  form.addEventListener("reset", () => {
    box.open = false;
    window.setTimeout(() => {
      start.value = "";
      showFields();
      checkQuote();
      (button.disabled ? box.querySelector("summary") : button).focus();
    }, 0);
  });
  form.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      box.open = false;
      box.querySelector("summary").focus();
    }
  });
  form.addEventListener("submit", (event) => {
    // Citing reloads the page: say so before edits not yet saved in the record are lost.
    if (window.seizuresRecordForm.hasUnsavedEdits()) {
      const go = window.confirm("The record has changes you have not saved; citing reloads the page and they will be lost. Cite anyway?");
      if (!go) {
        event.preventDefault();
        return;
      }
    }
    form.querySelector('button[type="submit"]').disabled = true; // one citation per click
  });
  window.addEventListener("pageshow", () => {
    form.querySelector('button[type="submit"]').disabled = false; // back to a page kept in memory
  });

  // The field review links words of the text to its rows; dragged, a link would be carried
  // off instead of starting a selection.
  for (const link of document.querySelectorAll(".source-text a")) link.draggable = false;
  bar.hidden = false;
  showFields();
  if (quote.value && !form.querySelector("[data-cite-error]")) checkQuote();
  revealNew();
})();
