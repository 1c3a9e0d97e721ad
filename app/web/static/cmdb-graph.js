// An item's relations drawn with Cytoscape.js (served from node_modules under /vendor),
// from the nodes and edges in #cmdb-graf-data. The tables of the page say the same in
// words and with links a keyboard reaches, so without JavaScript (or a pointer) nothing is
// missing. Choosing an item node with a pointer or a finger opens its page.
(function () {
  "use strict";
  var container = document.getElementById("cmdb-graf");
  var dataNode = document.getElementById("cmdb-graf-data");
  if (!container || !dataNode) {
    return;
  }
  var failed = document.querySelector(".cmdb-graph-error");
  if (typeof window.cytoscape !== "function") {
    if (failed) {
      failed.hidden = false;
    }
    return;
  }
  // Cytoscape.js puts an inline <style> in the head (".__________cytoscape_container
  // { position: relative }") unless an element with its id is there already; the policy
  // refuses inline styles, and app.css gives .cmdb-graph that rule, so mark it present.
  var sheetId = "__________cytoscape_stylesheet";
  if (!document.getElementById(sheetId)) {
    var marker = document.createElement("meta");
    marker.id = sheetId;
    document.head.appendChild(marker);
  }
  var data = JSON.parse(dataNode.textContent);
  var colours = {
    application: "#0b5394",
    server: "#4a5560",
    virtual_machine: "#6b7785",
    database: "#1a6b32",
    network_device: "#8a5300",
    link: "#8a5300",
    data_centre: "#1b1f24",
    licence: "#7b2d8e",
    document: "#4a5560",
    service: "#a61b1b"
  };
  var elements = data.nodes.map(function (node) {
    return { group: "nodes", data: node, classes: [node.kind, node.focus ? "focus" : "", node.retired ? "retired" : ""].join(" ") };
  }).concat(data.edges.map(function (edge) {
    return { group: "edges", data: edge, classes: edge.relation };
  }));
  var focus = data.nodes.filter(function (node) { return node.focus; }).map(function (node) { return node.id; });
  var narrow = window.matchMedia("(max-width: 600px)").matches;
  // rings around the item on a phone or for a large graph (rows would run off the side),
  // without the edges' words, which the relation table gives
  var rings = narrow || data.nodes.length > 30;

  var cy = window.cytoscape({
    container: container,
    elements: elements,
    wheelSensitivity: 0.3,
    minZoom: 0.2,
    maxZoom: 3,
    style: [
      { selector: "node", style: {
        "label": "data(label)",
        "background-color": function (node) { return colours[node.data("kind")] || "#4a5560"; },
        "color": "#1b1f24",
        "font-size": narrow ? 9 : 11,
        "text-valign": "bottom",
        "text-margin-y": 4,
        "text-wrap": "wrap",
        "text-max-width": 110,
        "width": 22,
        "height": 22
      } },
      { selector: "node.service", style: { "shape": "round-rectangle", "width": 30, "height": 18 } },
      { selector: "node.focus", style: { "width": 34, "height": 34, "border-width": 4, "border-color": "#ffbf47", "font-weight": "bold" } },
      { selector: "node.retired", style: { "opacity": 0.5, "border-style": "dashed" } },
      { selector: "node:selected", style: { "border-width": 4, "border-color": "#ffbf47" } },
      { selector: "edge", style: {
        "label": rings ? "" : "data(label)",
        "width": 1.5,
        "line-color": "#6b7785",
        "target-arrow-color": "#6b7785",
        "target-arrow-shape": "triangle",
        "curve-style": "bezier",
        "font-size": narrow ? 7 : 9,
        "color": "#4a5560",
        "text-rotation": "autorotate",
        "text-background-color": "#ffffff",
        "text-background-opacity": 0.85,
        "text-background-padding": 1
      } },
      { selector: "edge.service", style: { "line-style": "dashed", "line-color": "#a61b1b", "target-arrow-color": "#a61b1b" } }
    ],
    layout: { name: "preset" }
  });

  // Layers by distance from the item: rows on a wide screen for a small graph, else rings.
  var depth = {};
  cy.elements().bfs({
    roots: cy.getElementById(focus[0]),
    directed: false,
    visit: function (node, edge, previous, index, level) { depth[node.id()] = level; }
  });
  var deepest = Math.max.apply(null, Object.keys(depth).map(function (id) { return depth[id]; }).concat([0]));
  cy.layout(rings ? {
    name: "concentric",
    concentric: function (node) { return deepest - (depth[node.id()] || 0); },
    levelWidth: function () { return 1; },
    minNodeSpacing: narrow ? 6 : 14,
    padding: 8,
    animate: false
  } : {
    name: "breadthfirst",
    roots: focus,
    directed: false,
    spacingFactor: 1.1,
    padding: 12,
    animate: false
  }).run();

  function open(node) {
    var url = node.data("url");
    if (url && !node.data("focus")) {
      window.location.assign(url);
    }
  }
  cy.on("tap", "node", function (event) { open(event.target); });
  cy.ready(function () {
    cy.fit(undefined, 12);
    container.dataset.ready = "true";
  });
  window.cmdbGraph = cy;
}());
