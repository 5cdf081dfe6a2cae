// Enhancements for the coach pages; every page works without them.
// - "Copy link": copies the invitation link (the read-only field stays selectable without JS).
// - "Print": a button on the report that opens the browser's print dialog.
(function () {
  'use strict';

  function copyButtons() {
    var buttons = document.querySelectorAll('.copy-button[data-copy-target]');
    Array.prototype.forEach.call(buttons, function (button) {
      var source = document.getElementById(button.getAttribute('data-copy-target'));
      if (!source || !navigator.clipboard) { return; }
      var label = button.textContent;
      button.hidden = false;
      button.addEventListener('click', function () {
        navigator.clipboard.writeText(source.value).then(function () {
          button.textContent = button.getAttribute('data-copied');
          window.setTimeout(function () { button.textContent = label; }, 2000);
        }, function () {
          source.select();
        });
      });
    });
  }

  function printButtons() {
    Array.prototype.forEach.call(document.querySelectorAll('.print-button'), function (button) {
      button.hidden = false;
      button.addEventListener('click', function () { window.print(); });
    });
  }

  function start() { copyButtons(); printButtons(); }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
