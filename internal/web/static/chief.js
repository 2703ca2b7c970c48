// Small enhancements only: every page works without this file.
document.addEventListener("change", function (ev) {
  var el = ev.target;
  if (el.matches && el.matches("select[data-autosubmit]")) {
    el.form.submit();
  }
});
document.querySelectorAll("select[data-autosubmit] + button").forEach(function (b) {
  b.hidden = true;
});
