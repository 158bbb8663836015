/**
 * The orchestrator's HTTP API as a process: bearer token, size and replication limits with clear
 * 4xx JSON errors, submission of YAML and JSON, status and progress, the report as JSON or Markdown
 * (content negotiation), /healthz, /metrics — and bad requests harm nothing else.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { renderMarkdown } from "../packages/report/dist/index.js";
import {
  SCENARIOS,
  type ServiceProcess,
  embeddedReportJson,
  experiment,
  requireRedis,
  serviceEnv,
  startService,
  useFleet,
} from "./helpers/fleet.js";

await requireRedis();
const TOKEN = "test-token-0123456789abcdef";

describe("orchestrator HTTP API", () => {
  const fleet = useFleet("http");
  const { prefix, reportsDir, client } = fleet;
  let orchestrator: ServiceProcess;
  let base: string;
  const auth = { authorization: `Bearer ${TOKEN}` };
  const weekday = readFileSync(join(SCENARIOS, "hetao-layout.yaml"), "utf8");

  beforeAll(async () => {
    [orchestrator] = await Promise.all([
      startService("orchestrator", serviceEnv(fleet, { API_TOKEN: TOKEN, MAX_BODY_BYTES: "65536", MAX_REPLICATIONS: "40" })),
      startService("metrics", serviceEnv(fleet)),
      startService("simulator", serviceEnv(fleet, { SIMULATOR_CONCURRENCY: "2" })),
    ]);
    base = `http://127.0.0.1:${orchestrator.port}`;
  });


  it("binds 127.0.0.1 by default and serves /healthz without a token", async () => {
    const ready = orchestrator.logs.find((l) => l.msg === "orchestrator listening");
    expect(ready).toMatchObject({ host: "127.0.0.1", auth: true });
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true });
  });

  it("requires the bearer token everywhere else", async () => {
    for (const [path, init] of [
      ["/experiments", { method: "POST", body: weekday }],
      ["/experiments", {}],
      ["/metrics", {}],
      ["/experiments/exp-0000000000000000", { headers: { authorization: "Bearer wrong-token-0000000000" } }],
    ] as const) {
      const res = await fetch(`${base}${path}`, init as RequestInit);
      expect(res.status, path).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect((await res.json()) as object).toHaveProperty("error");
    }
  });

  it("rejects bad bodies with clear 4xx JSON errors and harms nothing else", async () => {
    const post = (body: string, type = "application/yaml", query = "") =>
      fetch(`${base}/experiments${query}`, { method: "POST", headers: { ...auth, "content-type": type }, body });

    const tooLarge = await post("x".repeat(100_000));
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toMatchObject({ error: expect.stringMatching(/limit is 65536|exceeds 65536/) });

    const syntax = await post("name: [unclosed\n  - x");
    expect(syntax.status).toBe(400);
    const syntaxBody = (await syntax.json()) as { error: string; issues: { line?: number; message: string }[] };
    expect(syntaxBody.error).toBe("invalid scenario");
    expect(syntaxBody.issues[0]?.message).toMatch(/YAML syntax error/);
    expect(syntaxBody.issues[0]?.line).toBeGreaterThan(0);

    const invalid = await post(weekday.replace(/servers: \d+/, "servers: -3"));
    expect(invalid.status).toBe(400);
    const invalidBody = (await invalid.json()) as { issues: { path: string; text: string }[] };
    expect(invalidBody.issues.some((i) => /servers/.test(i.path))).toBe(true);

    const badJson = await post("{ not json", "application/json");
    expect(badJson.status).toBe(400);

    const wrapper = await post(JSON.stringify({ scenario: {}, replications: "many" }), "application/json");
    expect(wrapper.status).toBe(400);

    const tooMany = await post(weekday, "application/yaml", "?replications=41");
    expect(tooMany.status).toBe(422);
    expect(await tooMany.json()).toMatchObject({ limit: 40, requested: 41 });

    const unknownPolicy = await post(JSON.stringify({ scenario: weekday, replications: 4, policies: ["nope"] }), "application/json");
    expect(unknownPolicy.status).toBe(400);
    expect(await unknownPolicy.json()).toMatchObject({ error: "invalid experiment", message: expect.stringMatching(/unknown policy "nope"/) });

    const missing = await fetch(`${base}/experiments/exp-0000000000000000`, { headers: auth });
    expect(missing.status).toBe(404);
    const notAnId = await fetch(`${base}/experiments/../../etc/passwd`, { headers: auth });
    expect(notAnId.status).toBe(404);
    // A malformed percent-encoding is the client's mistake (400 with a short reason), not a URIError (500).
    for (const path of ["/experiments/%E0%A4%A", "/experiments/%E0%A4%A/report", "/experiments/%ZZ"]) {
      const malformed = await fetch(`${base}${path}`, { headers: auth });
      expect(malformed.status, path).toBe(400);
      const text = await malformed.text();
      expect(text.length, path).toBeLessThan(200);
      expect(JSON.parse(text), path).toEqual({ error: expect.stringMatching(/^malformed percent-encoding in the path: /) as unknown as string });
    }

    // Nothing was enqueued by any of them, and the service still serves.
    const counts = await client.simulate.getJobCounts();
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(0);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it("accepts YAML, tracks progress and serves the report as JSON and Markdown", async () => {
    // The reference report is computed first: it blocks this process for seconds, during which the
    // server may close an idle keep-alive socket that fetch would otherwise reuse ("other side closed").
    // The pause lets the closes be read before the next request picks a socket.
    const expected = embeddedReportJson(await experiment("hetao-layout", { replications: 10, seed: 77 }));
    await new Promise((r) => setTimeout(r, 100));
    const res = await fetch(`${base}/experiments?replications=10&seed=77`, { method: "POST", headers: { ...auth, "content-type": "application/yaml" }, body: weekday });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { id: string; total: number; created: boolean };
    expect(body).toMatchObject({ total: 10, created: true });
    expect(res.headers.get("location")).toBe(`/experiments/${body.id}`);

    const early = await fetch(`${base}/experiments/${body.id}`, { headers: auth });
    expect(early.status).toBe(200);
    expect(await early.json()).toMatchObject({ id: body.id, total: 10, scenario: "hetao-layout" });

    await client.waitCompleted(body.id);
    const status = (await (await fetch(`${base}/experiments/${body.id}`, { headers: auth })).json()) as Record<string, unknown>;
    expect(status).toMatchObject({ state: "completed", done: 10, total: 10, progress: 1, errors: [] });

    const json = await fetch(`${base}/experiments/${body.id}/report`, { headers: auth });
    expect(json.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await json.text()).toBe(expected);
    const md = await fetch(`${base}/experiments/${body.id}/report`, { headers: { ...auth, accept: "text/markdown" } });
    expect(md.headers.get("content-type")).toMatch(/^text\/markdown/);
    expect(await md.text()).toBe(renderMarkdown(JSON.parse(expected)));
    const html = await fetch(`${base}/experiments/${body.id}/report`, { headers: { ...auth, accept: "text/html" } });
    expect(html.status).toBe(406);

    // Same experiment again: same id, nothing new.
    const again = await fetch(`${base}/experiments?replications=10&seed=77`, { method: "POST", headers: { ...auth, "content-type": "application/yaml" }, body: weekday });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ id: body.id, created: false, state: "completed", pending: 0 });
  });

  it("accepts the JSON wrapper { scenario, replications, seed, policies } and says 409 until the report exists", async () => {
    const expected = embeddedReportJson(await experiment("hetao-layout", { replications: 6, seed: 5, policies: ["current", "seamless"] }));
    await new Promise((r) => setTimeout(r, 100)); // see above: read idle sockets' closes first
    const res = await fetch(`${base}/experiments`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ scenario: weekday, replications: 6, seed: 5, policies: ["current", "seamless"] }),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const report = await fetch(`${base}/experiments/${id}/report`, { headers: auth });
    if (report.status !== 200) expect(report.status).toBe(409);
    await client.waitCompleted(id);
    expect(await (await fetch(`${base}/experiments/${id}/report`, { headers: auth })).text()).toBe(expected);

    const list = (await (await fetch(`${base}/experiments`, { headers: auth })).json()) as { experiments: { id: string }[] };
    expect(list.experiments.map((e) => e.id)).toContain(id);
  });

  it("exposes Prometheus metrics with queue depths", async () => {
    const res = await fetch(`${base}/metrics`, { headers: auth });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/hetao_queue_jobs\{queue="simulate",state="completed",service="orchestrator"\} \d+/);
    expect(text).toMatch(/hetao_queue_workers\{queue="simulate",service="orchestrator"\} 1/);
    // What Redis holds, to alert on before a noeviction Redis is full (docs/operations.md, "Redis keys").
    expect(Number(/hetao_redis_memory_bytes\{kind="used",service="orchestrator"\} (\d+)/.exec(text)?.[1])).toBeGreaterThan(0);
    expect(text).toMatch(/hetao_redis_memory_bytes\{kind="max",service="orchestrator"\} \d+/);
    expect(Number(/hetao_experiments\{service="orchestrator"\} (\d+)/.exec(text)?.[1])).toBeGreaterThan(0);
    expect(text).toMatch(/hetao_http_requests_total\{method="POST",route="\/experiments",status="413"/);
    expect(text).toContain("process_cpu_user_seconds_total");
  });

  it("serves the bull-board dashboard behind the token (HTTP Basic or bearer)", async () => {
    const dashboard = await startService("dashboard", serviceEnv(fleet, { API_TOKEN: TOKEN }));
    const url = `http://127.0.0.1:${dashboard.port}`;
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const anonymous = await fetch(`${url}/`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Basic/);
    const basic = { authorization: `Basic ${Buffer.from(`ops:${TOKEN}`).toString("base64")}` };
    const page = await fetch(`${url}/`, { headers: basic });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<title>Hetao fleet</title>");
    const queues = (await (await fetch(`${url}/api/queues`, { headers: auth })).json()) as { queues: { name: string }[] };
    expect(queues.queues.map((q) => q.name).sort()).toEqual(["reports", "simulate"]);
  });
});
