// Behaviour every page may use, declared in the markup with data- attributes: the
// Content-Security-Policy forbids inline handlers (onchange=...), so they live here.
(function () {
  "use strict";
  // <select data-autosubmit>: choosing an option submits its form (a <noscript> button
  // does it without JavaScript).
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches("[data-autosubmit]") && field.form) { field.form.requestSubmit(); }
  });
})();
