// levier — progressive enhancement only: every page works without this script.
// A language <select> submits its form as soon as it changes; the button stays for keyboards
// and for browsers without JavaScript.
document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-autosubmit]");
  if (select && select.form) {
    select.form.requestSubmit();
  }
});

// A page showing something only once (a new API token's secret) answers a form's POST. Its
// history entry becomes a plain GET of the same address, so reloading it or coming back to it
// neither sends the form again (a second token) nor shows the secret again.
if (document.querySelector("[data-shown-once]")) {
  history.replaceState(null, "", location.href);
}
