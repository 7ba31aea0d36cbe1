// Moves the class batch's progress bar as items finish; reloads the page once the batch ends.
(function () {
  var box = document.getElementById("job");
  if (!box) { return; }
  var bar = document.getElementById("job-bar");
  var done = document.getElementById("job-done");
  var total = document.getElementById("job-total");
  function poll() {
    fetch(box.dataset.status, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        bar.value = s.percent;
        if (done) { done.textContent = s.finished; }
        if (total) { total.textContent = s.total; }
        if (s.state !== box.dataset.state && (s.state === "done" || s.state === "failed" || box.dataset.state === "waiting")) {
          window.location.reload();
          return;
        }
        setTimeout(poll, 400);
      })
      .catch(function () { setTimeout(poll, 1500); });
  }
  setTimeout(poll, 300);
}());
