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

  // A task inside a collapsed subprocess is drawn on the subprocess's own plane (bpmn-js
  // drills into it from the subprocess's marker): the subprocess shapes around it, up to
  // the main plane, are marked active too, so the picture says where to look.
  function markEnclosing(id) {
    var canvas = viewer.get("canvas");
    var registry = viewer.get("elementRegistry");
    var root = canvas.findRoot(registry.get(id));
    while (root && root.businessObject && registry.get(root.businessObject.id) &&
           registry.get(root.businessObject.id) !== root) {
      var shape = registry.get(root.businessObject.id);
      canvas.removeMarker(shape, markers.waiting);
      canvas.addMarker(shape, markers.active);
      root = canvas.findRoot(shape);
    }
  }

  // The element list's "open the subprocess" buttons show the plane of their task.
  function offerDrillDown(main) {
    var canvas = viewer.get("canvas");
    var registry = viewer.get("elementRegistry");
    document.querySelectorAll("[data-drill]").forEach(function (button) {
      var element = registry.get(button.dataset.drill);
      var root = element && canvas.findRoot(element);
      if (!root || root === main) {
        return;
      }
      button.hidden = false;
      button.addEventListener("click", function () {
        canvas.setRootElement(root);
        canvas.zoom("fit-viewport");
        container.scrollIntoView({ block: "nearest" });
      });
    });
  }
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
      var main = canvas.getRootElement();
      (progress.active || []).forEach(function (id) {
        if (registry.get(id)) {
          markEnclosing(id);
        }
      });
      offerDrillDown(main);
      canvas.zoom("fit-viewport");
      container.dataset.ready = "true";
    })
    .catch(failed);
})();
