import { createExperiment, runReplication } from "@hetao/experiment";
import { loadScenarioFile } from "@hetao/scenario";
import { Unpackr, pack } from "msgpackr";
import { describe, expect, it } from "vitest";
import { ResultDecodeError, decodeOwnResult, decodeResult, encodeResult } from "../src/result-codec.js";

const scenario = (await loadScenarioFile(new URL("../../../seeds/scenarios/hetao-weekday.yaml", import.meta.url).pathname)).scenario;
const spec = createExperiment(scenario, { replications: 3, seed: 17 });
const results = [0, 1, 2].map((r) => runReplication(spec, 0, r));

describe("the result codec", () => {
  it("round-trips results exactly: the decoded object serialises to the same JSON", () => {
    for (const [r, result] of results.entries()) {
      const decoded = decodeResult(encodeResult(result), 0, r);
      expect(JSON.stringify(decoded)).toBe(JSON.stringify(result));
    }
  });

  it("carries its own record definitions: a fresh decoder reads any message, in any order", () => {
    const encoded = results.map((r) => encodeResult(r));
    for (const i of [2, 0, 1]) {
      const decoded: unknown = new Unpackr({ mapsAsObjects: true }).unpack(encoded[i]!);
      expect(JSON.stringify(decoded)).toBe(JSON.stringify(results[i]));
    }
  });

  it("keeps doubles bit for bit, including ones JSON shortens", () => {
    const result = structuredClone(results[0]!);
    const policy = Object.values(result.policies)[0]!;
    policy.clearance.sum = 0.1 + 0.2;
    policy.summary.meanClearance = 1 / 3;
    const decoded = decodeResult(encodeResult(result), 0, 0);
    expect(Object.is(Object.values(decoded.policies)[0]!.clearance.sum, 0.1 + 0.2)).toBe(true);
    expect(Object.values(decoded.policies)[0]!.summary.meanClearance).toBe(1 / 3);
  });

  it("is much smaller than JSON and owns its buffer (so it can be transferred)", () => {
    const bytes = encodeResult(results[1]!);
    const json = Buffer.byteLength(JSON.stringify(results[1]!));
    expect(bytes.byteLength).toBeLessThan(json / 2);
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.buffer.byteLength).toBe(bytes.byteLength);
    // A second encoding does not overwrite the first (msgpackr reuses its own buffer internally).
    const again = encodeResult(results[2]!);
    expect(JSON.stringify(decodeResult(bytes, 0, 1))).toBe(JSON.stringify(results[1]!));
    expect(JSON.stringify(decodeResult(again, 0, 2))).toBe(JSON.stringify(results[2]!));
  });

  it("rejects bytes that are not MessagePack, invalid results and results for other coordinates", () => {
    // A truncated message: an array of two with one element.
    expect(() => decodeResult(Buffer.from([0x92, 0x01]), 0, 0)).toThrow(ResultDecodeError);
    expect(() => decodeResult(Buffer.from([0x92, 0x01]), 0, 0)).toThrow("the result of point 0, replication 0 is not valid MessagePack: Unexpected end of MessagePack data");
    expect(() => decodeResult(encodeResult(results[0]!).subarray(0, 1000), 0, 0)).toThrow(/is not valid MessagePack/);
    expect(() => decodeResult(pack({ ...results[0]!, tampered: true }), 0, 0)).toThrow(/^the result of point 0, replication 0 is invalid: .*Unrecognized key.*"tampered"/);
    expect(() => decodeResult(pack({ tampered: true }), 0, 4)).toThrow(/^the result of point 0, replication 4 is invalid: point: /);
    expect(() => decodeResult(encodeResult(results[0]!), 0, 2)).toThrow(
      "the result of point 0, replication 2 is invalid: the result is for point 0, replication 0, not point 0, replication 2",
    );
  });

  it("decodes a result of this process's own threads without checking it again (checks are for what crosses a process boundary)", () => {
    const tampered = pack({ ...results[0]!, tampered: true });
    expect(() => decodeResult(tampered, 0, 0)).toThrow(ResultDecodeError);
    expect(decodeOwnResult(tampered)).toMatchObject({ tampered: true, replication: 0 });
    expect(JSON.stringify(decodeOwnResult(encodeResult(results[1]!)))).toBe(JSON.stringify(results[1]));
  });
});
