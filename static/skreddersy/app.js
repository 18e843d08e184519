// The product's own script. The Content-Security-Policy allows scripts from our static files
// only (no inline script, no inline event handlers, no eval), so behaviour is bound here.
// - [data-print]: a button that prints the page (letters, exports).
// - [data-confirm="question"] on a submit button: asks the question first and submits only on
//   yes (the server does the same without it; the question only guards against a slip).
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-print]");
  if (button) {
    event.preventDefault();
    window.print();
    return;
  }
  var asking = event.target.closest && event.target.closest("[data-confirm]");
  if (asking && !window.confirm(asking.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});
