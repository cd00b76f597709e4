// Sends the browser's UTC offset along with datetime-local fields, so a time means what the
// person who typed it meant (the offset of today; a session across a DST change may be off by
// an hour, which the page shows in UTC).
document.querySelectorAll('input[name="zone"]').forEach(function (field) {
  var minutes = -new Date().getTimezoneOffset();
  var abs = Math.abs(minutes);
  var pad = function (n) { return String(n).padStart(2, "0"); };
  field.value = (minutes >= 0 ? "+" : "-") + pad(Math.floor(abs / 60)) + ":" + pad(abs % 60);
});
