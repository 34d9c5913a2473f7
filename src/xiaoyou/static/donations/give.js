// Gift form: a preset amount button fills the hidden preset field and clears the typed amount;
// typing an amount clears the preset. Without JavaScript the typed amount works on its own.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("[data-give-form]");
    if (!form) return;
    var preset = form.querySelector("input[name=preset]");
    var amount = form.querySelector("input[name=amount]");
    var buttons = form.querySelectorAll("[data-preset]");
    function select(button) {
      buttons.forEach(function (other) { other.setAttribute("aria-pressed", other === button ? "true" : "false"); });
      preset.value = button ? button.getAttribute("data-preset") : "";
    }
    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        select(button);
        if (amount) amount.value = "";
      });
    });
    if (amount) amount.addEventListener("input", function () { if (amount.value) select(null); });
  });
})();
