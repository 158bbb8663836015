/**
 * The FleetRunner hands results on in plan order and fetches only up to the first result not in yet:
 * with replication 0 held back, replications 1 … 20 already in Redis are neither fetched nor handed on
 * (they wait in Redis, not in the CLI's memory); once 0 is in they follow, in plan order.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { ReplicationResult } from "../packages/crossing-model/dist/index.js";
import { runReplication } from "../packages/experiment/dist/index.js";
import { FleetRunner, configFromEnv, encodeResult } from "../packages/messaging/dist/index.js";
import { REDIS_URL, experiment, requireRedis, sleep, useFleet } from "./helpers/fleet.js";

await requireRedis();

describe("FleetRunner fetch order", () => {
  const { prefix, client } = useFleet("order");
  const runner = new FleetRunner(configFromEnv("client", { REDIS_URL, QUEUE_PREFIX: prefix }), { pollMs: 50, noWorkerWarnMs: 60_000, replicationsPerJob: 1 });

  afterAll(() => runner.close());

  it("holds nothing past a gap: results after a missing one stay in Redis until it arrives", async () => {
    const spec = await experiment("mmc-textbook", { replications: 40, seed: 9 });
    const handed: number[] = [];
    const progress: number[] = [];
    const done = runner.run(spec, (p) => progress.push(p.done), (r: ReplicationResult) => handed.push(r.replication));
    await expect.poll(() => runner.submission?.id, { timeout: 10_000 }).toBeDefined();
    const id = runner.submission!.id;
    const deliver = (r: number) => client.store.deliverResult(id, 0, r, encodeResult(runReplication(spec, 0, r)));

    for (let r = 1; r <= 20; r++) await deliver(r);
    // The runner has seen all 20 (a fetch is due after 8) and polled several times since.
    await expect.poll(() => progress.at(-1), { timeout: 10_000 }).toBe(20);
    await sleep(500);
    expect(handed).toEqual([]);

    // Replication 0 arrives, then the rest: everything is handed on, once each, in plan order.
    await deliver(0);
    for (let r = 21; r < 40; r++) await deliver(r);
    expect(await done).toEqual([]);
    expect(handed).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });
});
