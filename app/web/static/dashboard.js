// The dashboards' charts, drawn with Chart.js from the figures in #chart-data: each canvas
// names its figures (data-chart) and, when it differs, the kind of chart (data-kind). Without
// JavaScript, and on narrow screens, the data tables (open by default) carry the same
// numbers; on wide screens they fold away under "Tabel data" once a chart is drawn.
(function () {
  "use strict";
  var dataNode = document.getElementById("chart-data");
  if (!dataNode || typeof window.Chart !== "function") {
    return;
  }
  var narrow = window.matchMedia("(max-width: 600px)").matches;
  var data = JSON.parse(dataNode.textContent);
  var ink = "#1b1f24";
  var colours = { primary: "#0b5394", ok: "#1a6b32", bad: "#a61b1b" };
  window.Chart.defaults.color = ink;
  window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;

  function bars(values, label, colour) {
    return [{ label: label, data: values, backgroundColor: colour }];
  }

  var configs = {
    procedure: function (d) {
      return { type: "bar", data: { labels: d.labels, datasets: bars(d.values, d.label, colours.primary) },
        options: { indexAxis: "y", plugins: { legend: { display: false } },
          scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } } };
    },
    priority: function (d) {
      return { type: "bar", data: { labels: d.labels, datasets: bars(d.values, d.label, colours.primary) },
        options: { plugins: { legend: { display: false } },
          scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } } };
    },
    deadlines: function (d) {
      return { type: "bar", data: { labels: d.labels, datasets: [
          { label: d.met_label, data: d.met, backgroundColor: colours.ok },
          { label: d.missed_label, data: d.missed, backgroundColor: colours.bad }] },
        options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } } };
    },
    oldest: function (d) {
      return { type: "bar", data: { labels: d.labels, datasets: bars(d.values, d.label, colours.primary) },
        options: { indexAxis: "y", plugins: { legend: { display: false } },
          scales: { x: { beginAtZero: true, title: { display: true, text: d.label } } } } };
    }
  };

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var name = canvas.dataset.chart;
    var figure = canvas.closest("figure");
    if (narrow || !data[name] || !data[name].labels.length) {
      return; // the box stays hidden: the table says it all
    }
    canvas.parentNode.classList.add("drawn");
    var config = configs[canvas.dataset.kind || name](data[name]);
    config.options.maintainAspectRatio = false;
    config.options.animation = false;
    new window.Chart(canvas, config);
    canvas.dataset.drawn = "true";
    var details = figure.querySelector("details.chart-data");
    if (details) {
      details.open = false;
    }
  });
})();
