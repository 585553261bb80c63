/* Small page behaviours, kept out of the templates so that the Content-Security-Policy allows no inline script. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // <input type="checkbox" data-check-all="notice">: ticks or clears every checkbox named "notice"
    document.querySelectorAll("[data-check-all]").forEach(function (box) {
      box.addEventListener("click", function () {
        document.querySelectorAll('input[name="' + box.dataset.checkAll + '"]').forEach(function (b) { b.checked = box.checked; });
      });
    });
    // <select data-submit-on-change>: choosing sends its form
    document.querySelectorAll("[data-submit-on-change]").forEach(function (field) {
      field.addEventListener("change", function () { field.form.submit(); });
    });
  });
})();
