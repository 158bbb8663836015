// Example outputs in README.md and docs/*.md come from real runs. A ```sh block followed (only blank
// lines between) by a plain ``` block is a command and what it printed on stdout; this module finds
// those pairs, runs the commands as written from the repository root, and normalises what truly varies
// between runs. test/docs-commands.test.ts compares each block with a run through the same functions;
// run as a script it rewrites the blocks:
//
//   node scripts/doc-outputs.mjs              # after npx tsc -b; rewrites every output block
//   node scripts/doc-outputs.mjs --check      # prints the drifted blocks, exits 1 if any, writes nothing
//   node scripts/doc-outputs.mjs --screenshot # also regenerates docs/img/report.png
//
// A note on the line just above an output's fence qualifies it:
//   <!-- output from "A" to "B" -->      the block is the excerpt from the first line starting with A to
//                                        the next starting with B (without `to`: up to the next blank line)
//   <!-- output not regenerated: why --> an excerpt of a long run (minutes): neither run nor compared
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** README.md and every docs/*.md, as paths from the repository root. */
export function docFiles() {
  return ["README.md", ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => `docs/${f}`)];
}

const SHELL = ["sh", "bash", "shell"];
const NOT_REGENERATED = /^<!--\s*output not regenerated:\s*(.*?)\s*-->$/;
const EXCERPT = /^<!--\s*output from "([^"]+)"(?: to "([^"]+)")?\s*-->$/;

/**
 * The fenced blocks of a Markdown text: language ("" for a plain fence), the 1-based line of the
 * opening fence, the body's lines, and the 0-based line indexes of both fences (for rewriting).
 */
export function fencedBlocks(text) {
  const lines = text.split("\n");
  const blocks = [];
  let open;
  lines.forEach((raw, i) => {
    const fence = /^```(\w*)/.exec(raw);
    if (fence === null) return;
    if (open === undefined) open = { lang: fence[1], line: i + 1, start: i };
    else {
      blocks.push({ ...open, end: i, body: lines.slice(open.start + 1, i) });
      open = undefined;
    }
  });
  return blocks;
}

/** The command lines of a shell block's body, continuations joined, comments and blank lines dropped; `line` is 1-based in the file. */
export function blockCommands(block) {
  const out = [];
  let pending;
  block.body.forEach((raw, k) => {
    const text = raw.trim();
    if (pending !== undefined) pending.text += ` ${text}`;
    else if (text !== "" && !text.startsWith("#")) pending = { line: block.start + k + 2, text };
    else return;
    if (pending.text.endsWith("\\")) pending.text = pending.text.slice(0, -1).trimEnd();
    else {
      out.push(pending);
      pending = undefined;
    }
  });
  return out;
}

/**
 * The command + output pairs of a file: a shell block, then (blank lines and at most a
 * not-regenerated note between) a plain block. `outputLine` is the 1-based line of the output's fence.
 */
export function outputPairs(file, text = readFileSync(join(ROOT, file), "utf8")) {
  const lines = text.split("\n");
  const blocks = fencedBlocks(text);
  const pairs = [];
  for (let b = 0; b + 1 < blocks.length; b++) {
    const [cmd, out] = [blocks[b], blocks[b + 1]];
    if (!SHELL.includes(cmd.lang) || out.lang !== "") continue;
    const between = lines.slice(cmd.end + 1, out.start).map((l) => l.trim()).filter((l) => l !== "");
    const note = between[0] ?? "";
    if (between.length > 1 || (between.length === 1 && !NOT_REGENERATED.test(note) && !EXCERPT.test(note))) continue;
    const excerpt = EXCERPT.exec(note);
    pairs.push({
      file,
      line: cmd.line,
      outputLine: out.line,
      commands: blockCommands(cmd).map((c) => c.text),
      output: out.body.join("\n"),
      notRegenerated: NOT_REGENERATED.exec(note)?.[1],
      excerpt: excerpt === null ? undefined : { from: excerpt[1], to: excerpt[2] },
      outputStart: out.start,
      outputEnd: out.end,
    });
  }
  return pairs;
}

/**
 * What varies between runs of the same command and seed, replaced by fixed placeholders (in the docs
 * and in the comparison alike): wall-clock durations, temporary paths, the tool's version. Trailing
 * blanks are dropped (editors strip them). Tables and numbers are deterministic and stay as printed.
 */
export function normaliseOutput(text) {
  return text
    .replace(/\b(in|took|after) \d+(?:\.\d+)? ?(?:ms|s|min)\b/g, "$1 <duration>")
    .replace(/(?:\/tmp|\/var\/folders)\/[^\s'"`)]+/g, "<tmp>")
    .replace(/\bhetao-sim v?\d+\.\d+\.\d+\S*/g, "hetao-sim <version>")
    .split("\n")
    .map((l) => l.trimEnd())
    .join("\n")
    .replace(/\n+$/, "");
}

