// Progressive enhancement only: every page works without this script.
import { initAll } from "./nhsuk-frontend.min.js";

initAll();
