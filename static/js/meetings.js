// The calendar page: a "copy the address" button (shown only where the clipboard works).
const button = document.getElementById("copy-feed");
const field = button && document.getElementById(button.dataset.target);
const status = document.getElementById("copy-status");
if (button && field && navigator.clipboard) {
  button.hidden = false;
  button.addEventListener("click", async () => {
    field.select();
    try {
      await navigator.clipboard.writeText(field.value);
      status.textContent = button.dataset.done;
    } catch {
      status.textContent = "";
    }
  });
}
if (field) {
  field.addEventListener("focus", () => field.select());
}
