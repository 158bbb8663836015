/**
 * The CJK glyphs a report uses, embedded in it: the HTML carries a subset of Noto Sans TC (SIL Open
 * Font License; from the npm package @expo-google-fonts/noto-sans-tc) holding only the CJK characters
 * on the page, so 兩地兩檢 and 無感通關 read the same offline on a machine without CJK fonts.
 *
 * Subsetting is HarfBuzz's hb-subset (the npm package harfbuzzjs, the engine behind subset-font),
 * instantiated synchronously so rendering stays a pure synchronous function; the subset is wrapped as
 * WOFF 1.0 (tables compressed with zlib) and embedded as a data: URL. Deterministic: the same
 * characters give the same bytes.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { deflateSync } from "node:zlib";

const require = createRequire(import.meta.url);

/** The family name the page's CSS uses for the embedded subset. */
export const CJK_FAMILY = "Hetao CJK";

/** CJK punctuation, kana, ideographs, compatibility ideographs and full-width forms. */
const CJK = /[\u2E80-\u2FFF\u3000-\u30FF\u3100-\u31FF\u3200-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFFEF]/gu;

/** The distinct CJK characters of a text, sorted by code point. */
export function cjkCharacters(text: string): string[] {
  return [...new Set(text.match(CJK) ?? [])].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
}

/** The part of the WebAssembly global this module uses (the project's lib settings do not declare it). */
interface Wasm {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const wasmApi = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;

interface HarfBuzz {
  memory: { buffer: ArrayBuffer };
  malloc(n: number): number;
  free(p: number): void;
  hb_blob_create(data: number, length: number, mode: number, user: number, destroy: number): number;
  hb_blob_destroy(b: number): void;
  hb_blob_get_data(b: number, length: number): number;
  hb_blob_get_length(b: number): number;
  hb_face_create(blob: number, index: number): number;
  hb_face_destroy(f: number): void;
  hb_face_reference_blob(f: number): number;
  hb_subset_input_create_or_fail(): number;
  hb_subset_input_destroy(i: number): void;
  hb_subset_input_unicode_set(i: number): number;
  hb_set_add(s: number, c: number): void;
  hb_subset_or_fail(face: number, input: number): number;
  _initialize(): void;
}

let engine: { hb: HarfBuzz; face: number } | undefined;

function load(): { hb: HarfBuzz; face: number } {
  if (engine !== undefined) return engine;
  const wasm = readFileSync(require.resolve("harfbuzzjs/dist/harfbuzz-subset.wasm"));
  const hb = new wasmApi.Instance(new wasmApi.Module(wasm), {}).exports as unknown as HarfBuzz;
  hb._initialize();
  const font = readFileSync(require.resolve("@expo-google-fonts/noto-sans-tc/400Regular/NotoSansTC_400Regular.ttf"));
  const ptr = hb.malloc(font.byteLength);
  new Uint8Array(hb.memory.buffer).set(font, ptr);
  const blob = hb.hb_blob_create(ptr, font.byteLength, 2 /* writable */, 0, 0);
  const face = hb.hb_face_create(blob, 0);
  hb.hb_blob_destroy(blob);
  engine = { hb, face };
  return engine;
}

/** A TrueType subset of Noto Sans TC with the given characters (and what shaping them needs). */
export function subsetTtf(chars: readonly string[]): Buffer {
  const { hb, face } = load();
  const input = hb.hb_subset_input_create_or_fail();
  if (input === 0) throw new Error("hb_subset_input_create_or_fail failed");
  const unicodes = hb.hb_subset_input_unicode_set(input);
  for (const c of chars) hb.hb_set_add(unicodes, c.codePointAt(0)!);
  const subset = hb.hb_subset_or_fail(face, input);
  hb.hb_subset_input_destroy(input);
  if (subset === 0) throw new Error("hb_subset_or_fail failed");
  const blob = hb.hb_face_reference_blob(subset);
  const at = hb.hb_blob_get_data(blob, 0);
  const length = hb.hb_blob_get_length(blob);
  const out = Buffer.from(new Uint8Array(hb.memory.buffer).subarray(at, at + length));
  hb.hb_blob_destroy(blob);
  hb.hb_face_destroy(subset);
  if (length === 0) throw new Error("hb-subset produced an empty font");
  return out;
}

const pad4 = (n: number) => (n + 3) & ~3;

/** Wraps an sfnt (TrueType/OpenType) font as WOFF 1.0: each table zlib-compressed when that is smaller. */
export function toWoff(sfnt: Buffer): Buffer {
  const flavor = sfnt.readUInt32BE(0);
  const numTables = sfnt.readUInt16BE(4);
  const tables: { tag: number; checksum: number; orig: Buffer; data: Buffer }[] = [];
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + 16 * i;
    const offset = sfnt.readUInt32BE(rec + 8);
    const length = sfnt.readUInt32BE(rec + 12);
    const orig = sfnt.subarray(offset, offset + length);
    const packed = deflateSync(orig, { level: 9 });
    tables.push({ tag: sfnt.readUInt32BE(rec), checksum: sfnt.readUInt32BE(rec + 4), orig, data: packed.length < orig.length ? packed : orig });
  }
  const headerSize = 44 + 20 * numTables;
  let total = headerSize;
  for (const t of tables) total += pad4(t.data.length);
  let sfntSize = 12 + 16 * numTables;
  for (const t of tables) sfntSize += pad4(t.orig.length);
  const out = Buffer.alloc(total);
  out.writeUInt32BE(0x774f4646, 0); // 'wOFF'
  out.writeUInt32BE(flavor, 4);
  out.writeUInt32BE(total, 8);
  out.writeUInt16BE(numTables, 12);
  out.writeUInt16BE(0, 14);
  out.writeUInt32BE(sfntSize, 16);
  out.writeUInt16BE(1, 20); // font version 1.0
  out.writeUInt16BE(0, 22);
  // metadata and private blocks: none (offsets and lengths stay 0)
  let offset = headerSize;
  tables.forEach((t, i) => {
    const rec = 44 + 20 * i;
    out.writeUInt32BE(t.tag, rec);
    out.writeUInt32BE(offset, rec + 4);
    out.writeUInt32BE(t.data.length, rec + 8);
    out.writeUInt32BE(t.orig.length, rec + 12);
    out.writeUInt32BE(t.checksum, rec + 16);
    t.data.copy(out, offset);
    offset += pad4(t.data.length);
  });
  return out;
}

/** The @font-face rule embedding the CJK characters of `text`; "" when it has none. */
export function cjkFontFace(text: string): string {
  const chars = cjkCharacters(text);
  if (chars.length === 0) return "";
  const woff = toWoff(subsetTtf(chars));
  const range = chars.map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase()}`).join(",");
  return `@font-face{font-family:"${CJK_FAMILY}";font-style:normal;font-weight:100 900;src:url(data:font/woff;base64,${woff.toString("base64")}) format("woff");unicode-range:${range}}`;
}
