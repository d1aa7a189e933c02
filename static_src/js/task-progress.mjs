// Keeps a background task's progress bar current while the person watches, then shows the result.
// Loaded by the pages of tasks other than imports (a made document's page); the words come from the element:
//   <div data-module="app-task-progress" data-progress-url="…json" data-waiting-text="Waiting to start"
//        data-working-text="Making the PDF"> with a <progress> and a [data-progress-label] inside.
// The endpoint answers {"status", "progress", "active"}. Without JavaScript the page has a "Check progress"
// link instead; nothing refreshes by itself (WCAG 2.2.1).
const POLL_MILLISECONDS = 2000;

function initTaskProgress(root = document) {
  for (const element of root.querySelectorAll('[data-module="app-task-progress"]')) {
    const { progressUrl, waitingText, workingText } = element.dataset;
    const bar = element.querySelector("progress");
    const label = element.querySelector("[data-progress-label]");
    const poll = async () => {
      try {
        const response = await fetch(progressUrl, {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        });
        if (!response.ok) return;
        const state = await response.json();
        if (!state.active) {
          window.location.reload();
          return;
        }
        bar.value = state.progress;
        bar.textContent = `${state.progress}%`;
        label.textContent = `${state.status === "queued" ? waitingText : workingText}: ${state.progress}% done`;
      } catch {
        // A dropped connection is not the task failing: try again on the next tick.
      }
      window.setTimeout(poll, POLL_MILLISECONDS);
    };
    window.setTimeout(poll, POLL_MILLISECONDS);
  }
}

initTaskProgress();
