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

  // Large tables: every row is in a JSON element, shown one page at a time; sorting and filtering cover all rows.
  // A row is [name, category, category label, kind, area, score, score value, grade, grade code, grade rank,
  // compliant, [failed...], date, location]; most fields are indices into the shared texts S.
  function pagedTable(dataNode, pager) {
    var data = JSON.parse(dataNode.textContent), S = data.s, all = data.r, shownRows = all;
    var table = document.getElementById("items"), body = table.tBodies[0];
    var text = document.getElementById("filter-text");
    var category = document.getElementById("filter-category");
    var grade = document.getElementById("filter-grade");
    var status = document.getElementById("shown");
    var size = parseInt(pager.getAttribute("data-page-size"), 10) || 100, page = 0, timer = null;
    var noneText = body.getAttribute("data-none") || "";
    // Column -> [display text or list, sort key, numeric].
    var columns = [
      function (r) { return [r[0], r[0], false]; },
      function (r) { return [S[r[2]], S[r[2]], false]; },
      function (r) { return [S[r[3]], S[r[3]], false]; },
      function (r) { return [S[r[4]], S[r[4]], false]; },
      function (r) { return [S[r[5]], r[6], true]; },
      function (r) { return [S[r[7]], r[9], true]; },
      function (r) { return [S[r[10]], S[r[10]], false]; },
      function (r) { return [r[11], r[11].length, true]; },
      function (r) { return [S[r[12]], S[r[12]], false]; },
      function (r) { return [r[13], r[13], false]; }
    ];
    var searchText = null;

    function cell(tag, value, numeric) {
      var node = document.createElement(tag);
      if (tag === "th") node.setAttribute("scope", "row");
      if (numeric) node.className = "num";
      if (Array.isArray(value)) {
        if (!value.length) { node.textContent = noneText; return node; }
        var list = document.createElement("ul");
        value.forEach(function (i) { var li = document.createElement("li"); li.textContent = S[i]; list.appendChild(li); });
        node.appendChild(list);
      } else {
        node.textContent = value;
      }
      return node;
    }

    function draw() {
      var pages = Math.max(1, Math.ceil(shownRows.length / size));
      page = Math.min(Math.max(page, 0), pages - 1);
      var first = page * size, last = Math.min(first + size, shownRows.length);
      var fragment = document.createDocumentFragment();
      for (var i = first; i < last; i++) {
        var r = shownRows[i], tr = document.createElement("tr");
        tr.setAttribute("data-category", S[r[1]]);
        tr.setAttribute("data-grade", S[r[8]]);
        columns.forEach(function (column, index) {
          tr.appendChild(cell(index === 0 ? "th" : "td", column(r)[0], index === 4));
        });
        fragment.appendChild(tr);
      }
      body.textContent = "";
      body.appendChild(fragment);
      status.textContent = status.getAttribute("data-page-template").replace("{page}", page + 1)
        .replace("{pages}", pages).replace("{first}", shownRows.length ? first + 1 : 0).replace("{last}", last)
        .replace("{shown}", shownRows.length).replace("{total}", all.length);
      Array.prototype.forEach.call(pager.querySelectorAll("button"), function (button) {
        var go = button.getAttribute("data-go");
        var off = (go === "first" || go === "prev") ? page === 0 : page >= pages - 1;
        button.setAttribute("aria-disabled", off ? "true" : "false");
      });
    }

    function filter() {
      var needle = text.value.trim().toLowerCase(), cat = category.value, g = grade.value;
      if (needle && !searchText) {
        searchText = new Array(all.length);  // by each row's original position: `all` may be sorted since
        all.forEach(function (r) {
          searchText[r.a11yIndex] = columns.map(function (column) {
            var v = column(r)[0];
            return Array.isArray(v) ? v.map(function (i) { return S[i]; }).join(" ") : v;
          }).join(" ").toLowerCase();
        });
      }
      shownRows = [];
      for (var i = 0; i < all.length; i++) {
        var r = all[i];
        if ((!cat || S[r[1]] === cat) && (!g || S[r[8]] === g) && (!needle || searchText[r.a11yIndex].indexOf(needle) >= 0)) {
          shownRows.push(r);
        }
      }
      page = 0;
      draw();
    }

    all.forEach(function (r, i) { r.a11yIndex = i; });
    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
    heads.forEach(function (th, index) {
      th.querySelector("button").addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        var lang = document.documentElement.lang, column = columns[index];
        var keyed = all.map(function (r) { return [column(r)[1], r]; });
        var numeric = column(all[0] || [])[2];
        keyed.sort(function (a, b) {
          var cmp = numeric ? a[0] - b[0] : String(a[0]).localeCompare(String(b[0]), lang);
          return ascending ? cmp : -cmp;
        });
        all = keyed.map(function (pair) { return pair[1]; });
        heads.forEach(function (other) {
          other.setAttribute("aria-sort", "none");
          other.querySelector(".sort-mark").textContent = "";
        });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        th.querySelector(".sort-mark").textContent = ascending ? " ▲" : " ▼";
        filter();
      });
    });
    pager.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button || button.getAttribute("aria-disabled") === "true") return;
      var go = button.getAttribute("data-go");
      page = go === "first" ? 0 : go === "prev" ? page - 1 : go === "next" ? page + 1 : Infinity;
      draw();
    });
    text.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(filter, 250); });
    category.addEventListener("change", filter);
    grade.addEventListener("change", filter);
    pager.hidden = false;
    draw();
  }

  var dataNode = document.getElementById("a11y-table-data"), pager = document.getElementById("pager");
  if (dataNode && pager) {
    pagedTable(dataNode, pager);
    makeSortable(document.getElementById("counties") || document.createElement("table"));
  } else {
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), makeSortable);
    setUpFilters();
  }
})();
