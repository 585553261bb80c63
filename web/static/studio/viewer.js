/* A cycle's BPMN in bpmn-js's viewer, with done steps green and active ones orange. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("diagram-data").textContent);
  if (typeof BpmnJS === "undefined") return;  // front-end packages not installed: the spiral still shows
  var viewer = new BpmnJS({ container: "#diagram" });
  viewer.importXML(data.xml).then(function () {
    var canvas = viewer.get("canvas"), registry = viewer.get("elementRegistry");
    canvas.zoom("fit-viewport");
    ["done", "active", "failed"].forEach(function (state) {
      (data.states[state] || []).forEach(function (id) { if (registry.get(id)) canvas.addMarker(id, state); });
    });
  });
})();
