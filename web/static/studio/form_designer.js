/* Spiral's form designer: form-js's editor; every change (debounced) is posted to the server, which checks the
   schema and answers with the form drawn by its own templates, exactly as staff will see it. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("designer-data").textContent);
  var T = data.text;
  var preview = document.getElementById("preview"), report = document.getElementById("report");
  var status = document.getElementById("status"), isNew = data["new"];
  var container = document.getElementById("form-editor");
  // Chinese pages load studio_zh.js first: it keeps the editor's palette and properties panel in Chinese
  if (window.SpiralStudioZh) window.SpiralStudioZh.translateTree(container);
  var editor = new FormEditor.FormEditor({ container: container });
  window.spiralFormEditor = editor;  // for the browser test and people poking at it from the console
  var timer = null, sequence = 0;

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": data.csrf },
      body: JSON.stringify(body)
    }).then(function (r) { return r.json().then(function (j) { j.status = r.status; return j; }); });
  }

  function showProblems(title, problems) {
    report.innerHTML = "";
    if (!problems || !problems.length) return;
    var box = document.createElement("div");
    box.className = "flash error"; box.setAttribute("role", "alert");
    var b = document.createElement("b"); b.textContent = title; box.appendChild(b);
    var ul = document.createElement("ul"); ul.className = "problems";
    problems.forEach(function (p) { var li = document.createElement("li"); li.textContent = p; ul.appendChild(li); });
    box.appendChild(ul); report.appendChild(box);
  }

  function schema() {
    var s = editor.saveSchema();
    var title = document.getElementById("form-title").value.trim();
    if (title) s.title = title;
    return s;
  }

  function refresh() {
    var mine = ++sequence;
    status.textContent = T.previewing;
    post(data.urls.preview, { schema: schema() }).then(function (answer) {
      if (mine !== sequence) return;  // a newer change is already on its way
      status.textContent = "";
      if (answer.ok) {
        showProblems("", []);
        preview.innerHTML = schema().components.length ? answer.html : '<p class="muted">' + T.empty + "</p>";
        preview.classList.remove("stale");
      } else {
        showProblems(T.problems, answer.problems || [answer.message || answer.error]);
        preview.classList.add("stale");
      }
    }).catch(function (e) { status.textContent = T.failed + e; });
  }

  function later() { clearTimeout(timer); timer = setTimeout(refresh, 400); }

  function save() {
    var id = document.getElementById("form-id").value.trim();
    if (!id) { status.textContent = T.need_id; document.getElementById("form-id").focus(); return; }
    status.textContent = T.saving;
    post(data.urls.save, { form_id: id, title: document.getElementById("form-title").value, schema: schema(),
                           "new": isNew }).then(function (answer) {
      if (answer.ok) {
        status.textContent = answer.message; showProblems("", []);
        if (isNew) window.location = answer.url;
      } else {
        status.textContent = T.failed + answer.message;
        showProblems(T.problems, answer.problems);
      }
    }).catch(function (e) { status.textContent = T.failed + e; });
  }

  editor.importSchema(data.schema).then(function () {
    editor.on("changed", later);
    refresh();
  }).catch(function (e) { status.textContent = T.failed + e; });
  document.getElementById("form-title").addEventListener("input", later);
  document.getElementById("btn-save").addEventListener("click", save);
})();
