/* 抽奖大屏: the venue screen's draw. "Draw" posts the prize and count to the server, which
 * draws (seeded, recorded, re-verifiable) and answers with the winners. Meanwhile names of the
 * checked-in attendees roll on screen; the rolling is only for show and never decides
 * anything. The winners are then revealed one by one. States on [data-lottery]:
 * idle -> drawing -> revealed (or error). */
(function () {
  "use strict";
  var root = document.querySelector("[data-lottery]");
  var configNode = document.getElementById("lottery-config");
  if (!root || !configNode) return;
  var config = JSON.parse(configNode.textContent);
  var text = config.text || {};
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var form = root.querySelector("[data-draw-form]");
  var select = root.querySelector("[data-prize]");
  var countInput = root.querySelector("[data-count]");
  var button = root.querySelector("[data-draw]");
  var roller = root.querySelector("[data-roller]");
  var winnersList = root.querySelector("[data-winners]");
  var message = root.querySelector("[data-message]");
  var prizeName = root.querySelector("[data-prize-name]");
  var ROLL_MS = 1600, TICK_MS = 70, REVEAL_MS = 300;

  function prizeById(id) {
    for (var i = 0; i < config.prizes.length; i++) if (String(config.prizes[i].id) === String(id)) return config.prizes[i];
    return null;
  }

  // showName: put the selected prize's name on stage (not right after a draw, whose prize
  // stays on stage with its winners while the selection moves on to a prize still open).
  function syncPrize(showName) {
    if (!select) return;
    var prize = prizeById(select.value);
    if (!prize) return;
    if (showName && prizeName) prizeName.textContent = prize.name;
    if (countInput) {
      countInput.max = Math.max(prize.left, 1);
      if (Number(countInput.value) > prize.left) countInput.value = Math.max(prize.left, 1);
    }
    if (button) button.disabled = prize.left <= 0 || root.dataset.state === "drawing";
  }

  function firstOpenPrize() {
    if (!select) return;
    var current = prizeById(select.value);
    if (current && current.left > 0) return;
    for (var i = 0; i < select.options.length; i++) {
      if (!select.options[i].disabled) { select.value = select.options[i].value; return; }
    }
  }

  function setState(state) { root.dataset.state = state; }

  function roll() {
    var names = config.names || [];
    function tick() {
      if (!names.length) { roller.textContent = "…"; return; }
      roller.textContent = names[Math.floor(Math.random() * names.length)];
    }
    tick();  // a name at once, not a beat later
    return window.setInterval(tick, TICK_MS);
  }

  function wait(ms) { return new Promise(function (resolve) { window.setTimeout(resolve, ms); }); }

  function post(prizeId, count) {
    var body = new URLSearchParams();
    body.set("prize", prizeId);
    body.set("count", count);
    return fetch(config.drawUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf, "Content-Type": "application/x-www-form-urlencoded" },
      body: body.toString()
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var error = new Error((data.error && data.error.message) || text.failed);
          throw error;
        }
        return data;
      });
    });
  }

  function updateOption(prize) {
    var option = select && select.querySelector('option[value="' + prize.id + '"]');
    var known = prizeById(prize.id);
    if (known) known.left = prize.left;
    if (option) {
      option.dataset.left = prize.left;
      var label = prize.left > 0
        ? String(text.leftOf || "{left}").replace("{left}", prize.left).replace("{quantity}", known.quantity)
        : text.soldOut || "";
      option.textContent = known.name + " (" + label + ")";
      option.disabled = prize.left <= 0;
    }
  }

  function reveal(winners) {
    winnersList.classList.toggle("is-many", winners.length > 6);
    var index = 0;
    return new Promise(function (resolve) {
      function next() {
        if (index >= winners.length) { resolve(); return; }
        var winner = winners[index++];
        var item = document.createElement("li");
        item.setAttribute("data-winner", "");
        var name = document.createElement("span");
        name.className = "lottery-winner-name";
        name.textContent = winner.name;
        item.appendChild(name);
        if (winner.phone) {
          var phone = document.createElement("span");
          phone.className = "lottery-winner-phone";
          phone.textContent = winner.phone;
          item.appendChild(phone);
        }
        winnersList.appendChild(item);
        window.setTimeout(next, REVEAL_MS);
      }
      next();
    });
  }

  function draw(event) {
    event.preventDefault();
    if (!select || root.dataset.state === "drawing") return;
    var prize = prizeById(select.value);
    var count = parseInt(countInput.value, 10) || 1;
    if (!prize || prize.left <= 0) return;
    setState("drawing");
    button.disabled = true;
    winnersList.textContent = "";
    message.textContent = text.drawing || "";
    if (prizeName) prizeName.textContent = prize.name;
    var timer = roll();
    Promise.all([post(prize.id, count), wait(ROLL_MS)]).then(function (results) {
      var data = results[0];
      window.clearInterval(timer);
      message.textContent = "";
      setState("revealed");
      updateOption(data.prize);
      return reveal(data.winners).then(function () { root.dataset.drawn = String(data.draw); });
    }).catch(function (error) {
      window.clearInterval(timer);
      roller.textContent = "?";
      message.textContent = error.message || text.failed || "";
      setState("error");
    }).then(function () {
      firstOpenPrize();
      syncPrize(false);
    });
  }

  if (form) form.addEventListener("submit", draw);
  if (select) select.addEventListener("change", function () { syncPrize(true); });
  var full = root.querySelector("[data-fullscreen]");
  if (full) full.addEventListener("click", function () {
    if (document.fullscreenElement) { document.exitFullscreen(); return; }
    if (document.documentElement.requestFullscreen) document.documentElement.requestFullscreen();
  });
  firstOpenPrize();
  syncPrize(true);
})();
