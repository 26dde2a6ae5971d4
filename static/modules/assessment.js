// Progressive enhancement for the assessment page: answers are saved as they are given, and
// the time left counts down. Without JavaScript the "Save" button and the deadline still work.
(function () {
  "use strict";
  var form = document.getElementById("assessment-form");
  if (!form) { return; }
  var status = form.querySelector(".autosave-status");
  var timer = null;

  function save() {
    var data = new FormData(form);
    data.set("action", "save");
    fetch(form.action || window.location.href, {
      method: "POST",
      body: data,
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin"
    }).then(function (response) {
      if (status) { status.textContent = response.ok ? "Answers saved." : "Could not save: " + response.status; }
    }).catch(function () {
      if (status) { status.textContent = "Offline: your answers will be sent when you submit."; }
    });
  }

  form.addEventListener("change", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 300);
  });

  var countdown = document.querySelector(".countdown[data-seconds-left]");
  if (countdown) {
    var end = Date.now() + parseInt(countdown.getAttribute("data-seconds-left"), 10) * 1000;
    var tick = function () {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      var minutes = Math.floor(left / 60);
      var seconds = left % 60;
      countdown.textContent = "Time left " + minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
      if (left > 0) { window.setTimeout(tick, 1000); }
    };
    tick();
  }
})();
