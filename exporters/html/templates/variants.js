/* Varied questions: one variant shown at a time; "New variant" shows the next, in turn. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.new-variant") : null;
    if (!button) { return; }
    var set = button.closest(".variant-set");
    var variants = Array.prototype.filter.call(set.children, function (el) {
      return el.classList.contains("question");
    });
    var current = 0;
    variants.forEach(function (el, i) { if (!el.hidden) { current = i; } });
    var next = (current + 1) % variants.length;
    variants.forEach(function (el, i) { el.hidden = i !== next; });
    set.querySelector(".variant-number").textContent = String(next + 1);
  });
}());
