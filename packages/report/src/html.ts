/** The HTML report: see html/page.ts (one module per job under html/). */
export { renderHtml, MAX_CHARTED_POINTS } from "./html/page.js";
