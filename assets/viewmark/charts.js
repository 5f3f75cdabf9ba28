/* Viewmark charts, the browser's part: a chart card's "PNG" button saves the chart as an image (Plotly's own
   mode bar is off, dashboards/render.py: it covers the data), and a card's "CSV" button asks the server for
   its data only when it is clicked. Loaded by Dash from assets/; no inline script (CSP). */
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

  var clientside = window.dash_clientside = window.dash_clientside || {};
  clientside.viewmark_charts = {
    // A click on a CSV button → the visual whose data to download. New cards appearing (every view change
    // draws the sheet anew) fire this too, with no click: nothing is asked of the server then.
    csv: function () {
      var triggered = window.dash_clientside.callback_context.triggered || [];
      if (triggered.length !== 1 || !triggered[0].value) {
        return window.dash_clientside.no_update;
      }
      var id = JSON.parse(triggered[0].prop_id.slice(0, triggered[0].prop_id.lastIndexOf(".")));
      return {visual: id.visual, at: Date.now()};
    }
  };
})();
