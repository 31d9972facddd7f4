/* Live progress of running jobs in the admin: every element with a data-progress-url is refreshed from the
   run's JSON endpoint every two seconds until the run is no longer running. */
(function () {
  "use strict";
  function refresh(element) {
    var url = element.getAttribute("data-progress-url");
    if (!url) { return; }
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state) { return; }
        var bar = element.querySelector("progress");
        var text = element.querySelector(".jobrun-progress-text");
        if (bar) { bar.value = state.percent; }
        if (text) {
          text.textContent = state.done + "/" + state.total + "（" + state.percent + "%）" +
            (state.running ? (state.message ? " " + state.message : "") : " " + state.status_display);
        }
        if (state.running) {
          window.setTimeout(function () { refresh(element); }, 2000);
        } else {
          element.removeAttribute("data-progress-url");
        }
      })
      .catch(function () { window.setTimeout(function () { refresh(element); }, 5000); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var elements = document.querySelectorAll(".jobrun-progress[data-progress-url]");
    for (var i = 0; i < elements.length; i++) {
      (function (element) { window.setTimeout(function () { refresh(element); }, 2000); })(elements[i]);
    }
  });
}());
