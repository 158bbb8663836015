/**
 * A compact binary codec compiled from a JSON Schema (the one z.toJSONSchema derives from a zod
 * schema): the schema, not the message, carries the field names and types, so a message is the values
 * alone, written in the schema's order.
 *
 * - integers: LEB128 varints (zigzag where the schema allows negatives); arrays of non-negative
 *   integers (histogram counts, mostly zeros) also fold runs of zeros into one varint;
 * - numbers: IEEE 754 doubles, little-endian, bit for bit; `number | null`: a tag byte, then the double;
 * - strings: a varint byte length and UTF-8; booleans: one byte;
 * - arrays: a varint length and the items; objects: their properties in the schema's order;
 *   records (`additionalProperties` a schema): a varint count, then key and value pairs.
 *
 * A message starts with a mark byte and the schema's 32-bit fingerprint, so bytes encoded for another
 * schema (another version of the tool) are refused with a clear reason instead of misread. Encoding
 * writes into one buffer reused between messages and copies the message out; the only allocation per
 * message is that copy. Decoding builds plain objects and checks lengths and bounds as it reads; value
 * rules (minimum, integer, …) are left to the schema's validator.
 */

/** A JSON Schema node, as far as this codec reads it. */
export interface JsonSchemaNode {
  type?: string | string[];
  properties?: Record<string, JsonSchemaNode>;
  additionalProperties?: boolean | JsonSchemaNode;
  items?: JsonSchemaNode;
  minimum?: number;
  [key: string]: unknown;
}

export class SchemaCodecError extends Error {
  override readonly name = "SchemaCodecError";
}

/** The first byte of every message (0xc1 is never used by MessagePack or UTF-8 JSON). */
const MARK = 0xc1;
const HEADER = 5;
/** Largest array or record a message may declare: far above any result, far below exhausting memory. */
const MAX_LENGTH = 1 << 24;

/** Writes the varint of a non-negative integer up to 2^54 at `pos`; returns the position after it. */
function putVarint(buf: Uint8Array, pos: number, v: number): number {
  while (v >= 128) {
    buf[pos++] = (v & 127) | 128;
    v = v < 4294967296 ? v >>> 7 : Math.floor(v / 128);
  }
  buf[pos++] = v;
  return pos;
}

class ByteWriter {
  buf = new Uint8Array(1 << 16);
  view = new DataView(this.buf.buffer);
  pos = 0;

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** A non-negative integer up to 2^54 (the caller has ensured 8 bytes). */
  varint(v: number): void {
    this.pos = putVarint(this.buf, this.pos, v);
  }
}

class ByteReader {
  view: DataView;
  pos = HEADER;
  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  varint(): number {
    const buf = this.buf;
    let pos = this.pos;
    let v = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      if (pos >= buf.length) throw new SchemaCodecError(`the message ends early, at byte ${pos}`);
      const b = buf[pos++]!;
      v += (b & 127) * scale;
      if (b < 128) {
        this.pos = pos;
        return v;
      }
      scale *= 128;
    }
    throw new SchemaCodecError(`a number at byte ${this.pos} is longer than 8 bytes`);
  }

  length(what: string): number {
    const n = this.varint();
    if (n > MAX_LENGTH) throw new SchemaCodecError(`${what} at byte ${this.pos} declares ${n} entries, more than ${MAX_LENGTH}`);
    return n;
  }

  need(n: number): void {
    if (this.pos + n > this.buf.length) throw new SchemaCodecError(`the message ends early, at byte ${this.buf.length}`);
  }
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function badValue(path: string, expected: string, value: unknown): SchemaCodecError {
  return new SchemaCodecError(`${path || "the value"}: expected ${expected}, got ${typeof value === "number" ? value : typeof value}`);
}

// The value writers and readers the compiled code calls. Each makes room for what it writes: a varint
// takes at most 8 bytes (54 bits), a number token 9.

function writeUint(w: ByteWriter, v: unknown, path: string): void {
  if (typeof v !== "number" || !((v >>> 0) === v || (Number.isSafeInteger(v) && v >= 0))) throw badValue(path, "a non-negative integer", v);
  if (w.pos + 8 > w.buf.length) w.ensure(8);
  w.varint(v);
}

