// Preloaded (node --import) into a service process by bench/memory.js: prints the process's peak
// resident set (threads included) when it exits.
process.on("exit", () => process.stderr.write(`\nMAX_RSS_KB=${process.resourceUsage().maxRSS}\n`));
