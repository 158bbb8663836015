// Model throughput of this checkout against another one, interleaved in one process so the
// machine's drift cancels: `node bench/compare.js <other checkout> [scenario] [scenario for the other]`.
// The scenario defaults to the other checkout's hetao-weekday (a format both can read); give a second
// one when the formats differ (e.g. this checkout's own preset against the other's). ROUNDS=20.
// Both checkouts must be built (`tsc -b`). Prints crossings per CPU-second of each and the
// median (and quartiles) of the per-round ratio this/other.
import { fileURLToPath } from "node:url";
import { resolve } from "node:path";

const here = fileURLToPath(new URL("..", import.meta.url));
const [otherArg, scenarioArg, otherScenarioArg] = process.argv.slice(2);
if (!otherArg) {
  console.error("usage: node bench/compare.js <other checkout> [scenario] [scenario for the other checkout]");
  process.exit(2);
}
const other = resolve(otherArg);
const scenario = resolve(scenarioArg ?? `${other}/seeds/scenarios/hetao-weekday.yaml`);
const otherScenario = resolve(otherScenarioArg ?? scenario);

async function setup(repo, scenarioPath) {
  const { loadScenarioFile } = await import(`${repo}/packages/scenario/dist/index.js`);
  const { createExperiment, runReplication } = await import(`${repo}/packages/experiment/dist/index.js`);
  const { scenario } = await loadScenarioFile(scenarioPath);
  const spec = createExperiment(scenario, { replications: 50 });
  let r = 0;
  return () => {
    const res = runReplication(spec, 0, r++ % 50);
    return res.travellers * Object.keys(res.policies).length;
  };
}

const A = await setup(other, otherScenario);
const B = await setup(here, scenario);
for (let i = 0; i < 15; i++) A(), B(); // warm both up
const rounds = Number(process.env.ROUNDS ?? 20);
const ratios = [];
const total = { a: [0, 0], b: [0, 0] };
const measure = (f, acc) => {
  const t0 = process.cpuUsage();
  let n = 0;
  for (let k = 0; k < 5; k++) n += f();
  const u = process.cpuUsage(t0);
  acc[0] += n;
  acc[1] += u.user + u.system;
  return (u.user + u.system) / n;
};
for (let i = 0; i < rounds; i++) ratios.push(measure(A, total.a) / measure(B, total.b));
ratios.sort((x, y) => x - y);
const rate = ([n, us]) => Math.round((n / us) * 1e6);
console.log(`other (${other}) on ${otherScenario}: ${rate(total.a)} crossings/CPU-s`);
console.log(`this  (${here}) on ${scenario}: ${rate(total.b)} crossings/CPU-s`);
console.log(`this/other, median of ${rounds} rounds: ${ratios[rounds >> 1].toFixed(3)} (quartiles ${ratios[rounds >> 2].toFixed(3)}–${ratios[(3 * rounds) >> 2].toFixed(3)})`);