/**
 * A signed integer: the first byte holds the sign (bit 0), the magnitude's low 6 bits and a
 * continuation bit; the rest of the magnitude follows as a varint. Unlike zigzag (2v or −2v − 1, odd
 * numbers past 2^53 that a double cannot hold), every step stays below 2^53, so every safe integer fits.
 */
function writeInt(w: ByteWriter, v: unknown, path: string): void {
  if (typeof v !== "number" || !Number.isSafeInteger(v)) throw badValue(path, "an integer", v);
  if (w.pos + 9 > w.buf.length) w.ensure(9);
  const negative = v < 0;
  let m = negative ? -v : v;
  const low = m % 64;
  m = (m - low) / 64;
  w.buf[w.pos++] = (m > 0 ? 128 : 0) | (low << 1) | (negative ? 1 : 0);
  if (m > 0) w.varint(m);
}

function readInt(r: ByteReader): number {
  r.need(1);
  const b = r.buf[r.pos++]!;
  let m = (b >> 1) & 63;
  if (b >= 128) m += r.varint() * 64;
  return b & 1 ? -m : m;
}

/**
 * A number as a token: an integer 0 ≤ v < 2^31 (not −0) is the varint 2v, anything else the byte 1 and
 * its double, bit for bit. In arrays, an odd token 2k + 1 (k ≥ 1) is a run of k zeros. Many of the
 * model's numbers are whole (a lane's queue at night, a count-valued sum), and they take a byte or two.
 */
function writeNumberToken(w: ByteWriter, v: number): void {
  if ((v | 0) === v && v >= 0 && (v !== 0 || 1 / v > 0)) {
    w.varint(2 * v);
    return;
  }
  w.buf[w.pos++] = 1;
  w.view.setFloat64(w.pos, v, true);
  w.pos += 8;
}

function writeNumber(w: ByteWriter, v: unknown, path: string): void {
  if (typeof v !== "number") throw badValue(path, "a number", v);
  if (w.pos + 9 > w.buf.length) w.ensure(9);
  writeNumberToken(w, v);
}

function readDouble(r: ByteReader): number {
  r.need(8);
  const v = r.view.getFloat64(r.pos, true);
  r.pos += 8;
  return v;
}

function readNumber(r: ByteReader): number {
  const t = r.varint();
  if (t % 2 === 0) return t / 2;
  if (t === 1) return readDouble(r);
  throw new SchemaCodecError(`a number token at byte ${r.pos} is ${t}, not a value`);
}

function writeNullableNumber(w: ByteWriter, v: unknown, path: string): void {
  if (v === null) {
    if (w.pos + 1 > w.buf.length) w.ensure(1);
    w.buf[w.pos++] = 0;
    return;
  }
  if (w.pos + 1 > w.buf.length) w.ensure(1);
  w.buf[w.pos++] = 1;
  writeNumber(w, v, path);
}

function readNullableNumber(r: ByteReader, path: string): number | null {
  r.need(1);
  const tag = r.buf[r.pos++];
  if (tag === 0) return null;
  if (tag !== 1) throw new SchemaCodecError(`${path}: a null tag at byte ${r.pos - 1} is ${tag}, not 0 or 1`);
  return readNumber(r);
}

function writeBoolean(w: ByteWriter, v: unknown, path: string): void {
  if (typeof v !== "boolean") throw badValue(path, "a boolean", v);
  if (w.pos + 1 > w.buf.length) w.ensure(1);
  w.buf[w.pos++] = v ? 1 : 0;
}

function readBoolean(r: ByteReader, path: string): boolean {
  r.need(1);
  const b = r.buf[r.pos++];
  if (b !== 0 && b !== 1) throw new SchemaCodecError(`${path}: a boolean at byte ${r.pos - 1} is ${b}, not 0 or 1`);
  return b === 1;
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder("utf-8", { fatal: true });

function writeString(w: ByteWriter, s: unknown, path: string): void {
  if (typeof s !== "string") throw badValue(path, "a string", s);
  // Short ASCII strings (every key and label here) are copied by hand: no encoder call, no allocation.
  if (s.length < 128) {
    w.ensure(1 + s.length);
    const start = w.pos + 1;
    let ascii = true;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 128) {
        ascii = false;
        break;
      }
      w.buf[start + i] = c;
    }
    if (ascii) {
      w.buf[w.pos] = s.length;
      w.pos = start + s.length;
      return;
    }
  }
  const bytes = utf8.encode(s);
  w.ensure(8 + bytes.length);
  w.varint(bytes.length);
  w.buf.set(bytes, w.pos);
  w.pos += bytes.length;
}

