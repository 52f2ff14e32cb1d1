// After a refused form, move focus to the error summary so keyboard and screen-reader users
// start where the problems are listed; each item links to its field.
const summary = document.querySelector(".error-summary");
if (summary) {
  summary.focus();
}

// Length limits: the field's counter says how many characters are left ("x tecken kvar").
// The visible text follows every keystroke; the screen-reader announcement (aria-live) is
// only made near the limit and once per step, so typing is not talked over. A line break
// counts once, as the server counts it (browsers send it as CRLF), and characters are
// counted as the server does (code points, not UTF-16 units).
function length(text) {
  return [...text.replace(/\r\n/g, "\n")].length;
}

function watch(field) {
  const counter = document.getElementById(field.dataset.counter);
  if (!counter) return;
  const limit = Number(field.dataset.limit);
  const near = Number(counter.dataset.announceNear);
  const text = counter.querySelector(".char-count-text");
  const live = counter.querySelector(".char-count-live");
  let announced = null;
  const update = () => {
    const left = limit - length(field.value);
    const words =
      left >= 0
        ? counter.dataset.left.replace("{n}", left)
        : counter.dataset.over.replace("{n}", -left);
    text.textContent = words;
    counter.classList.toggle("char-count-over", left < 0);
    // announce at the limit's last tenth, then every tenth of that, and when it is passed
    const step = left < 0 ? "over" : left <= near ? Math.ceil(left / Math.max(1, near / 2)) : null;
    if (step !== announced) {
      announced = step;
      live.textContent = step === null ? "" : words;
    }
  };
  field.addEventListener("input", update);
  update();
}

document.querySelectorAll("[data-counter]").forEach(watch);

// The app's own file picker (templates/macros/forms.html): show the chosen file's name.
for (const input of document.querySelectorAll("input.file-input[data-file-name]")) {
  const name = document.getElementById(input.dataset.fileName);
  input.addEventListener("change", () => {
    name.textContent = input.files[0]?.name || name.dataset.none;
  });
}
