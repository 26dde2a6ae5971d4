// Messages a person can find (WCAG 3.3.1, 4.1.3), for every page (base.html). Without
// JavaScript the pages still work: the title of a failed form's page starts with "Error: ",
// the error summary's links lead to the fields, and messages are at the top of the page.
//
// 1. A failed form: focus moves to its error summary ("There is a problem"), wherever the form
//    is on the page, so that it is read out and Tab continues from there. A summary's link
//    moves focus to its field (a group's: the chosen or first choice) with its label in view.
// 2. Messages after a redirect ("You are checked in…") and answers shown on the page itself
//    (data-announce): a live region is announced only when its content changes, and one that
//    holds its text from the start never is, so their text goes into a live region after load.
// 3. Something the person just made and must act on (the record's new share link): focused
//    and selected, ready to copy, when no error summary needs the focus.
(function () {
  "use strict";

  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }

  function fieldFor(target) {
    if (target.matches("input, select, textarea, button")) { return target; }
    return target.querySelector("input:checked") ||
      target.querySelector("input:not([type=hidden]), select, textarea");
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest(".error-summary a[href^='#']");
    if (!link) { return; }
    var target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    var field = target && fieldFor(target);
    if (!field) { return; }
    event.preventDefault();
    var group = field.closest("fieldset");
    var label = (group && group.querySelector("legend")) ||
      (field.id && document.querySelector("label[for='" + field.id + "']"));
    field.focus({ preventScroll: true });
    (label || field).scrollIntoView({ block: "start" });
  });

  // The messages, and any other answer shown on the page itself (data-announce), stay where
  // they are; their text is said through a live region of its own, empty when the page opens
  // and filled once it has loaded (then emptied again, so that it is not read twice later).
  var said = [];
  var urgent = false;
  document.querySelectorAll("#messages .message, [data-announce]").forEach(function (item) {
    said.push(item.textContent.replace(/\s+/g, " ").trim());
    urgent = urgent || item.classList.contains("message-error");
  });
  if (said.length) {
    var announcer = document.createElement("div");
    announcer.className = "visually-hidden";
    announcer.id = "announcer";
    announcer.setAttribute("role", urgent ? "alert" : "status");
    document.body.appendChild(announcer);
    var say = function () {
      window.setTimeout(function () {
        said.forEach(function (text) {
          var line = document.createElement("p");
          line.textContent = text;
          announcer.appendChild(line);
        });
        window.setTimeout(function () { announcer.textContent = ""; }, 15000);
      }, 100);
    };
    if (document.readyState === "complete") { say(); } else { window.addEventListener("load", say); }
  }

  var fresh = document.querySelector("[data-focus-on-load]");
  if (fresh && !summary) {
    fresh.focus();
    if (typeof fresh.select === "function") { fresh.select(); }
  }
})();
