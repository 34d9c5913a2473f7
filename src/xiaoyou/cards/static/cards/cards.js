// Cloud card: the confirmation screen's clock ticks every second between server refreshes, so a
// photo or screenshot of the screen shows a frozen time.
(function () {
  function tick() {
    document.querySelectorAll("[data-live-clock]").forEach(function (element) {
      var now = new Date();
      var pad = function (n) { return String(n).padStart(2, "0"); };
      element.textContent = pad(now.getHours()) + ":" + pad(now.getMinutes()) + ":" + pad(now.getSeconds());
    });
  }
  setInterval(tick, 1000);
  document.addEventListener("DOMContentLoaded", tick);
  document.addEventListener("htmx:afterSwap", tick);
})();
