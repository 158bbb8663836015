import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

export interface OutputFile {
  name: string;
  /** Text (written as UTF-8) or bytes (e.g. Parquet). */
  content: string | Uint8Array;
}

/**
 * Writes files into `dir` atomically: each goes to a temporary file in the same directory first and
 * is renamed into place only when all were written, so a failure leaves no partial output (and a
 * directory this call created is removed again).
 */
export async function writeFilesAtomically(dir: string, files: readonly OutputFile[]): Promise<string[]> {
  const created = await mkdir(dir, { recursive: true });
  const temps: string[] = [];
  try {
    for (const f of files) {
      const tmp = join(dir, `.${f.name}.${process.pid}.tmp`);
      temps.push(tmp);
      await writeFile(tmp, f.content, "utf8");
    }
    const finals: string[] = [];
    for (let i = 0; i < files.length; i++) {
      const target = join(dir, files[i]!.name);
      await rename(temps[i]!, target);
      finals.push(target);
    }
    return finals;
  } catch (err) {
    await Promise.all(temps.map((t) => rm(t, { force: true })));
    if (created !== undefined) await rm(created, { recursive: true, force: true });
    throw err;
  }
}

/** Writes one file atomically (temporary file in the same directory, then rename). */
export async function writeFileAtomically(path: string, content: string | Uint8Array): Promise<void> {
  await writeFilesAtomically(dirname(path) || ".", [{ name: basename(path), content }]);
}
