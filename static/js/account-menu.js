// The account menu is a <details>: it opens and closes without JavaScript. This only adds what a
// menu is expected to do besides: Escape closes it (focus back on its button), and so does a
// click or a focus move outside it.
(function () {
  "use strict";
  var menu = document.querySelector("details.account-menu");
  if (!menu) return;
  var summary = menu.querySelector("summary");
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && menu.open) {
      menu.open = false;
      summary.focus();
    }
  });
  document.addEventListener("click", function (event) {
    if (menu.open && !menu.contains(event.target)) menu.open = false;
  });
  menu.addEventListener("focusout", function (event) {
    if (menu.open && event.relatedTarget && !menu.contains(event.relatedTarget)) menu.open = false;
  });
})();
