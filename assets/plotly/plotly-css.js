// Writes the CSS rules plotly.js would inject at run time into a file. Linked with the id
// "plotly.js-style-global", it stops that injection, which a strict style-src 'self' forbids.
const fs = require('fs');
const vm = require('vm');
const source = fs.readFileSync(require.resolve('plotly.js/build/plotcss.js'), 'utf8');
const rules = [];
vm.runInNewContext(source, {
  require: () => ({ addStyleRule: (selector, rule) => rules.push(`${selector}{${rule}}`) }),
});
fs.writeFileSync(process.argv[2], rules.join('\n') + '\n');
