/* Preview only: reload when the bank is rebuilt. */
(function () {
  "use strict";
  var endpoint = __ENDPOINT__, seen = null;
  function poll() {
    fetch(endpoint, {cache: "no-store"}).then(function (r) { return r.text(); }).then(function (version) {
      if (seen !== null && version !== seen) { window.location.reload(); }
      seen = version;
    }).catch(function () { /* the preview server stopped; keep the page */ }).finally(function () {
      window.setTimeout(poll, 700);
    });
  }
  poll();
}());
