// Live pages over Server-Sent Events (docs/dev/live.md). The page names its stream in a
// data-live-stream attribute; the stream says only that something is new (ids and counts),
// and what is shown is fetched with an ordinary request, checked like any page.
//
//   [data-live-posts]  a topic's posts (last page): new replies are fetched from its URL
//                      (?after=<last number>) and swapped in at the end by htmx.
//   .live-bar          a topic list: "N new topics — show", a link that reloads the list.
//   [data-live-bell]   gets data-unread-count="<n>" on `notifications.count`;
//   [data-unread-count] (other elements) show <n> as their text, hidden at 0.
//
// The stream's host carries data-live-state="open" while connected ("closed" between).
// Without JavaScript (or EventSource) the pages are the same, only not live.
(function () {
  "use strict";
  if (window.hearthLive || !window.EventSource) { return; }
  var streamHost =
    document.querySelector("[data-live-stream]:not([data-live-bell])") ||
    document.querySelector("[data-live-stream]");
  if (!streamHost) { return; }
  window.hearthLive = true;

  var RECONNECT_MS = 30000;  // after the server refused the stream (EventSource gives up)
  var posts = document.querySelector("[data-live-posts]");
  var bar = document.querySelector(".live-bar");
  var newTopics = 0;
  var unknownTopics = false;
  var fetching = false;
  var fetchAgain = false;

  function lastNumber() {
    var highest = 0;
    posts.querySelectorAll("[data-post-number]").forEach(function (post) {
      highest = Math.max(highest, parseInt(post.getAttribute("data-post-number"), 10) || 0);
    });
    return highest;
  }

  function announce() {
    var status = document.querySelector("[data-live-announce]");
    if (status) { status.textContent = status.getAttribute("data-live-announce"); }
  }

  // One fetch at a time; an announcement arriving meanwhile fetches again afterwards.
  function fetchNewPosts() {
    if (!posts || !window.htmx) { return; }
    if (fetching) { fetchAgain = true; return; }
    fetching = true;
    var url = posts.getAttribute("data-live-posts") + "?after=" + lastNumber();
    var before = lastNumber();
    window.htmx.ajax("GET", url, { target: posts, swap: "beforeend" }).then(function () {
      if (lastNumber() > before) { announce(); }
    }).finally(function () {
      fetching = false;
      if (fetchAgain) { fetchAgain = false; fetchNewPosts(); }
    });
  }

  function showBar() {
    var label = bar.querySelector("[data-live-label]");
    var text;
    if (unknownTopics) {
      text = bar.getAttribute("data-label-unknown");
    } else if (newTopics === 1) {
      text = bar.getAttribute("data-label-one");
    } else {
      text = bar.getAttribute("data-label-other").replace("{count}", String(newTopics));
    }
    label.textContent = text;
    bar.hidden = false;
  }

  function setUnread(count) {
    document.querySelectorAll("[data-live-bell]").forEach(function (bell) {
      bell.setAttribute("data-unread-count", String(count));
    });
    document.querySelectorAll("[data-unread-count]:not([data-live-bell])").forEach(function (el) {
      el.setAttribute("data-unread-count", String(count));
      el.textContent = String(count);
      el.hidden = count === 0;
    });
  }

  function parse(event) {
    try { return JSON.parse(event.data); } catch (error) { return {}; }
  }

  function connect() {
    var opened = false;
    var source = new EventSource(streamHost.getAttribute("data-live-stream"));
    source.addEventListener("open", function () {
      // A reconnect sends Last-Event-ID and gets what it missed; a fresh connection after
      // a refusal does not, so look for new posts ourselves.
      if (opened || connect.reconnected) { fetchNewPosts(); }
      opened = true;
      streamHost.setAttribute("data-live-state", "open");
    });
    source.addEventListener("post.created", function (event) {
      var data = parse(event);
      if (posts && data.number > lastNumber()) { fetchNewPosts(); }
    });
    source.addEventListener("topic.created", function (event) {
      if (!bar) { return; }
      var data = parse(event);
      var only = bar.getAttribute("data-live-category");
      if (only && String(data.category) !== only) { return; }
      newTopics += 1;
      showBar();
    });
    source.addEventListener("notifications.count", function (event) {
      var data = parse(event);
      if (typeof data.unread === "number") { setUnread(data.unread); return; }
      // The fan-out only says the count changed; the page asks for its own count, so a
      // reply watched by thousands costs a query per member who is online, not per watcher.
      var bell = document.querySelector("[data-live-bell][data-unread-url]");
      if (!bell) { return; }
      fetch(bell.getAttribute("data-unread-url"), {credentials: "same-origin"})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (body) {
          if (body && typeof body.unread === "number") { setUnread(body.unread); }
        })
        .catch(function () {});
    });
    source.addEventListener("live.gap", function () {
      // Some announcements were lost: refresh what can be refreshed.
      fetchNewPosts();
      if (bar) { unknownTopics = true; showBar(); }
    });
    source.addEventListener("error", function () {
      streamHost.setAttribute("data-live-state", "closed");
      if (source.readyState === EventSource.CLOSED) {
        connect.reconnected = true;
        window.setTimeout(connect, RECONNECT_MS + Math.random() * RECONNECT_MS);
      }
    });
  }

  connect();
})();
