// Live check-in count on the instructor's code page (the page works without it: Refresh).
(function () {
  "use strict";
  var box = document.querySelector(".checkins[data-url]");
  if (!box) { return; }
  var count = box.querySelector(".count");
  function poll() {
    fetch(box.getAttribute("data-url"), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) { count.textContent = data.checked_in + " of " + data.registered; } })
      .finally(function () { window.setTimeout(poll, 5000); });
  }
  poll();
})();
