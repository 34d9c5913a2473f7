/* Album page (hall): multi-upload over XHR with a progress bar, and a lightbox. Plain JS. */
(function () {
  "use strict";

  function format(template, count) { return (template || "").replace("%(count)s", String(count)); }

  function setProgress(box, percent, label) {
    var bar = box.querySelector(".progress-bar");
    var meter = box.querySelector("[role=progressbar]");
    var labels = box.querySelectorAll(".progress-label span");
    if (bar) bar.style.width = percent + "%";
    if (meter) meter.setAttribute("aria-valuenow", String(percent));
    box.querySelector(".progress-block").setAttribute("data-percent", String(percent));
    if (labels.length > 1) labels[1].textContent = percent + "%";
    if (label && labels.length) labels[0].textContent = label;
  }

  function setupUpload(form) {
    var input = form.querySelector("[data-photo-input]");
    var chosen = form.querySelector("[data-chosen]");
    var submit = form.querySelector("[data-action=upload]");
    var section = form.closest("[data-upload-box]");
    var progress = section.querySelector("[data-upload-progress]");
    var result = section.querySelector("[data-upload-result]");
    var maxFiles = parseInt(form.dataset.maxFiles || "50", 10);
    submit.hidden = false;
    submit.disabled = true;

    input.addEventListener("change", function () {
      var count = input.files ? input.files.length : 0;
      chosen.textContent = count ? format(result.dataset.chosenLabel, count) : "";
      submit.disabled = count === 0;
      result.textContent = "";
    });

    // Batches of at most 10 files and 40 MB per request (the proxy takes 50 MB per request),
    // sent one after the other; the bar shows the bytes of the whole selection.
    function batches(files) {
      var groups = [], current = [], size = 0;
      Array.prototype.forEach.call(files, function (file) {
        if (current.length && (current.length >= 10 || size + file.size > 40 * 1024 * 1024)) {
          groups.push(current); current = []; size = 0;
        }
        current.push(file); size += file.size;
      });
      if (current.length) groups.push(current);
      return groups;
    }

    function send(files, onProgress) {
      return new Promise(function (resolve) {
        var data = new FormData();
        data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
        data.append("caption", form.querySelector("[name=caption]").value);
        files.forEach(function (file) { data.append("photos", file, file.name); });
        var xhr = new XMLHttpRequest();
        xhr.open("POST", form.action);
        xhr.setRequestHeader("Accept", "application/json");
        xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
        xhr.upload.addEventListener("progress", function (e) { if (e.lengthComputable) onProgress(e.loaded / e.total); });
        xhr.addEventListener("load", function () {
          var body = {};
          try { body = JSON.parse(xhr.responseText); } catch (ignored) { body = {}; }
          resolve(body);
        });
        xhr.addEventListener("error", function () { resolve({ failed: true }); });
        xhr.send(data);
      });
    }

    function report(totals) {
      result.textContent = "";
      var line = document.createElement("p");
      line.className = "mb-0";
      if (totals.error) line.textContent = totals.error;
      else if (totals.failed && !totals.created) line.textContent = result.dataset.failedLabel;
      else line.textContent = format(result.dataset.doneLabel, totals.created) + (totals.pending ? " " + result.dataset.pendingLabel : "");
      result.appendChild(line);
      if (totals.errors.length) {
        var list = document.createElement("ul");
        list.className = "upload-errors";
        totals.errors.forEach(function (item) {
          var entry = document.createElement("li");
          entry.textContent = item.name + ": " + item.message;
          list.appendChild(entry);
        });
        result.appendChild(list);
      }
      if (totals.created && totals.errors.length) {
        var again = document.createElement("a");
        again.href = window.location.pathname;
        again.className = "btn btn-link btn-sm";
        again.textContent = result.dataset.reloadLabel;
        again.setAttribute("data-action", "show-new-photos");
        result.appendChild(again);
      }
      result.setAttribute("data-created", String(totals.created));
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var files = input.files;
      if (!files || !files.length) return;
      if (files.length > maxFiles) { result.textContent = result.dataset.tooManyLabel; return; }
      var groups = batches(files);
      var total = 0;
      Array.prototype.forEach.call(files, function (file) { total += file.size; });
      var sent = 0;
      var totals = { created: 0, pending: 0, errors: [], error: "", failed: false };
      progress.hidden = false;
      progress.querySelector(".progress").classList.remove("is-done", "is-failed");
      setProgress(progress, 0);
      submit.disabled = true;
      input.disabled = true;
      var chain = Promise.resolve();
      groups.forEach(function (group) {
        var groupSize = group.reduce(function (sum, file) { return sum + file.size; }, 0);
        chain = chain.then(function () {
          return send(group, function (fraction) {
            setProgress(progress, Math.min(99, Math.round(((sent + fraction * groupSize) / (total || 1)) * 100)));
          }).then(function (body) {
            sent += groupSize;
            totals.created += body.created || 0;
            totals.pending += body.pending || 0;
            totals.errors = totals.errors.concat(body.errors || []);
            if (body.error) totals.error = body.error;
            if (body.failed) totals.failed = true;
          });
        });
      });
      chain.then(function () {
        setProgress(progress, 100);
        progress.querySelector(".progress").classList.add(totals.created ? "is-done" : "is-failed");
        report(totals);
        input.disabled = false;
        if (totals.created && !totals.errors.length && !totals.failed) {
          setTimeout(function () { window.location.reload(); }, 800);
        } else {
          submit.disabled = false;
        }
      });
    });
  }

  function setupLightbox() {
    var dialog = document.querySelector("[data-lightbox-dialog]");
    var links = Array.prototype.slice.call(document.querySelectorAll("[data-lightbox]"));
    if (!dialog || !links.length || typeof dialog.showModal !== "function") return;
    var image = dialog.querySelector("[data-lightbox-image]");
    var caption = dialog.querySelector("[data-lightbox-caption]");
    var download = dialog.querySelector("[data-lightbox-download]");
    var index = 0;
    function show(i) {
      index = (i + links.length) % links.length;
      var link = links[index];
      image.src = link.href;
      image.alt = link.dataset.caption || "";
      caption.textContent = link.dataset.caption || "";
      download.href = link.dataset.download;
    }
    links.forEach(function (link, i) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        show(i);
        dialog.showModal();
      });
    });
    dialog.querySelector("[data-lightbox-prev]").addEventListener("click", function () { show(index - 1); });
    dialog.querySelector("[data-lightbox-next]").addEventListener("click", function () { show(index + 1); });
    dialog.querySelector("[data-lightbox-close]").addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "ArrowLeft") show(index - 1);
      if (event.key === "ArrowRight") show(index + 1);
    });
    var startX = null;
    image.addEventListener("touchstart", function (e) { startX = e.touches[0].clientX; }, { passive: true });
    image.addEventListener("touchend", function (e) {
      if (startX === null) return;
      var dx = e.changedTouches[0].clientX - startX;
      if (Math.abs(dx) > 40) show(index + (dx < 0 ? 1 : -1));
      startX = null;
    });
  }

  document.querySelectorAll("[data-photo-upload]").forEach(setupUpload);
  setupLightbox();
})();
