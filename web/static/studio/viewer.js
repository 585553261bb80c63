/* A cycle's BPMN in bpmn-js's viewer, with done steps green and active ones orange. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("diagram-data").textContent);
  if (typeof BpmnJS === "undefined") return;  // front-end packages not installed: the spiral still shows
  var viewer = new BpmnJS({ container: "#diagram" });
  viewer.importXML(data.xml).then(function () {
    var canvas = viewer.get("canvas"), registry = viewer.get("elementRegistry");
    var fitted = canvas.zoom("fit-viewport");
    ["done", "active", "failed"].forEach(function (state) {
      (data.states[state] || []).forEach(function (id) { if (registry.get(id)) canvas.addMarker(id, state); });
    });
    if (fitted < 0.6) {  // a whole spiral would be a thumbnail: read it at a legible size, centred on the open step
      var open = (data.states.active || []).map(function (id) { return registry.get(id); }).filter(Boolean)[0];
      canvas.zoom(0.8);
      if (open) canvas.scrollToElement(open, { top: 120, bottom: 120, left: 200, right: 200 });
    }
  });
})();
