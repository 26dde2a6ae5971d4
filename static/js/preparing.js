// A certificate's PDF is rendered by a worker seconds after it is issued (certificates/tasks.py).
// Pages that show one "being prepared" check again by themselves, without reloading the page
// under the person's feet (a <meta> refresh does, which WCAG 2.2.1 forbids):
// - My certificates ([data-preparing-region]): the page is fetched again every few seconds; once
//   no certificate is being prepared, the region is replaced and a live region says so.
// - The PDF's own "being prepared" page ([data-preparing-download]): the PDF is asked for (HEAD)
//   until it is one, then downloaded.
// Without JavaScript the pages say to reload, and a reload shows the same thing.
(function () {
  "use strict";

  var SECONDS = 3;
  var TRIES = 100; // five minutes: after that the person reloads (a worker may be down)
  var status = document.getElementById("preparing-status");

  function say(text) {
    if (status) { status.textContent = text; }
  }

  function poll(check) {
    var tries = 0;
    function again() {
      tries += 1;
      if (tries > TRIES) { return; }
      check().then(function (done) {
        if (!done) { window.setTimeout(again, SECONDS * 1000); }
      }, function () { window.setTimeout(again, SECONDS * 1000); });
    }
    window.setTimeout(again, SECONDS * 1000);
  }

  var region = document.querySelector("[data-preparing-region]");
  if (region) {
    poll(function () {
      return fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
        .then(function (response) { return response.text(); })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-preparing-region]");
          if (!fresh || fresh.querySelector("[data-preparing]")) { return false; }
          region.innerHTML = fresh.innerHTML;
          say("Your certificates are ready to download.");
          return true;
        });
    });
  }

  var download = document.querySelector("[data-preparing-download]");
  if (download) {
    var url = download.getAttribute("data-preparing-download");
    poll(function () {
      return fetch(url, { method: "HEAD", credentials: "same-origin", cache: "no-store" })
        .then(function (response) {
          if ((response.headers.get("Content-Type") || "").indexOf("application/pdf") !== 0) { return false; }
          say("Your certificate is ready: the download starts now.");
          window.location.assign(url);
          return true;
        });
    });
  }
}());
