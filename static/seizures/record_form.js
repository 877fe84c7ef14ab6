// Whether the operation's form holds edits not yet saved, for the review page's scripts to ask
// before an action that leaves or reloads the page (keys.js, cite.js). The form is compared
// with itself as it stood once the page had loaded, so every widget counts, the admin's
// Select2 autocompletes included (they report their changes through jQuery, not DOM events).
(function () {
  "use strict";

  const form = document.getElementById("operation_form");
  let atLoad = null;
  const serialise = () => new URLSearchParams(new FormData(form)).toString();

  if (form) {
    window.addEventListener("load", () => { atLoad = serialise(); });
    form.addEventListener("submit", () => { atLoad = null; }); // being saved
  }

  window.seizuresRecordForm = {
    hasUnsavedEdits() {
      return form !== null && atLoad !== null && serialise() !== atLoad;
    },
  };
})();
