(function () {
  "use strict";
  var box = document.querySelector(".filters");
  if (!box) { return; }
  var buttons = Array.prototype.slice.call(box.querySelectorAll("button[data-status]"));
  var checks = Array.prototype.slice.call(document.querySelectorAll("li.check"));
  var areas = Array.prototype.slice.call(document.querySelectorAll("section.area"));
  var note = document.querySelector(".filter-note");
  function apply() {
    var on = {};
    buttons.forEach(function (b) { on[b.getAttribute("data-status")] = b.getAttribute("aria-pressed") === "true"; });
    var shown = 0;
    checks.forEach(function (li) {
      var show = on[li.getAttribute("data-status")] === true;
      li.hidden = !show;
      if (show) { shown++; }
    });
    areas.forEach(function (s) { s.hidden = !s.querySelector("li.check:not([hidden])"); });
    if (note) { note.textContent = "Showing " + shown + " of " + checks.length + " checks."; }
  }
  buttons.forEach(function (b) {
    b.addEventListener("click", function () {
      b.setAttribute("aria-pressed", b.getAttribute("aria-pressed") === "true" ? "false" : "true");
      apply();
    });
  });
  box.hidden = false;
})();
