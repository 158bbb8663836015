/**
 * Every command in the README and docs/ runs as written on a fresh machine after the two setup
 * commands: each line of a ```sh block is checked. The CLI is `node services/cli/dist/main.js` (a bare
 * `hetao-sim` or `pnpm` is not on the PATH there; pnpm is `npx -y pnpm@10`); each CLI invocation is
 * parsed by the real command-line program with every action replaced by a no-op, so an unknown
 * command, option or bad option value fails here, and each file it names under seeds/ exists.
 * Synopses (`hetao-sim plan SCENARIO …`) live in ```text blocks, which are not commands.
 *
 * A command block followed by a plain ``` block shows what it prints: those commands really run (once
 * each; the README and docs/sweeps-and-plans.md share some) and their stdout, normalised, must be the
 * block. `node scripts/doc-outputs.mjs` regenerates the blocks with the same functions.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createProgram } from "../services/cli/dist/program.js";
import { blockCommands, docFiles, fencedBlocks, memoisedRunner, normaliseOutput, outputPairs, shownOutput } from "../scripts/doc-outputs.mjs";
import { ROOT } from "./helpers/fleet.js";

const CLI = ["node", "services/cli/dist/main.js"];
const DOCS = docFiles();

interface DocCommand {
  file: string;
  line: number;
  text: string;
}

/** The command lines of every ```sh / ```bash / ```shell block, continuations joined (scripts/doc-outputs.mjs reads the blocks for both). */
export function shellCommands(file: string): DocCommand[] {
  return fencedBlocks(readFileSync(join(ROOT, file), "utf8"))
    .filter((b) => ["sh", "bash", "shell"].includes(b.lang))
    .flatMap((b) => blockCommands(b).map((c) => ({ file, line: c.line, text: c.text })));
}

/** POSIX-ish word splitting: quotes, comments, and the operators ; && || | & > >> 2> < as words of their own. */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let i = 0;
  const push = () => {
    if (word !== null) words.push(word);
    word = null;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) throw new Error(`unterminated quote in: ${text}`);
      word = (word ?? "") + text.slice(i + 1, end);
      i = end + 1;
    } else if (c === " " || c === "\t") {
      push();
      i++;
    } else if (c === "#" && word === null) {
      break;
    } else {
      const op = /^(&&|\|\||>>|2>&1|2>|;|\||&|>|<)/.exec(text.slice(i))?.[0];
      if (op !== undefined) {
        push();
        words.push(op);
        i += op.length;
      } else {
        word = (word ?? "") + c;
        i++;
      }
    }
  }
  push();
  return words;
}

/** The simple commands of a line: split at ; && || | &, redirections and their targets dropped, VAR=x prefixes dropped. */
export function simpleCommands(words: readonly string[]): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  for (let k = 0; k < words.length; k++) {
    const w = words[k]!;
    if ([";", "&&", "||", "|", "&"].includes(w)) {
      if (current.length > 0) out.push(current);
      current = [];
    } else if ([">", ">>", "2>", "<"].includes(w)) {
      k++;
    } else if (w === "2>&1") {
      continue;
    } else if (current.length === 0 && /^[A-Z_][A-Z0-9_]*=/.test(w)) {
      continue;
    } else {
      current.push(w);
    }
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** Parses `args` with the real program, every action a no-op; returns the error text, or "" when it parses. */
async function parseOnly(args: readonly string[]): Promise<string> {
  const program = createProgram();
  let errors = "";
  type Command = ReturnType<typeof createProgram>;
  const quiet = (c: Command) => {
    c.exitOverride();
    c.configureOutput({ writeErr: (s) => (errors += s), writeOut: () => {} });
    c.action(() => {});
    for (const sub of c.commands) quiet(sub);
  };
  quiet(program);
  try {
    await program.parseAsync(["node", "hetao-sim", ...args]);
    return "";
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "commander.helpDisplayed" || code === "commander.version") return "";
    return errors || (err instanceof Error ? err.message : String(err));
  }
}

const commands = DOCS.flatMap(shellCommands);

/**
 * Command lines outside ```sh blocks: inline `code` spans and lines of ```text blocks (synopses) that
 * start with `hetao-sim <command>` and go on with an argument (a bare `hetao-sim run` or
 * `hetao-sim run --redis` names a command; `hetao-sim run SCENARIO …` is a command line). ASCII
 * diagrams (box-drawing characters) are pictures, not command lines.
 */
export function bareCommandLines(file: string): DocCommand[] {
  const lines = readFileSync(join(ROOT, file), "utf8").split("\n");
  const out: DocCommand[] = [];
  let fence: string | null = null;
  const isCommandLine = (text: string) => {
    const words = text.trim().split(/\s+/);
    return words[0] === "hetao-sim" && words.length >= 3 && (words.length > 3 || !words[2]!.startsWith("-")) && !/[\u2500-\u257f]/.test(text);
  };
  lines.forEach((raw, i) => {
    const f = /^```(\w*)/.exec(raw);
    if (f !== null) {
      fence = fence === null ? f[1]! : null;
      return;
    }
    if (fence !== null) {
      if (fence === "text" && isCommandLine(raw)) out.push({ file, line: i + 1, text: raw.trim() });
      return;
    }
    for (const m of raw.matchAll(/`([^`]+)`/g)) if (isCommandLine(m[1]!)) out.push({ file, line: i + 1, text: m[1]! });
  });
  return out;
}

