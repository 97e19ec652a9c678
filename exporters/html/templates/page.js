/* The page: Check buttons, the running score, the "show all answers" switch, ordering controls. */
(function () {
  "use strict";
  var source = document.getElementById("qbank-answers");
  if (!source) { return; }
  var answers = JSON.parse(source.textContent);
  var earned = {};  // question id (or a varied question's set) -> points from its latest check

  // The variants of a varied question are one question of the quiz: they share one score.
  function scoreKey(q) {
    var root = document.getElementById("q-" + q);
    var set = root && root.parentNode.classList.contains("variant-set") ? root.parentNode : null;
    return set ? "set:" + set.getAttribute("data-set") : q;
  }
  var scoredKeys = {};
  Object.keys(answers).forEach(function (q) { if (answers[q].type !== "essay") { scoredKeys[scoreKey(q)] = true; } });

  function format(n) { return String(Math.round(n * 100) / 100); }
  function setMark(el, state, text) {
    if (!el) { return; }
    el.className = "mark " + state;
    el.textContent = text;
  }
  function responseOf(q, data) {
    var root = document.getElementById("q-" + q);
    switch (data.type) {
      case "multiple-choice": case "multiple-select": case "true-false":
        return Array.prototype.map.call(root.querySelectorAll(".choice input:checked"), function (i) { return i.value; });
      case "short-answer": case "numerical":
        return root.querySelector(".answer-input").value;
      case "matching":
        return Array.prototype.map.call(root.querySelectorAll(".pair select"), function (s) { return s.value; });
      case "ordering":
        return Array.prototype.map.call(root.querySelectorAll(".order-item"), function (li) { return li.getAttribute("data-item"); });
      case "fill-in-blanks":
        return Array.prototype.map.call(root.querySelectorAll(".blank"), function (b) { return b.value; });
      default: return null;
    }
  }
  function showParts(root, data, result) {
    if (data.type === "multiple-choice" || data.type === "multiple-select" || data.type === "true-false") {
      Array.prototype.forEach.call(root.querySelectorAll(".choice"), function (li) {
        var input = li.querySelector("input");
        li.classList.toggle("chosen", input.checked);
        var weight = data.weights[input.value] || 0;
        var mark = li.querySelector(".mark");
        if (!input.checked) { setMark(mark, "", ""); }
        else if (weight > 0) { setMark(mark, weight >= 100 || data.multiple ? "right" : "partial", weight >= 100 || data.multiple ? "✓ right" : "◐ partly right"); }
        else { setMark(mark, "wrong", "✗ wrong"); }
      });
    } else if (data.type === "short-answer" || data.type === "numerical") {
      Array.prototype.forEach.call(root.querySelectorAll(".answer-feedback"), function (el) { el.classList.remove("shown"); el.hidden = true; });
      if (result.matched >= 0) {
        var fb = document.getElementById(root.id + "-fb" + result.matched);
        if (fb) { fb.hidden = false; fb.classList.add("shown"); }
      }
      var markText = result.percent >= 100 ? "✓ right" : result.percent > 0 ? "◐ partly right" : "✗ wrong";
      if (data.type === "numerical" && !result.parsed) {
        markText = result.reason === "ambiguous-comma" ? "✗ write the number with a decimal point (1,000 could be 1000 or 1.0)"
          : "✗ not a number";
      }
      setMark(root.querySelector(".answer-line .mark"), result.percent >= 100 ? "right" : result.percent > 0 ? "partial" : "wrong", markText);
    } else {
      var selector = data.type === "matching" ? ".pair .mark" : data.type === "fill-in-blanks" ? ".blank + .mark" : null;
      if (selector) {
        Array.prototype.forEach.call(root.querySelectorAll(selector), function (mark, i) {
          setMark(mark, result.parts[i] ? "right" : "wrong", result.parts[i] ? "✓" : "✗");
          mark.setAttribute("aria-label", result.parts[i] ? "right" : "wrong");
        });
      }
    }
  }
  function updateScore() {
    var total = 0, count = 0;
    Object.keys(earned).forEach(function (q) { total += earned[q]; count += 1; });
    document.getElementById("score-points").textContent = format(total);
    var scored = Object.keys(scoredKeys).length;
    document.getElementById("score-detail").textContent = "(" + count + " of " + scored + " scored questions checked)";
  }
  function check(q) {
    var data = answers[q];
    var root = document.getElementById("q-" + q);
    var result = qbankScore.score(data, responseOf(q, data));
    var status = document.getElementById("q-" + q + "-result");
    root.classList.add("checked");
    root.classList.remove("is-right", "is-wrong", "is-partial");
    if (result === null) {
      status.className = "result manual";
      status.textContent = "Not scored automatically: compare your answer with the explanation.";
      return;
    }
    var points = Number(data.points) * result.percent / 100;
    var state = result.percent >= 100 ? "right" : result.percent > 0 ? "partial" : "wrong";
    root.classList.add("is-" + state);
    showParts(root, data, result);
    var word = state === "right" ? "Correct" : state === "partial" ? "Partly correct" : "Incorrect";
    status.className = "result " + state;
    status.textContent = word + ": " + format(points) + " of " + data.points + " point" + (data.points === "1" ? "" : "s") + ".";
    earned[scoreKey(q)] = points;
    updateScore();
  }
  function move(li, step) {
    var list = li.parentNode;
    var items = Array.prototype.slice.call(list.children);
    var index = items.indexOf(li), target = index + step;
    if (target < 0 || target >= items.length) { return; }
    if (step < 0) { list.insertBefore(li, items[target]); } else { list.insertBefore(items[target], li); }
    refreshOrdering(list);
    var announce = document.getElementById(list.id.replace(/-list$/, "-announce"));
    if (announce) { announce.textContent = "Moved to position " + (target + 1) + " of " + items.length + "."; }
    items.forEach(function (other) { other.classList.remove("just-moved"); });
    li.classList.add("just-moved");
  }
  function refreshOrdering(list) {
    var items = list.children;
    Array.prototype.forEach.call(items, function (li, i) {
      var buttons = li.querySelectorAll("button.move");
      buttons[0].disabled = i === 0;
      buttons[1].disabled = i === items.length - 1;
    });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) { return; }
    var root = button.closest(".question");
    if (button.classList.contains("check")) { check(root.getAttribute("data-qid")); }
    if (button.classList.contains("move")) {
      var li = button.closest(".order-item");
      var step = Number(button.getAttribute("data-move"));
      move(li, step);
      var again = li.querySelector('button.move[data-move="' + step + '"]');
      (again.disabled ? li.querySelector("button.move:not([disabled])") || li : again).focus();
    }
  });
  document.addEventListener("keydown", function (event) {
    var li = event.target.classList && event.target.classList.contains("order-item") ? event.target : null;
    if (!li || !event.altKey || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) { return; }
    event.preventDefault();
    move(li, event.key === "ArrowUp" ? -1 : 1);
    li.focus();
  });
  var toggle = document.getElementById("show-answers");
  function applyToggle() { document.body.classList.toggle("show-answers", toggle.checked); }
  toggle.addEventListener("change", applyToggle);
  applyToggle();
  Array.prototype.forEach.call(document.querySelectorAll(".order-list"), refreshOrdering);
  updateScore();
}());