function readString(r: ByteReader): string {
  const n = r.length("a string");
  r.need(n);
  const start = r.pos;
  r.pos += n;
  if (n < 64) {
    let ascii = true;
    for (let i = start; i < start + n; i++) if (r.buf[i]! >= 128) ascii = false;
    if (ascii) return String.fromCharCode.apply(null, r.buf.subarray(start, start + n) as unknown as number[]);
  }
  try {
    return fromUtf8.decode(r.buf.subarray(start, start + n));
  } catch {
    throw new SchemaCodecError(`a string at byte ${start} is not valid UTF-8`);
  }
}

function checkArray(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) throw badValue(path, "an array", v);
  return v;
}

function checkObject(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw badValue(path, "an object", v);
  return v as Record<string, unknown>;
}

/**
 * Non-negative integers, with each run of zeros as one token: a value v ≥ 1 is the varint 2v, a run
 * of k zeros the varint 2k − 1. A histogram's counts are mostly zeros; this keeps them at a byte or less.
 */
function writeUintArray(w: ByteWriter, value: unknown, path: string): void {
  const v = checkArray(value, path);
  const n = v.length;
  w.ensure(8 + 8 * n);
  w.varint(n);
  // The hottest loop of an encoding (about 40,000 counts a hetao-weekday result): buffer and position
  // in locals, a count below 64 in one store.
  const buf = w.buf;
  let pos = w.pos;
  let zeros = 0;
  for (let i = 0; i < n; i++) {
    const x: unknown = v[i];
    if (x === 0) {
      zeros++;
      continue;
    }
    if (zeros > 0) {
      pos = putVarint(buf, pos, 2 * zeros - 1);
      zeros = 0;
    }
    if (typeof x === "number" && x > 0 && x < 64 && (x | 0) === x) buf[pos++] = 2 * x;
    else if (typeof x === "number" && Number.isSafeInteger(x) && x > 0) pos = putVarint(buf, pos, 2 * x);
    else throw badValue(`${path}[${i}]`, "a non-negative integer", x);
  }
  if (zeros > 0) pos = putVarint(buf, pos, 2 * zeros - 1);
  w.pos = pos;
}

function readUintArray(r: ByteReader, path: string): number[] {
  const n = r.length(path);
  const out = new Array<number>(n);
  let i = 0;
  while (i < n) {
    const t = r.varint();
    if (t % 2 === 0) {
      out[i++] = t / 2;
      continue;
    }
    const run = (t + 1) / 2;
    if (i + run > n) throw new SchemaCodecError(`${path}: a run of ${run} zeros at byte ${r.pos} passes the array's end (${n} entries)`);
    for (let k = 0; k < run; k++) out[i++] = 0;
  }
  return out;
}

/** Numbers (see writeNumberToken), with each run of zeros as one token. */
function writeNumberArray(w: ByteWriter, value: unknown, path: string): void {
  const v = checkArray(value, path);
  const n = v.length;
  w.ensure(8 + 9 * n);
  w.varint(n);
  let zeros = 0;
  for (let i = 0; i < n; i++) {
    const x: unknown = v[i];
    if (x === 0 && 1 / x > 0) {
      zeros++;
      continue;
    }
    if (typeof x !== "number") throw badValue(`${path}[${i}]`, "a number", x);
    if (zeros > 0) {
      w.varint(2 * zeros + 1);
      zeros = 0;
    }
    writeNumberToken(w, x);
  }
  if (zeros > 0) w.varint(2 * zeros + 1);
}