describe("commands in the README and docs/ run as written", () => {
  it("finds the README's two setup commands and the CLI examples", () => {
    const readme = commands.filter((c) => c.file === "README.md").map((c) => c.text);
    expect(readme[0]).toBe("npx -y pnpm@10 install && npx -y pnpm@10 demo");
    expect(readme[1]).toBe("npx -y pnpm@10 install && npx -y pnpm@10 test");
    expect(commands.filter((c) => c.text.includes(CLI.join(" "))).length).toBeGreaterThan(15);
  });

  it("writes command lines in prose and synopses in the README's form too (node services/cli/dist/main.js, never a bare hetao-sim)", () => {
    expect(DOCS.flatMap(bareCommandLines).map((c) => `${c.file}:${c.line}: ${c.text}`)).toEqual([]);
    // The detector finds what it is for.
    expect(bareCommandLines("test/fixtures/bare-commands.md").map((c) => c.text)).toEqual(["hetao-sim run SCENARIO --trace x.parquet", "hetao-sim plan SCENARIO --policy ID"]);
  });

  for (const c of commands) {
    it(`${c.file}:${c.line}: ${c.text.slice(0, 90)}`, async () => {
      for (const words of simpleCommands(shellWords(c.text))) {
        const [first, second] = words;
        expect(first, "hetao-sim is not on the PATH: write node services/cli/dist/main.js").not.toBe("hetao-sim");
        expect(first, "pnpm is not on the PATH after the setup commands: write npx -y pnpm@10").not.toBe("pnpm");
        if (first === "npx") expect(words.slice(0, 3), "pnpm through npx, pinned to 10").toEqual(["npx", "-y", "pnpm@10"]);
        if (first === "npx" && !["install", "demo", "test", "build", "bench", "-s"].includes(words[3] ?? "")) {
          throw new Error(`npx -y pnpm@10 ${words[3]}: not a script of package.json (demo, test, build, bench)`);
        }
        if (first === CLI[0] && second === CLI[1]) {
          expect(await parseOnly(words.slice(2)), `${words.join(" ")}`).toBe("");
          for (const w of words.slice(2)) if (w.startsWith("seeds/")) expect(existsSync(join(ROOT, w)), `${w} exists`).toBe(true);
        } else if (first === "node") {
          expect(existsSync(join(ROOT, second ?? "")) || (second ?? "").startsWith("services/") || (second ?? "").startsWith("packages/"), `${second} is a file of the repository`).toBe(true);
        }
      }
    });
  }
});

describe("example outputs in the README and docs/ are what their commands print", () => {
  const pairs = DOCS.flatMap((f) => outputPairs(f));
  const run = memoisedRunner();

  it("finds the command + output pairs, and only the roster search is not regenerated", async () => {
    expect(pairs.filter((p) => p.notRegenerated === undefined).map((p) => `${p.file}: ${p.commands[0]!.split(" ")[2]}`)).toEqual([
      "README.md: run",
      "README.md: plan",
      "docs/sweeps-and-plans.md: run",
      "docs/sweeps-and-plans.md: plan",
      "docs/sweeps-and-plans.md: plan",
      "docs/sweeps-and-plans.md: capacity",
    ]);
    expect(pairs.filter((p) => p.notRegenerated !== undefined).map((p) => p.commands[0]!.split(" ").slice(2, 4).join(" "))).toEqual(["roster seeds/scenarios/hetao-layout.yaml"]);
    // The detector finds what it is for (and leaves a command followed by prose alone).
    const fixture = outputPairs("test/fixtures/doc-outputs.md");
    expect(fixture.map((p) => [p.line, p.outputLine, p.commands, p.excerpt, p.notRegenerated])).toEqual([
      [1, 7, ["echo one", "echo two three"], undefined, undefined],
      [12, 18, ["printf 'a\\nb\\n\\nc\\n'"], { from: "b", to: undefined }, undefined],
      [22, 28, ["sleep 600"], undefined, "too slow"],
    ]);
    // The excerpt is the paragraph from the line the note names; the full output is compared otherwise.
    expect(shownOutput(fixture[1]!, await run(fixture[1]!.commands))).toBe("b");
    expect(normaliseOutput(shownOutput(fixture[0]!, await run(fixture[0]!.commands)))).toBe(normaliseOutput(fixture[0]!.output));
  });

  it("normalises what varies between runs (durations, temporary paths, the version) and nothing else", () => {
    expect(normaliseOutput("done in 12.5 s; wrote /tmp/hetao-x1/report.json  \nhetao-sim 0.1.0\n\n")).toBe("done in <duration>; wrote <tmp>\nhetao-sim <version>");
    expect(normaliseOutput("1     uniform  counter=4      4        1:22 ± 0:21         1:39   -1:14    fail")).toBe("1     uniform  counter=4      4        1:22 ± 0:21         1:39   -1:14    fail");
  });

  for (const p of pairs) {
    if (p.notRegenerated !== undefined) continue;
    it(`${p.file}:${p.outputLine}: the output of ${p.commands.join(" && ").slice(0, 80)}`, { timeout: 900_000 }, async () => {
      const shown = normaliseOutput(shownOutput(p, await run(p.commands)));
      // Expected: the block in the docs; received: what the command prints now.
      expect(shown, `${p.file}:${p.outputLine}: the example output drifted from what the command prints; node scripts/doc-outputs.mjs regenerates it`).toBe(normaliseOutput(p.output));
    });
  }
});
