/**
 * The BullMQ fleet gives the embedded run's report.json bytes: with 1 and with 3 simulator processes,
 * for two experiments submitted together, and whatever duplicates (submissions, result deliveries,
 * replication re-runs, report jobs) or malformed jobs come through.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ExperimentEventSchema, TOOL_VERSION, encodeResult, replicationJobId, reportJobId } from "../packages/messaging/dist/index.js";
import { planReplications, runReplication } from "../packages/experiment/dist/index.js";
import {
  FleetClient,
  brokenResult,
  type ServiceProcess,
  cleanupPrefix,
  embeddedReportJson,
  experiment,
  requireRedis,
  serviceEnv,
  startService,
  uniquePrefix,
  useFleet,
} from "./helpers/fleet.js";

await requireRedis();

describe("fleet reports", () => {
  const fleet = useFleet("reports");
  const { prefix, reportsDir, client } = fleet;
  let metrics: ServiceProcess;
  let simulator: ServiceProcess;

  beforeAll(async () => {
    [metrics, simulator] = await Promise.all([startService("metrics", serviceEnv(fleet)), startService("simulator", serviceEnv(fleet, { SIMULATOR_CONCURRENCY: "2" }))]);
  });


  it("writes the embedded run's report.json bytes (1 simulator process)", async () => {
    const spec = await experiment("hetao-weekday", { replications: 12, seed: 11 });
    const submitted = await client.submit(spec);
    expect(submitted).toMatchObject({ created: true, total: 12, pending: 12 });
    const status = await client.waitCompleted(submitted.id);
    expect(status).toMatchObject({ done: 12, total: 12, errors: [] });
    const fleetJson = readFileSync(join(reportsDir, submitted.id, "report.json"), "utf8");
    expect(fleetJson).toBe(embeddedReportJson(spec));
    expect(await client.store.report(submitted.id)).toBe(fleetJson);
    expect(readFileSync(join(reportsDir, submitted.id, "report.md"), "utf8")).toContain(spec.scenario.name);
  });

  it("resubmitting the same experiment adds no work and changes nothing", async () => {
    const spec = await experiment("hetao-weekday", { replications: 12, seed: 11 });
    const before = await client.simulate.getJobCounts();
    const again = await client.submit(spec);
    expect(again).toMatchObject({ created: false, state: "completed", pending: 0 });
    expect(await client.simulate.getJobCounts()).toEqual(before);

    // Twice while running: the deterministic job ids deduplicate.
    const spec2 = await experiment("mmc-textbook", { replications: 10, seed: 21 });
    const [a, b] = await Promise.all([client.submit(spec2), client.submit(spec2)]);
    expect(a.id).toBe(b.id);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    const jobs = await client.simulate.getJobs(["waiting", "prioritized", "active", "completed", "delayed"]);
    expect(jobs.filter((j) => j.id?.startsWith(`${a.id}.`)).length).toBe(10);
    await client.waitCompleted(a.id);
    expect(readFileSync(join(reportsDir, a.id, "report.json"), "utf8")).toBe(embeddedReportJson(spec2));
  });

  it("a result delivered twice counts once", async () => {
    const spec = await experiment("hetao-weekday", { replications: 12, seed: 11 });
    const id = (await client.submit(spec)).id;
    const report = await client.store.report(id);
    const before = await client.store.loadResults(id, [{ point: 0, replication: 3 }]);
    const events: unknown[] = [];
    const sub = client.redis.duplicate();
    await sub.subscribe(client.store.keys.events);
    sub.on("message", (_channel: string, message: string) => events.push(JSON.parse(message)));
    try {
      // The same bytes again, as a simulator re-running the replication after a crash would deliver
      // them, and different bytes: the first delivery wins either way.
      const duplicate = { outcome: "duplicate", done: 12, total: 12, state: "completed" };
      expect(await client.store.deliverResult(id, 0, 3, before[0]!)).toEqual(duplicate);
      expect(await client.store.deliverResult(id, 0, 3, Buffer.from('{"tampered":true}'))).toEqual(duplicate);
      // The replication run again by a simulator (a fresh job id, so BullMQ does not deduplicate it):
      // its delivery is a duplicate, and it queues no second report.
      const rerun = await client.simulate.add("simulate", { experimentId: id, point: 0, replication: 3 }, { jobId: `${replicationJobId(id, 0, 3)}.again` });
      await expect.poll(async () => rerun.getState(), { timeout: 30_000 }).toBe("completed");
      expect((await client.simulate.getJob(rerun.id!))?.returnvalue).toEqual({ delivered: "duplicate", done: 12, total: 12 });
      // And the report job delivered twice: the report is written and announced once.
      const first = await client.reports.getJob(reportJobId(id));
      expect(first?.returnvalue).toEqual({ outcome: "written" });
      const again = await client.reports.add("report", { experimentId: id }, { jobId: `${reportJobId(id)}.again` });
      await expect.poll(async () => again.getState(), { timeout: 30_000 }).toBe("completed");
      expect((await client.reports.getJob(again.id!))?.returnvalue).toEqual({ outcome: "already-completed" });
      // A marker on the same channel: once it arrives, any event published before it has arrived too.
      await client.redis.publish(client.store.keys.events, JSON.stringify({ type: "submitted", experimentId: "exp-ffffffffffffffff", total: 0 }));
      await expect.poll(() => events.some((e) => (e as { experimentId?: string }).experimentId === "exp-ffffffffffffffff"), { timeout: 5_000 }).toBe(true);
    } finally {
      await sub.quit();
    }
    expect(events.map((e) => ExperimentEventSchema.parse(e)).filter((e) => e.experimentId === id)).toEqual([]);
    expect(await client.redis.hlen(client.store.keys.results(id))).toBe(12);
    expect(await client.store.loadResults(id, [{ point: 0, replication: 3 }])).toEqual(before);
    expect(await client.store.report(id)).toBe(report);
    expect(readFileSync(join(reportsDir, id, "report.json"), "utf8")).toBe(report);
    expect((await client.store.status(id))?.done).toBe(12);
  });

  it("an invalid delivered result fails its experiment and is removed; resubmitting reruns just that replication", async () => {
    const spec = await experiment("mmc-textbook", { replications: 6, seed: 66 });
    const plan = planReplications(spec);
    // Stored and delivered by hand (no simulate jobs), replication 2 broken as a faulty model would.
    const { id } = await client.store.create(spec, plan.length, TOOL_VERSION);
    for (const { point, replication } of plan) {
      const result = runReplication(spec, point, replication);
      const encoded = encodeResult(replication === 2 ? brokenResult(result) : result);
      await client.store.deliverResult(id, point, replication, encoded);
    }
    await client.reports.add("report", { experimentId: id }, { jobId: reportJobId(id) });
    const failed = await client.waitFor(id, (s) => s.state === "failed");
    expect(failed.errors).toEqual([{ jobId: replicationJobId(id, 0, 2), error: expect.stringMatching(/^the result of point 0, replication 2 is invalid: policies\.[^.]+\.summary\.shareWithin15: /) as unknown as string }]);
    // The job completes (its return value stored) just after it marks the experiment failed.
    await expect.poll(async () => (await client.reports.getJob(reportJobId(id)))?.returnvalue, { timeout: 30_000 }).toEqual({ outcome: "invalid-result" });
    expect(await client.redis.hexists(client.store.keys.results(id), "0:2")).toBe(0);
    expect(await client.redis.hlen(client.store.keys.results(id))).toBe(5);

    // Resubmitted: one job, for the removed replication; the report job runs again; same bytes as embedded.
    const again = await client.submit(spec);
    expect(again).toMatchObject({ id, created: false, pending: 1, state: "running" });
    const status = await client.waitCompleted(id);
    expect(status).toMatchObject({ done: 6, total: 6, errors: [] });
    expect(readFileSync(join(reportsDir, id, "report.json"), "utf8")).toBe(embeddedReportJson(spec));
  });

  it("resubmitting a failed experiment whose results are all in requests its report at once", async () => {
    const spec = await experiment("mmc-textbook", { replications: 4, seed: 67 });
    const plan = planReplications(spec);
    const { id } = await client.store.create(spec, plan.length, TOOL_VERSION);
    for (const { point, replication } of plan) await client.store.deliverResult(id, point, replication, encodeResult(runReplication(spec, point, replication)));
    // Failed although every result is in (marked so by an older version, say, when a job failed for
    // good after its result was delivered: recordFailure now leaves such an experiment running), and no
    // report job queued: before, only the metrics sweep would have noticed.
    await client.redis.hset(client.store.keys.errors(id), replicationJobId(id, 0, 1), "lost its lock");
    await client.redis.hset(client.store.keys.meta(id), "state", "failed");
    expect(await client.reports.getJob(reportJobId(id))).toBeUndefined();
    const again = await client.submit(spec);
    expect(again).toMatchObject({ id, pending: 0, state: "running" });
    expect(await client.reports.getJob(reportJobId(id))).toBeDefined();
    await client.waitCompleted(id, 10_000);
    expect(readFileSync(join(reportsDir, id, "report.json"), "utf8")).toBe(embeddedReportJson(spec));
  });

  it("a completed experiment expires after its retention period; submitted again, it runs again and gives the same bytes", async () => {
    const spec = await experiment("mmc-textbook", { replications: 6, seed: 41 });
    const { id } = await client.submit(spec);
    await client.waitCompleted(id);
    const k = client.store.keys;
    const stored = [k.spec(id), k.meta(id), k.results(id), k.report(id)];
    // The services' default: a week from the completion.
    for (const key of stored) {
      const ttl = await client.redis.ttl(key);
      expect(ttl, key).toBeGreaterThan(168 * 3600 - 120);
      expect(ttl, key).toBeLessThanOrEqual(168 * 3600);
    }
    // The week passes: the keys go, and the index forgets the experiment when next read. The finished
    // simulate jobs stay (BullMQ trims them only when later jobs complete), with the same ids a new
    // submission of this experiment lays out.
    for (const key of stored) await client.redis.pexpire(key, 1);
    await expect.poll(async () => client.redis.exists(...stored)).toBe(0);
    expect((await client.store.list(1000)).map((e) => e.id)).not.toContain(id);
    expect(await client.redis.zscore(k.experiments, id)).toBeNull();
    const jobs = await client.simulate.getJobs(["completed"]);
    expect(jobs.some((j) => j.id?.startsWith(`${id}.`))).toBe(true);
    const again = await client.submit(spec);
    expect(again).toMatchObject({ id, created: true, pending: 6 });
    await client.waitCompleted(id);
    expect(readFileSync(join(reportsDir, id, "report.json"), "utf8")).toBe(embeddedReportJson(spec));
  });

  it("a malformed job fails alone with a readable reason; the workers keep serving", async () => {
    const badSim = await client.simulate.add("simulate", { experimentId: "not-an-id", point: -1 } as never, { jobId: "malformed-1", attempts: 5 });
    const badReport = await client.reports.add("report", { experimentId: "exp-0000000000000000", point: "zero" } as never, { jobId: "malformed-2", attempts: 5 });
    const unknownExp = await client.simulate.add("simulate", { experimentId: "exp-00000000000000ff", point: 0, replication: 0 }, { jobId: "unknown-exp", attempts: 5 });
    const unknownReport = await client.reports.add("report", { experimentId: "exp-00000000000000ff" }, { jobId: "unknown-report", attempts: 5 });
    for (const job of [badSim, badReport, unknownExp, unknownReport]) {
      await expect.poll(async () => job.getState(), { timeout: 30_000 }).toBe("failed");
    }
    const failed = await Promise.all([
      client.simulate.getJob("malformed-1"),
      client.reports.getJob("malformed-2"),
      client.simulate.getJob("unknown-exp"),
      client.reports.getJob("unknown-report"),
    ]);
    // Unrecoverable: one attempt, no retries.
    expect(failed.map((j) => j?.attemptsMade)).toEqual([1, 1, 1, 1]);
    expect(failed[0]?.failedReason).toMatch(/^malformed simulate job: experimentId: .*exp-.*; point: point must be >= 0; replication: /);
    expect(failed[1]?.failedReason).toMatch(/^malformed report job: .*Unrecognized key.*"point"/);
    expect(failed[2]?.failedReason).toMatch(/unknown experiment exp-00000000000000ff/);
    expect(failed[3]?.failedReason).toBe("unknown experiment exp-00000000000000ff: no metadata stored");

    // Still serving, still identical.
    const spec = await experiment("mmc-textbook", { replications: 8, seed: 5 });
    const { id } = await client.submit(spec);
    await client.waitCompleted(id);
    expect(readFileSync(join(reportsDir, id, "report.json"), "utf8")).toBe(embeddedReportJson(spec));
    expect(simulator.proc.exitCode).toBeNull();
    expect(metrics.proc.exitCode).toBeNull();
  });

  it("two experiments submitted together interleave and both equal their solo runs", async () => {
    const specA = await experiment("hetao-weekday", { replications: 10, seed: 101 });
    const specB = await experiment("mmc-textbook", { replications: 10, seed: 202 });
    const [a, b] = await Promise.all([client.submit(specA), client.submit(specB)]);
    await Promise.all([client.waitCompleted(a.id), client.waitCompleted(b.id)]);
    expect(readFileSync(join(reportsDir, a.id, "report.json"), "utf8")).toBe(embeddedReportJson(specA));
    expect(readFileSync(join(reportsDir, b.id, "report.json"), "utf8")).toBe(embeddedReportJson(specB));
    // Fairness: neither experiment waited for the other to finish first.
    const finished = async (id: string) => {
      const jobs = (await client.simulate.getJobs(["completed"], 0, 1000)).filter((j) => j.id?.startsWith(`${id}.`));
      return jobs.map((j) => j.processedOn ?? 0).sort((x, y) => x - y);
    };
    const [ta, tb] = await Promise.all([finished(a.id), finished(b.id)]);
    expect(ta).toHaveLength(10);
    expect(tb).toHaveLength(10);
    expect(ta[0]!).toBeLessThan(tb[tb.length - 1]!);
    expect(tb[0]!).toBeLessThan(ta[ta.length - 1]!);
  });

  it("an experiment submitted while another runs does not wait for it to finish", async () => {
    const big = await experiment("hetao-weekday", { replications: 40, seed: 303 });
    const small = await experiment("mmc-textbook", { replications: 6, seed: 404 });
    const a = await client.submit(big);
    await client.waitFor(a.id, (s) => s.done >= 2);
    const b = await client.submit(small);
    await Promise.all([client.waitCompleted(a.id), client.waitCompleted(b.id)]);
    const starts = async (id: string) =>
      (await client.simulate.getJobs(["completed"], 0, 1000)).filter((j) => j.id?.startsWith(`${id}.`)).map((j) => j.processedOn ?? 0);
    const [sa, sb] = await Promise.all([starts(a.id), starts(b.id)]);
    expect(sa).toHaveLength(40);
    expect(sb).toHaveLength(6);
    // FIFO would start every job of the first experiment before any of the second; fair interleaving
    // starts all of the second while the first still has jobs waiting.
    expect(Math.max(...sb)).toBeLessThan(Math.max(...sa));
    expect(sa.filter((t) => t > Math.max(...sb)).length).toBeGreaterThan(5);
    expect(readFileSync(join(reportsDir, a.id, "report.json"), "utf8")).toBe(embeddedReportJson(big));
    expect(readFileSync(join(reportsDir, b.id, "report.json"), "utf8")).toBe(embeddedReportJson(small));
  });

  it("three simulator processes give the same bytes as one", async () => {
    simulator.kill("SIGTERM");
    expect((await simulator.exited).code).toBe(0);
    const prefix3 = uniquePrefix("three");
    const fleet3 = { prefix: prefix3, reportsDir };
    const client3 = new FleetClient(prefix3, reportsDir);
    try {
      const services = await Promise.all([
        startService("metrics", serviceEnv(fleet3)),
        ...[1, 2, 3].map(() => startService("simulator", serviceEnv(fleet3, { SIMULATOR_CONCURRENCY: "1" }))),
      ]);
      const spec = await experiment("hetao-weekday", { replications: 12, seed: 11 });
      const { id } = await client3.submit(spec);
      await client3.waitCompleted(id);
      const jobs = await client3.simulate.getJobs(["completed"], 0, 100);
      const workers = new Set(jobs.map((j) => j.processedBy).filter(Boolean));
      expect(workers.size).toBeGreaterThan(1);
      const bytes = readFileSync(join(reportsDir, id, "report.json"), "utf8");
      expect(bytes).toBe(embeddedReportJson(spec));
      expect(bytes).toBe(await client.store.report(id));
      for (const s of services) s.kill("SIGTERM");
      await Promise.all(services.map((s) => s.exited));
    } finally {
      await client3.close();
      await cleanupPrefix(prefix3);
    }
  });
});
