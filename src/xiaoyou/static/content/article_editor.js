/* A small rich-text editor for articles: a contenteditable area with a toolbar, no library.
   It replaces the body textarea (kept, hidden, as the form field) and writes its HTML back on
   every input and on submit; "HTML" switches to the textarea itself. The server sanitizes
   whatever arrives, so this is a convenience, not a safety measure. */
(function () {
  "use strict";
  var textarea = document.querySelector("textarea[data-article-body]");
  if (!textarea) { return; }
  var labels = JSON.parse(document.getElementById("article-editor-labels").textContent);
  var toolbar = document.createElement("div");
  toolbar.className = "article-editor-toolbar";
  toolbar.setAttribute("role", "toolbar");
  var editor = document.createElement("div");
  editor.className = "article-editor";
  editor.contentEditable = "true";
  editor.setAttribute("data-article-editor", "");
  editor.setAttribute("role", "textbox");
  editor.setAttribute("aria-multiline", "true");
  editor.innerHTML = textarea.value;
  var buttons = [
    ["bold", labels.bold, "B"], ["italic", labels.italic, "I"], ["underline", labels.underline, "U"],
    ["formatBlock:h2", labels.heading, "H2"], ["formatBlock:h3", labels.subheading, "H3"],
    ["formatBlock:p", labels.paragraph, "¶"], ["insertUnorderedList", labels.bullets, "•"],
    ["insertOrderedList", labels.numbers, "1."], ["formatBlock:blockquote", labels.quote, "❝"],
    ["createLink", labels.link, labels.link], ["insertImage", labels.image, labels.image],
    ["removeFormat", labels.clear, "⌫"], ["source", labels.source, "HTML"]
  ];
  var showingSource = false;
  function sync() { if (!showingSource) { textarea.value = editor.innerHTML; } }
  buttons.forEach(function (spec) {
    var button = document.createElement("button");
    button.type = "button";
    button.title = spec[1];
    button.setAttribute("aria-label", spec[1]);
    button.setAttribute("data-command", spec[0]);
    button.textContent = spec[2];
    button.addEventListener("mousedown", function (event) { event.preventDefault(); });
    button.addEventListener("click", function () {
      var parts = spec[0].split(":");
      if (parts[0] === "source") {
        showingSource = !showingSource;
        if (showingSource) { textarea.value = editor.innerHTML; }
        else { editor.innerHTML = textarea.value; }
        textarea.hidden = !showingSource;
        editor.hidden = showingSource;
        return;
      }
      if (showingSource) { return; }
      var value = parts[1] || null;
      if (parts[0] === "createLink" || parts[0] === "insertImage") {
        value = window.prompt(parts[0] === "createLink" ? labels.link_prompt : labels.image_prompt, "https://");
        if (!value) { return; }
      }
      editor.focus();
      document.execCommand(parts[0], false, value);
      sync();
    });
    toolbar.appendChild(button);
  });
  editor.addEventListener("input", sync);
  textarea.hidden = true;
  textarea.parentNode.insertBefore(toolbar, textarea);
  textarea.parentNode.insertBefore(editor, textarea);
  var orgSelect = document.querySelector("select[data-managed]");
  function showButtons() {
    var managed = JSON.parse(orgSelect.getAttribute("data-managed"));
    var manages = managed.indexOf(parseInt(orgSelect.value, 10)) !== -1;
    document.querySelectorAll("[data-managed-only]").forEach(function (el) { el.hidden = !manages; });
    document.querySelectorAll("[data-submission-only]").forEach(function (el) { el.hidden = manages; });
  }
  if (orgSelect) { orgSelect.addEventListener("change", showButtons); showButtons(); }
  var form = textarea.form;
  if (form) {
    form.addEventListener("submit", function () {
      if (!showingSource) { textarea.value = editor.innerHTML; }
    });
  }
})();
