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
    // the top bar on a phone: the menu button opens and closes the navigation (without script it stays open)
    var bar = document.querySelector(".topbar");
    var button = bar && bar.querySelector(".menu-button");
    if (button) {
      bar.classList.add("has-menu");
      button.addEventListener("click", function () {
        var open = bar.classList.toggle("open");
        button.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }
    // a task form with data-draft-url: what is typed is saved as a draft every half minute, and when the page is
    // closed or left (files are not)
    document.querySelectorAll("form[data-draft-url]").forEach(function (form) {
      var dirty = false, submitting = false, status = form.querySelector("[data-draft-status]");
      form.addEventListener("input", function () { dirty = true; });
      form.addEventListener("change", function () { dirty = true; });
      form.addEventListener("submit", function () { submitting = true; });
      function body() {
        var data = new FormData(form);
        form.querySelectorAll('input[type="file"]').forEach(function (f) { data.delete(f.name); });
        return data;
      }
      window.setInterval(function () {
        if (!dirty) return;
        dirty = false;
        fetch(form.dataset.draftUrl, { method: "POST", body: body(), credentials: "same-origin",
                                       headers: { "Accept": "application/json" } })
          .then(function (r) { return r.json(); })
          .then(function (answer) { if (status && answer.message) status.textContent = answer.message; })
          .catch(function () { dirty = true; });
      }, 30000);
      function leaving() {
        if (!dirty || submitting || !navigator.sendBeacon) return;
        var data = body();
        data.append("beacon", "1");  // answered with no content and no flash: nobody reads the answer
        if (navigator.sendBeacon(form.dataset.draftUrl, data)) dirty = false;
      }
      window.addEventListener("pagehide", leaving);
      document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") leaving(); });
    });
    // <select data-submit-on-change>: choosing sends its form
    document.querySelectorAll("[data-submit-on-change]").forEach(function (field) {
      field.addEventListener("change", function () { field.form.submit(); });
    });
  });
})();
