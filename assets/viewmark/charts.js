/* Viewmark charts, the browser's part: a chart card's "PNG" button saves the chart as an image.
   Plotly's own mode bar is off (dashboards/render.py: it covers the data), so this is where it is done.
   Loaded by Dash from assets/; no inline script (CSP). */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".vm-png");
    if (!button) {
      return;
    }
    var card = button.closest(".vm-visual");
    var graph = card && card.querySelector(".js-plotly-plot");
    if (!graph || !window.Plotly) {
      return;
    }
    window.Plotly.downloadImage(graph, {format: "png", scale: 2, filename: button.dataset.filename || "chart"});
  });
})();
