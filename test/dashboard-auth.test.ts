/**
 * The dashboard's actions need a token: without API_TOKEN it is read-only (anyone on the host may
 * look; every action is refused with 403, and it says so at start); with API_TOKEN the actions work
 * for a caller with the token, from the dashboard's own pages (a cross-site request is refused).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FleetClient, cleanupPrefix, requireBuilt, requireRedis, serviceEnv, startService, stopAll, tempDir, uniquePrefix } from "./helpers/fleet.js";

await requireRedis();
const TOKEN = "dashboard-token-0123456789";

describe("dashboard actions", () => {
  const prefix = uniquePrefix("board");
  const fleet = { prefix, reportsDir: tempDir("board") };
  let client: FleetClient;

  beforeAll(() => {
    requireBuilt();
    client = new FleetClient(prefix);
  });

  afterAll(async () => {
    await stopAll();
    await client?.close();
    await cleanupPrefix(prefix);
  });

  it("without API_TOKEN: read-only, says so at start, refuses every action", async () => {
    const dashboard = await startService("dashboard", serviceEnv(fleet));
    expect(dashboard.logs.find((l) => l.msg === "dashboard listening")).toMatchObject({ auth: false, readOnly: true });
    expect(dashboard.logs.some((l) => typeof l.msg === "string" && l.msg.startsWith("API_TOKEN is not set: the dashboard is read-only"))).toBe(true);
    const url = `http://127.0.0.1:${dashboard.port}`;
    // Looking is open.
    expect((await fetch(`${url}/`)).status).toBe(200);
    const queues = (await (await fetch(`${url}/api/queues`)).json()) as { queues: { name: string; readOnlyMode: boolean }[] };
    expect(queues.queues.map((q) => [q.name, q.readOnlyMode]).sort()).toEqual([["reports", true], ["simulate", true]]);
    // Acting is not.
    for (const [method, path] of [
      ["PUT", "/api/queues/simulate/pause"],
      ["PUT", "/api/queues/simulate/clean/completed"],
      ["PUT", "/api/queues/simulate/retry/failed"],
      ["POST", "/api/queues/simulate/add"],
      ["PUT", "/api/queues/simulate/obliterate"],
      ["DELETE", "/api/queues/simulate/some-job"],
    ] as const) {
      const res = await fetch(`${url}${path}`, { method, headers: { "content-type": "application/json" }, body: method === "POST" ? JSON.stringify({ name: "simulate", data: {} }) : undefined });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(await res.json()).toEqual({ error: expect.stringMatching(/read-only because API_TOKEN is not set/) as unknown as string });
    }
    expect(await client.simulate.isPaused()).toBe(false);
    expect(Object.values(await client.simulate.getJobCounts()).reduce((a, b) => a + b, 0)).toBe(0);
    dashboard.kill();
    await dashboard.exited;
  });

  it("with API_TOKEN: the actions work for a caller with the token, not from another site", async () => {
    const dashboard = await startService("dashboard", serviceEnv(fleet, { API_TOKEN: TOKEN }));
    expect(dashboard.logs.find((l) => l.msg === "dashboard listening")).toMatchObject({ auth: true, readOnly: false });
    const url = `http://127.0.0.1:${dashboard.port}`;
    const auth = { authorization: `Basic ${Buffer.from(`ops:${TOKEN}`).toString("base64")}` };
    expect((await fetch(`${url}/api/queues/simulate/pause`, { method: "PUT" })).status).toBe(401);
    const crossSite = await fetch(`${url}/api/queues/simulate/pause`, { method: "PUT", headers: { ...auth, origin: "http://evil.example" } });
    expect(crossSite.status).toBe(403);
    expect(await client.simulate.isPaused()).toBe(false);

    const pause = await fetch(`${url}/api/queues/simulate/pause`, { method: "PUT", headers: { ...auth, origin: url } });
    expect(pause.status).toBe(200);
    expect(await client.simulate.isPaused()).toBe(true);
    const resume = await fetch(`${url}/api/queues/simulate/resume`, { method: "PUT", headers: { authorization: `Bearer ${TOKEN}` } });
    expect(resume.status).toBe(200);
    expect(await client.simulate.isPaused()).toBe(false);
  });
});
