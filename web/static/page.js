/* Small page behaviours, kept out of the templates so that the Content-Security-Policy allows no inline script. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // <input type="checkbox" data-check-all="notice">: ticks or clears every checkbox named "notice"
    document.querySelectorAll("[data-check-all]").forEach(function (box) {
      box.addEventListener("click", function () {
        document.querySelectorAll('input[name="' + box.dataset.checkAll + '"]').forEach(function (b) {
          if (!b.closest("[hidden]")) b.checked = box.checked;  // what a search has hidden is left as it was
        });
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
    // <select data-picker>: a search box above a long list of people or subjects; typing narrows the options (by
    // their text and data-search: name, 工号/username, unit), Enter or ↓ moves to the list. Without script the
    // plain <select> works; the server checks the choice either way.
    document.querySelectorAll("select[data-picker]").forEach(function (select) {
      var search = document.createElement("input"), count = document.createElement("span");
      search.type = "search";
      search.className = "picker-search";
      search.placeholder = select.dataset.picker || "";
      search.setAttribute("aria-label", select.dataset.picker || "");
      search.setAttribute("aria-controls", select.id);
      search.autocomplete = "off";
      count.className = "picker-count muted small";
      count.setAttribute("aria-live", "polite");
      var groups = Array.prototype.map.call(select.children, function (node) {
        return { node: node, options: node.tagName === "OPTGROUP" ? Array.prototype.slice.call(node.children) : null };
      });
      var text = function (o) { return (o.textContent + " " + (o.dataset.search || "")).toLowerCase(); };
      var filter = function () {
        var words = search.value.toLowerCase().split(/\s+/).filter(Boolean), value = select.value, shown = [];
        var fits = function (o) { return !o.value || o.value === value || words.every(function (w) { return text(o).indexOf(w) >= 0; }); };
        while (select.firstChild) select.removeChild(select.firstChild);
        groups.forEach(function (g) {
          if (!g.options) { if (fits(g.node)) { select.appendChild(g.node); if (g.node.value) shown.push(g.node); } return; }
          while (g.node.firstChild) g.node.removeChild(g.node.firstChild);
          g.options.forEach(function (o) { if (fits(o)) { g.node.appendChild(o); if (o.value) shown.push(o); } });
          if (g.node.children.length) select.appendChild(g.node);
        });
        select.value = value;
        if (words.length && shown.length === 1 && !value) { select.value = shown[0].value; }
        count.textContent = words.length ? (shown.length ? (select.dataset.pickerCount || "").replace("{n}", shown.length)
                                                          : (select.dataset.pickerNone || "")) : "";
        return shown;
      };
      search.addEventListener("input", filter);
      search.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === "ArrowDown") {
          e.preventDefault();  // Enter in the search box picks, it does not send the form
          var shown = filter();
          var kept = shown.some(function (o) { return o.value === select.value; });
          if (shown.length && !kept) select.value = shown[0].value;
          select.dispatchEvent(new Event("change", { bubbles: true }));
          select.focus();
        }
      });
      select.parentNode.insertBefore(search, select);
      select.parentNode.insertBefore(count, select.nextSibling);
      select.classList.add("picker-list");
    });
    // <input data-filter-items="ID">: typing hides the items of list ID whose text and data-search do not match
    // (a checklist's search box; it stays hidden without script)
    document.querySelectorAll("input[data-filter-items]").forEach(function (search) {
      var items = document.getElementById(search.dataset.filterItems);
      if (!items) return;
      search.hidden = false;
      search.addEventListener("keydown", function (e) { if (e.key === "Enter") e.preventDefault(); });
      search.addEventListener("input", function () {
        var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
        Array.prototype.forEach.call(items.children, function (item) {
          var text = (item.textContent + " " + (item.dataset.search || "")).toLowerCase();
          item.hidden = !words.every(function (w) { return text.indexOf(w) >= 0; });
        });
      });
    });
    // <select data-submit-on-change>: choosing sends its form
    document.querySelectorAll("[data-submit-on-change]").forEach(function (field) {
      field.addEventListener("change", function () { field.form.submit(); });
    });
  });
})();
