/* Xiaoyou: the little behaviour the server-rendered pages need, on top of htmx.
 *
 * - CSRF header on every htmx request (Django's token from <meta name="csrf-token">)
 * - toasts: Django messages rendered into #toasts, and HX-Trigger events "toast" / "messages"
 * - confirm dialogs for destructive actions: data-confirm on links, buttons, forms; hx-confirm
 * - modals: <dialog class="modal">, data-modal-open="#id", data-modal-close, HX-Trigger "modal:close"
 * - console sidebar collapse, remembered in a cookie so the server renders it without a flash
 * - dropdowns (<details class="dropdown">) close on outside click and Escape
 * - bulk-action checkboxes of data tables; data-autosubmit selects
 */
(function () {
  "use strict";

  var doc = document;

  function $(selector, root) { return (root || doc).querySelector(selector); }
  function $all(selector, root) { return Array.prototype.slice.call((root || doc).querySelectorAll(selector)); }

  function csrfToken() {
    var meta = $('meta[name="csrf-token"]');
    if (meta && meta.content) return meta.content;
    var match = doc.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function icon(name) {
    var base = doc.documentElement.getAttribute("data-icons") || "";
    return '<svg class="icon" aria-hidden="true"><use href="' + base + "#" + name + '"></use></svg>';
  }

  /* ------------------------------------------------------------ toasts */
  var TOAST_MS = 5000;

  function dismiss(toast) {
    if (!toast || toast.classList.contains("is-leaving")) return;
    toast.classList.add("is-leaving");
    setTimeout(function () { toast.remove(); }, 220);
  }

  function arm(toast) {
    if (toast.dataset.armed) return;
    toast.dataset.armed = "1";
    var close = $(".toast-close", toast);
    if (close) close.addEventListener("click", function () { dismiss(toast); });
    // Errors stay until closed: the reader may need them to fix something.
    if (!toast.classList.contains("toast-error")) {
      setTimeout(function () { dismiss(toast); }, TOAST_MS);
    }
  }

  function toast(message, level) {
    var container = $("#toasts");
    if (!container || !message) return;
    level = level || "info";
    var element = doc.createElement("div");
    element.className = "toast toast-" + level;
    element.setAttribute("role", level === "error" ? "alert" : "status");
    var symbol = level === "error" || level === "warning" ? "alert" : level === "success" ? "check" : "info";
    element.innerHTML = '<span class="toast-icon">' + icon(symbol) + '</span><div class="toast-message"></div>' +
      '<button type="button" class="btn btn-ghost btn-icon toast-close" aria-label="' +
      (container.dataset.closeLabel || "Close") + '">' + icon("x") + "</button>";
    $(".toast-message", element).textContent = String(message);
    container.appendChild(element);
    arm(element);
    return element;
  }

  function fromDetail(detail) {
    if (!detail) return;
    if (typeof detail === "string") { toast(detail, "info"); return; }
    if (Array.isArray(detail)) { detail.forEach(fromDetail); return; }
    toast(detail.message || detail.value, detail.level || detail.tags || "info");
  }

  /* ------------------------------------------------------------ modals */
  function openModal(target) {
    var dialog = typeof target === "string" ? $(target) : target;
    if (!dialog) return;
    if (typeof dialog.showModal === "function") { if (!dialog.open) dialog.showModal(); }
    else dialog.setAttribute("open", "");
    var focus = $("[autofocus], input, select, textarea, button:not(.modal-close)", dialog);
    if (focus) focus.focus();
  }

  function closeModal(dialog) {
    if (!dialog) return;
    if (typeof dialog.close === "function") dialog.close(); else dialog.removeAttribute("open");
  }

  /* ------------------------------------------------------------ confirm */
  function confirmDialog(message, options) {
    options = options || {};
    var dialog = $("#confirm-dialog");
    return new Promise(function (resolve) {
      if (!dialog || typeof dialog.showModal !== "function") { resolve(window.confirm(message)); return; }
      $(".confirm-message", dialog).textContent = message;
      var ok = $(".confirm-ok", dialog);
      ok.textContent = options.okLabel || ok.dataset.defaultLabel;
      ok.className = "btn confirm-ok " + (options.danger === false ? "btn-primary" : "btn-danger");
      function done(value) {
        dialog.removeEventListener("close", onClose);
        ok.removeEventListener("click", onOk);
        closeModal(dialog);
        resolve(value);
      }
      function onOk() { done(true); }
      function onClose() { done(false); }
      ok.addEventListener("click", onOk);
      dialog.addEventListener("close", onClose);
      dialog.showModal();
      ok.focus();
    });
  }

  // Links and buttons: ask first, then let the original action happen once.
  doc.addEventListener("click", function (event) {
    var trigger = event.target.closest("[data-confirm]:not(form)");
    if (!trigger || trigger.dataset.confirmed === "1" || trigger.hasAttribute("hx-confirm")) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    confirmDialog(trigger.dataset.confirm, { okLabel: trigger.dataset.confirmOk, danger: trigger.dataset.confirmDanger !== "false" })
      .then(function (yes) {
        if (!yes) return;
        trigger.dataset.confirmed = "1";
        trigger.click();
        setTimeout(function () { delete trigger.dataset.confirmed; }, 0);
      });
  }, true);

  doc.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-confirm]") || form.dataset.confirmed === "1") return;
    event.preventDefault();
    var submitter = event.submitter;
    confirmDialog(form.dataset.confirm, { okLabel: form.dataset.confirmOk }).then(function (yes) {
      if (!yes) return;
      form.dataset.confirmed = "1";
      if (form.requestSubmit) form.requestSubmit(submitter || undefined); else form.submit();
      delete form.dataset.confirmed;
    });
  }, true);

  // htmx's hx-confirm uses the same dialog instead of window.confirm.
  doc.addEventListener("htmx:confirm", function (event) {
    var question = event.detail && event.detail.question;
    if (!question) return;
    event.preventDefault();
    confirmDialog(question).then(function (yes) { if (yes) event.detail.issueRequest(true); });
  });

  /* ------------------------------------------------------------ htmx integration */
  doc.addEventListener("htmx:configRequest", function (event) {
    var method = (event.detail.verb || "get").toUpperCase();
    if (method !== "GET") event.detail.headers["X-CSRFToken"] = csrfToken();
  });
  // HX-Trigger: {"toast": {"message": "...", "level": "success"}} or {"messages": [...]}.
  doc.addEventListener("toast", function (event) { fromDetail(event.detail); });
  doc.addEventListener("messages", function (event) { fromDetail(event.detail && (event.detail.value || event.detail)); });
  doc.addEventListener("modal:close", function () { $all("dialog.modal[open]").forEach(closeModal); });
  doc.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    // Content loaded into a modal's body opens that modal.
    var dialog = target && target.closest && target.closest("dialog.modal");
    if (dialog && !dialog.open) openModal(dialog);
    if (target) init(target);
  });
  doc.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var message = "";
    try { message = JSON.parse(xhr.responseText).error.message; } catch (e) { message = ""; }
    var container = $("#toasts");
    toast(message || (container && container.dataset.errorLabel) || "Error " + xhr.status, "error");
  });

  /* ------------------------------------------------------------ clicks: modals, sidebar */
  doc.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-modal-open]");
    if (opener) { event.preventDefault(); openModal(opener.getAttribute("data-modal-open")); return; }
    var closer = event.target.closest("[data-modal-close]");
    if (closer) { event.preventDefault(); closeModal(closer.closest("dialog")); return; }
    // A click on the backdrop (the dialog element itself, outside its box) closes it.
    if (event.target.matches && event.target.matches("dialog.modal")) {
      var box = event.target.getBoundingClientRect();
      var inside = event.clientX >= box.left && event.clientX <= box.right && event.clientY >= box.top && event.clientY <= box.bottom;
      if (!inside) closeModal(event.target);
      return;
    }
    var toggle = event.target.closest("[data-sidebar-toggle]");
    if (toggle) { event.preventDefault(); toggleSidebar(); return; }
    if (event.target.closest("[data-sidebar-close]")) { var shell = $(".console"); if (shell) shell.classList.remove("sidebar-open"); return; }
    // Dropdowns: close the others, and all of them on a click outside.
    $all("details.dropdown[open]").forEach(function (details) {
      if (!details.contains(event.target)) details.removeAttribute("open");
    });
  });

  doc.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    $all("details.dropdown[open]").forEach(function (details) { details.removeAttribute("open"); });
    var shell = $(".console.sidebar-open");
    if (shell) shell.classList.remove("sidebar-open");
  });

  function toggleSidebar() {
    var shell = $(".console");
    if (!shell) return;
    if (window.matchMedia("(max-width: 960px)").matches) { shell.classList.toggle("sidebar-open"); return; }
    var collapsed = shell.classList.toggle("is-collapsed");
    var toggle = $("[data-sidebar-toggle]");
    if (toggle) toggle.setAttribute("aria-expanded", collapsed ? "false" : "true");
    doc.cookie = "xy_sidebar=" + (collapsed ? "collapsed" : "expanded") + "; path=/; max-age=31536000; SameSite=Lax";
  }

  /* ------------------------------------------------------------ bulk actions */
  function bulkRefresh(scope) {
    var items = $all("[data-bulk-item]", scope);
    var checked = items.filter(function (box) { return box.checked; });
    items.forEach(function (box) {
      var row = box.closest("tr");
      if (row) row.classList.toggle("is-selected", box.checked);
    });
    var all = $("[data-bulk-all]", scope);
    if (all) {
      all.checked = items.length > 0 && checked.length === items.length;
      all.indeterminate = checked.length > 0 && checked.length < items.length;
    }
    var bar = $(".bulk-bar", scope);
    if (bar) {
      bar.dataset.count = String(checked.length);
      var count = $("[data-bulk-count]", bar);
      if (count) count.textContent = String(checked.length);
    }
  }

  doc.addEventListener("change", function (event) {
    var target = event.target;
    var scope = target.closest && target.closest("[data-bulk]");
    if (scope && target.matches("[data-bulk-all]")) {
      $all("[data-bulk-item]", scope).forEach(function (box) { box.checked = target.checked; });
      bulkRefresh(scope);
    } else if (scope && target.matches("[data-bulk-item]")) {
      bulkRefresh(scope);
    }
    if (target.matches && target.matches("[data-autosubmit]") && target.form) {
      if (target.form.requestSubmit) target.form.requestSubmit(); else target.form.submit();
    }
  });

  /* ------------------------------------------------------------ init */
  function init(root) {
    $all(".toast", root).forEach(arm);
    $all("[data-bulk]", root).forEach(bulkRefresh);
  }

  window.xiaoyou = { toast: toast, confirm: confirmDialog, openModal: openModal, closeModal: closeModal };

  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", function () { init(doc); });
  else init(doc);
})();
