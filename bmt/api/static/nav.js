// The main menu's groups are <details>: one open at a time, and a click elsewhere closes it.
document.addEventListener("click", function (e) {
  document.querySelectorAll("nav.mainnav details[open]").forEach(function (d) {
    if (!d.contains(e.target)) d.removeAttribute("open");
  });
});
document.addEventListener("keydown", function (e) {
  if (e.key === "Escape") document.querySelectorAll("nav.mainnav details[open]").forEach(function (d) { d.removeAttribute("open"); });
});
