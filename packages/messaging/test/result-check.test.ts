import { ReplicationResultSchema } from "@hetao/crossing-model";
import { createExperiment, runReplication } from "@hetao/experiment";
import { loadScenarioFile } from "@hetao/scenario";
import { describe, expect, it } from "vitest";
import { checkResult, resultValidator } from "../src/result-check.js";

const scenario = (await loadScenarioFile(new URL("../../../seeds/scenarios/mmc-textbook.yaml", import.meta.url).pathname)).scenario;
const spec = createExperiment(scenario, { replications: 2, seed: 3 });
const good = runReplication(spec, 0, 1);

type Mutation = [string, (r: any) => void];
const mutations: Mutation[] = [
  ["negative count", (r) => (Object.values(r.policies)[0] as any).cleared = -1],
  ["fractional count", (r) => (Object.values(r.policies)[0] as any).arrived = 1.5],
  ["string for a number", (r) => (r.travellers = "12")],
  ["unknown key", (r) => (r.extra = 1)],
  ["missing key", (r) => delete r.events],
  ["share above 1", (r) => ((Object.values(r.policies)[0] as any).summary.shareWithin15 = 1.2)],
  ["histogram count not an integer", (r) => ((Object.values(r.policies)[0] as any).clearance.counts[0] = 0.5)],
  ["null where a number is needed", (r) => ((Object.values(r.policies)[0] as any).clearance.sum = null)],
  ["nullable min may be null", (r) => ((Object.values(r.policies)[0] as any).clearance.min = null)],
  ["policies not an object", (r) => (r.policies = [])],
  ["unsafe integer", (r) => (r.events = 2 ** 60)],
];

describe("the compiled result validator", () => {
  it("accepts a real result", () => {
    expect(resultValidator()(JSON.parse(JSON.stringify(good)))).toBe(true);
    expect(checkResult(JSON.parse(JSON.stringify(good)), 0, 1)).toBeUndefined();
  });

  it.each(mutations)("agrees with the zod schema: %s", (_name, mutate) => {
    const r = JSON.parse(JSON.stringify(good));
    mutate(r);
    const zodOk = ReplicationResultSchema.safeParse(r).success;
    expect(resultValidator()(r)).toBe(zodOk);
    expect(checkResult(r) === undefined).toBe(zodOk);
  });

  it("words rejections with the zod paths and checks the coordinates", () => {
    const r = JSON.parse(JSON.stringify(good));
    r.travellers = -5;
    expect(checkResult(r)).toMatch(/^travellers: /);
    expect(checkResult(JSON.parse(JSON.stringify(good)), 0, 7)).toBe("the result is for point 0, replication 1, not point 0, replication 7");
  });
});
