/* Events console: "add a row" for plain Django formsets (ticket types). A section marked
 * data-formset holds the management form, a list (data-formset-list), an add button and a
 * <template data-formset-template> of the empty form, whose __prefix__ becomes the next index. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-formset-add]");
    if (!button) return;
    var root = button.closest("[data-formset]");
    var prefix = root.getAttribute("data-prefix");
    var total = root.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    var template = root.querySelector("template[data-formset-template]");
    var index = parseInt(total.value, 10) || 0;
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
    var item = holder.firstElementChild;
    while (item && !item.matches("[data-formset-item]")) item = item.nextElementSibling;
    root.querySelector("[data-formset-list]").appendChild(item || holder);
    total.value = String(index + 1);
    var first = (item || holder).querySelector("input:not([type=hidden])");
    if (first) first.focus();
  });
})();
