/* Sibyl's own scripts: small, no framework beyond htmx, nothing inline (the CSP forbids it). */
(function () {
  "use strict";

  // Forms and buttons with data-confirm ask before they are sent.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm") ||
      (event.submitter && event.submitter.getAttribute("data-confirm"));
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // Upload progress: a form with data-progress="ID" shows the bytes sent in <progress id="ID">.
  document.addEventListener("htmx:xhr:progress", function (event) {
    var form = event.target.closest("form[data-progress]");
    if (!form || !event.detail.lengthComputable) { return; }
    var bar = document.getElementById(form.getAttribute("data-progress"));
    if (!bar) { return; }
    bar.hidden = false;
    bar.max = event.detail.total;
    bar.value = event.detail.loaded;
    var label = document.getElementById(form.getAttribute("data-progress") + "-label");
    if (label) {
      var percent = Math.round(100 * event.detail.loaded / event.detail.total);
      label.textContent = percent < 100 ? percent + " %" : (label.getAttribute("data-done") || "");
    }
  });

  // A form with data-swap-errors shows a 400 answer (the form again, with its message) like a
  // success: htmx would otherwise drop it and the user would see nothing.
  document.addEventListener("htmx:beforeSwap", function (event) {
    // The event fires on the target; the element that sent the request is in requestConfig.
    var source = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (event.detail.xhr.status === 400 && source && source.closest("[data-swap-errors]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // A button with data-copy="ID" copies that element's text (e.g. a new API token).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) { return; }
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (source && navigator.clipboard) {
      navigator.clipboard.writeText(source.textContent.trim());
    }
  });
})();
