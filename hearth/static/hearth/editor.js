// Hearth's editor helpers: disable a submit button once clicked (the server also ignores a
// second submit), and @mention autocomplete limited to members of this community.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var button = event.target.querySelector("button[data-once]");
    if (button) { setTimeout(function () { button.disabled = true; }, 0); }
  });

  var script = document.currentScript;
  var url = script && script.dataset.mentionsUrl;
  if (!url) { return; }

  function attach(textarea) {
    var menu = document.createElement("ul");
    menu.className = "mention-menu";
    menu.setAttribute("role", "listbox");
    menu.id = textarea.id + "-mentions";
    menu.hidden = true;
    textarea.parentNode.classList.add("field--editor");
    textarea.parentNode.appendChild(menu);
    textarea.setAttribute("aria-autocomplete", "list");
    textarea.setAttribute("aria-controls", menu.id);
    var items = [], active = 0, timer = null, controller = null;

    function currentToken() {
      var before = textarea.value.slice(0, textarea.selectionStart);
      var match = /(^|[^\w@])@([\w.+-]{1,50})$/.exec(before);
      return match ? match[2] : null;
    }
    function close() { menu.hidden = true; items = []; menu.replaceChildren(); textarea.removeAttribute("aria-activedescendant"); }
    function render() {
      menu.replaceChildren();
      items.forEach(function (member, index) {
        var li = document.createElement("li");
        li.id = menu.id + "-" + index;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", index === active ? "true" : "false");
        var strong = document.createElement("strong");
        strong.textContent = "@" + member.username;
        var name = document.createElement("span");
        name.className = "meta";
        name.textContent = member.name;
        li.appendChild(strong); li.appendChild(name);
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(index); });
        menu.appendChild(li);
      });
      menu.hidden = items.length === 0;
      if (items.length) { textarea.setAttribute("aria-activedescendant", menu.id + "-" + active); }
    }
    function choose(index) {
      var member = items[index];
      if (!member) { return; }
      var caret = textarea.selectionStart;
      var before = textarea.value.slice(0, caret).replace(/@[\w.+-]*$/, "@" + member.username + " ");
      textarea.value = before + textarea.value.slice(caret);
      textarea.selectionStart = textarea.selectionEnd = before.length;
      close();
      textarea.focus();
    }
    textarea.addEventListener("input", function () {
      var token = currentToken();
      clearTimeout(timer);
      if (!token) { close(); return; }
      timer = setTimeout(function () {
        if (controller) { controller.abort(); }
        controller = new AbortController();
        fetch(url + "?q=" + encodeURIComponent(token), { signal: controller.signal, credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : { members: [] }; })
          .then(function (data) { items = data.members || []; active = 0; render(); })
          .catch(function () {});
      }, 150);
    });
    textarea.addEventListener("keydown", function (event) {
      if (menu.hidden) { return; }
      if (event.key === "ArrowDown") { active = (active + 1) % items.length; render(); event.preventDefault(); }
      else if (event.key === "ArrowUp") { active = (active - 1 + items.length) % items.length; render(); event.preventDefault(); }
      else if (event.key === "Enter" || event.key === "Tab") { choose(active); event.preventDefault(); }
      else if (event.key === "Escape") { close(); }
    });
    textarea.addEventListener("blur", function () { setTimeout(close, 100); });
  }
  document.querySelectorAll("textarea[data-mentions]").forEach(attach);
})();
