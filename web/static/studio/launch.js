/* Bulk launch with progress: fetch the plan (every subject of the level, and which are already running), then
   start the others one request at a time, updating the bar and the list as each answer comes back. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("launch-data").textContent), T = data.text;
  var form = document.getElementById("launch-form"), live = document.getElementById("live");
  var bar = document.getElementById("live-bar"), list = document.getElementById("live-list");
  var summary = document.getElementById("live-summary");
  var launchBtn = document.getElementById("btn-launch"), stopBtn = document.getElementById("btn-stop");
  var stopping = false, counts, total;

  function tag(cls, text) { var s = document.createElement("span"); s.className = "tag " + cls; s.textContent = text; return s; }
  function row(subject) {
    var li = document.createElement("li"); li.dataset.subject = subject.code;
    li.appendChild(tag("", T.waiting)); li.appendChild(document.createTextNode(" " + subject.name + " "));
    var note = document.createElement("span"); note.className = "muted small"; li.appendChild(note);
    list.appendChild(li); return li;
  }
  function mark(li, cls, text, note, url) {
    li.replaceChild(tag(cls, text), li.firstChild);
    li.lastChild.textContent = note || "";
    if (url) { var a = document.createElement("a"); a.href = url; a.textContent = " ↗"; li.lastChild.appendChild(a); }
  }
  function show() {
    var done = counts.started + counts.skipped + counts.failed;
    bar.setAttribute("aria-valuemax", total); bar.setAttribute("aria-valuenow", done);
    bar.firstElementChild.style.width = (total ? Math.round(100 * done / total) : 100) + "%";
    summary.textContent = T.summary.replace("{done}", done).replace("{total}", total)
      .replace("{started}", counts.started).replace("{skipped}", counts.skipped).replace("{failed}", counts.failed);
    return done;
  }
  function finish(note) {
    launchBtn.disabled = false; stopBtn.hidden = true;
    summary.textContent += " · " + note;
  }
  function post(body) {
    return fetch(data.urls.one, { method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": data.csrf } })
      .then(function (r) { return r.json().then(function (j) { if (!r.ok) throw new Error(j.error || r.status); return j; }); });
  }

  // the checklist of subjects (shown after "选择对象…"): listed again when the process, period or scope change,
  // and only its ticked subjects are launched
  var choosing = !!form.querySelector('input[name="choosing"]'), listBtn = document.getElementById("btn-list");
  if (choosing) {
    ["process_id", "period", "within"].forEach(function (name) {
      form[name].addEventListener("change", function () { form.requestSubmit(listBtn); });
    });
  }

  form.addEventListener("submit", function (event) {
    if (event.submitter && event.submitter === listBtn) return;  // listing is an ordinary post
    event.preventDefault();
    var processId = form.process_id.value, period = form.period.value.trim();
    var within = form.within ? form.within.value : "";
    var query = "?process_id=" + encodeURIComponent(processId) + "&period=" + encodeURIComponent(period) +
      "&within=" + encodeURIComponent(within);
    if (choosing) {
      var ticked = Array.prototype.filter.call(form.querySelectorAll('input[name="subject"]'), function (b) { return b.checked; });
      if (!ticked.length) { live.hidden = false; list.innerHTML = ""; summary.textContent = T.none; return; }
      query += "&choosing=1" + ticked.map(function (b) { return "&subject=" + encodeURIComponent(b.value); }).join("");
    }
    launchBtn.disabled = true; stopping = false; list.innerHTML = ""; live.hidden = false;
    summary.textContent = "";
    fetch(data.urls.plan + query, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (plan) {
        if (!plan.ok) { summary.textContent = T.error + plan.message; launchBtn.disabled = false; return; }
        counts = { started: 0, skipped: 0, failed: 0 }; total = plan.subjects.length;
        var todo = [];
        plan.subjects.forEach(function (s) {
          var li = row(s);
          if (s.instance_id) { counts.skipped++; mark(li, "", T.skipped, T.already + " #" + s.instance_id, s.url); }
          else todo.push([s, li]);
        });
        show();
        // ask once, with the numbers, before anything starts (a launch cannot be taken back)
        if (todo.length && !window.confirm(T.confirm.replace("{n}", todo.length).replace("{skip}", counts.skipped))) {
          return finish(T.cancelled);
        }
        stopBtn.hidden = false;
        (function next() {
          if (stopping) return finish(T.stopped);
          var item = todo.shift();
          if (!item) return finish(T.finished);
          mark(item[1], "amber", T.running);
          post({ process_id: processId, period: period, subject: item[0].code, within: within }).then(function (step) {
            counts[step.status]++;
            mark(item[1], step.status === "started" ? "green" : step.status === "failed" ? "red" : "",
                 T[step.status], step.message || (step.instance_id ? "#" + step.instance_id : ""), step.url);
            show(); next();
          }).catch(function (e) { finish(T.error + e.message); });
        })();
      }).catch(function (e) { summary.textContent = T.error + e.message; launchBtn.disabled = false; });
  });
  stopBtn.addEventListener("click", function () { stopping = true; });
})();
