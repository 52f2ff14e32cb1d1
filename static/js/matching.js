// The matching page while a run is queued or running: ask for its state every second, show it
// in the progress bar and the live label (read out politely, only when it changes), and load
// the page again, with the run's results, once it has finished. The state is in the database,
// so leaving and coming back picks it up where it is.
const region = document.querySelector("[data-run-status]");

if (region && region.hasAttribute("data-run-active")) {
  const bar = region.querySelector("progress");
  const label = region.querySelector("[data-run-label]");

  const poll = async () => {
    try {
      const response = await fetch(region.dataset.runStatus, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        cache: "no-store",
      });
      if (response.ok) {
        const state = await response.json();
        if (state.finished) {
          window.location.assign(region.dataset.runDone);
          return;
        }
        if (bar) {
          bar.max = state.total;
          bar.value = state.done;
        }
        if (label && label.textContent !== state.label) label.textContent = state.label;
      }
    } catch {
      // the network dropped for a moment: ask again at the next tick
    }
    window.setTimeout(poll, 1000);
  };

  window.setTimeout(poll, 1000);
}
