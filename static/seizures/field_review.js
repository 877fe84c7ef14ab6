// The field review on the operation page: "Edit" takes the reviewer to the field in the form;
// following a value's link from the source text, or back, briefly marks where one landed.
(function () {
  "use strict";

  function focusEditable(target) {
    const element = document.getElementById(target);
    if (!element) return;
    element.scrollIntoView({ block: "center" });
    // Select2 (the admin's autocomplete) hides the real <select>: focus its visible box.
    const box = element.parentElement && element.parentElement.querySelector(".select2-selection");
    const focusable = element.matches("input, select, textarea") && !element.classList.contains("select2-hidden-accessible")
      ? element
      : box || element.querySelector("input:not([type=hidden]), select, textarea");
    if (focusable) focusable.focus();
  }

  function flash(element) {
    if (!element) return;
    element.classList.remove("just-landed");
    void element.offsetWidth; // restart the animation
    element.classList.add("just-landed");
  }

  document.addEventListener("click", function (event) {
    const edit = event.target.closest(".field-review [data-decision='edit']");
    if (edit) {
      const row = edit.closest(".field-row");
      focusEditable(row.dataset.editTarget);
      return;
    }
    const link = event.target.closest("a.field-span, a.span-link");
    if (link) {
      const id = decodeURIComponent(link.hash.slice(1));
      const target = document.getElementById(id);
      if (target) {
        event.preventDefault();
        target.scrollIntoView({ block: "center", behavior: "smooth" });
        if (target.matches(".field-row")) target.focus({ preventScroll: true });
        flash(target);
        history.replaceState(null, "", "#" + id);
      }
    }
  });

  window.addEventListener("DOMContentLoaded", function () {
    const landed = location.hash.startsWith("#field-") && document.getElementById(location.hash.slice(1));
    if (landed && landed.matches(".field-row")) flash(landed);
  });
})();
