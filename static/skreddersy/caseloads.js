// Fordeling: a "select all" checkbox for the rows of a bulk form (checkboxes with form="<id>").
document.addEventListener("change", function (ev) {
  var box = ev.target;
  if (!box.matches || !box.matches("input[data-pick-all]")) return;
  var form = box.getAttribute("data-pick-all");
  document.querySelectorAll('input[type=checkbox][name=clients][form="' + form + '"]').forEach(function (c) { c.checked = box.checked; });
});
