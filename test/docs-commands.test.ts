/**
 * Every command in the README and docs/ runs as written on a fresh machine after the two setup
 * commands: each line of a ```sh block is checked. The CLI is `node services/cli/dist/main.js` (a bare
 * `hetao-sim` or `pnpm` is not on the PATH there; pnpm is `npx -y pnpm@10`); each CLI invocation is
 * parsed by the real command-line program with every action replaced by a no-op, so an unknown
 * command, option or bad option value fails here, and each file it names under seeds/ exists.
 * Synopses (`hetao-sim plan SCENARIO …`) live in ```text blocks, which are not commands.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createProgram } from "../services/cli/dist/program.js";
import { ROOT } from "./helpers/fleet.js";

const CLI = ["node", "services/cli/dist/main.js"];
const DOCS = ["README.md", ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

interface DocCommand {
  file: string;
  line: number;
  text: string;
}

/** The command lines of every ```sh / ```bash / ```shell block, continuations joined. */
export function shellCommands(file: string): DocCommand[] {
  const lines = readFileSync(join(ROOT, file), "utf8").split("\n");
  const out: DocCommand[] = [];
  let inShell = false;
  let inFence = false;
  let pending: DocCommand | undefined;
  lines.forEach((raw, i) => {
    const fence = /^```(\w*)/.exec(raw);
    if (fence !== null) {
      if (!inFence) {
        inFence = true;
        inShell = ["sh", "bash", "shell"].includes(fence[1]!);
      } else {
        inFence = false;
        inShell = false;
      }
      return;
    }
    if (!inShell) return;
    const text = raw.trimEnd();
    if (pending !== undefined) pending.text += ` ${text.trim()}`;
    else if (text.trim() !== "" && !text.trim().startsWith("#")) pending = { file, line: i + 1, text: text.trim() };
    else return;
    if (pending.text.endsWith("\\")) pending.text = pending.text.slice(0, -1).trimEnd();
    else {
      out.push(pending);
      pending = undefined;
    }
  });
  return out;
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
