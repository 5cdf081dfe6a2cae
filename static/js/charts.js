// Draws every chart data island on the page: <script type="application/json" class="chart-data"
// data-target="ID"> holds a plotly figure built on the server. The table next to each chart
// carries the same numbers, so nothing is lost when scripts or plotly are unavailable.
(function () {
  'use strict';
  var CONFIG = {displaylogo: false, responsive: true,
    modeBarButtonsToRemove: ['select2d', 'lasso2d', 'autoScale2d', 'toggleSpikelines']};

  function draw() {
    if (!window.Plotly) { return; }
    var islands = document.querySelectorAll('script.chart-data[data-target]');
    Array.prototype.forEach.call(islands, function (island) {
      var target = document.getElementById(island.getAttribute('data-target'));
      if (!target) { return; }
      var figure = JSON.parse(island.textContent);
      window.Plotly.newPlot(target, figure.data || [], figure.layout || {}, CONFIG);
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', draw);
  } else {
    draw();
  }
}());
