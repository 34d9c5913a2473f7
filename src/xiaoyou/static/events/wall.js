/* The live wall for the venue screen (祝福墙大屏): polls the feed every few seconds for newly
   published posts and shows blessings and photos in turn, newest first the moment they arrive.
   The feed answers {posts: [...], cursor: "...", live: [ids still published]}; a post taken down
   after it reached the screen leaves the rotation at the next poll. Plain JS, no dependencies. */
(function () {
  "use strict";

  var root = document.querySelector("[data-wall-live]");
  if (!root) return;
  var stage = root.querySelector("[data-wall-stage]");
  var counter = root.querySelector("[data-wall-count]");
  var feedUrl = root.getAttribute("data-feed-url");
  var pollMs = Math.max(2, parseInt(root.getAttribute("data-poll-seconds"), 10) || 5) * 1000;
  var showMs = 7000;
  var pool = [];      // every post on the wall, in publication order
  var fresh = [];     // posts not shown yet: they jump the queue
  var position = 0;   // next post of the rotation
  var cursor = "";
  var timer = null;

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function render(post) {
    var item = element("div", "wall-live-item is-" + post.kind);
    item.setAttribute("data-wall-live-post", String(post.id));
    if (post.image) {
      var image = element("img");
      image.src = post.image;
      image.alt = post.text || "";
      item.appendChild(image);
    }
    if (post.text) item.appendChild(element("p", "wall-live-text", post.text));
    item.appendChild(element("p", "wall-live-signature", "— " + post.signature));
    stage.replaceChildren(item);
  }

  function next() {
    var post = fresh.shift();
    if (!post && pool.length) {
      position = position % pool.length;
      post = pool[position];
      position += 1;
    }
    if (post) render(post);
    schedule();
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(next, showMs);
  }

  function receive(data) {
    var live = {};
    (data.live || []).forEach(function (id) { live[id] = true; });
    pool = pool.filter(function (post) { return live[post.id]; });
    fresh = fresh.filter(function (post) { return live[post.id]; });
    var known = {};
    pool.forEach(function (post) { known[post.id] = true; });
    var arrived = (data.posts || []).filter(function (post) { return live[post.id] && !known[post.id]; });
    var first = pool.length === 0 && fresh.length === 0;
    arrived.forEach(function (post) { pool.push(post); fresh.push(post); });
    if (data.cursor) cursor = data.cursor;
    if (counter) counter.textContent = String(pool.length);
    var shown = stage.querySelector("[data-wall-live-post]");
    if (shown && !live[shown.getAttribute("data-wall-live-post")]) {
      next();  // the post on screen was taken down
    } else if (first && arrived.length) {
      // The newest posts first when the screen opens.
      fresh.reverse();
      next();
    }
  }

  function poll() {
    var url = feedUrl + (cursor ? "?since=" + encodeURIComponent(cursor) : "");
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) receive(data); })
      .catch(function () { /* offline for a moment: the next poll catches up */ })
      .then(function () { setTimeout(poll, pollMs); });
  }

  poll();
})();
