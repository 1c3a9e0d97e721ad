/* Form editor: after each pause in typing, ask the server to check the JSON Schema and
   UI schema and to draw the form, and show both (the server is the only renderer). */
(function () {
  "use strict";

  const form = document.getElementById("form-editor");
  if (!form) return;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const problemsBox = document.getElementById("form-problems");
  const preview = document.getElementById("form-preview");
  const statusLine = document.getElementById("form-status");
  let timer = null;
  let sequence = 0;

  async function refresh() {
    const mine = ++sequence;
    let body;
    try {
      const response = await fetch(form.dataset.previewUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify({ schema: form.elements.schema.value, ui_schema: form.elements.ui_schema.value }),
      });
      body = await response.json();
      if (!response.ok) throw new Error(body.message || String(response.status));
    } catch (err) {
      statusLine.textContent = err.message;
      return;
    }
    if (mine !== sequence) return; // a newer check is on its way
    statusLine.textContent = "";
    const list = problemsBox.querySelector("ul");
    list.replaceChildren(
      ...body.problems.map((text) => {
        const item = document.createElement("li");
        item.textContent = text;
        return item;
      })
    );
    problemsBox.hidden = body.problems.length === 0;
    if (body.html !== null) preview.innerHTML = body.html; // drawn and escaped by the server
  }

  form.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  });
})();
