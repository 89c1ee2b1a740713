/* Sorting and filtering for the map's table page; the table is complete and readable without it. */
(function () {
  "use strict";
  function cellValue(row, index, numeric) {
    var cell = row.children[index];
    var raw = cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent.trim();
    if (!numeric) return raw;
    var n = parseFloat(raw);
    return isNaN(n) ? -Infinity : n;
  }

  function makeSortable(table) {
    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
    heads.forEach(function (th, index) {
      var button = th.querySelector("button");
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        var numeric = th.getAttribute("data-numeric") === "true";
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var keyed = rows.map(function (row) { return [cellValue(row, index, numeric), row]; });
        keyed.sort(function (a, b) {
          var cmp = numeric ? a[0] - b[0] : String(a[0]).localeCompare(String(b[0]), document.documentElement.lang);
          return ascending ? cmp : -cmp;
        });
        var fragment = document.createDocumentFragment();
        keyed.forEach(function (pair) { fragment.appendChild(pair[1]); });
        body.appendChild(fragment);
        heads.forEach(function (other) {
          other.setAttribute("aria-sort", "none");
          other.querySelector(".sort-mark").textContent = "";
        });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        th.querySelector(".sort-mark").textContent = ascending ? " ▲" : " ▼";
      });
    });
  }

  function setUpFilters() {
    var table = document.getElementById("items");
    var text = document.getElementById("filter-text");
    var category = document.getElementById("filter-category");
    var grade = document.getElementById("filter-grade");
    var status = document.getElementById("shown");
    var timer = null;
    function apply() {
      var needle = text.value.trim().toLowerCase(), cat = category.value, g = grade.value, shown = 0;
      var rows = table.tBodies[0].rows;
      for (var i = 0; i < rows.length; i++) {
        var row = rows[i];
        var ok = (!cat || row.getAttribute("data-category") === cat) && (!g || row.getAttribute("data-grade") === g) &&
                 (!needle || row.textContent.toLowerCase().indexOf(needle) >= 0);
        row.hidden = !ok;
        if (ok) shown += 1;
      }
      status.textContent = status.getAttribute("data-template").replace("{shown}", shown).replace("{total}", rows.length);
    }
    text.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(apply, 200); });
    category.addEventListener("change", apply);
    grade.addEventListener("change", apply);
  }

  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), makeSortable);
  setUpFilters();
})();
