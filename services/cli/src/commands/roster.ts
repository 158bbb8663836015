import { SCENARIO_LIMITS } from "@hetao/scenario";
import { availableParallelism } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { type Command, InvalidArgumentError } from "commander";
import type { RosterPolicy, RosterResult } from "@hetao/experiment";
import { CliError } from "../errors.js";
import { candidateRunner, loadScenarioForCli, searchOrCliError, stderrLog } from "./scenario-commands.js";
import { collectOption, integerOption } from "../options.js";

export interface RosterCommandOptions {
  policy?: string[];
  target?: string[];
  lanes?: string[];
  replications?: number;
  seed?: number;
  minServers?: number;
  maxServers?: number;
  maxChange?: number;
  periodHours?: number;
  start?: "erlang" | "scenario";
  all?: boolean;
  name?: string;
  title?: string;
  overlay?: string;
  out?: string;
  threads?: number;
  json?: boolean;
  quiet?: boolean;
}

export interface RosterOutcome {
  roster: RosterResult;
  rosterJsonText: string;
  overlayText: string;
  markdown: string;
  paths: string[];
}

function listOption(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(",").map((s) => s.trim()).filter((s) => s !== "")];
}

function startOption(value: string): "erlang" | "scenario" {
  if (value !== "erlang" && value !== "scenario") throw new InvalidArgumentError(`--start must be erlang or scenario, got "${value}"`);
  return value;
}

function num(x: number | null, digits = 4): string {
  return x === null ? "n/a" : String(Number(x.toPrecision(digits)));
}

type Windows = { from: string; to: string; servers: number }[];

/**
 * The overlay that applies the rosters: `extends` the scenario (a path relative to the overlay's folder)
 * and a top-level `rosters` (which replaces the parent's): the parent's own rosters with each rostered
 * policy's entry (`rosters.<policy>` of the search) in its place, written as YAML.
 */
export function rosterOverlay(
  result: RosterResult,
  scenarioPath: string,
  overlayDir: string,
  parentRosters: Record<string, Record<string, Windows>> = {},
  name?: string,
  title?: string,
): string {
  let parent = relative(resolve(overlayDir), resolve(scenarioPath));
  if (!parent.startsWith(".")) parent = `./${parent}`;
  const rosters: Record<string, Record<string, Windows>> = structuredClone(parentRosters);
  for (const p of result.policies) {
    for (const s of p.set) {
      const m = /^rosters\.(.+)$/.exec(s.path);
      if (m === null) throw new Error(`roster: unexpected edit path ${s.path}`);
      rosters[m[1]!] = s.value as Record<string, Windows>;
    }
  }
  const lines = [
    `# Rosters planned by hetao-sim roster: ${result.policies.map((p) => `${p.policy} ${p.officerHours} officer-hours`).join(", ")}.`,
    `# Targets: ${result.targets.map((t) => t.text).join(", ")}; ${result.replications} replications, seed ${result.seed}; ${result.periodHours === 1 ? "hourly" : `${result.periodHours}-hour`} periods.`,
    `# Made with: node services/cli/dist/main.js ${process.argv.slice(2).map((a) => (/^[\w./:=@,-]+$/.test(a) ? a : JSON.stringify(a))).join(" ")}`,
    `# Run it as it is: node services/cli/dist/main.js run <this file>`,
    `extends: ${JSON.stringify(parent)}`,
    `name: ${JSON.stringify(name ?? `${result.scenario}-roster`)}`,
    ...(title !== undefined ? [`title: ${JSON.stringify(title)}`] : []),
    "rosters:",
  ];
  for (const [policy, lanes] of Object.entries(rosters)) {
    lines.push(`  ${policy}:`);
    for (const [lane, windows] of Object.entries(lanes)) {
      lines.push(`    ${lane}:`);
      for (const w of windows) lines.push(`      - { from: "${w.from}", to: "${w.to}", servers: ${w.servers} }`);
    }
  }
  return `${lines.join("\n")}\n`;
}

