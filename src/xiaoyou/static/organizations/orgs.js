/* Organization management (console): tree expand/collapse, the rich-text editor of the
 * introduction, and the join-form builder (add, remove, reorder questions of a Django formset).
 * Plain DOM code on top of xiaoyou.js; everything is checked again on the server. */
(function () {
  "use strict";
  var doc = document;
  function all(selector, root) { return Array.prototype.slice.call((root || doc).querySelectorAll(selector)); }

  /* ------------------------------------------------------------ tree */
  doc.addEventListener("click", function (event) {
    var open = event.target.closest("[data-tree-open]");
    var close = event.target.closest("[data-tree-close]");
    if (!open && !close) return;
    all(".org-tree details").forEach(function (details) { details.open = Boolean(open); });
  });

  /* ------------------------------------------------------------ rich text */
  var COMMANDS = [
    ["bold", "B", "font-weight:700"], ["italic", "I", "font-style:italic"], ["underline", "U", "text-decoration:underline"],
    ["sep"], ["h2", "H2"], ["h3", "H3"], ["p", "¶"], ["sep"],
    ["insertUnorderedList", "•"], ["insertOrderedList", "1."], ["blockquote", "\u201C \u201D"], ["sep"], ["link", null], ["removeFormat", null]
  ];

  function richEditor(textarea) {
    var wrapper = doc.createElement("div");
    wrapper.className = "rich-editor";
    var toolbar = doc.createElement("div");
    toolbar.className = "rich-toolbar";
    toolbar.setAttribute("role", "toolbar");
    var area = doc.createElement("div");
    area.className = "rich-area";
    area.contentEditable = "true";
    area.setAttribute("role", "textbox");
    area.setAttribute("aria-multiline", "true");
    if (textarea.id) area.setAttribute("aria-labelledby", textarea.id + "-label");
    area.dataset.placeholder = textarea.getAttribute("placeholder") || "";
    area.innerHTML = textarea.value;
    // Worded buttons take their (translated) words from the textarea's data-*-label.
    var words = { link: textarea.dataset.linkLabel || "Link", removeFormat: textarea.dataset.clearLabel || "Clear" };
    COMMANDS.forEach(function (command) {
      if (command[0] === "sep") { var sep = doc.createElement("span"); sep.className = "sep"; toolbar.appendChild(sep); return; }
      var button = doc.createElement("button");
      button.type = "button";
      button.textContent = command[1] || words[command[0]];
      button.dataset.command = command[0];
      if (command[2]) button.setAttribute("style", command[2]);
      button.title = command[0];
      toolbar.appendChild(button);
    });
    toolbar.addEventListener("mousedown", function (event) { if (event.target.closest("button")) event.preventDefault(); });
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) return;
      var name = button.dataset.command;
      area.focus();
      if (name === "h2" || name === "h3" || name === "p" || name === "blockquote") doc.execCommand("formatBlock", false, name);
      else if (name === "link") {
        var url = window.prompt(textarea.dataset.linkPrompt || "URL", "https://");
        if (url) doc.execCommand("createLink", false, url);
      } else doc.execCommand(name, false, null);
      sync();
    });
    function sync() { textarea.value = area.innerHTML; }
    area.addEventListener("input", sync);
    textarea.hidden = true;
    textarea.parentNode.insertBefore(wrapper, textarea);
    wrapper.appendChild(toolbar);
    wrapper.appendChild(area);
    var label = textarea.id && doc.querySelector('label[for="' + textarea.id + '"]');
    if (label) { label.id = textarea.id + "-label"; label.addEventListener("click", function () { area.focus(); }); }
    if (textarea.form) textarea.form.addEventListener("submit", sync);
  }

  /* ------------------------------------------------------------ join-form builder */
  var CHOICE_TYPES = ["choice", "multiple_choice"];

  function builder(root) {
    var prefix = root.dataset.prefix;
    var max = parseInt(root.dataset.max || "30", 10);
    var list = root.querySelector("[data-join-list]");
    var template = root.querySelector("template[data-join-template]");
    var total = root.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    var addButton = root.querySelector("[data-join-add]");

    function visible() { return all("[data-join-field]", list).filter(function (item) { return !item.hidden; }); }

    function refresh() {
      var items = visible();
      items.forEach(function (item, index) {
        var number = item.querySelector("[data-join-number]");
        if (number) number.textContent = String(index + 1);
        var order = item.querySelector('input[name$="-ORDER"]');
        if (order) order.value = String(index + 1);
        item.querySelector("[data-join-up]").disabled = index === 0;
        item.querySelector("[data-join-down]").disabled = index === items.length - 1;
      });
      root.querySelector("[data-join-empty]").hidden = items.length > 0;
      var count = root.querySelector("[data-join-count]");
      if (count) count.textContent = String(items.length);
      addButton.disabled = items.length >= max;
    }

    function arm(item) {
      var type = item.querySelector('select[name$="-type"]');
      var choices = item.querySelector("[data-join-choices]");
      var label = item.querySelector('input[name$="-label"]');
      var title = item.querySelector("[data-join-title]");
      if (type && choices) type.addEventListener("change", function () { choices.hidden = CHOICE_TYPES.indexOf(type.value) < 0; });
      if (label && title) label.addEventListener("input", function () { title.textContent = label.value; });
    }

    root.addEventListener("click", function (event) {
      var item = event.target.closest("[data-join-field]");
      if (event.target.closest("[data-join-add]")) {
        var index = parseInt(total.value, 10);
        var holder = doc.createElement("div");
        holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
        var fresh = holder.querySelector("[data-join-field]");
        list.appendChild(fresh);
        total.value = String(index + 1);
        arm(fresh);
        refresh();
        var first = fresh.querySelector('input[name$="-label"]');
        if (first) first.focus();
        return;
      }
      if (!item) return;
      if (event.target.closest("[data-join-remove]")) {
        var remove = item.querySelector('input[name$="-DELETE"]');
        if (remove) remove.checked = true;
        item.hidden = true;
      } else if (event.target.closest("[data-join-up]")) {
        var previous = visible()[visible().indexOf(item) - 1];
        if (previous) list.insertBefore(item, previous);
      } else if (event.target.closest("[data-join-down]")) {
        var next = visible()[visible().indexOf(item) + 1];
        if (next) list.insertBefore(next, item);
      } else {
        return;
      }
      refresh();
    });

    all("[data-join-field]", list).forEach(function (item) {
      // A field removed before a failed submit stays removed.
      var remove = item.querySelector('input[name$="-DELETE"]');
      if (remove && remove.checked) item.hidden = true;
      arm(item);
    });
    refresh();
  }

  function init() {
    all("textarea[data-rich-text]").forEach(richEditor);
    all("[data-join-builder]").forEach(builder);
  }
  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", init); else init();
})();
