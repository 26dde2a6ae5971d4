// The print buttons (hidden without JavaScript: browsers print with Ctrl/Cmd-P anyway).
(function () {
  "use strict";
  document.querySelectorAll(".print-button").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      document.querySelectorAll(".record-item details").forEach(function (d) { d.open = true; });
      window.print();
    });
  });
})();
