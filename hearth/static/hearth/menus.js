// Menus are <details data-menu> and work without JavaScript; this only closes an open
// menu on a click outside it or on Escape (focus goes back to its button), and keeps one
// menu open at a time.
(function () {
  "use strict";
  function openMenus() { return document.querySelectorAll("details[data-menu][open]"); }

  document.addEventListener("click", function (event) {
    openMenus().forEach(function (menu) {
      if (!menu.contains(event.target)) { menu.open = false; }
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    openMenus().forEach(function (menu) {
      menu.open = false;
      if (menu.contains(document.activeElement)) { menu.querySelector("summary").focus(); }
    });
  });

  // "toggle" does not bubble: listen while it goes down to the menu.
  document.addEventListener("toggle", function (event) {
    var menu = event.target;
    if (!menu.matches || !menu.matches("details[data-menu]") || !menu.open) { return; }
    openMenus().forEach(function (other) {
      if (other !== menu && !other.contains(menu)) { other.open = false; }
    });
  }, true);
})();
