// The print buttons (hidden without JavaScript: browsers print with Ctrl/Cmd-P anyway). The
// page prints as the reader sees it: what they opened is printed open, what is folded stays so.
(function () {
  "use strict";
  document.querySelectorAll(".print-button").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
