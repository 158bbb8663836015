// One case of bench/memory.js, in a process of its own so that its peak resident set is its alone:
//   node bench/memory-case.js <embedded|fleet> <scenario.yaml> <replications> [seed]
// Runs the experiment as `hetao-sim run` does (results fed to a ReportAccumulator as they arrive,
// then the report bundle rendered) and prints one JSON line: the peak RSS once every result is merged
// and after the report files are rendered, in KiB, and the report.json's sha256.
import { createHash } from "node:crypto";
import { EmbeddedRunner } from "../services/cli/dist/index.js";
import { ReportAccumulator, createExperiment } from "../packages/experiment/dist/index.js";
import { ExperimentStore, FleetRunner, TOOL_VERSION, configFromEnv, createRedis } from "../packages/messaging/dist/index.js";
import { renderReportFiles } from "../packages/report/dist/index.js";
import { loadScenarioFile } from "../packages/scenario/dist/index.js";

const [transport, file, n, seed = "11"] = process.argv.slice(2);
const { scenario, digest } = await loadScenarioFile(file);
const spec = createExperiment(scenario, { replications: Number(n), seed: Number(seed) });
const accumulator = new ReportAccumulator(spec);
const config = transport === "fleet" ? configFromEnv("client", process.env) : undefined;
const runner = config !== undefined ? new FleetRunner(config, { toolVersion: TOOL_VERSION, pollMs: 200 }) : new EmbeddedRunner({ threads: 2 });
const t0 = performance.now();
await runner.run(spec, () => {}, (r) => accumulator.add(r));
await runner.close?.();
const merged = process.resourceUsage().maxRSS;
const seconds = (performance.now() - t0) / 1000;
const files = renderReportFiles(accumulator.finish({ scenarioDigest: digest, toolVersion: TOOL_VERSION }));
const json = files.find((f) => f.name === "report.json").content;
process.stdout.write(
  `${JSON.stringify({ merged, total: process.resourceUsage().maxRSS, seconds, sha256: createHash("sha256").update(json).digest("hex"), reportBytes: json.length })}\n`,
);
if (config !== undefined) {
  // The metrics worker writes its copy after the last result: wait for it, so that its peak is measured.
  const redis = createRedis(config, "producer", "bench-memory");
  const store = new ExperimentStore(redis, config.queuePrefix, { retentionHours: config.experimentRetentionHours });
  while ((await store.status(runner.submission.id))?.state !== "completed") await new Promise((r) => setTimeout(r, 200));
  redis.disconnect();
}
process.exit(0);
