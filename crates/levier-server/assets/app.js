// levier — progressive enhancement only: every page works without this script.
// A language <select> submits its form as soon as it changes; the button stays for keyboards
// and for browsers without JavaScript.
document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-autosubmit]");
  if (select && select.form) {
    select.form.requestSubmit();
  }
});
