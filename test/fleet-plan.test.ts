/**
 * An experiment's state is decided only by its planned jobs: a `simulate` job outside an experiment's
 * plan (a point or replication it does not plan) or for an unknown experiment fails alone, is logged
 * with its reason, is never counted as a result and changes no experiment; resubmitting the same spec
 * (here through `hetao-sim run --redis`) recovers an experiment marked failed by such jobs, and the CLI
 * and the fleet agree on its state and its report.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { planReplications, runReplication } from "../packages/experiment/dist/index.js";
import { TOOL_VERSION, encodeResult, replicationJobId } from "../packages/messaging/dist/index.js";
import {
  REDIS_URL,
  SCENARIOS,
  type ServiceProcess,
  embeddedReportJson,
  experiment,
  fleetCli,
  requireRedis,
  serviceEnv,
  startService,
  useFleet,
} from "./helpers/fleet.js";

await requireRedis();

describe("an experiment's state is decided only by its planned jobs", () => {
  const fleet = useFleet("plan");
  const { prefix, dir, reportsDir, client } = fleet;
  const cli = (args: string[]) => fleetCli(dir, prefix, args);
  let simulator: ServiceProcess;
  const mmc = join(SCENARIOS, "mmc-textbook.yaml");


  async function keysMatching(pattern: string): Promise<string[]> {
    const found: string[] = [];
    let cursor = "0";
    do {
      const [next, batch] = await client.redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
      cursor = next;
      found.push(...batch);
    } while (cursor !== "0");
    return found;
  }

  beforeAll(async () => {
    [, simulator] = await Promise.all([startService("metrics", serviceEnv(fleet)), startService("simulator", serviceEnv(fleet, { SIMULATOR_CONCURRENCY: "1" }))]);
  });


  it("out-of-plan and unknown-experiment jobs fail alone; the experiment completes and run --redis agrees", async () => {
    // A completed experiment that a stray job must leave as it is.
    const specB = await experiment("mmc-textbook", { replications: 4, seed: 31 });
    const b = await client.submit(specB);
    await client.waitCompleted(b.id);
    const before = { meta: await client.store.getMeta(b.id), report: await client.store.report(b.id), results: await client.redis.hgetallBuffer(client.store.keys.results(b.id)) };

    // The stray jobs go in while the experiment is running: the queue is paused until they are queued,
    // and unprioritised jobs are taken before the experiment's prioritised ones.
    await client.simulate.pause();
    const specA = await experiment("mmc-textbook", { replications: 6, seed: 32 });
    const a = await client.submit(specA);
    const unknown = "exp-00000000000000aa";
    const stray = [
      { experimentId: a.id, point: 5, replication: 0 },
      { experimentId: a.id, point: 0, replication: 99999 },
      { experimentId: unknown, point: 0, replication: 0 },
      { experimentId: b.id, point: 0, replication: 4 },
    ];
    const jobs = await Promise.all(stray.map((d) => client.simulate.add("simulate", d, { jobId: replicationJobId(d.experimentId, d.point, d.replication), attempts: 5 })));
    await client.simulate.resume();
    for (const job of jobs) await expect.poll(() => job.getState(), { timeout: 30_000 }).toBe("failed");

    const status = await client.waitCompleted(a.id);
    expect(status).toMatchObject({ state: "completed", done: 6, total: 6, errors: [] });
    expect(await client.redis.hlen(client.store.keys.results(a.id))).toBe(6);
    expect(readFileSync(join(reportsDir, a.id, "report.json"), "utf8")).toBe(embeddedReportJson(specA));

    // Each failed at once (no retries) with a reason naming what is wrong, and was logged.
    const failed = await Promise.all(jobs.map((j) => client.simulate.getJob(j.id!)));
    expect(failed.map((j) => j?.attemptsMade)).toEqual([1, 1, 1, 1]);
    expect(failed[0]?.failedReason).toMatch(/^not a planned replication: experiment exp-[0-9a-f]{16} plans points 0 with replications 0-5, not point 5, replication 0$/);
    expect(failed[1]?.failedReason).toMatch(/not point 0, replication 99999$/);
    expect(failed[2]?.failedReason).toMatch(/^not a planned replication: unknown experiment exp-00000000000000aa/);
    expect(failed[3]?.failedReason).toMatch(/plans points 0 with replications 0-3, not point 0, replication 4$/);
    for (const job of jobs) {
      await simulator.waitForLog((l) => l.jobId === job.id && typeof l.msg === "string" && l.msg.startsWith("job failed alone"), 10_000);
    }

    // The completed experiment is unchanged; nothing was written for the unknown one.
    expect(await client.store.getMeta(b.id)).toEqual(before.meta);
    expect(await client.store.report(b.id)).toBe(before.report);
    expect(await client.redis.hgetallBuffer(client.store.keys.results(b.id))).toEqual(before.results);
    expect(await client.store.errors(b.id)).toEqual([]);
    expect(await keysMatching(`${prefix}:experiment:${unknown}*`)).toEqual([]);

    // The CLI on the same spec: the same state (completed) and the same report bytes.
    const run = cli(["run", mmc, "-r", "6", "-s", "32", "-o", "cli-a", "-q", "--redis", REDIS_URL]);
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(join(dir, "cli-a/report.json"), "utf8")).toBe(embeddedReportJson(specA));
  });

  it("resubmitting (run --redis) recovers an experiment that stray jobs had marked failed", async () => {
    const spec = await experiment("mmc-textbook", { replications: 4, seed: 33 });
    const plan = planReplications(spec);
    const { id } = await client.store.create(spec, plan.length, TOOL_VERSION);
    for (const { point, replication } of plan) await client.store.deliverResult(id, point, replication, encodeResult(runReplication(spec, point, replication)));
    // As a version that ran any job it was given left it: a result outside the plan counted, a failure
    // of an out-of-plan job recorded, the experiment failed though every planned result is in.
    await client.store.deliverResult(id, 0, 99999, encodeResult(runReplication(spec, 0, 3)));
    await client.redis.hset(client.store.keys.errors(id), replicationJobId(id, 5, 0), "bad-coordinates: no point 5");
    await client.redis.hset(client.store.keys.meta(id), "state", "failed");
    // The store itself no longer lets a failure fail an experiment whose result is in, or touch an unknown one.
    expect(await client.store.recordFailure(id, replicationJobId(id, 0, 1), "late")).toBe("result-delivered");
    expect(await client.store.recordFailure("exp-00000000000000ab", replicationJobId("exp-00000000000000ab", 0, 0), "stray")).toBe("unknown-experiment");
    expect(await keysMatching(`${prefix}:experiment:exp-00000000000000ab*`)).toEqual([]);

    const run = cli(["run", mmc, "-r", "4", "-s", "33", "-o", "cli-recovered", "-q", "--redis", REDIS_URL]);
    expect(run.code, run.stderr).toBe(0);
    const embedded = embeddedReportJson(spec);
    expect(readFileSync(join(dir, "cli-recovered/report.json"), "utf8")).toBe(embedded);
    const status = await client.waitCompleted(id, 30_000);
    expect(status).toMatchObject({ done: 4, total: 4, errors: [] });
    expect(await client.redis.hexists(client.store.keys.results(id), "0:99999")).toBe(0);
    expect(readFileSync(join(reportsDir, id, "report.json"), "utf8")).toBe(embedded);
  });
});
