/* skreddersy: small behaviour for forms, loaded from a static file (no inline script: the CSP
   allows only 'self'). Everything here is an improvement; the pages work without it.
   1. A field a rule requires only for some values of another field (data-required-when) drops its
      "(valgfritt)" mark and gains aria-required while the rule applies; the server renders the
      same state first, so this only follows the user's changes.
   2. After an htmx swap, focus never falls to <body>: it goes to the first invalid field in the
      swapped region, else its alert/status, else its heading, else the region itself.
   3. The confirmation panel of a destructive button gets a working "Avbryt" and closes on Escape. */
(function () {
  "use strict";

  function valueOf(form, name) {
    var el = form.elements.namedItem(name);
    if (!el) return "";
    if (el instanceof RadioNodeList) {
      for (var i = 0; i < el.length; i++) {
        if (el[i].type === "checkbox" || el[i].type === "radio") { if (el[i].checked) return el[i].value || "on"; }
        else if (el[i].type !== "hidden") return el[i].value;
      }
      return "";
    }
    if (el.type === "checkbox" || el.type === "radio") return el.checked ? (el.value || "on") : "";
    return el.value || "";
  }

  function applyRules(root) {
    var wrappers = root.querySelectorAll("[data-required-when]");
    for (var i = 0; i < wrappers.length; i++) {
      var w = wrappers[i];
      var form = w.closest("form");
      if (!form) continue;
      var on = (w.getAttribute("data-required-values") || "").split(" ").indexOf(valueOf(form, w.getAttribute("data-required-when"))) >= 0;
      var mark = w.querySelector(".app-optional");
      if (mark) mark.hidden = on;
      var input = w.querySelector("input:not([type=hidden]), select, textarea");
      if (input) {
        if (on) input.setAttribute("aria-required", "true");
        else input.removeAttribute("aria-required");
      }
    }
  }

  function focusInto(region) {
    var target = region.querySelector("[aria-invalid=true]")
      || region.querySelector("[role=alert], [role=status]")
      || region.querySelector("h1, h2, h3");
    if (!target) target = region;
    if (!target.matches("a[href], button, input, select, textarea, [tabindex]")) target.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: false });
  }

  function lostFocus() {
    var a = document.activeElement;
    return !a || a === document.body || a === document.documentElement || !a.isConnected;
  }

  document.addEventListener("change", function (e) {
    if (e.target && e.target.form) applyRules(e.target.form);
  });

  document.addEventListener("DOMContentLoaded", function () {
    applyRules(document);
    var cancels = document.querySelectorAll(".app-confirm__cancel");
    for (var i = 0; i < cancels.length; i++) cancels[i].hidden = false;
  });

  document.addEventListener("click", function (e) {
    var cancel = e.target.closest && e.target.closest(".app-confirm__cancel");
    if (!cancel) return;
    var d = cancel.closest("details");
    if (d) { d.open = false; d.querySelector("summary").focus(); }
  });

  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    var d = e.target.closest && e.target.closest("details.app-confirm[open]");
    if (d) { d.open = false; d.querySelector("summary").focus(); }
  });

  document.addEventListener("htmx:afterSwap", function (e) {
    var t = e.detail && e.detail.target;
    if (!t) return;
    // an outerHTML swap replaces the target: find the new element by its id
    if (!t.isConnected && t.id) t = document.getElementById(t.id);
    if (!t || !t.isConnected) return;
    applyRules(t);
    var cancels = t.querySelectorAll(".app-confirm__cancel");
    for (var i = 0; i < cancels.length; i++) cancels[i].hidden = false;
    if (lostFocus() || t.querySelector("[aria-invalid=true]")) focusInto(t);
  });
})();
