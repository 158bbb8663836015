/** The tool version recorded in reports submitted through the fleet (kept equal to the CLI's). */
export const TOOL_VERSION = "0.1.0";
