/**
 * Jobs in blocks (a `simulate` job carries consecutive replications): a simulator killed mid-block
 * loses and doubles nothing, the re-run resumes after what the block delivered, and the report stays
 * byte-identical to the embedded run; blocks outside the plan fail alone; a failed experiment's
 * finished block is run again on resubmission.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TOOL_VERSION, encodeResult, simulateJobId, submitExperiment } from "../packages/messaging/dist/index.js";
import { planReplications, runReplication } from "../packages/experiment/dist/index.js";
import type { SimulateReturn } from "../services/simulator/dist/index.js";
import {
  FleetClient,
  brokenResult,
  cleanupPrefix,
  embeddedReportJson,
  experiment,
  requireBuilt,
  requireRedis,
  serviceEnv,
  sleep,
  startService,
  stopAll,
  tempDir,
  uniquePrefix,
} from "./helpers/fleet.js";
import type { ExperimentSpec } from "../packages/experiment/dist/index.js";

await requireRedis();

// Short locks so that a dead worker's jobs are recovered within seconds.
const FAST_RECOVERY = { LOCK_DURATION_MS: "3000", STALLED_INTERVAL_MS: "1500" };

describe("jobs in blocks", () => {
  const reportsDir = tempDir("blocks");
  const prefixes: string[] = [];
  const clients: FleetClient[] = [];

  function fleet(tag: string) {
    const prefix = uniquePrefix(tag);
    prefixes.push(prefix);
    const client = new FleetClient(prefix, reportsDir);
    clients.push(client);
    const submit = (spec: ExperimentSpec, replicationsPerJob: number) =>
      submitExperiment({ store: client.store, simulate: client.simulate, reports: client.reports, replicationsPerJob }, spec, TOOL_VERSION);
    return { prefix, reportsDir, extra: FAST_RECOVERY, client, submit };
  }

  beforeAll(() => requireBuilt());
  afterEach(async () => {
    await stopAll();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all(prefixes.map((p) => cleanupPrefix(p)));
  });

  it("a simulator killed with SIGKILL mid-block: nothing lost or doubled, the re-run resumes, the report is identical", async () => {
    const f = fleet("block-kill");
    const [, victim] = await Promise.all([startService("metrics", serviceEnv(f)), startService("simulator", serviceEnv(f, { SIMULATOR_CONCURRENCY: "1", SIMULATOR_PREFETCH: "0" }))]);
    // 48 replications with 24 per job: all of it is the experiment's tail, so blocks of 12 (jobLayout).
    const spec = await experiment("hetao-weekday", { replications: 48, seed: 21 });
    const submitted = await f.submit(spec, 24);
    const { id } = submitted;
    expect(submitted).toMatchObject({ total: 48, pending: 48 });
    const jobs = (await f.client.simulate.getJobs(["prioritized", "waiting", "active"])).map((j) => j.id).sort();
    expect(jobs).toEqual([0, 12, 24, 36].map((r) => simulateJobId(id, 0, r, 12)).sort());
    expect(simulateJobId(id, 0, 0, 12)).toBe(`${id}.0.0-11`);

    // Kill the victim once its first block has delivered some of its results but not all.
    const results = f.client.store.keys.results(id);
    const deadline = Date.now() + 60_000;
    let atKill = 0;
    while (Date.now() < deadline) {
      atKill = await f.client.redis.hlen(results);
      if (atKill >= 2) break;
      await sleep(2);
    }
    victim.kill("SIGKILL");
    expect((await victim.exited).signal).toBe("SIGKILL");
    const delivered = await f.client.redis.hlen(results);
    expect(delivered, "killed mid-block: some results of the first block in, not all").toBeGreaterThanOrEqual(2);
    expect(delivered).toBeLessThan(12);

    const survivor = await startService("simulator", serviceEnv(f, { SIMULATOR_CONCURRENCY: "1" }));
    const status = await f.client.waitCompleted(id, 90_000);
    expect(status).toMatchObject({ done: 48, total: 48, errors: [] });
    expect(await f.client.redis.hlen(results)).toBe(48);
    // The recovered block ran only what was missing: it added the rest and found no duplicate.
    const recovered = await f.client.simulate.getJob(simulateJobId(id, 0, 0, 12));
    expect(await recovered?.getState()).toBe("completed");
    expect(recovered?.processedBy).toContain(`:${survivor.pid}`);
    const value = recovered?.returnvalue as SimulateReturn;
    expect(value.duplicates).toBe(0);
    expect(value.added).toBe(12 - delivered);
    const resumed = await survivor.waitForLog((l) => l.msg === "resuming a block after the results it delivered before" && l.jobId === simulateJobId(id, 0, 0, 12), 10_000);
    expect(resumed.from).toBe(delivered);
    expect(readFileSync(join(reportsDir, id, "report.json"), "utf8")).toBe(embeddedReportJson(spec));
  });

  it("a block that runs past the plan fails alone and changes no experiment", async () => {
    const f = fleet("block-plan");
    const [, simulator] = await Promise.all([startService("metrics", serviceEnv(f)), startService("simulator", serviceEnv(f, { SIMULATOR_CONCURRENCY: "1" }))]);
    const spec = await experiment("mmc-textbook", { replications: 6, seed: 23 });
    const { id } = await f.submit(spec, 4);
    const status = await f.client.waitCompleted(id);
    expect(status).toMatchObject({ done: 6, total: 6, errors: [] });
    expect(readFileSync(join(reportsDir, id, "report.json"), "utf8")).toBe(embeddedReportJson(spec));
    const before = await f.client.store.getMeta(id);

    const stray = await f.client.simulate.add("simulate", { experimentId: id, point: 0, replication: 4, count: 4 }, { jobId: simulateJobId(id, 0, 4, 4), attempts: 5 });
    await expect.poll(() => stray.getState(), { timeout: 30_000 }).toBe("failed");
    const failed = await f.client.simulate.getJob(stray.id!);
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.failedReason).toMatch(/plans points 0 with replications 0-5, not point 0, replications 4-7$/);
    await simulator.waitForLog((l) => l.jobId === stray.id && typeof l.msg === "string" && l.msg.startsWith("job failed alone"), 10_000);
    expect(await f.client.store.getMeta(id)).toEqual(before);
    expect((await f.client.store.status(id))?.errors).toEqual([]);
  });

  it("resubmitting a failed experiment runs again the finished block whose result was found invalid", async () => {
    const f = fleet("block-resubmit");
    await Promise.all([startService("metrics", serviceEnv(f)), startService("simulator", serviceEnv(f, { SIMULATOR_CONCURRENCY: "1" }))]);
    const spec = await experiment("mmc-textbook", { replications: 4, seed: 24 });
    const plan = planReplications(spec);
    // Replication 2 delivered broken before the block runs (first delivery wins), as a faulty model would.
    const { id } = await f.client.store.create(spec, plan.length, TOOL_VERSION);
    await f.client.store.deliverResult(id, 0, 2, encodeResult(brokenResult(runReplication(spec, 0, 2))));
    await f.submit(spec, 4);
    const failed = await f.client.waitFor(id, (s) => s.state === "failed");
    expect(failed.errors.map((e) => e.jobId)).toEqual([`${id}.0.2`]);
    // 4 replications with 4 per job are all tail: blocks of 2, and replication 2's is the second.
    expect(await (await f.client.simulate.getJob(simulateJobId(id, 0, 2, 2)))?.getState()).toBe("completed");

    const again = await f.submit(spec, 4);
    expect(again).toMatchObject({ id, created: false, pending: 1, state: "running" });
    const status = await f.client.waitCompleted(id);
    expect(status).toMatchObject({ done: 4, total: 4, errors: [] });
    expect(readFileSync(join(reportsDir, id, "report.json"), "utf8")).toBe(embeddedReportJson(spec));
  });
});
