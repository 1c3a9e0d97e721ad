// An item's capacity charts (/cmdb/<id>, "Kapasitas"), drawn with Chart.js from the
// figures in #kapasitas-data: each metric's measurements as a line, its warning and
// critical thresholds as dashed lines. The facts and the table beside each chart carry
// the same figures for readers without JavaScript or a screen.
(function () {
  "use strict";
  var dataNode = document.getElementById("kapasitas-data");
  if (!dataNode || typeof window.Chart !== "function") {
    return;
  }
  var data = JSON.parse(dataNode.textContent);
  var colours = { value: "#0b5394", warning: "#b7791f", critical: "#a61b1b" };
  window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;

  function level(label, value, count, colour) {
    var values = [];
    for (var i = 0; i < count; i += 1) {
      values.push(value);
    }
    return { label: label, data: values, borderColor: colour, borderDash: [6, 4],
      pointRadius: 0, fill: false };
  }

  data.metrics.forEach(function (metric) {
    var canvas = document.getElementById(metric.id);
    if (!canvas || !metric.values.length) {
      return;
    }
    var datasets = [{ label: metric.label, data: metric.values, borderColor: colours.value,
      pointRadius: 2, tension: 0.1, fill: false }];
    if (metric.warning !== null) {
      datasets.push(level(data.warning, metric.warning, metric.values.length, colours.warning));
    }
    if (metric.critical !== null) {
      datasets.push(level(data.critical, metric.critical, metric.values.length, colours.critical));
    }
    canvas.chart = new window.Chart(canvas, {
      type: "line",
      data: { labels: metric.labels, datasets: datasets },
      options: { animation: false, maintainAspectRatio: false,
        scales: { x: { ticks: { maxTicksLimit: 8 } } } }
    });
  });
})();
