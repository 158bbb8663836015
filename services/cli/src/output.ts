import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
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

/** What {@link replaceFolderAtomically} did. */
export interface FolderWrite {
  paths: string[];
  /** An existing folder of that name was replaced (its old contents are gone, stale files included). */
  replaced: boolean;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Writes an output folder as a whole: the files go to a new sibling folder first; when all were
 * written, an existing folder of that name is renamed aside, the new one renamed into its place and
 * only then the old one removed. A failure leaves the old folder as it was, and no file of an earlier
 * run survives beside the new ones. A folder that does not exist yet is written as by
 * {@link writeFilesAtomically}.
 */
export async function replaceFolderAtomically(dir: string, files: readonly OutputFile[]): Promise<FolderWrite> {
  if (!(await isDirectory(dir))) return { paths: await writeFilesAtomically(dir, files), replaced: false };
  const parent = dirname(dir);
  const name = basename(dir);
  const fresh = join(parent, `.${name}.new-${process.pid}`);
  const old = join(parent, `.${name}.old-${process.pid}`);
  await rm(fresh, { recursive: true, force: true });
  await writeFilesAtomically(fresh, files);
  try {
    await rename(dir, old);
  } catch (err) {
    await rm(fresh, { recursive: true, force: true });
    throw err;
  }
  try {
    await rename(fresh, dir);
  } catch (err) {
    await rename(old, dir);
    await rm(fresh, { recursive: true, force: true });
    throw err;
  }
  await rm(old, { recursive: true, force: true });
  return { paths: files.map((f) => join(dir, f.name)), replaced: true };
}
