// Only the trace types Stegvis draws. No npm partial bundle has scatterpolar, hence our own.
var Plotly = require('plotly.js/lib/core');
Plotly.register([
  require('plotly.js/lib/bar'),
  require('plotly.js/lib/scatterpolar'),
  require('plotly.js/lib/barpolar'),
]);
module.exports = Plotly;
