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

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var files = input.files;
      if (!files || !files.length) return;
      if (files.length > maxFiles) { result.textContent = result.dataset.tooManyLabel; return; }
      var data = new FormData(form);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      progress.hidden = false;
      progress.querySelector(".progress").classList.remove("is-done", "is-failed");
      setProgress(progress, 0);
      submit.disabled = true;
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) setProgress(progress, Math.min(99, Math.round((e.loaded / e.total) * 100)));
      });
      xhr.addEventListener("load", function () {
        var body = {};
        try { body = JSON.parse(xhr.responseText); } catch (ignored) { body = {}; }
        var created = body.created || 0;
        setProgress(progress, 100);
        progress.querySelector(".progress").classList.add(created ? "is-done" : "is-failed");
        result.textContent = "";
        var line = document.createElement("p");
        line.className = "mb-0";
        line.textContent = body.error ? body.error : format(result.dataset.doneLabel, created) + (body.pending ? " " + result.dataset.pendingLabel : "");
        result.appendChild(line);
        if (body.errors && body.errors.length) {
          var list = document.createElement("ul");
          list.className = "upload-errors";
          body.errors.forEach(function (item) {
            var entry = document.createElement("li");
            entry.textContent = item.name + ": " + item.message;
            list.appendChild(entry);
          });
          result.appendChild(list);
        }
        result.setAttribute("data-created", String(created));
        if (created && !(body.errors && body.errors.length)) {
          setTimeout(function () { window.location.reload(); }, 800);
        } else {
          submit.disabled = false;
        }
      });
      xhr.addEventListener("error", function () {
        progress.querySelector(".progress").classList.add("is-failed");
        result.textContent = result.dataset.failedLabel;
        submit.disabled = false;
      });
      xhr.send(data);
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