function readNumberArray(r: ByteReader, path: string): number[] {
  const n = r.length(path);
  const out = new Array<number>(n);
  let i = 0;
  while (i < n) {
    const t = r.varint();
    if (t % 2 === 0) out[i++] = t / 2;
    else if (t === 1) out[i++] = readDouble(r);
    else {
      const run = (t - 1) / 2;
      if (i + run > n) throw new SchemaCodecError(`${path}: a run of ${run} zeros at byte ${r.pos} passes the array's end (${n} entries)`);
      for (let k = 0; k < run; k++) out[i++] = 0;
    }
  }
  return out;
}

function readLength(r: ByteReader, path: string): number {
  return r.length(path);
}

function ensureLength(w: ByteWriter, n: number): void {
  if (w.pos + 8 > w.buf.length) w.ensure(8);
  w.varint(n);
}

/** A record's key, stored as an own data property even when it is "__proto__". */
function setKey(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === "__proto__") Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
  else o[k] = v;
}

const RUNTIME = {
  writeUint, writeInt, writeNumber, writeNullableNumber, writeBoolean, writeString, writeUintArray, writeNumberArray, ensureLength, checkArray, checkObject,
  readInt, readNumber, readNullableNumber, readBoolean, readString, readUintArray, readNumberArray, readLength, setKey,
};

function isUnsignedInteger(node: JsonSchemaNode | undefined): boolean {
  return node?.type === "integer" && typeof node.minimum === "number" && node.minimum >= 0;
}

function isNumber(node: JsonSchemaNode | undefined): boolean {
  return node?.type === "number";
}

/**
 * Compiles the schema to two JavaScript functions (as ajv compiles validators): every object of the
 * schema becomes a pair of functions with its property reads and object literal written out, so V8
 * sees fixed shapes instead of a walk over keys. Property names enter the code through JSON.stringify.
 */
class Compiler {
  private readonly functions: string[] = [];
  private count = 0;

  /** Returns [encode statement, decode expression] for `node` held in `v`. */
  private node(node: JsonSchemaNode, path: string, v: string): [string, string] {
    const p = JSON.stringify(path || "the value");
    const type = node.type;
    if (Array.isArray(type)) {
      if (type.length === 2 && type.includes("number") && type.includes("null")) return [`rt.writeNullableNumber(w, ${v}, ${p});`, `rt.readNullableNumber(r, ${p})`];
    } else if (type === "integer") {
      return isUnsignedInteger(node) ? [`rt.writeUint(w, ${v}, ${p});`, "r.varint()"] : [`rt.writeInt(w, ${v}, ${p});`, "rt.readInt(r)"];
    } else if (type === "number") {
      return [`rt.writeNumber(w, ${v}, ${p});`, "rt.readNumber(r)"];
    } else if (type === "string") {
      return [`rt.writeString(w, ${v}, ${p});`, "rt.readString(r)"];
    } else if (type === "boolean") {
      return [`rt.writeBoolean(w, ${v}, ${p});`, `rt.readBoolean(r, ${p})`];
    } else if (type === "array" && node.items && typeof node.items === "object") {
      if (isUnsignedInteger(node.items)) return [`rt.writeUintArray(w, ${v}, ${p});`, `rt.readUintArray(r, ${p})`];
      if (isNumber(node.items)) return [`rt.writeNumberArray(w, ${v}, ${p});`, `rt.readNumberArray(r, ${p})`];
      const [enc, dec] = this.node(node.items, `${path}[]`, "a[i]");
      const id = this.count++;
      this.functions.push(
        `function e${id}(w, v) { const a = rt.checkArray(v, ${p}); rt.ensureLength(w, a.length); for (let i = 0; i < a.length; i++) { ${enc} } }`,
        `function d${id}(r) { const n = rt.readLength(r, ${p}); const a = new Array(n); for (let i = 0; i < n; i++) a[i] = ${dec}; return a; }`,
      );
      return [`e${id}(w, ${v});`, `d${id}(r)`];
    } else if (type === "object" && node.properties && node.additionalProperties === false) {
      const required = new Set(Array.isArray(node.required) ? (node.required as string[]) : []);
      const encs: string[] = [];
      const decs: string[] = [];
      for (const [k, child] of Object.entries(node.properties)) {
        const childPath = path ? `${path}.${k}` : k;
        if (!required.has(k)) throw new SchemaCodecError(`the schema at ${childPath} is optional; this codec writes every property`);
        const [enc, dec] = this.node(child, childPath, `o[${JSON.stringify(k)}]`);
        encs.push(enc);
        decs.push(`${JSON.stringify(k)}: ${dec}`);
      }
      const id = this.count++;
      this.functions.push(`function e${id}(w, v) { const o = rt.checkObject(v, ${p}); ${encs.join(" ")} }`, `function d${id}(r) { return { ${decs.join(", ")} }; }`);
      return [`e${id}(w, ${v});`, `d${id}(r)`];
    } else if (type === "object" && !node.properties && node.additionalProperties && typeof node.additionalProperties === "object") {
      const [enc, dec] = this.node(node.additionalProperties, `${path}.*`, "o[k]");
      const id = this.count++;
      this.functions.push(
        `function e${id}(w, v) { const o = rt.checkObject(v, ${p}); const keys = Object.keys(o); rt.ensureLength(w, keys.length); for (let i = 0; i < keys.length; i++) { const k = keys[i]; rt.writeString(w, k, ${p}); ${enc} } }`,
        `function d${id}(r) { const n = rt.readLength(r, ${p}); const o = {}; for (let i = 0; i < n; i++) { const k = rt.readString(r); rt.setKey(o, k, ${dec}); } return o; }`,
      );
      return [`e${id}(w, ${v});`, `d${id}(r)`];
    }
    throw new SchemaCodecError(`the schema at ${path || "the root"} has a form this codec does not know: ${JSON.stringify(node).slice(0, 120)}`);
  }

