// The topic page's menus and reactions, on top of markup that works without JavaScript:
// - one <details class="menu"> open at a time; Escape or a click elsewhere closes it;
// - after htmx swaps a post's reactions, focus lands on the reaction just chosen (or on
//   the "react" control when it went away), not on the page's start.
(function () {
  "use strict";
  function openMenus() { return document.querySelectorAll("details.menu[open]"); }

  document.addEventListener("toggle", function (event) {
    var menu = event.target;
    if (!(menu instanceof HTMLDetailsElement) || !menu.classList.contains("menu") || !menu.open) { return; }
    openMenus().forEach(function (other) { if (other !== menu && !other.contains(menu)) { other.open = false; } });
  }, true);

  document.addEventListener("click", function (event) {
    openMenus().forEach(function (menu) { if (!menu.contains(event.target)) { menu.open = false; } });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    openMenus().forEach(function (menu) {
      var hadFocus = menu.contains(document.activeElement);
      menu.open = false;
      if (hadFocus) { menu.querySelector("summary").focus(); }
    });
  });

  var chosen = null;
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".reactions button[name=kind]");
    if (button) { chosen = { box: button.closest(".reactions").id, kind: button.value }; }
  }, true);

  document.addEventListener("htmx:afterSettle", function () {
    if (!chosen) { return; }
    var box = document.getElementById(chosen.box);
    var active = document.activeElement;
    if (!box || (box.contains(active) && active.offsetParent !== null)) { return; }
    var pk = chosen.box.slice("reactions-".length);
    var target = document.getElementById("react-" + pk + "-" + chosen.kind) || document.getElementById("react-" + pk + "-add");
    chosen = null;
    if (target) { target.focus(); }
  });
})();
