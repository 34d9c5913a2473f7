/* Album page (console): "select all" for the photo grid's bulk actions. */
(function () {
  "use strict";
  document.querySelectorAll("[data-photo-bulk]").forEach(function (form) {
    var all = form.querySelector("[data-select-all]");
    if (!all) return;
    all.addEventListener("change", function () {
      form.querySelectorAll("input[name=photo]").forEach(function (box) { box.checked = all.checked; });
    });
  });
})();