async function policyTable(p: RosterPolicy): Promise<string> {
  const { textTable } = await import("@hetao/report");
  const hours = [...new Set(p.lanes.flatMap((l) => l.periods.map((x) => x.from)))].sort();
  const rows = p.lanes.map((l) => {
    const by = new Map(l.periods.map((x) => [x.from, x]));
    return [l.lane, ...hours.map((h) => (by.has(h) ? String(by.get(h)!.servers) : "·")), String(l.officerHours), String(l.scenarioOfficerHours)];
  });
  const demand = hours.map((h) => String(Math.round(p.lanes.reduce((a, l) => a + (l.periods.find((x) => x.from === h)?.demand ?? 0), 0))));
  rows.push(["demand (travellers)", ...demand, "", ""]);
  return textTable(["lane", ...hours.map((h) => h.slice(0, 2)), "officer-h", "scenario"], rows, ["l", ...hours.map(() => "r" as const), "r", "r"]);
}

/** The roster as terminal text (also the body of roster.md). */
export async function renderRoster(result: RosterResult, markdown = false): Promise<string> {
  const lines: string[] = [];
  const fence = (s: string) => (markdown ? ["```", s.trimEnd(), "```"].join("\n") : s.trimEnd());
  lines.push(`${markdown ? "# " : ""}roster ${result.scenario}: servers per ${result.periodHours === 1 ? "hour" : `${result.periodHours} hours`} meeting ${result.targets.map((t) => t.text).join(" and ")}`);
  lines.push("");
  lines.push(`${result.replications} replications, seed ${result.seed}, common random numbers across candidates; ${result.rule}.`);
  lines.push(`Method: ${result.method}.`);
  for (const s of result.skippedTargets) lines.push(`skipped ${s.target}: ${s.reason}`);
  if (markdown) {
    lines.push("");
    lines.push("![Servers by hour per lane group (step lines, one per policy) with demand per hour behind (grey bars, right-hand axis)](roster.svg)");
  }
  for (const p of result.policies) {
    lines.push("");
    lines.push(
      `${markdown ? "## " : ""}${p.policy}: ${p.officerHours} officer-hours (scenario ${p.scenarioOfficerHours}, Erlang-C start ${p.erlangOfficerHours}; simulated ${num(p.simulatedOfficerHours.mean)} [${num(p.simulatedOfficerHours.lower)}, ${num(p.simulatedOfficerHours.upper)}])` +
        `${p.feasible ? "" : " — NOT FEASIBLE"}`,
    );
    lines.push("");
    lines.push(fence(await policyTable(p)));
    lines.push("");
    lines.push(markdown ? "Margins (one-sided 95% bound beyond the target):" : "margins (one-sided 95% bound beyond the target):");
    for (const m of p.margins) {
      const t = m.tightest;
      lines.push(
        `${markdown ? "- " : "  "}${m.target}: day estimate ${num(m.day.estimate)}, bound ${num(m.day.bound)}, margin ${num(m.day.margin)}` +
          (t === null ? "" : `; tightest period ${t.period} estimate ${num(t.estimate)}, bound ${num(t.bound)}, margin ${num(t.margin)}`),
      );
    }
    const tp = p.tightest;
    lines.push(
      tp === null
        ? `${markdown ? "" : "  "}tightest period: none (no pledge-period with a lane above its floor)`
        : `${markdown ? "**Tightest period**: " : "  tightest period: "}${tp.period} ${tp.target} (margin ${num(tp.margin)}), lane ${tp.lane} at ${tp.servers} servers (utilisation ${num(tp.utilisation, 3)}): the first place to look before removing an officer-hour`,
    );
    lines.push("");
    lines.push(markdown ? "Search path:" : "search path:");
    const { textTable } = await import("@hetao/report");
    lines.push(
      fence(
        textTable(
          ["step", "action", "lane", "period", "servers", "officer-h", "result", "failed"],
          p.candidates.map((c) => [
            String(c.step),
            c.action,
            c.lane ?? "",
            c.period ?? "",
            c.servers === null ? "" : String(c.servers),
            String(c.officerHours),
            c.action === "trim" ? (c.kept ? "kept" : "undone") : c.pass ? "pass" : "fail",
            c.failed.slice(0, 3).map((f) => `${f.target}${f.period === null ? "" : `@${f.period}`}`).join(", ") + (c.failed.length > 3 ? ` +${c.failed.length - 3}` : ""),
          ]),
          ["r", "l", "l", "l", "r", "r", "l", "l"],
        ),
      ),
    );
    for (const n of p.notes) lines.push(`note: ${n}`);
  }
  if (result.comparisons.length > 0) {
    lines.push("");
    lines.push(markdown ? "## Officer-hours saved" : "officer-hours saved:");
    for (const c of result.comparisons) {
      const s = c.savedSimulated;
      lines.push(`${markdown ? "- " : "  "}${c.policy} vs ${c.baseline}: ${c.saved} rostered officer-hours saved; simulated (paired, 95%): ${num(s.mean)} [${num(s.lower)}, ${num(s.upper)}]`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/** `hetao-sim roster`: search → roster.json, roster-overlay.yaml, roster.md (with roster.svg, the chart) → table. */
export async function rosterCommand(scenarioPath: string, options: RosterCommandOptions): Promise<RosterOutcome> {
  const log = stderrLog(options.quiet);
  const { searchRoster, stableJson } = await import("@hetao/experiment");
  const { replaceFolderAtomically } = await import("../output.js");

  const loaded = await loadScenarioForCli(scenarioPath);
  const { scenario } = loaded;
  let policies: string[] | undefined = options.policy;
  if (options.all) policies = scenario.policies.map((p) => p.id);
  if (policies === undefined || policies.length === 0) {
    throw new CliError(`roster needs --policy <id> or --all (the scenario's policies: ${scenario.policies.map((p) => p.id).join(", ")})`);
  }
  const roster: RosterResult = await searchOrCliError(() =>
    searchRoster(
      scenario,
      {
        policies,
        ...(options.target !== undefined ? { targets: options.target } : {}),
        ...(options.lanes !== undefined ? { lanes: options.lanes } : {}),
        ...(options.replications !== undefined ? { replications: options.replications } : {}),
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
        ...(options.minServers !== undefined ? { minServers: options.minServers } : {}),
        ...(options.maxServers !== undefined ? { maxServers: options.maxServers } : {}),
        ...(options.maxChange !== undefined ? { maxChange: options.maxChange } : {}),
        ...(options.periodHours !== undefined ? { periodHours: options.periodHours } : {}),
        ...(options.start !== undefined ? { start: options.start } : {}),
        onCandidate: (policy, c) =>
          log(
            `${policy} candidate ${c.step} ${c.action}${c.lane !== null ? ` ${c.lane}@${c.period} → ${c.servers}` : ""}: ${c.officerHours} officer-hours, ${
              c.pass ? "pass" : `fail (${c.failed.length} checks)`
            }`,
          ),
      },
      candidateRunner(options.threads),
    ),
  );
  const outDir = options.out ?? join("reports", `${scenario.name}-roster`);
  const rosterJsonText = `${stableJson(roster)}\n`;
  const overlayPath = options.overlay ?? join(outDir, "roster-overlay.yaml");
  const overlayText = rosterOverlay(roster, scenarioPath, dirname(overlayPath), scenario.rosters, options.name, options.title);
  const markdown = await renderRoster(roster, true);
  const { rosterChart } = await import("@hetao/report");
  const svg = rosterChart(roster);
  const written = await replaceFolderAtomically(outDir, [
    { name: "roster.json", content: rosterJsonText },
    { name: "roster-overlay.yaml", content: overlayText },
    { name: "roster.md", content: markdown },
    { name: "roster.svg", content: svg },
  ]);
  if (written.replaced) log(`replaced the existing folder ${outDir} (its old files are gone)`);
  const paths = written.paths;
  if (options.overlay !== undefined) {
    const { writeFile, rename } = await import("node:fs/promises");
    const tmp = `${overlayPath}.tmp-${process.pid}`;
    await writeFile(tmp, overlayText);
    await rename(tmp, overlayPath);
    paths.push(resolve(overlayPath));
  }
  if (options.json) {
    process.stdout.write(rosterJsonText);
    log(`wrote ${paths.join(", ")}`);
  } else {
    process.stdout.write(await renderRoster(roster));
    process.stdout.write(`\nroster: ${paths.join(", ")}\nrun the roster: node services/cli/dist/main.js run ${options.overlay ?? join(dirname(paths[1]!), "roster-overlay.yaml")}\n`);
  }
  return { roster, rosterJsonText, overlayText, markdown, paths };
}

export function registerRoster(program: Command): void {
  program
    .command("roster")
    .description("officers per hour for each officer lane of a policy that meet every target with 95% confidence at the least officer-hours found; writes roster.json, roster-overlay.yaml, roster.md, roster.svg")
    .argument("<scenario>", "scenario file (.yaml, .yml or .json)")
    .option("--policy <id>", "repeatable or comma-separated: the policy to roster (several: each, compared with the first)", listOption)
    .option("--all", "roster every policy of the scenario against the same targets; officer-hours saved relative to the first")
    .option("--target <expr>", 'repeatable; all must hold: "<metric> <op> <value>" (as for plan) or pledge:<id>. Default: every pledge of the scenario (100% pledges skipped)', collectOption)
    .option("--lanes <ids>", "repeatable or comma-separated: the lanes or officer pools to roster (a pooled lane: its pool; default: every officer-staffed lane, pooled lanes as their pool)", listOption)
    .option("-r, --replications <n>", `replications per candidate, 2..${SCENARIO_LIMITS.replications} (default: the scenario's)`, integerOption("--replications", 2, SCENARIO_LIMITS.replications))
    .option("-s, --seed <seed>", "master random seed (default: the scenario's)", integerOption("--seed", 0))
    .option("--min-servers <n>", "fewest servers in a rostered period (default 1)", integerOption("--min-servers", 0, SCENARIO_LIMITS.serversPerLane))
    .option("--max-servers <n>", `most servers in a period, at most ${SCENARIO_LIMITS.serversPerLane} (default max(20, 2 × the lane's scenario count))`, integerOption("--max-servers", 1, SCENARIO_LIMITS.serversPerLane))
    .option("--max-change <n>", "largest change in servers between consecutive periods (default unlimited)", integerOption("--max-change", 1, SCENARIO_LIMITS.serversPerLane))
    .option("--period-hours <n>", "period length in hours (default 1)", integerOption("--period-hours", 1, 24))
    .option("--start <from>", "the search's start: erlang (per-period Erlang C, default) or scenario (its own counts: check and trim an existing roster)", startOption)
    .option("-o, --out <dir>", "output directory (default: reports/<scenario name>-roster)")
    .option("--overlay <file>", "also write the roster overlay to this file (its `extends` relative to it), e.g. a preset")
    .option("--name <slug>", "scenario name of the overlay (default: <scenario name>-roster)")
    .option("--title <text>", "scenario title of the overlay (default: the scenario's)")
    .option("-t, --threads <n>", `worker threads (default: ${availableParallelism()})`, integerOption("--threads", 1, 1024))
    .option("--json", "print roster.json to stdout instead of the table")
    .option("-q, --quiet", "no progress lines on stderr")
    .action(async (scenario: string, options: RosterCommandOptions) => {
      await rosterCommand(scenario, options);
    });
}
