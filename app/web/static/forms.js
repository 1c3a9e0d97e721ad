/* Forms drawn from a JSON Schema (app/web/formfields.py), made quicker with JavaScript:
   "Tambah baris" and "Hapus baris" work in the page instead of a server round-trip, and
   the first field error gets the focus. Without JavaScript the same buttons post the form
   and the server draws the new row; both give rows the same names (path.N.field). */
(function () {
  "use strict";

  function nextIndex(group) {
    var highest = -1;
    group.querySelectorAll(":scope > .rows > .array-row").forEach(function (row) {
      var parts = row.getAttribute("data-row").split(".");
      var n = parseInt(parts[parts.length - 1], 10);
      if (!isNaN(n) && n > highest) { highest = n; }
    });
    return highest + 1;
  }

  function addRow(group) {
    var template = group.querySelector(":scope > template.blank-row");
    var rows = group.querySelector(":scope > .rows");
    var max = parseInt(group.getAttribute("data-max-items") || "0", 10);
    if (!template || !rows) { return false; }
    if (max && rows.children.length >= max) { return true; }
    var index = String(nextIndex(group));
    var html = template.innerHTML.split("__i__").join(index)
      .split("__n__").join(String(Number(index) + 1));
    rows.insertAdjacentHTML("beforeend", html);
    var added = rows.lastElementChild;
    var first = added && added.querySelector("input, select, textarea");
    if (first) { first.focus(); }
    return true;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.add-row, button.remove-row");
    if (!button || !button.closest("form.schema-form")) { return; }
    if (button.classList.contains("add-row")) {
      if (addRow(button.closest("fieldset[data-array]"))) { event.preventDefault(); }
      return;
    }
    var row = button.closest(".array-row");
    if (row) {
      var group = row.closest("fieldset[data-array]");
      event.preventDefault();
      row.remove();
      var add = group && group.querySelector(":scope > button.add-row");
      if (add) { add.focus(); }
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("ringkasan-galat");
    if (summary) { summary.focus(); }
  });
})();
