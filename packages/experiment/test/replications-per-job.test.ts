import { loadScenarioFile } from "@hetao/scenario";
import { describe, expect, it } from "vitest";
import { CROSSINGS_PER_SECOND, JOB_SECONDS, createExperiment, replicationsPerJob } from "../src/index.js";

const load = async (name: string) => (await loadScenarioFile(new URL(`../../../seeds/scenarios/${name}.yaml`, import.meta.url).pathname)).scenario;

describe("replications per fleet job", () => {
  it("gives a job JOB_SECONDS of work at CROSSINGS_PER_SECOND: ⌈0.25 s × 1e6 / (expected trips × policies)⌉", async () => {
    expect(JOB_SECONDS * CROSSINGS_PER_SECOND).toBe(250_000);
    // hetao-weekday: 2,000 walk-ins + 90 shuttle passengers, 4 policies → ⌈250,000 / 8,360⌉.
    expect(replicationsPerJob(createExperiment(await load("hetao-weekday"), { replications: 200 }))).toBe(30);
    // Fewer policies, less work per replication, more replications per job.
    const weekday = await load("hetao-weekday");
    expect(replicationsPerJob(createExperiment(weekday, { replications: 200, policies: [weekday.policies[0]!.id] }))).toBe(120);
  });

  it("is at least 1 and at most the experiment's replications", async () => {
    expect(replicationsPerJob(createExperiment(await load("two-counters"), { replications: 12 }))).toBe(12);
    // 200 × 2,000 walk-ins + 90, 4 policies: 1.6 million crossings, well over a job's worth.
    const big = await load("hetao-weekday");
    const crowded = { ...big, demand: { ...big.demand, multiplier: 200 } };
    expect(replicationsPerJob(createExperiment(crowded, { replications: 20 }))).toBe(1);
  });
});
