// Live length and segment count of an SMS text (same rule as messaging/sms_text.py): the
// signature 【...】 and the opt-out hint count; <= 70 characters is one message, longer texts
// are billed 67 characters per segment; characters outside the BMP count as two.
(function () {
  "use strict";
  function units(text) {
    return text.length; // UTF-16 units, as the gateways count UCS-2
  }
  function segments(length, single, segment) {
    if (length === 0) return 0;
    if (length <= single) return 1;
    return Math.ceil(length / segment);
  }
  function setup(counter) {
    var form = counter.closest("form");
    var body = form.querySelector("[data-sms-body]");
    var hintBox = form.querySelector("input[name$='has_opt_out_hint']");
    var sign = counter.dataset.sign || "";
    var hint = counter.dataset.hint || "";
    var single = parseInt(counter.dataset.single, 10) || 70;
    var segment = parseInt(counter.dataset.segment, 10) || 67;
    function update() {
      var text = (body.value || "").trim();
      if (hintBox && hintBox.checked && hint && text.indexOf(hint) === -1) {
        text = text ? text + " " + hint : hint;
      }
      var full = sign ? "【" + sign + "】" + text : text;
      var length = units(full);
      counter.querySelector("[data-sms-length]").textContent = length;
      counter.querySelector("[data-sms-segments]").textContent = segments(length, single, segment);
      var preview = counter.querySelector("[data-sms-preview]");
      if (preview) preview.textContent = full;
    }
    body.addEventListener("input", update);
    if (hintBox) hintBox.addEventListener("change", update);
    update();
  }
  function init() {
    document.querySelectorAll("[data-sms-counter]").forEach(setup);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
