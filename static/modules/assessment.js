// Progressive enhancement for the assessment and exam pages: answers are saved as they are
// given, and the time left counts down; at zero the answers are submitted. Without JavaScript
// the "Save" button and the server's deadline still work (answers saved in time are scored).
//
// Read the form's attributes with getAttribute, never as properties: its buttons are named
// "action", and a control's name shadows the form property of the same name (form.action is
// then the buttons, not the URL).
(function () {
  "use strict";
  var form = document.getElementById("assessment-form");
  if (!form) { return; }
  var status = form.querySelector(".autosave-status");
  var submitButton = form.querySelector('button[name="action"][value="submit"]');
  var target = form.getAttribute("action") || window.location.href;
  var timer = null;
  var finished = false;

  function say(text) {
    if (status) { status.textContent = text; }
  }

  // Each change clears the status; only the answer to the latest save may set it again, so
  // "Answers saved." always means the page as it is now.
  var latest = 0;

  function save() {
    var data = new FormData(form);
    var mine = latest;
    data.set("action", "save");
    fetch(target, {
      method: "POST",
      body: data,
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin"
    }).then(function (response) {
      if (mine !== latest) {
        return;
      }
      if (response.ok) {
        say("Answers saved.");
      } else if (response.status === 409) {
        // A person-facing reason (time is up, already submitted).
        response.text().then(function (reason) { say("Not saved: " + reason); });
      } else {
        say("Could not save (error " + response.status + "). Use the Save button.");
      }
    }).catch(function () {
      if (mine === latest) { say("Offline: your answers will be sent when you submit."); }
    });
  }

  form.addEventListener("change", function () {
    if (finished) { return; }
    latest += 1;
    say("");
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 300);
  });
  form.addEventListener("submit", function () {
    finished = true;
    window.clearTimeout(timer);
  });

  // The visible timer (role=timer) stays silent; a separate live region says how much time is
  // left at a few points, each once, and only the points still ahead when the page opened.
  var alertRegion = document.querySelector(".countdown-alert");

  function announce(text) {
    if (alertRegion) { alertRegion.textContent = text; }
  }

  function timeUp() {
    if (finished || !submitButton) { return; }
    finished = true;
    window.clearTimeout(timer);
    announce("Time is up: your answers are being submitted.");
    say("Time is up: submitting your answers.");
    submitButton.click();
  }

  var countdown = document.querySelector(".countdown[data-seconds-left]");
  if (countdown) {
    var secondsLeft = parseInt(countdown.getAttribute("data-seconds-left"), 10);
    var end = Date.now() + secondsLeft * 1000;
    var bar = countdown.closest(".countdown-bar");
    var warnings = [
      [600, "10 minutes left."],
      [300, "5 minutes left."],
      [60, "1 minute left."]
    ].filter(function (warning) { return warning[0] < secondsLeft; });
    var tick = function () {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      var minutes = Math.floor(left / 60);
      var seconds = left % 60;
      countdown.textContent = "Time left " + minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
      if (bar) { bar.classList.toggle("countdown-low", left <= 60); }
      var due = null;
      while (warnings.length && left <= warnings[0][0]) { due = warnings.shift(); }
      if (due && left > 0) { announce(due[1]); } // after a sleep, only the latest point passed
      if (left > 0) { window.setTimeout(tick, 1000); } else { timeUp(); }
    };
    tick();
  }
})();
