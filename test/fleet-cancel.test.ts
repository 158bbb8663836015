/**
 * Cancelling a fleet experiment (`hetao-sim cancel`, DELETE /experiments/:id) on real Redis: its queued
 * simulate jobs are removed, its state says cancelled, a late result is dropped, the metrics worker
 * writes no report for it even with every result in, a completed experiment cannot be cancelled (409),
 * the DELETE needs the token, and a resubmission resumes it.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runReplication } from "../packages/experiment/dist/index.js";
import { TOOL_VERSION, encodeResult, requestReport, submitExperiment } from "../packages/messaging/dist/index.js";
import {
  MAINS,
  REDIS_URL,
  ROOT,
  type ServiceProcess,
  experiment,
  fleetCli,
  requireRedis,
  serviceEnv,
  sleep,
  startService,
  useFleet,
} from "./helpers/fleet.js";

await requireRedis();

const TOKEN = "cancel-test-token-0123456789";

describe("cancelling an experiment", () => {
  const fleet = useFleet("cancel");
  const { prefix, dir, client } = fleet;
  const cli = (args: string[]) => fleetCli(dir, prefix, args, { REDIS_URL }, 60_000);
  let orchestrator: ServiceProcess;
  let api: string;

  beforeAll(async () => {
    // No simulator and no metrics worker yet: every job stays queued until the test starts them.
    orchestrator = await startService("orchestrator", serviceEnv(fleet, { API_TOKEN: TOKEN }));
    api = `http://127.0.0.1:${orchestrator.port}`;
  });


  /** Queued (waiting, prioritized, delayed) simulate jobs whose payload names this experiment. */
  async function queuedJobs(id: string): Promise<number> {
    const jobs = await client.simulate.getJobs(["waiting", "prioritized", "delayed"], 0, -1);
    return jobs.filter((j) => j?.data?.experimentId === id).length;
  }


  /** DELETE /experiments/:id with the token, another token, or (null) none. */
  const del = (id: string, token: string | null = TOKEN) =>
    fetch(`${api}/experiments/${id}`, { method: "DELETE", headers: token === null ? {} : { authorization: `Bearer ${token}` } });

  let viaCli: string;
  let viaHttp: string;
  let allIn: string;

  it("hetao-sim cancel removes every queued job and marks the experiment cancelled; again, it is a no-op", async () => {
    const spec = await experiment("mmc-textbook", { replications: 120, seed: 1 });
    const { id, pending } = await client.submit(spec);
    viaCli = id;
    expect(pending).toBe(120);
    expect(await queuedJobs(id)).toBe(120);

    const r = cli(["cancel", id]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`cancelled ${id}: removed 120 queued jobs\n`);
    expect(await queuedJobs(id)).toBe(0);
    expect((await client.store.status(id))?.state).toBe("cancelled");

    const again = cli(["cancel", id, "--json"]);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ id, state: "cancelled", alreadyCancelled: true, removed: 0, active: 0 });

    const status = cli(["status"]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`${id}\\s+mmc-textbook\\s+cancelled\\s+0/120`));
  });

  it("hetao-sim cancel of an unknown id says so (exit 1)", () => {
    const r = cli(["cancel", "exp-0000000000000000"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no experiment exp-0000000000000000 on this fleet");
  });

  it("DELETE /experiments/:id needs the token, then cancels (idempotent)", async () => {
    const { id } = await client.submit(await experiment("mmc-textbook", { replications: 80, seed: 2 }));
    viaHttp = id;
    const refused = await del(id, null);
    expect(refused.status).toBe(401);
    const wrong = await del(id, "wrong-token-wrong-token-wrong");
    expect(wrong.status).toBe(401);
    // ?token= is for reads only: a link can never cancel.
    const byQuery = await fetch(`${api}/experiments/${id}?token=${TOKEN}`, { method: "DELETE" });
    expect(byQuery.status).toBe(401);
    expect(await queuedJobs(id)).toBe(80);
    expect((await client.store.status(id))?.state).toBe("running");

    const ok = await del(id);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ id, state: "cancelled", alreadyCancelled: false, removed: 80, active: 0 });
    expect(await queuedJobs(id)).toBe(0);
    const shown = await fetch(`${api}/experiments/${id}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(((await shown.json()) as { state: string }).state).toBe("cancelled");

    const again = await del(id);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ alreadyCancelled: true, removed: 0 });

    const unknown = await del("exp-0000000000000000");
    expect(unknown.status).toBe(404);
  });

  it("run --redis watching an experiment that is cancelled stops with one line (exit 1)", async () => {
    const before = new Set((await client.store.list(100)).map((e) => e.id));
    const run = spawn(process.execPath, [MAINS.cli, "run", join(ROOT, "seeds/scenarios/mmc-textbook.yaml"), "-r", "30", "-s", "5", "-q", "-o", join(dir, "watched")], {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, QUEUE_PREFIX: prefix, REDIS_URL },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    run.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    const exited = new Promise<number | null>((r) => run.once("exit", (code) => r(code)));
    try {
      let id: string | undefined;
      await expect.poll(async () => (id = (await client.store.list(100)).find((e) => !before.has(e.id))?.id), { timeout: 30_000 }).toBeDefined();
      expect((await del(id!)).status).toBe(200);
      const code = await Promise.race([exited, sleep(20_000).then(() => "still running")]);
      expect(code).toBe(1);
      expect(stderr).toContain(`experiment ${id} was cancelled (0 of 30 results in); submit it again to resume it`);
    } finally {
      if (run.exitCode === null) run.kill("SIGKILL");
    }
  });

  it("a cancel finds an experiment's jobs in blocks, as its submission laid them out", async () => {
    const spec = await experiment("mmc-textbook", { replications: 30, seed: 6 });
    const { id } = await submitExperiment({ store: client.store, simulate: client.simulate, replicationsPerJob: 10 }, spec, TOOL_VERSION);
    // 30 replications with 10 per job are all the experiment's tail: six blocks of 5 (jobLayout).
    expect(await queuedJobs(id)).toBe(6);
    expect((await (await del(id)).json()) as object).toMatchObject({ removed: 6, active: 0 });
    expect(await queuedJobs(id)).toBe(0);
  });

  it("a cancel that comes while the experiment is being submitted wins: nothing stays queued", async () => {
    // Two windows: between creating the experiment and reading its state back, and between reading the
    // state and adding the jobs. The store is wrapped so that the cancel lands exactly there.
    for (const window of ["create", "getMeta"] as const) {
      const spec = await experiment("mmc-textbook", { replications: 20, seed: window === "create" ? 7 : 8 });
      let cancelledOnce = false;
      const store = new Proxy(client.store, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver);
          if (prop !== window || typeof value !== "function") return typeof value === "function" ? value.bind(target) : value;
          return async (...args: unknown[]) => {
            const out = await value.apply(target, args);
            if (!cancelledOnce) {
              cancelledOnce = true;
              const id = window === "create" ? (out as { id: string }).id : (args[0] as string);
              expect((await del(id)).status).toBe(200);
            }
            return out;
          };
        },
      });
      const outcome = await submitExperiment({ store, simulate: client.simulate, replicationsPerJob: 5 }, spec, TOOL_VERSION);
      expect(outcome, window).toMatchObject({ state: "cancelled", created: true });
      expect(await queuedJobs(outcome.id), window).toBe(0);
      expect((await client.store.status(outcome.id))?.state, window).toBe("cancelled");
    }
  });

  it("a late result of a cancelled experiment is dropped", async () => {
    const spec = (await client.store.getSpec(viaHttp))!;
    const late = await client.store.deliverResult(viaHttp, 0, 0, encodeResult(runReplication(spec, 0, 0)));
    expect(late).toEqual({ outcome: "cancelled", done: 0, total: 80, state: "cancelled" });
    expect(await client.store.resultCount(viaHttp)).toBe(0);
  });

  it("a report finished after the cancel is not stored (the cancel wins)", async () => {
    expect(await client.store.complete(viaHttp, "{}", join(fleet.reportsDir, viaHttp))).toBe("cancelled");
    expect(await client.store.report(viaHttp)).toBeUndefined();
    expect((await client.store.status(viaHttp))?.state).toBe("cancelled");
  });

  it("with every result in but cancelled, the metrics worker writes no report", async () => {
    const spec = await experiment("mmc-textbook", { replications: 4, seed: 3 });
    const { id } = await client.submit(spec);
    allIn = id;
    for (let r = 0; r < 4; r++) await client.store.deliverResult(id, 0, r, encodeResult(runReplication(spec, 0, r)));
    expect((await del(id)).status).toBe(200);
    await requestReport(client.reports, id);

    const [metrics] = await Promise.all([startService("metrics", serviceEnv(fleet)), startService("simulator", serviceEnv(fleet, { SIMULATOR_CONCURRENCY: "1" }))]);
    await metrics.waitForLog((l) => l.msg === "experiment cancelled; no report is built" && l.experimentId === id, 30_000);
    expect(await client.store.report(id)).toBeUndefined();
    expect(existsSync(join(fleet.reportsDir, id))).toBe(false);
    expect((await client.store.status(id))?.state).toBe("cancelled");
  });

  it("a completed experiment cannot be cancelled (409), and the cancelled ones stay unreported", async () => {
    const { id } = await client.submit(await experiment("mmc-textbook", { replications: 3, seed: 4 }));
    await client.waitCompleted(id, 60_000);
    const r = await del(id);
    expect(r.status).toBe(409);
    expect(((await r.json()) as { error: string }).error).toBe(
      `experiment ${id} is completed; a completed experiment cannot be cancelled (its report: /experiments/${id}/report)`,
    );
    expect((await client.store.status(id))?.state).toBe("completed");
    const c = cli(["cancel", id]);
    expect(c.code).toBe(1);
    expect(c.stderr).toContain(`experiment ${id} is completed; a completed experiment cannot be cancelled`);

    // The simulators and the metrics worker have been running all along: nothing of the cancelled ones ran.
    for (const cancelled of [viaCli, viaHttp, allIn]) {
      expect((await client.store.status(cancelled))?.state).toBe("cancelled");
      expect(await client.store.report(cancelled)).toBeUndefined();
      expect(existsSync(join(fleet.reportsDir, cancelled))).toBe(false);
    }
    expect(await client.store.resultCount(viaCli)).toBe(0);
  });

  it("submitting a cancelled experiment again resumes it, keeping the results it had", async () => {
    const spec = (await client.store.getSpec(allIn))!;
    const again = await client.submit(spec);
    expect(again).toMatchObject({ id: allIn, created: false, pending: 0, state: "running" });
    const done = await client.waitCompleted(allIn, 60_000);
    expect(done.done).toBe(4);
    expect(existsSync(join(fleet.reportsDir, allIn, "report.json"))).toBe(true);
  });
});
