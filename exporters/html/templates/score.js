/* Scoring, exactly as the bank's model defines it; pure functions, no page access.
   Every function returns {percent: 0..100, parts: [...]} for one question's response. */
var qbankScore = (function () {
  "use strict";
  function clamp(percent) { return Math.max(0, Math.min(100, percent)); }
  function normalise(text, caseSensitive) {
    var clean = String(text).trim().replace(/\s+/g, " ");
    return caseSensitive ? clean : clean.toLowerCase();
  }
  // A number as a person types it: spaces, a unit, "× 10^n" and a decimal comma ("45,5") are
  // accepted; a comma that could also separate thousands ("1,000", "1.000,5") is refused with
  // a reason, so the page can ask for a decimal point instead of marking the answer wrong.
  function parseNumber(text, unit) {
    var clean = String(text).trim();
    if (unit && clean.slice(-unit.length) === unit) { clean = clean.slice(0, -unit.length); }
    clean = clean.replace(/[\s_\u00a0\u2009\u202f]/g, "").replace(/\u2212/g, "-");
    if (clean.indexOf(",") >= 0) {
      var ambiguous = clean.indexOf(".") >= 0 || (clean.match(/,/g) || []).length > 1 ||
        /^[-+]?\d{1,3},\d{3}(?:e|$)/i.test(clean);
      if (ambiguous) { return {value: null, reason: "ambiguous-comma"}; }
      clean = clean.replace(",", ".");
    }
    clean = clean.replace(/^([-+]?[0-9.]+)(?:\u00d7|x|\*)10\^([-+]?[0-9]+)$/, "$1e$2");
    if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(clean)) { return {value: null, reason: null}; }
    return {value: Number(clean), reason: null};
  }
  // Choice questions: the sum of the chosen options' weights, clamped at 0 and 100.
  function choices(data, chosen) {
    var total = 0;
    var parts = chosen.map(function (id) {
      var weight = data.weights[id] || 0;
      total += weight;
      return {id: id, weight: weight};
    });
    return {percent: clamp(total), parts: parts};
  }
  // Short answer: the best weight among the accepted answers the response matches.
  function shortAnswer(data, response) {
    var given = normalise(response, data.case_sensitive);
    var best = {percent: 0, matched: -1};
    data.answers.forEach(function (answer, index) {
      if (given !== "" && normalise(answer.text, data.case_sensitive) === given &&
          (best.matched < 0 || answer.weight > best.percent)) {
        best = {percent: answer.weight, matched: index};
      }
    });
    return {percent: clamp(best.percent), matched: best.matched, parts: []};
  }
  // Numerical: the best weight among the answers whose closed interval [low, high] holds the number.
  function numerical(data, response) {
    var parsed = parseNumber(response, data.unit);
    var value = parsed.value;
    var best = {percent: 0, matched: -1};
    if (value !== null) {
      data.answers.forEach(function (answer, index) {
        if (value >= Number(answer.low) && value <= Number(answer.high) &&
            (best.matched < 0 || answer.weight > best.percent)) {
          best = {percent: answer.weight, matched: index};
        }
      });
    }
    return {percent: clamp(best.percent), matched: best.matched, parsed: value !== null, reason: parsed.reason,
            parts: []};
  }
  // Matching and blanks: the share of parts answered right; ordering: all or nothing.
  function share(parts) {
    var right = parts.filter(Boolean).length;
    return {percent: parts.length ? 100 * right / parts.length : 0, parts: parts};
  }
  function matching(data, letters) {
    return share(data.correct.map(function (letter, i) { return letters[i] === letter; }));
  }
  function ordering(data, ids) {
    var parts = data.correct.map(function (id, i) { return ids[i] === id; });
    return {percent: parts.every(Boolean) ? 100 : 0, parts: parts};
  }
  function blanks(data, values) {
    return share(data.blanks.map(function (blank, i) {
      var value = values[i] === undefined ? "" : values[i];
      if (blank.kind === "dropdown") { return value === blank.correct; }
      var given = normalise(value, blank.case_sensitive);
      return given !== "" && blank.answers.some(function (a) { return normalise(a, blank.case_sensitive) === given; });
    }));
  }
  function score(data, response) {
    switch (data.type) {
      case "multiple-choice": case "multiple-select": case "true-false": return choices(data, response);
      case "short-answer": return shortAnswer(data, response);
      case "numerical": return numerical(data, response);
      case "matching": return matching(data, response);
      case "ordering": return ordering(data, response);
      case "fill-in-blanks": return blanks(data, response);
      default: return null;  // essays are marked by a person
    }
  }
  return {score: score, parseNumber: parseNumber, normalise: normalise};
}());
