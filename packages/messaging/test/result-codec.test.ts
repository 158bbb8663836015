import { createExperiment, runReplication } from "@hetao/experiment";
import { loadScenarioFile } from "@hetao/scenario";
import { describe, expect, it } from "vitest";
import { resultJsonSchema } from "../src/result-check.js";
import { ResultDecodeError, decodeOwnResult, decodeResult, encodeResult } from "../src/result-codec.js";
import { compileSchemaCodec } from "../src/schema-codec.js";

const scenario = (await loadScenarioFile(new URL("../../../seeds/scenarios/hetao-weekday.yaml", import.meta.url).pathname)).scenario;
const spec = createExperiment(scenario, { replications: 3, seed: 17 });
const results = [0, 1, 2].map((r) => runReplication(spec, 0, r));

describe("the result codec", () => {
  it("round-trips results exactly: the decoded object serialises to the same JSON, keys in the same order", () => {
    for (const [r, result] of results.entries()) {
      const decoded = decodeResult(encodeResult(result), 0, r);
      expect(JSON.stringify(decoded)).toBe(JSON.stringify(result));
    }
  });

  it("keeps doubles bit for bit, including ones JSON shortens, −0 and whole numbers beyond 2^31", () => {
    const result = structuredClone(results[0]!);
    const policy = Object.values(result.policies)[0]!;
    policy.clearance.sum = 0.1 + 0.2;
    policy.summary.meanClearance = 1 / 3;
    policy.summary.emptiedAt = -0 + 0; // a plain 0
    policy.crossing.sum = 2 ** 40 + 3;
    policy.clearance.min = -0;
    const lane = Object.values(policy.lanes)[0]!;
    lane.hourlyQueue[3] = -0;
    lane.hourlyQueue[4] = 2 ** 33;
    const decoded = Object.values(decodeOwnResult(encodeResult(result)).policies)[0]!;
    expect(Object.is(decoded.clearance.sum, 0.1 + 0.2)).toBe(true);
    expect(decoded.summary.meanClearance).toBe(1 / 3);
    expect(decoded.crossing.sum).toBe(2 ** 40 + 3);
    expect(Object.is(decoded.clearance.min, -0)).toBe(true);
    const decodedLane = Object.values(decoded.lanes)[0]!;
    expect(Object.is(decodedLane.hourlyQueue[3], -0)).toBe(true);
    expect(decodedLane.hourlyQueue[4]).toBe(2 ** 33);
  });

  it("keeps integers of any safe size and sign (varints, a sign bit where the schema allows negatives)", () => {
    const result = structuredClone(results[0]!);
    result.events = Number.MAX_SAFE_INTEGER;
    const policy = Object.values(result.policies)[0]!;
    policy.wait.offset = -Number.MAX_SAFE_INTEGER;
    policy.crossing.offset = Number.MAX_SAFE_INTEGER;
    policy.wait.counts = [0, 0, 0, 1, 63, 64, 127, 128, 2 ** 31, 2 ** 32 + 1, Number.MAX_SAFE_INTEGER, 0, 0];
    const decoded = decodeOwnResult(encodeResult(result));
    expect(JSON.stringify(decoded)).toBe(JSON.stringify(result));
  });

  it("is small (runs of zeros fold, whole numbers take a byte or two) and owns its buffer (so it can be transferred)", () => {
    const bytes = encodeResult(results[1]!);
    const json = Buffer.byteLength(JSON.stringify(results[1]!));
    expect(bytes.byteLength).toBeLessThan(json / 3);
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.buffer.byteLength).toBe(bytes.byteLength);
    // A second encoding does not overwrite the first (the encoder reuses its own buffer internally).
    const again = encodeResult(results[2]!);
    expect(JSON.stringify(decodeResult(bytes, 0, 1))).toBe(JSON.stringify(results[1]!));
    expect(JSON.stringify(decodeResult(again, 0, 2))).toBe(JSON.stringify(results[2]!));
  });

  it("rejects bytes that are not a result, truncated or padded ones, invalid results and results for other coordinates", () => {
    expect(() => decodeResult(Buffer.from([0x92, 0x01]), 0, 0)).toThrow(ResultDecodeError);
    expect(() => decodeResult(Buffer.from([0x92, 0x01]), 0, 0)).toThrow(
      "the result of point 0, replication 0 is not an encoded result: it is not a message of this codec (it does not start with its mark byte 0xc1)",
    );
    const bytes = encodeResult(results[0]!);
    expect(() => decodeResult(bytes.subarray(0, 1000), 0, 0)).toThrow(/^the result of point 0, replication 0 is not an encoded result: the message ends early/);
    expect(() => decodeResult(Buffer.concat([bytes, Buffer.from([0])]), 0, 0)).toThrow(/1 bytes follow the end of the message/);
    // The encoder refuses a value its field cannot hold instead of writing something else.
    const broken = structuredClone(results[0]!);
    (broken as { travellers: number }).travellers = 2.5;
    expect(() => encodeResult(broken)).toThrow(/travellers: expected a non-negative integer, got 2.5/);
    expect(() => decodeResult(bytes, 0, 2)).toThrow(
      "the result of point 0, replication 2 is invalid: the result is for point 0, replication 0, not point 0, replication 2",
    );
  });

  it("checks the decoded values against the schema at the trust boundary (the wire format alone cannot break a rule such as a share ≤ 1)", () => {
    const broken = structuredClone(results[0]!);
    Object.values(broken.policies)[0]!.summary.shareWithin15 = 1.5;
    const bytes = encodeResult(broken);
    expect(() => decodeResult(bytes, 0, 0)).toThrow(/^the result of point 0, replication 0 is invalid: policies\.baseline\.summary\.shareWithin15/);
    // A result of this process's own threads is not checked again (checks are for what crosses a process boundary).
    expect(Object.values(decodeOwnResult(bytes).policies)[0]!.summary.shareWithin15).toBe(1.5);
  });

  it("refuses a message written for another schema (another version of the tool) by its fingerprint", () => {
    const schema = structuredClone(resultJsonSchema());
    (schema.properties as Record<string, unknown>).extra = { type: "integer", minimum: 0 };
    (schema.required as string[]).push("extra");
    const other = compileSchemaCodec(schema);
    const bytes = other.encode({ ...results[0]!, extra: 1 });
    expect(() => decodeResult(bytes, 0, 0)).toThrow(/is not an encoded result: it was encoded for another schema \(fingerprint [0-9a-f]{8}; this process reads [0-9a-f]{8}\)/);
  });
});

