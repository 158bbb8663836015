import { randomBytes } from "node:crypto";
import { mkdir, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * Writes files into dir: each to a temporary name, then renamed into place (readers never see half a
 * file). Temporary files of these names older than `staleMs` were left by a writer that died (a live
 * one renames within seconds, and holds its report job's lock, which expires after `staleMs`): removed.
 */
export async function writeAtomically(dir: string, files: { name: string; content: string | Uint8Array }[], staleMs: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  const tag = `${process.pid}.${randomBytes(4).toString("hex")}`;
  const temps = files.map((f) => join(dir, `.${f.name}.${tag}.tmp`));
  try {
    for (let i = 0; i < files.length; i++) await writeFile(temps[i]!, files[i]!.content);
    for (let i = 0; i < files.length; i++) await rename(temps[i]!, join(dir, files[i]!.name));
  } catch (err) {
    await Promise.all(temps.map((t) => rm(t, { force: true })));
    throw err;
  }
  const ours = new Set(files.map((f) => f.name));
  const leftovers = (await readdir(dir)).filter((entry) => {
    const m = /^\.(.+)\.\d+\.[0-9a-f]{8}\.tmp$/.exec(entry);
    return m !== null && ours.has(m[1]!);
  });
  const now = Date.now();
  for (const entry of leftovers) {
    const path = join(dir, entry);
    const info = await stat(path).catch(() => undefined);
    if (info && now - info.mtimeMs > staleMs) await rm(path, { force: true });
  }
}
