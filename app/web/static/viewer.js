// The instance page's diagram: the BPMN of the instance's own version in the bpmn-js
// NavigatedViewer (pan and zoom), with each element marked by what the instance does
// with it. The states come from the server (#progress-data); the page also lists them
// as text, so the picture is never the only place they are said.
(function () {
  "use strict";
  var container = document.getElementById("diagram");
  var dataNode = document.getElementById("progress-data");
  if (!container || !dataNode || typeof window.BpmnJS !== "function") {
    return;
  }
  var progress = JSON.parse(dataNode.textContent);
  var markers = { completed: "state-completed", waiting: "state-waiting", active: "state-active" };

  function failed() {
    var message = document.querySelector(".diagram-error");
    if (message) {
      message.hidden = false;
    }
    container.hidden = true;
  }

  var viewer = new window.BpmnJS({ container: container });
  fetch(container.dataset.xml, { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.text();
    })
    .then(function (xml) {
      return viewer.importXML(xml);
    })
    .then(function () {
      var canvas = viewer.get("canvas");
      var registry = viewer.get("elementRegistry");
      Object.keys(markers).forEach(function (state) {
        (progress[state] || []).forEach(function (id) {
          if (registry.get(id)) {
            canvas.addMarker(id, markers[state]);
          }
        });
      });
      canvas.zoom("fit-viewport");
      container.dataset.ready = "true";
    })
    .catch(failed);
})();
