/* Forms drawn from a JSON Schema (app/web/formfields.py), made quicker with JavaScript:
   "Tambah baris" and "Hapus baris" work in the page instead of a server round-trip, and
   the first field error gets the focus. Without JavaScript the same buttons post the form
   and the server draws the new row; both give rows the same names (path.N.field).

   Long lists: typing into the filter above a select narrows its options (code or title,
   ignoring case; the chosen option always stays; a single match on an empty field is
   chosen), ArrowDown goes to the list, Enter picks the first match, Escape clears. A
   list that follows another field (data-depends-on) is refilled from its served
   branches (data-branches) when that field changes. The server does the same without
   JavaScript ("Saring", "Perbarui pilihan"); those buttons (data-nojs) are removed. */
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
    added.querySelectorAll("[data-nojs]").forEach(function (element) { element.remove(); });
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

  /* Every option of a select as [value, title] pairs, before any filtering: the served
     full list when the server narrowed it (data-all), else the options drawn. */
  var lists = new WeakMap();

  function allOptions(select) {
    if (!lists.has(select)) {
      var served = select.getAttribute("data-all");
      lists.set(select, served ? JSON.parse(served) : Array.prototype.filter.call(
        select.options, function (o) { return o.value !== ""; }
      ).map(function (o) { return [o.value, o.text]; }));
    }
    return lists.get(select);
  }

  function filterOf(select) {
    return select.id ? document.querySelector('input[data-filter-for="' + select.id + '"]') : null;
  }

  /* Draw the options of `select` that match its filter, keeping `chosen` selected. */
  function redraw(select, chosen) {
    var input = filterOf(select);
    var text = input ? input.value.trim().toLowerCase() : "";
    var pairs = allOptions(select);
    var found = pairs.filter(function (pair) {
      return (pair[0] + " " + pair[1]).toLowerCase().indexOf(text) !== -1;
    });
    var hits = new Set(found);
    var keep = select.querySelector('option[value=""]');
    var current = chosen ? select.querySelector('option[value="' + CSS.escape(chosen) + '"]') : null;
    var known = pairs.some(function (pair) { return pair[0] === chosen; });
    select.replaceChildren();
    if (keep) { select.add(keep); }
    pairs.forEach(function (pair) {
      if (hits.has(pair) || pair[0] === chosen) { select.add(new Option(pair[1], pair[0])); }
    });
    if (chosen && !known && current) { select.add(current); }  // a value the list lost
    select.value = chosen;
    if (input) {
      var status = document.getElementById(input.id + "-status");
      if (status) {
        status.textContent = text ? input.getAttribute("data-count")
          .replace("{shown}", String(found.length)).replace("{total}", String(pairs.length)) : "";
      }
    }
    return found;
  }

  function choose(select, value) {
    select.value = value;
    select.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function filterChanged(input) {
    var select = document.getElementById(input.getAttribute("data-filter-for"));
    if (!select) { return; }
    var found = redraw(select, select.value);
    if (!select.value && input.value.trim() && found.length === 1) { choose(select, found[0][0]); }
  }

  /* A parent field changed: refill every list that follows it with that value's branch. */
  function follow(parent) {
    if (!parent.form || !parent.name) { return; }
    parent.form.querySelectorAll("select[data-depends-on]").forEach(function (select) {
      if (select.getAttribute("data-depends-on") !== parent.name) { return; }
      var branches = JSON.parse(select.getAttribute("data-branches") || "{}");
      var pairs = branches[parent.value] || [];
      var before = select.value;
      var stays = pairs.some(function (pair) { return pair[0] === before; });
      lists.set(select, pairs);
      var blank = select.querySelector('option[value=""]');
      if (blank) {
        blank.textContent = select.getAttribute(parent.value ? "data-choose" : "data-choose-parent");
      }
      redraw(select, stays ? before : "");
      if (before !== select.value) { select.dispatchEvent(new Event("change", { bubbles: true })); }
    });
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches("input[data-filter-for]")) { filterChanged(event.target); }
  });

  document.addEventListener("change", function (event) {
    if (event.target.closest("form.schema-form")) { follow(event.target); }
  });

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-filter-for]")) { return; }
    var select = document.getElementById(input.getAttribute("data-filter-for"));
    if (!select) { return; }
    if (event.key === "Enter") {
      event.preventDefault();  // filtering never submits the form
      var first = Array.prototype.find.call(select.options, function (o) { return o.value !== ""; });
      if (first && !select.value) { choose(select, first.value); }
      select.focus();
    } else if (event.key === "ArrowDown") {
      event.preventDefault();
      select.focus();
    } else if (event.key === "Escape" && input.value) {
      event.preventDefault();
      input.value = "";
      filterChanged(input);
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.schema-form [data-nojs]").forEach(function (element) {
      element.remove();
    });
    var summary = document.getElementById("ringkasan-galat");
    if (summary) { summary.focus(); }
  });
})();
