/* Spiral's modeler: bpmn-js plus a small side panel for Spiral's settings, written against the moddle.
   Task settings are spiffworkflow:properties (stage, due, dueCalendar, escalation, form) and
   spiffworkflow:instructionsForEndUser; a lane's name is the role; the process carries `level`. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("modeler-data").textContent);
  var T = data.text;
  var SPIFF = {
    name: "SpiffWorkflow", uri: "http://spiffworkflow.org/bpmn/schema/1.0/core", prefix: "spiffworkflow",
    xml: { tagAlias: "lowerCase" }, associations: [],
    types: [
      { name: "Properties", superClass: ["Element"],
        properties: [{ name: "properties", type: "Property", isMany: true }] },
      { name: "Property", superClass: ["Element"],
        properties: [{ name: "name", isAttr: true, type: "String" }, { name: "value", isAttr: true, type: "String" }] },
      { name: "InstructionsForEndUser", superClass: ["Element"],
        properties: [{ name: "value", isBody: true, type: "String" }] }
    ]
  };
  // Chinese pages load studio_zh.js first: its translate service puts the palette, context pad and menus in Chinese
  var zh = window.SpiralStudioZh;
  var modeler = new BpmnJS({ container: "#canvas", moddleExtensions: { spiffworkflow: SPIFF },
                             additionalModules: zh ? [zh.bpmnModule] : [] });
  window.spiralModeler = modeler;  // for people poking at it from the console (and the browser test)
  var modeling = modeler.get("modeling"), moddle = modeler.get("moddle"), canvas = modeler.get("canvas");
  var registry = modeler.get("elementRegistry"), selection = modeler.get("selection");
  var panel = document.getElementById("panel"), report = document.getElementById("report");
  var status = document.getElementById("status"), translate = modeler.get("translate");

  // "bpmn:UserTask" -> "User task", in the page's language (bpmn-js' own names for its elements)
  function typeLabel(type) {
    var words = type.replace("bpmn:", "").replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
    return translate(words.charAt(0).toUpperCase() + words.slice(1));
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k]; else if (k in node && k !== "list") node[k] = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  function open(xml) {
    return modeler.importXML(xml).then(function () {
      canvas.zoom("fit-viewport");
      var box = canvas.viewbox(), margin = 90 / box.scale;  // keep the palette off the lanes' headers
      canvas.viewbox({ x: box.x - margin, y: box.y, width: box.width + margin, height: box.height });
      render(null);
    });
  }

  /* ---- reading and writing Spiral's settings on a business object ---- */
  function values(bo) { return (bo.extensionElements && bo.extensionElements.values) || []; }
  function readProps(bo) {
    var found = {};
    values(bo).forEach(function (v) {
      if (v.$type === "camunda:properties" || v.$type === "camunda:Properties") {
        (v.$children || v.values || []).forEach(function (p) { found[p.name] = p.value; });
      }
    });
    values(bo).forEach(function (v) {
      if (v.$type === "spiffworkflow:Properties") (v.properties || []).forEach(function (p) { found[p.name] = p.value; });
    });
    return found;
  }
  function ensureExtensions(bo) {
    if (!bo.extensionElements) {
      bo.extensionElements = moddle.create("bpmn:ExtensionElements", { values: [] });
      bo.extensionElements.$parent = bo;
    }
    return bo.extensionElements;
  }
  function writeProp(element, bo, name, value) {
    var ext = ensureExtensions(bo);
    var holder = ext.values.filter(function (v) { return v.$type === "spiffworkflow:Properties"; })[0];
    if (!holder) { holder = moddle.create("spiffworkflow:Properties", { properties: [] }); holder.$parent = ext; ext.values.push(holder); }
    holder.properties = (holder.properties || []).filter(function (p) { return p.name !== name; });
    if (value) { var prop = moddle.create("spiffworkflow:Property", { name: name, value: value }); prop.$parent = holder; holder.properties.push(prop); }
    modeling.updateModdleProperties(element, bo, { extensionElements: ext });
  }
  function readInstructions(bo) {
    var found = values(bo).filter(function (v) { return v.$type === "spiffworkflow:InstructionsForEndUser"; })[0];
    return found ? found.value || "" : "";
  }
  function writeInstructions(element, bo, text) {
    var ext = ensureExtensions(bo);
    ext.values = ext.values.filter(function (v) { return v.$type !== "spiffworkflow:InstructionsForEndUser"; });
    if (text) { var node = moddle.create("spiffworkflow:InstructionsForEndUser", { value: text }); node.$parent = ext; ext.values.push(node); }
    modeling.updateModdleProperties(element, bo, { extensionElements: ext });
  }

  /* ---- the panel ---- */
  function field(id, label, control) { return el("div", { className: "pfield" }, [el("label", { htmlFor: id, text: label }), control]); }
  function select(id, options, current, onchange) {
    var node = el("select", { id: id });
    options.forEach(function (o) { node.appendChild(el("option", { value: o[0], text: o[1], selected: o[0] === (current || "") })); });
    node.addEventListener("change", function () { onchange(node.value); });
    return node;
  }
  function input(id, current, onchange, attrs) {
    var node = el("input", Object.assign({ id: id, value: current || "" }, attrs || {}));
    node.addEventListener("change", function () { onchange(node.value.trim()); });
    return node;
  }
  function processOf(element) {
    var bo = element.businessObject;
    return bo.$type === "bpmn:Participant" ? bo.processRef : bo.$type === "bpmn:Process" ? bo : null;
  }

  function render(element) {
    panel.innerHTML = "";
    if (!element) element = canvas.getRootElement();
    if (!element || !element.businessObject) return;
    var bo = element.businessObject, type = bo.$type;
    var processBo = processOf(element);
    if (processBo) return renderProcess(element, processBo);
    panel.appendChild(el("h2", { text: bo.name || bo.id }));
    panel.appendChild(el("p", { className: "muted small", text: typeLabel(type) + " · " + bo.id }));
    if (type === "bpmn:Lane") return renderLane(element, bo);
    if (type !== "bpmn:SequenceFlow") {
      panel.appendChild(field("p-name", T.name, input("p-name", bo.name, function (v) { modeling.updateLabel(element, v); })));
    }
    if (type === "bpmn:Task") {
      var convert = el("button", { type: "button", id: "p-to-user-task", className: "secondary", text: "→ " + typeLabel("bpmn:UserTask") });
      convert.addEventListener("click", function () {
        var replaced = modeler.get("bpmnReplace").replaceElement(element, { type: "bpmn:UserTask" });
        selection.select(replaced);
      });
      panel.appendChild(convert);
    }
    if (type === "bpmn:UserTask" || type === "bpmn:ManualTask") return renderTask(element, bo);
    if (type === "bpmn:SequenceFlow") return renderFlow(element, bo);
    if (type === "bpmn:StartEvent") {
      var props = readProps(bo);
      panel.appendChild(field("p-form", T.form, formSelect(props.form, function (v) { writeProp(element, bo, "form", v); })));
    }
  }

  function formSelect(current, onchange) {
    return select("p-form", [["", T.none]].concat(data.panel.forms.map(function (f) { return [f.id, f.title + " (" + f.id + ")"]; })), current, onchange);
  }

  function ladderSelect(current, onchange) {
    var ladders = data.panel.ladders.map(function (l) { return [l.name, l.label + " (" + l.name + ")"]; });
    // a ladder named in the file but unknown here stays visible (marked ?) instead of being silently dropped
    if (current && !data.panel.ladders.some(function (l) { return l.name === current; })) ladders.unshift([current, current + " ?"]);
    return select("p-escalation", [["", T.default_ladder]].concat(ladders), current, onchange);
  }

  function renderProcess(element, bo) {
    var props = readProps(bo);
    panel.appendChild(el("h2", { text: T.process }));
    panel.appendChild(el("p", { className: "muted small", text: bo.id }));
    panel.appendChild(field("p-process-name", T.name, input("p-process-name", bo.name, function (v) {
      modeling.updateModdleProperties(element, bo, { name: v });
      if (element.businessObject.$type === "bpmn:Participant") modeling.updateLabel(element, v);
    })));
    panel.appendChild(field("p-level", T.level, select("p-level", [["", T.none]].concat(data.panel.levels.map(function (l) { return [l, l]; })),
      props.level, function (v) { writeProp(element, bo, "level", v); })));
    panel.appendChild(el("p", { className: "muted small", text: T.select_hint }));
  }

  function renderLane(element, bo) {
    var roles = data.panel.roles.map(function (r) { return [r.name, r.name + " (" + r.code + ")"]; });
    if (bo.name && !data.panel.roles.some(function (r) { return r.name === bo.name || r.code === bo.name; })) roles.unshift([bo.name, bo.name + " ?"]);
    panel.appendChild(field("p-role", T.role, select("p-role", [["", T.none]].concat(roles), bo.name, function (v) { modeling.updateLabel(element, v); })));
    panel.appendChild(el("p", { className: "muted small", text: T.lane }));
  }

  function renderTask(element, bo) {
    var props = readProps(bo);
    var set = function (name) { return function (v) { writeProp(element, bo, name, v); }; };
    panel.appendChild(el("h3", { text: T.task }));
    panel.appendChild(field("p-stage", T.stage, select("p-stage", [["", T.none]].concat(data.panel.stages.map(function (s) { return [s.code, s.label + " (" + s.code + ")"]; })), props.stage, set("stage"))));
    panel.appendChild(field("p-due", T.due, input("p-due", props.due, set("due"), { placeholder: "P10D", pattern: "P(\\d+W)?(\\d+D)?(T(\\d+H)?(\\d+M)?)?" })));
    var working = el("input", { type: "checkbox", id: "p-working", checked: props.dueCalendar === "working" });
    working.addEventListener("change", function () { writeProp(element, bo, "dueCalendar", working.checked ? "working" : ""); });
    panel.appendChild(el("label", { className: "check", htmlFor: "p-working" }, [working, document.createTextNode(" " + T.working)]));
    panel.appendChild(field("p-escalation", T.escalation, ladderSelect(props.escalation, set("escalation"))));
    panel.appendChild(field("p-form", T.form, formSelect(props.form, set("form"))));
    var text = el("textarea", { id: "p-instructions", rows: 4, value: readInstructions(bo) });
    text.addEventListener("change", function () { writeInstructions(element, bo, text.value.trim()); });
    panel.appendChild(field("p-instructions", T.instructions, text));
  }

  function renderFlow(element, bo) {
    var current = bo.conditionExpression ? bo.conditionExpression.body : "";
    panel.appendChild(field("p-name", T.name, input("p-name", bo.name, function (v) { modeling.updateLabel(element, v); })));
    panel.appendChild(field("p-condition", T.condition, input("p-condition", current, function (v) {
      var expression = v ? moddle.create("bpmn:FormalExpression", { body: v }) : undefined;
      modeling.updateProperties(element, { conditionExpression: expression });
    }, { placeholder: 'decision == "approve"  /  ${approved}' })));
  }

  modeler.on("selection.changed", function (e) { render(e.newSelection.length === 1 ? e.newSelection[0] : null); });

  /* ---- server calls ---- */
  function post(url, body) {
    return fetch(url, { method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": data.csrf, "Accept": "application/json" },
      body: JSON.stringify(body) }).then(function (r) { return r.json().then(function (j) { j.status = r.status; return j; }); });
  }
  function xml() { return modeler.saveXML({ format: true }).then(function (r) { return r.xml; }); }
  function showReport(result) {
    report.innerHTML = "";
    var box = el("div", { className: "flash " + (result.ok ? "success" : "error"), role: "alert" });
    box.appendChild(el("b", { text: result.message || (result.ok ? T.valid : T.problems) }));
    box.appendChild(list(result.problems || []));
    if ((result.warnings || []).length) { box.appendChild(el("p", { text: T.warnings })); box.appendChild(list(result.warnings)); }
    report.appendChild(box);
  }
  function list(items) {
    var ul = el("ul", { className: "problems" });
    items.forEach(function (p) {
      var where = (p.line ? T.line.replace("{line}", p.line) + " " : "") + (p.element_id ? "<" + p.element_id + (p.element_name ? " " + p.element_name : "") + "> " : "");
      var li = el("li", {}, [el("span", { className: "muted", text: where }), document.createTextNode(p.message)]);
      var shape = p.element_id && registry.get(p.element_id);
      if (shape) { li.className = "clickable"; li.addEventListener("click", function () { selection.select(shape); canvas.scrollToElement(shape); }); }
      ul.appendChild(li);
    });
    return ul;
  }
  function failed(err) { status.textContent = T.failed + (err && err.message || err); }

  document.getElementById("btn-validate").addEventListener("click", function () {
    status.textContent = T.validating;
    xml().then(function (x) { return post(data.urls.validate, { xml: x }); }).then(function (r) { status.textContent = ""; showReport(r); }).catch(failed);
  });
  document.getElementById("btn-draft").addEventListener("click", function () {
    xml().then(function (x) { return post(data.urls.draft, { xml: x, process_id: data.process_id }); }).then(function (r) {
      status.textContent = r.ok ? T.saved + " " + r.saved_at : T.failed + r.error;
    }).catch(failed);
  });
  document.getElementById("btn-deploy").addEventListener("click", function () {
    status.textContent = T.validating;
    var comment = document.getElementById("deploy-comment").value;
    function send(x, confirmed) {
      return post(data.urls.deploy, { xml: x, comment: comment, filename: data.process_id + ".bpmn", confirm_removal: confirmed })
        .then(function (r) {
          // a version that drops every task of a process with running cycles goes only with an explicit yes
          if (r.confirm && !confirmed) { return window.confirm(r.confirm) ? send(x, true) : { ok: false, message: r.confirm }; }
          return r;
        });
    }
    xml().then(function (x) { return send(x, false); })
      .then(function (r) { status.textContent = r.ok ? T.deployed + " v" + r.version : ""; showReport(r); }).catch(failed);
  });
  document.getElementById("btn-download").addEventListener("click", function () {
    xml().then(function (x) {
      var a = el("a", { href: URL.createObjectURL(new Blob([x], { type: "application/xml" })), download: data.process_id + ".bpmn" });
      document.body.appendChild(a); a.click(); a.remove();
    });
  });
  document.getElementById("upload-bpmn").addEventListener("change", function (e) {
    var file = e.target.files[0];
    if (!file) return;
    file.text().then(open).then(function () { status.textContent = T.imported; })
      .catch(function (err) { status.textContent = T.import_failed + err.message; });
  });

  open(data.xml).catch(function (err) { status.textContent = T.import_failed + err.message; });
})();
