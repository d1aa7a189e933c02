// Keeps an import's progress bar current while the person watches, then shows the result.
// Without JavaScript the page has a "Check progress" link instead; nothing refreshes by itself.
const POLL_MILLISECONDS = 2000;

export function initImportProgress(root = document) {
  for (const element of root.querySelectorAll('[data-module="app-import-progress"]')) {
    const url = element.dataset.progressUrl;
    const bar = element.querySelector("progress");
    const label = element.querySelector("[data-progress-label]");
    const poll = async () => {
      try {
        const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
        if (!response.ok) return;
        const state = await response.json();
        if (!state.active) {
          window.location.reload();
          return;
        }
        bar.value = state.progress;
        bar.textContent = `${state.progress}%`;
        label.textContent = `${state.status === "queued" ? "Waiting to start" : "Importing"}: ${state.progress}% done`;
      } catch {
        // A dropped connection is not the import failing: try again on the next tick.
      }
      window.setTimeout(poll, POLL_MILLISECONDS);
    };
    window.setTimeout(poll, POLL_MILLISECONDS);
  }
}
