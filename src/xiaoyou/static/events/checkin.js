/* Check-in page (console): scan e-tickets with the phone camera, check in by name, work offline.
 *
 * Online, every token goes to the server (which accepts a ticket once, whatever the number of
 * scanners). Offline (network gone, or "Work offline" ticked), the page checks the token against
 * the downloaded bundle: the ticket must be in the event's list and its signature must match
 * HMAC-SHA256(ticket key, "<event>:<code>") truncated to 10 bytes in base32 (WebCrypto), the
 * same computation as services/tickets.py. Accepted scans are queued in localStorage and posted
 * to the sync endpoint when the network is back; the server flags a ticket that two offline
 * devices both let in. The bundle holds the event's ticket key: staff devices only.
 *
 * The figures (confirmed, checked in) are polled every few seconds, not sent with each scan:
 * an accepted scan adds one at once on this device, the poll brings the other scanners' in.
 */
(function () {
  "use strict";
  const root = document.querySelector("[data-checkin]");
  const configNode = document.getElementById("checkin-config");
  if (!root || !configNode) return;
  const config = JSON.parse(configNode.textContent);
  const text = config.text;
  const csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  const $ = (selector) => root.querySelector(selector);
  const storeKey = "xy-checkin-" + config.event;
  const SAME_TOKEN_PAUSE_MS = 10000;
  const RESUME_AFTER_MS = 4000;

  function deviceId() {
    let id = localStorage.getItem("xy-checkin-device");
    if (!id) {
      id = "web-" + Math.random().toString(36).slice(2, 10);
      localStorage.setItem("xy-checkin-device", id);
    }
    return id;
  }
  const device = deviceId();

  function load(name, fallback) {
    try { return JSON.parse(localStorage.getItem(storeKey + "-" + name)) || fallback; }
    catch (error) { return fallback; }
  }
  function save(name, value) { localStorage.setItem(storeKey + "-" + name, JSON.stringify(value)); }

  let bundle = load("bundle", null);
  let queue = load("queue", []);
  let localChecked = new Set(load("checked", []));
  let forcedOffline = false;

  function isOffline() { return forcedOffline || !navigator.onLine; }

  function showNetwork() {
    const net = $("[data-net]");
    net.textContent = isOffline() ? text.offline : text.online;
    net.classList.toggle("is-offline", isOffline());
    $("[data-queue]").textContent = String(queue.length);
    const info = $("[data-bundle-info]");
    info.textContent = bundle ? text.bundleReady + " " + bundle.tickets.length : "";
  }

  function showCounts(counts) {
    if (!counts) return;
    $("[data-count-confirmed]").textContent = String(counts.confirmed);
    $("[data-count-checked-in]").textContent = String(counts.checked_in);
  }

  function countOneMore() {
    const node = $("[data-count-checked-in]");
    const value = parseInt(node.textContent, 10);
    if (!Number.isNaN(value)) node.textContent = String(value + 1);
  }

  const COUNTS_EVERY_MS = 5000;
  async function refreshCounts() {
    if (isOffline() || document.hidden) return;
    try {
      const response = await fetch(config.countsUrl, { credentials: "same-origin" });
      if (response.ok) showCounts(await response.json());
    } catch (error) { /* network gone: the next poll tries again */ }
  }

  function show(result) {
    const panel = $("[data-result]");
    panel.classList.toggle("is-accepted", !!result.accepted);
    panel.classList.toggle("is-refused", !result.accepted);
    $("[data-verdict]").textContent = result.accepted
      ? (result.offline ? text.offlineAccepted : text.accepted) : text.refused;
    const person = result.attendee || {};
    $("[data-name]").textContent = person.name || "";
    $("[data-ticket-type]").textContent = person.ticket_type || "—";
    $("[data-seat]").textContent = person.seat || "—";
    let message = result.message || "";
    if (!result.accepted && person.checked_in_at) message += " (" + text.checkedInAt + " " + person.checked_in_at + ")";
    $("[data-message]").textContent = message;
    const photo = $("[data-photo]");
    photo.hidden = !person.photo;
    if (person.photo) photo.src = person.photo;
    const badge = $("[data-badge]");
    badge.hidden = !(result.accepted && person.id);
    if (person.id) badge.href = config.badgeUrl + "?size=90x54&registration=" + person.id;
    panel.dataset.state = result.accepted ? "accepted" : "refused";
  }

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error("HTTP " + response.status);
    return response.json();
  }

  // --- offline verification (WebCrypto HMAC) -------------------------------------------------
  const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  function base32(bytes) {
    let bits = 0, value = 0, out = "";
    for (const byte of bytes) {
      value = (value << 8) | byte; bits += 8;
      while (bits >= 5) { out += BASE32[(value >>> (bits - 5)) & 31]; bits -= 5; }
    }
    if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
    return out;
  }
  let cryptoKey = null;
  async function signatureOf(code) {
    if (!window.crypto || !crypto.subtle) return null; // not a secure context: list check only
    if (!cryptoKey) {
      const raw = Uint8Array.from(atob(bundle.key), (c) => c.charCodeAt(0));
      cryptoKey = await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    }
    const data = new TextEncoder().encode(bundle.event + ":" + code);
    const digest = new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, data));
    return base32(digest.slice(0, 10));
  }

  async function checkOffline(token) {
    if (!bundle) return { accepted: false, message: text.noBundle };
    const [code, signature] = token.trim().toUpperCase().split(".");
    const ticket = bundle.tickets.find((item) => item.code === code);
    if (!ticket || !signature) return { accepted: false, message: text.unknown };
    const expected = await signatureOf(code);
    if (expected !== null && expected !== signature) return { accepted: false, message: text.forged };
    const attendee = { name: ticket.name, ticket_type: ticket.ticket_type, seat: ticket.seat };
    if (ticket.checked_in || localChecked.has(code)) {
      return { accepted: false, message: text.duplicate, attendee };
    }
    localChecked.add(code);
    save("checked", Array.from(localChecked));
    queue.push({ token: code + "." + signature, scanned_at: new Date().toISOString() });
    save("queue", queue);
    showNetwork();
    return { accepted: true, offline: true, attendee };
  }

  async function checkToken(token) {
    if (!isOffline()) {
      try {
        const result = await post(config.scanUrl, { token, device });
        if (result.accepted) countOneMore();
        return result;
      } catch (error) {
        if (navigator.onLine && !(error instanceof TypeError)) throw error;
      }
    }
    return checkOffline(token);
  }

  async function sync() {
    if (isOffline() || !queue.length) return;
    const sending = queue.slice();
    try {
      const result = await post(config.syncUrl, { device, scans: sending });
      queue = queue.slice(sending.length);
      save("queue", queue);
      showCounts(result.counts);
      const conflicts = result.results.filter((row) => row.reason === "offline_conflict").length;
      $("[data-message]").textContent = text.synced + (conflicts ? " · " + conflicts + " " + text.conflicts : "");
    } catch (error) { /* still offline: try again later */ }
    showNetwork();
  }

  async function download() {
    const response = await fetch(config.bundleUrl, { credentials: "same-origin" });
    if (!response.ok) return;
    bundle = await response.json();
    cryptoKey = null;
    localChecked = new Set();
    save("bundle", bundle);
    save("checked", []);
    showNetwork();
  }

  // --- camera ------------------------------------------------------------------------------
  const video = $("[data-video]");
  const canvas = $("[data-canvas]");
  let paused = false, lastToken = "", lastAt = 0, resumeTimer = null, busy = false;

  async function handle(token) {
    if (busy) return;
    busy = true; paused = true;
    try { show(await checkToken(token)); }
    catch (error) { show({ accepted: false, message: String(error) }); }
    finally { busy = false; }
    $("[data-next]").hidden = false;
    clearTimeout(resumeTimer);
    resumeTimer = setTimeout(() => { paused = false; }, RESUME_AFTER_MS);
  }

  function tick() {
    if (!paused && !busy && video.readyState >= 2 && window.jsQR) {
      const width = video.videoWidth, height = video.videoHeight;
      if (width && height) {
        canvas.width = width; canvas.height = height;
        const context = canvas.getContext("2d", { willReadFrequently: true });
        context.drawImage(video, 0, 0, width, height);
        const code = jsQR(context.getImageData(0, 0, width, height).data, width, height, { inversionAttempts: "dontInvert" });
        const now = Date.now();
        if (code && code.data && (code.data !== lastToken || now - lastAt > SAME_TOKEN_PAUSE_MS)) {
          lastToken = code.data; lastAt = now;
          handle(code.data);
        }
      }
    }
    requestAnimationFrame(tick);
  }

  async function startCamera() {
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
      video.srcObject = stream;
      await video.play();
      root.dataset.camera = "on";
      requestAnimationFrame(tick);
    } catch (error) {
      $("[data-message]").textContent = text.noCamera;
    }
  }

  // --- search ------------------------------------------------------------------------------
  let searchTimer = null;
  async function search(query) {
    const list = $("[data-search-results]");
    if (!query) { list.replaceChildren(); return; }
    const response = await fetch(config.searchUrl + "?q=" + encodeURIComponent(query), { credentials: "same-origin" });
    if (!response.ok) return;
    const data = await response.json();
    list.replaceChildren();
    if (!data.results.length) {
      const empty = document.createElement("li");
      empty.className = "muted"; empty.textContent = text.nothingFound;
      list.append(empty);
    }
    for (const person of data.results) {
      const item = document.createElement("li");
      item.className = "checkin-hit";
      const label = document.createElement("span");
      label.textContent = [person.name, person.ticket_type, person.seat, person.checked_in_at ? text.checkedInAt + " " + person.checked_in_at : person.status].filter(Boolean).join(" · ");
      item.append(label);
      if (person.can_check_in) {
        const button = document.createElement("button");
        button.type = "button"; button.className = "btn btn-sm btn-primary";
        button.textContent = text.checkIn;
        button.dataset.checkInId = String(person.id);
        button.addEventListener("click", async () => {
          const result = await post(config.manualUrl.replace("/0/", "/" + person.id + "/"), { device });
          showCounts(result.counts); show(result); search(query);
        });
        item.append(button);
      }
      list.append(item);
    }
  }

  // --- wiring ------------------------------------------------------------------------------
  $("[data-start-camera]").addEventListener("click", startCamera);
  $("[data-next]").addEventListener("click", () => {
    clearTimeout(resumeTimer); lastToken = ""; paused = false;
    $("[data-next]").hidden = true;
  });
  $("[data-token-form]").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $("[data-token-input]");
    if (input.value.trim()) handle(input.value.trim());
    input.value = "";
  });
  $("[data-search]").addEventListener("input", (event) => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => search(event.target.value.trim()), 250);
  });
  $("[data-download]").addEventListener("click", download);
  $("[data-offline-toggle]").addEventListener("change", (event) => {
    forcedOffline = event.target.checked;
    showNetwork();
    sync();
  });
  window.addEventListener("online", () => { showNetwork(); sync(); });
  window.addEventListener("offline", showNetwork);
  setInterval(sync, 15000);
  setInterval(refreshCounts, COUNTS_EVERY_MS);
  document.addEventListener("visibilitychange", refreshCounts);
  showNetwork();
  sync();
  if (new URLSearchParams(location.search).has("camera")) startCamera();
})();
