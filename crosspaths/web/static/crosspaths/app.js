// Behaviour every page shares, kept out of the HTML so the Content-Security-Policy
// can forbid inline script: a <select data-submit-on-change> sends its form when changed
// (the language switcher; without JavaScript its <noscript> button does it).
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-submit-on-change")) {
    field.form?.requestSubmit();
  }
});