  compile(schema: JsonSchemaNode): { encode: (w: ByteWriter, v: unknown) => void; decode: (r: ByteReader) => unknown } {
    const [enc, dec] = this.node(schema, "", "v");
    const source = `"use strict";\n${this.functions.join("\n")}\nreturn { encode(w, v) { ${enc} }, decode(r) { return ${dec}; } };`;
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- code compiled from the schema, as ajv does
    return new Function("rt", source)(RUNTIME) as ReturnType<Compiler["compile"]>;
  }
}

/** FNV-1a over the schema's JSON: a change to any field, type or order changes it. */
function fingerprint(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export interface SchemaCodec {
  /** The schema's 32-bit fingerprint, written in every message. */
  readonly fingerprint: number;
  /** Encodes a value of the schema into a fresh buffer of its own (safe to transfer to another thread). */
  encode(value: unknown): Uint8Array;
  /** Decodes a message; throws SchemaCodecError with a readable reason when the bytes are not one. */
  decode(bytes: Uint8Array): unknown;
}

/** Compiles a codec for `schema`; throws SchemaCodecError for a schema form it does not know. */
export function compileSchemaCodec(schema: JsonSchemaNode): SchemaCodec {
  const root = new Compiler().compile(schema);
  const print = fingerprint(JSON.stringify(schema));
  const writer = new ByteWriter();
  return {
    fingerprint: print,
    encode(value) {
      writer.pos = 0;
      writer.ensure(HEADER);
      writer.buf[0] = MARK;
      writer.view.setUint32(1, print, true);
      writer.pos = HEADER;
      root.encode(writer, value);
      return writer.buf.slice(0, writer.pos);
    },
    decode(bytes) {
      if (bytes.length < HEADER || bytes[0] !== MARK) throw new SchemaCodecError("it is not a message of this codec (it does not start with its mark byte 0xc1)");
      const r = new ByteReader(bytes);
      const got = r.view.getUint32(1, true);
      if (got !== print) {
        throw new SchemaCodecError(
          `it was encoded for another schema (fingerprint ${got.toString(16).padStart(8, "0")}; this process reads ${print.toString(16).padStart(8, "0")}): the writer runs another version of the tool`,
        );
      }
      const value = root.decode(r);
      if (r.pos !== bytes.length) throw new SchemaCodecError(`${bytes.length - r.pos} bytes follow the end of the message, at byte ${r.pos}`);
      return value;
    },
  };
}
