import { initAll } from "../govuk/govuk-frontend.min.js";
import { initImportProgress } from "./import-progress.mjs";

initAll();
initImportProgress();
