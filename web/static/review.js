// Keyboard shortcuts of the review queue (no inline scripts: CSP script-src 'self').
// j / k: next / previous match; a: approve; r: choose a reject reason; x: select for bulk approval;
// /: focus the search field. Keys are ignored while typing in a form field.
(function () {
  "use strict";
  function rows() { return Array.prototype.slice.call(document.querySelectorAll(".queue-row:not(.decided)")); }
  function current() { return document.querySelector(".queue-row.current:not(.decided)"); }
  function select(row) {
    var old = current();
    if (old) { old.classList.remove("current"); }
    if (row) { row.classList.add("current"); row.focus(); row.scrollIntoView({ block: "nearest" }); }
  }
  function move(step) {
    var list = rows();
    if (!list.length) { return; }
    var index = list.indexOf(current());
    select(list[Math.max(0, Math.min(list.length - 1, index + step))] || list[0]);
  }
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (target && /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(target.tagName) && event.key !== "Escape") { return; }
    var row = current();
    if (event.key === "j") { move(1); }
    else if (event.key === "k") { move(-1); }
    else if (event.key === "/") { var q = document.getElementById("q"); if (q) { q.focus(); } }
    else if (event.key === "a" && row) { row.querySelector("button.approve").click(); }
    else if (event.key === "r" && row) { row.querySelector("select[name=reason]").focus(); }
    else if (event.key === "x" && row) { var box = row.querySelector("input[type=checkbox]"); box.checked = !box.checked; }
    else { return; }
    event.preventDefault();
  });
  // "Alle auf dieser Seite auswählen": tick or untick every open row of the bulk form.
  var all = document.querySelector("[data-select-all]");
  if (all) {
    all.addEventListener("change", function () {
      var boxes = document.querySelectorAll(".queue-row:not(.decided) input[name=match_ids][form=" + all.getAttribute("data-select-all") + "]");
      Array.prototype.forEach.call(boxes, function (box) { box.checked = all.checked; });
    });
  }
  // After a decision the decided row replaces the current one: go on with the first open match.
  document.addEventListener("htmx:afterSettle", function () { if (!current()) { move(0); } });
})();
