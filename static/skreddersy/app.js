// The product's own script. The Content-Security-Policy allows scripts from our static files
// only (no inline script, no inline event handlers, no eval), so behaviour is bound here.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
});