describe("the schema codec", () => {
  const codec = compileSchemaCodec({
    type: "object",
    additionalProperties: false,
    required: ["name", "flag", "maybe", "n", "xs", "tags", "byKey"],
    properties: {
      name: { type: "string" },
      flag: { type: "boolean" },
      maybe: { type: ["number", "null"] },
      n: { type: "integer", minimum: -5 },
      xs: { type: "array", items: { type: "number" } },
      tags: { type: "array", items: { type: "string" } },
      byKey: { type: "object", propertyNames: { type: "string" }, additionalProperties: { type: "integer", minimum: 0 } },
    },
  });

  it("round-trips every form it knows, non-ASCII strings and awkward keys included", () => {
    const byKey: Record<string, number> = { constructor: 1, "": 0 };
    Object.defineProperty(byKey, "__proto__", { value: 3, enumerable: true });
    const value = { name: "河套 Hetao", flag: true, maybe: null, n: -5, xs: [0, 0, 1.5, 0, -2, 7, 0], tags: ["a", "é".repeat(200), ""], byKey };
    const decoded = codec.decode(codec.encode(value)) as typeof value;
    expect(JSON.stringify(decoded)).toBe(JSON.stringify(value));
    expect(Object.getPrototypeOf(decoded.byKey)).toBe(Object.prototype);
    expect(Object.keys(decoded.byKey)).toEqual(["constructor", "", "__proto__"]);
    expect(decoded.byKey.__proto__).toBe(3);
  });

  it("names the field and the value when an encoded value does not fit the schema", () => {
    const good = { name: "x", flag: false, maybe: 1, n: 0, xs: [], tags: [], byKey: {} };
    expect(() => codec.encode({ ...good, flag: 1 })).toThrow("flag: expected a boolean, got 1");
    expect(() => codec.encode({ ...good, xs: [1, "2"] })).toThrow("xs[1]: expected a number, got string");
    expect(() => codec.encode({ ...good, byKey: { a: -1 } })).toThrow("byKey.*: expected a non-negative integer, got -1");
    expect(() => codec.encode({ ...good, n: 0.5 })).toThrow("n: expected an integer, got 0.5");
  });

  it("refuses schema forms it does not know, naming where", () => {
    expect(() => compileSchemaCodec({ type: "object", additionalProperties: false, properties: { a: { type: "string" } } })).toThrow("the schema at a is optional; this codec writes every property");
    expect(() => compileSchemaCodec({ type: "object", additionalProperties: false, required: ["a"], properties: { a: { anyOf: [{ type: "string" }, { type: "integer" }] } } })).toThrow(
      /the schema at a has a form this codec does not know/,
    );
  });

  it("refuses declared lengths beyond its limit instead of allocating them", () => {
    const bytes = codec.encode({ name: "x", flag: false, maybe: 1, n: 0, xs: [], tags: [], byKey: {} });
    // Patch the length of `tags` (after name, flag, maybe's tag and token, n, xs) to 2^28.
    const patched = Buffer.concat([bytes.subarray(0, 11), Buffer.from([0x80, 0x80, 0x80, 0x80, 0x01]), bytes.subarray(12)]);
    expect(() => codec.decode(patched)).toThrow(/declares 268435456 entries, more than 16777216/);
  });
});
