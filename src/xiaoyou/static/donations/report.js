// Annual report: choosing a year opens it (the Show button does the same without JavaScript);
// the Print button prints the page with the print styles of report.css.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var select = document.querySelector("[data-report-year]");
    if (select) select.addEventListener("change", function () { select.form.submit(); });
    var print = document.querySelector('[data-action="print"]');
    if (print) print.addEventListener("click", function () { window.print(); });
  });
})();
