// Keyboard shortcuts of the operation page (the list is in _keyboard.html's help panel).
//
// Keys act on what the page shows: a key whose button or link is absent (no Verify button for
// the reviewer who made the last edit, no field-review panel yet) does nothing.
"use strict";

(function () {
  const bar = document.querySelector(".queue-nav");
  const help = document.getElementById("keyboard-help");
  const hint = bar && bar.querySelector(".keyboard-hint");
  const reviewColumn = document.querySelector(".review-side");
  const rejectReason = document.getElementById("reject-reason");
  const verifyButton = document.querySelector('.review-actions button[value="verify"]');

  // At the top of the review column, which stays in view while the record scrolls.
  if (bar && reviewColumn) {
    reviewColumn.prepend(bar);
  }

  // Edits not yet saved: leaving or verifying would drop them, so the keys ask first.
  function mayDropEdits(what) {
    return !window.seizuresRecordForm.hasUnsavedEdits()
      || window.confirm(`Your changes to the record are not saved. ${what} anyway?`);
  }
  if (bar) {
    bar.querySelectorAll("a[rel]").forEach((link) => {
      link.addEventListener("click", (event) => {
        if (!mayDropEdits("Leave this record")) event.preventDefault();
      });
    });
  }

  function toggleHelp() {
    if (!help) return;
    if (help.open) help.close();
    else help.showModal();
  }
  if (hint && help) {
    hint.hidden = false;
    hint.addEventListener("click", toggleHelp);
  }

  // --- the machine proposal's field rows (the field-review panel) ---

  function fieldRows() {
    return Array.from(document.querySelectorAll(".field-review .field-row"));
  }
  function focusedRow() {
    const active = document.activeElement;
    return active ? active.closest(".field-review .field-row") : null;
  }
  function moveRow(step) {
    const rows = fieldRows();
    if (!rows.length) return;
    const index = rows.indexOf(focusedRow());
    let next;
    if (index === -1) next = step > 0 ? 0 : rows.length - 1;
    else next = Math.min(Math.max(index + step, 0), rows.length - 1);
    rows[next].focus();
  }
  function decide(decision) {
    const row = focusedRow();
    const button = row && row.querySelector(`[data-decision="${decision}"]`);
    if (!button || button.disabled) return;
    // Edit's own handler (field_review.js) takes the focus to the field in the record.
    button.click();
  }
  function acceptAll() {
    const button = document.querySelector('.field-review [data-decision="accept-all"]');
    if (button && !button.disabled) button.click();
  }

  // A row named in the address (#field-KEY, as after deciding on it) gets the focus, so that
  // j and k go on from there.
  if (location.hash.startsWith("#field-")) {
    const row = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (row && row.matches(".field-review .field-row")) row.focus();
  }

  // Aria-keyshortcuts tells assistive technology about each key where its control is.
  if (verifyButton) verifyButton.setAttribute("aria-keyshortcuts", "v");
  if (rejectReason) rejectReason.setAttribute("aria-keyshortcuts", "r");
  const decisionKeys = { accept: "a", edit: "e", reject: "x", "accept-all": "Shift+A" };
  document.querySelectorAll(".field-review [data-decision]").forEach((button) => {
    const key = decisionKeys[button.dataset.decision];
    if (key) button.setAttribute("aria-keyshortcuts", key);
  });

  // --- dispatch ---

  function isTyping(target) {
    if (!(target instanceof Element)) return false;
    return (
      target.isContentEditable ||
      target.matches('input, textarea, select, [role="textbox"], [role="searchbox"], [role="combobox"]')
    );
  }

  function follow(rel) {
    const link = bar && bar.querySelector(`a[rel="${rel}"]`);
    if (link) link.click();
  }

  const actions = {
    n: () => follow("next"),
    p: () => follow("prev"),
    j: () => moveRow(1),
    k: () => moveRow(-1),
    a: () => decide("accept"),
    e: () => decide("edit"),
    x: () => decide("reject"),
    A: acceptAll,
    v: () => {
      if (verifyButton && mayDropEdits("Verify")) verifyButton.click();
    },
    r: () => {
      if (rejectReason) rejectReason.focus();
    },
    "?": toggleHelp,
  };
  // Held down, only these repeat: moving between rows, never a decision or a page change.
  const repeatable = new Set(["j", "k"]);

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.isComposing) return;

    // Ctrl+Enter (Cmd+Enter on a Mac) in the reason rejects; the form's `required` refuses
    // an empty reason and says so.
    if (event.target === rejectReason && event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      if (!event.repeat) rejectReason.form.requestSubmit();
      return;
    }

    if (event.ctrlKey || event.altKey || event.metaKey || isTyping(event.target)) return;
    // Shift only makes the capital A and the question mark.
    if (event.shiftKey && event.key !== "A" && event.key !== "?") return;
    if (event.key === "A" && !event.shiftKey) return; // Caps Lock, not Shift+A
    // With the help open, the page underneath is out of reach: ? closes it, as Esc does.
    if (help && help.open && event.key !== "?") return;

    const action = Object.hasOwn(actions, event.key) ? actions[event.key] : null;
    if (!action) return;
    // Handled here, the key types nothing where the action moves the focus (r, e).
    event.preventDefault();
    if (event.repeat && !repeatable.has(event.key)) return;
    action();
  });
})();
