import { canonicalJson, loadScenarioFile } from "@hetao/scenario";
import { createExperiment, experimentId, runReplication } from "@hetao/experiment";
import { decodeResult } from "@hetao/messaging/result-codec";
import { afterAll, describe, expect, it } from "vitest";
import { ReplicationFailure, ReplicationPool } from "../src/pool.js";

const scenario = (await loadScenarioFile(new URL("../../../seeds/scenarios/mmc-textbook.yaml", import.meta.url).pathname)).scenario;
const spec = createExperiment(scenario, { replications: 4, seed: 9 });
const id = experimentId(spec);
const specJson = canonicalJson(spec);

describe("the replication thread pool", () => {
  const pool = new ReplicationPool(2);
  afterAll(() => pool.close());

  it("runs replications in threads with the same result as in-process", async () => {
    const encoded = await Promise.all([0, 1, 2, 3].map((r) => pool.run(id, specJson, 0, r)));
    encoded.forEach((bytes, r) => expect(JSON.stringify(decodeResult(bytes, 0, r))).toBe(JSON.stringify(runReplication(spec, 0, r))));
  });

  it("fails permanently for coordinates outside the experiment and for an invalid spec", async () => {
    const outside = await pool.run(id, specJson, 0, 99).catch((e: unknown) => e);
    expect(outside).toBeInstanceOf(ReplicationFailure);
    expect((outside as ReplicationFailure).kind).toBe("bad-coordinates");
    expect((outside as ReplicationFailure).permanent).toBe(true);
    const bad = await pool.run("exp-00000000000000aa", '{"scenario":{}}', 0, 0).catch((e: unknown) => e);
    expect((bad as ReplicationFailure).kind).toBe("invalid-spec");
  });

  it("aborts a running replication (its thread is replaced) and keeps serving", async () => {
    const controller = new AbortController();
    const running = pool.run(id, specJson, 0, 1, controller.signal);
    controller.abort("shutdown");
    const err = await running.catch((e: unknown) => e);
    expect((err as ReplicationFailure).kind).toBe("aborted");
    expect((err as ReplicationFailure).permanent).toBe(false);
    expect(JSON.stringify(decodeResult(await pool.run(id, specJson, 0, 2), 0, 2))).toBe(JSON.stringify(runReplication(spec, 0, 2)));
  });
});

describe("the replication thread pool with tasks queued in the threads (depth 2)", () => {
  const pool = new ReplicationPool(1, undefined, 2);
  afterAll(() => pool.close());
  const expected = (r: number) => JSON.stringify(runReplication(spec, 0, r));
  const decoded = async (p: Promise<Uint8Array>, r: number) => JSON.stringify(decodeResult(await p, 0, r));

  it("posts a second task to a busy thread and answers each with its own result", async () => {
    const runs = [0, 1, 2, 3].map((r) => pool.run(id, specJson, 0, r));
    expect(pool.busy).toBe(1);
    for (const [r, run] of runs.entries()) expect(await decoded(run, r)).toBe(expected(r));
  });

  it("aborting a task that waits in a thread's queue rejects it alone", async () => {
    const controller = new AbortController();
    const running = pool.run(id, specJson, 0, 1);
    const waiting = pool.run(id, specJson, 0, 2, controller.signal);
    controller.abort("shutdown");
    const err = await waiting.catch((e: unknown) => e);
    expect((err as ReplicationFailure).kind).toBe("aborted");
    expect(await decoded(running, 1)).toBe(expected(1));
    expect(await decoded(pool.run(id, specJson, 0, 3), 3)).toBe(expected(3));
  });

  it("aborting the running task replaces the thread; the task queued behind it runs on the new one", async () => {
    const controller = new AbortController();
    const running = pool.run(id, specJson, 0, 0, controller.signal);
    const behind = pool.run(id, specJson, 0, 3);
    controller.abort("shutdown");
    expect(((await running.catch((e: unknown) => e)) as ReplicationFailure).kind).toBe("aborted");
    expect(await decoded(behind, 3)).toBe(expected(3));
  });
});

describe("blocks of replications", () => {
  const pool = new ReplicationPool(1);
  afterAll(() => pool.close());

  it("a block runs its replications in order in one thread, each result handed out as it is done", async () => {
    const seen: number[] = [];
    const bytes: Uint8Array[] = [];
    await pool.runBlock({ experimentId: id, specJson, point: 0, first: 1, count: 3, onResult: (r, b) => (seen.push(r), bytes.push(b)) });
    expect(seen).toEqual([1, 2, 3]);
    bytes.forEach((b, i) => expect(JSON.stringify(decodeResult(b, 0, i + 1))).toBe(JSON.stringify(runReplication(spec, 0, i + 1))));
  });

  it("a block that runs past the experiment hands out the replications before and fails at the first outside", async () => {
    const seen: number[] = [];
    const err = await pool.runBlock({ experimentId: id, specJson, point: 0, first: 2, count: 5, onResult: (r) => seen.push(r) }).catch((e: unknown) => e);
    expect(seen).toEqual([2, 3]);
    expect(err).toMatchObject({ kind: "bad-coordinates", replication: 4, permanent: true });
  });

  it("aborting a running block replaces its thread; results already handed out stand", async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const running = pool.runBlock({ experimentId: id, specJson, point: 0, first: 0, count: 4, signal: controller.signal, onResult: (r) => (seen.push(r), r === 0 && controller.abort("shutdown")) });
    expect(await running.catch((e: unknown) => e)).toMatchObject({ kind: "aborted", replication: 1 });
    expect(seen).toEqual([0]);
    expect(JSON.stringify(decodeResult(await pool.run(id, specJson, 0, 2), 0, 2))).toBe(JSON.stringify(runReplication(spec, 0, 2)));
  });
});

describe("a thread that dies mid-block", () => {
  const pool = new ReplicationPool(1, new URL("./fixtures/crashing-thread.mjs", import.meta.url));
  afterAll(() => pool.close());

  it("rejects its task as thread-crashed at the replication it was on, and is replaced", async () => {
    const seen: number[] = [];
    const err = await pool.runBlock({ experimentId: id, specJson, point: 0, first: 5, count: 3, onResult: (r) => seen.push(r) }).catch((e: unknown) => e);
    expect(seen).toEqual([5]);
    expect(err).toMatchObject({ kind: "thread-crashed", replication: 6, permanent: false });
    expect(pool.crashes).toBe(1);
    // The replacement thread takes the next task.
    await pool.runBlock({ experimentId: id, specJson, point: 0, first: 0, count: 1, onResult: (r) => seen.push(r) }).catch(() => undefined);
    expect(seen).toEqual([5, 0]);
  });
});
