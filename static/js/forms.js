// After a refused form, move focus to the error summary so keyboard and screen-reader users
// start where the problems are listed; each item links to its field.
const summary = document.querySelector(".error-summary");
if (summary) {
  summary.focus();
}
