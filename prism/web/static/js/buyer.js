// Tells the seller how long the buyer kept an item open: sent once, when the page is left.
(function () {
  var view = document.getElementById("view");
  if (!view) { return; }
  var opened = Date.now();
  var sent = false;
  function send() {
    if (sent) { return; }
    sent = true;
    var data = new FormData();
    data.append("seconds", String(Math.round((Date.now() - opened) / 1000)));
    data.append("csrf_token", view.dataset.csrf);
    navigator.sendBeacon(view.dataset.beacon, data);
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { send(); }
  });
  window.addEventListener("pagehide", send);
}());
