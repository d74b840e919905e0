// Progressive enhancement only: every page works without this file.
document.addEventListener("htmx:afterSwap", function (event) {
  var target = event.detail.target;
  if (target && target.id === "explain-panel") {
    target.hidden = false;
    var heading = target.querySelector("h2");
    if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
  }
});
document.addEventListener("click", function (event) {
  if (event.target.matches("[data-close-panel]")) {
    var panel = document.getElementById("explain-panel");
    panel.innerHTML = ""; panel.hidden = true;
  }
});
document.addEventListener("keydown", function (event) {
  var panel = document.getElementById("explain-panel");
  if (event.key === "Escape" && panel && !panel.hidden) { panel.innerHTML = ""; panel.hidden = true; }
});
// A page re-shown with errors (the update-all page) takes the keyboard to its list of errors.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
});
