/**
 * BullMQ's lock is the only lock on a report: the metrics sweep does not build reports itself, it
 * queues the experiment's report job (fixed id) when every result is in but no job was queued, and the
 * job builds it. Two metrics workers sweeping the same experiment at once write it once.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TOOL_VERSION, encodeResult, reportJobId } from "../packages/messaging/dist/index.js";
import { planReplications, runReplication } from "../packages/experiment/dist/index.js";
import { FleetClient, cleanupPrefix, embeddedReportJson, experiment, requireBuilt, requireRedis, serviceEnv, sleep, startService, stopAll, tempDir, uniquePrefix } from "./helpers/fleet.js";

await requireRedis();

describe("the metrics sweep", () => {
  const prefix = uniquePrefix("sweep");
  const reportsDir = tempDir("sweep");
  const fleet = { prefix, reportsDir };
  let client: FleetClient;

  beforeAll(() => {
    requireBuilt();
    client = new FleetClient(prefix, reportsDir);
  });
  afterEach(() => stopAll());
  afterAll(async () => {
    await client.close();
    await cleanupPrefix(prefix);
  });

  it("queues the lost report job of an experiment whose results are all in; the job writes the report, announced once", async () => {
    const spec = await experiment("mmc-textbook", { replications: 4, seed: 71 });
    const plan = planReplications(spec);
    const { id } = await client.store.create(spec, plan.length, TOOL_VERSION);
    // Every result delivered and no report job: as when a simulator dies between the two.
    for (const { point, replication } of plan) await client.store.deliverResult(id, point, replication, encodeResult(runReplication(spec, point, replication)));
    expect(await client.reports.getJob(reportJobId(id))).toBeUndefined();
    const events: { type: string; experimentId: string }[] = [];
    const sub = client.redis.duplicate();
    await sub.subscribe(client.store.keys.events);
    sub.on("message", (_channel: string, message: string) => events.push(JSON.parse(message) as { type: string; experimentId: string }));

    // Two workers, each sweeping as it starts.
    const workers = await Promise.all([startService("metrics", serviceEnv(fleet)), startService("metrics", serviceEnv(fleet))]);
    await client.waitCompleted(id, 30_000);
    await sleep(200); // let the completion event arrive
    await sub.quit();
    expect(await (await client.reports.getJob(reportJobId(id)))?.returnvalue).toEqual({ outcome: "written" });
    expect(readFileSync(join(reportsDir, id, "report.json"), "utf8")).toBe(embeddedReportJson(spec));
    const written = workers.flatMap((w) => w.logs.filter((l) => l.msg === "report written; experiment completed" && l.experimentId === id));
    expect(written).toHaveLength(1);
    expect(events.filter((e) => e.experimentId === id && e.type === "completed")).toHaveLength(1);
  });
});
