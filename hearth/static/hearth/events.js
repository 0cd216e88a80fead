// Event times for visitors: the page shows them in the event's own time zone; this adds the
// same moment in the browser's time zone underneath, when it differs. (Signed-in members
// see their account's time zone already, so their <time> elements carry no data-local-time.)
(function () {
  "use strict";
  function show() {
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
    document.querySelectorAll("time[data-local-time]:not([data-local-done])").forEach(function (el) {
      el.setAttribute("data-local-done", "");
      var start = new Date(el.getAttribute("datetime"));
      var end = new Date(el.getAttribute("data-end"));
      if (isNaN(start) || isNaN(end)) return;
      var day = new Intl.DateTimeFormat(undefined, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
      var hour = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
      var text = day.format(start) + "–" + hour.format(end);
      if (el.textContent.indexOf(text) !== -1) return;
      var out = document.createElement("span");
      out.className = "event-local";
      out.textContent = (document.documentElement.lang && document.documentElement.lang.indexOf("en") !== 0 ? "" : "Your time: ") + text + " (" + zone + ")";
      el.insertAdjacentElement("afterend", out);
    });
  }
  document.addEventListener("DOMContentLoaded", show);
  document.addEventListener("htmx:afterSwap", show);
})();