/**
 * What a pair's block shows of the command's stdout: all of it, or the excerpt its note names. Throws
 * when the excerpt's first line is not in the output (the note no longer fits the command).
 */
export function shownOutput(pair, stdout) {
  if (pair.excerpt === undefined) return stdout;
  const lines = stdout.split("\n");
  const start = lines.findIndex((l) => l.startsWith(pair.excerpt.from));
  if (start < 0) throw new Error(`${pair.file}:${pair.outputLine}: no line of the output starts with "${pair.excerpt.from}"`);
  const stop = pair.excerpt.to === undefined ? (l) => l.trim() === "" : (l) => l.startsWith(pair.excerpt.to);
  const end = lines.findIndex((l, i) => i > start && stop(l));
  if (end < 0 && pair.excerpt.to !== undefined) throw new Error(`${pair.file}:${pair.outputLine}: no line after "${pair.excerpt.from}" starts with "${pair.excerpt.to}"`);
  return lines.slice(start, end < 0 ? undefined : pair.excerpt.to === undefined ? end : end + 1).join("\n");
}

/** Runs a pair's command lines in turn, as written, in sh from the repository root; resolves to their stdout. Rejects on a non-zero exit, with stderr. */
export function runCommands(commands) {
  return new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", commands.join("\n")], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s) => (stderr += s));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${commands.join(" && ")} exited ${code}: ${stderr.slice(-2000)}`))));
  });
}

/** One run per distinct command text: the README and docs/ show some examples twice. */
export function memoisedRunner() {
  const runs = new Map();
  return (commands) => {
    const key = commands.join("\n");
    if (!runs.has(key)) runs.set(key, runCommands(commands));
    return runs.get(key);
  };
}

/** The file's text with each pair's output block replaced by `outputs[i]` (normalised), in `pairs` order. */
export function rewriteOutputs(text, pairs, outputs) {
  const lines = text.split("\n");
  // From the last block up, so earlier line indexes stay valid.
  pairs
    .map((p, i) => [p, outputs[i]])
    .filter(([, o]) => o !== undefined)
    .sort(([a], [b]) => b.outputStart - a.outputStart)
    .forEach(([p, o]) => lines.splice(p.outputStart + 1, p.outputEnd - p.outputStart - 1, ...normaliseOutput(o).split("\n")));
  return lines.join("\n");
}

async function main(args) {
  const check = args.includes("--check");
  const run = memoisedRunner();
  let drifted = 0;
  for (const file of docFiles()) {
    const text = readFileSync(join(ROOT, file), "utf8");
    const pairs = outputPairs(file, text);
    if (pairs.length === 0) continue;
    const outputs = [];
    for (const p of pairs) {
      if (p.notRegenerated !== undefined) {
        process.stderr.write(`${file}:${p.outputLine}: not regenerated (${p.notRegenerated})\n`);
        outputs.push(undefined);
        continue;
      }
      process.stderr.write(`${file}:${p.line}: ${p.commands.join(" && ").slice(0, 100)}\n`);
      const out = shownOutput(p, await run(p.commands));
      if (normaliseOutput(out) !== normaliseOutput(p.output)) {
        drifted++;
        process.stderr.write(`${file}:${p.outputLine}: ${check ? "drifted" : "rewritten"}\n`);
      }
      outputs.push(out);
    }
    const next = rewriteOutputs(text, pairs, outputs);
    if (!check && next !== text) writeFileSync(join(ROOT, file), next);
  }
  if (args.includes("--screenshot")) {
    const shot = spawnSync(process.execPath, [join(ROOT, "packages/report/scripts/readme-screenshot.mjs")], { cwd: ROOT, stdio: "inherit" });
    if (shot.status !== 0) process.exitCode = 1;
  }
  if (check && drifted > 0) process.exitCode = 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main(process.argv.slice(2));
