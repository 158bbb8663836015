import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { negotiate } from "../src/orchestrator.js";
import { HttpError, bodyFormat, queryOptions, specFromBody } from "../src/submission.js";

const weekday = readFileSync(new URL("../../../seeds/scenarios/hetao-layout.yaml", import.meta.url), "utf8"); // self-contained: the API refuses `extends`

function httpError(fn: () => unknown): HttpError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(HttpError);
    return err as HttpError;
  }
  throw new Error("expected an HttpError");
}

describe("POST /experiments bodies", () => {
  it("reads a bare YAML scenario with options from the query string", () => {
    const spec = specFromBody(weekday, "yaml", queryOptions(new URLSearchParams("replications=7&seed=3&policies=current,seamless")), 100);
    expect(spec).toMatchObject({ replications: 7, seed: 3, policies: ["current", "seamless"] });
  });

  it("reads the JSON wrapper with the scenario as YAML text or as an object", () => {
    const a = specFromBody(JSON.stringify({ scenario: weekday, replications: 5 }), "json", {}, 100);
    const b = specFromBody(JSON.stringify({ scenario: a.scenario, replications: 5 }), "json", {}, 100);
    expect(b).toEqual(a);
  });

  it("gives 400 with positioned issues, 422 over the replication limit", () => {
    const e = httpError(() => specFromBody("name: [x\n", "yaml", {}, 100));
    expect(e.status).toBe(400);
    expect((e.body.issues as { line?: number }[])[0]?.line).toBeGreaterThanOrEqual(1);
    expect(httpError(() => specFromBody("", "yaml", {}, 100)).status).toBe(400);
    expect(httpError(() => specFromBody(JSON.stringify({ scenario: weekday, replications: 2, nope: 1 }), "json", {}, 100)).body.error).toBe("invalid submission");
    // The wrapper's own fields get the scenario's form: path, value, what was expected, a did-you-mean.
    const wrapper = httpError(() => specFromBody(JSON.stringify({ scenario: weekday, replicatons: 4, seed: "x" }), "json", {}, 100)).body;
    expect(wrapper.message).toBe(
      'request body: seed: wrong type: a string (got "x"; expected an integer >= 0)\n' +
        'request body: replicatons: unknown key "replicatons" (did you mean "replications"?) (got 4; expected one of the allowed keys: scenario, replications, seed, policies, baseline, compare, points)',
    );
    expect(wrapper).toMatchObject({ total: 2, omitted: 0, issues: [{ path: "seed", expected: "an integer >= 0" }, { path: "replicatons" }] });
    const tooMany = httpError(() => specFromBody(weekday, "yaml", { replications: 101 }, 100));
    expect(tooMany.status).toBe(422);
    expect(tooMany.body).toMatchObject({ requested: 101, limit: 100 });
    expect(httpError(() => queryOptions(new URLSearchParams("seed=-1"))).status).toBe(400);
  });

  it("refuses a query parameter it does not read, instead of running with the scenario's own settings", () => {
    const typo = httpError(() => queryOptions(new URLSearchParams("replicatons=4")));
    expect(typo.status).toBe(400);
    expect(typo.body.error).toBe('unknown query parameter "replicatons" (did you mean "replications"?): a submission reads replications, seed, policies');
    expect(httpError(() => queryOptions(new URLSearchParams("seed=1&token=abc"))).body.error).toMatch(/unknown query parameter "token": .*only as a header/);
    expect(queryOptions(new URLSearchParams("replications=4&seed=2&policies=a,b"))).toEqual({ replications: 4, seed: 2, policies: ["a", "b"] });
  });

  it("reads bodies with the scenario loader's node budget and nesting limit (400 naming the limit)", () => {
    const laughs = `${weekday}\nlol: &lol [${Array(10_000).fill("lol").join(",")}]\nlaughs: [${Array(1_000).fill("*lol").join(",")}]\n`;
    const big = httpError(() => specFromBody(laughs, "yaml", {}, 100));
    expect(big.status).toBe(400);
    expect(big.body.message).toMatch(/scenario too large: more than 200000 YAML nodes after alias expansion/);
    const deep = httpError(() => specFromBody(`${weekday}\ndeep: ${"[".repeat(1_000)}${"]".repeat(1_000)}\n`, "yaml", {}, 100));
    expect(deep.body.message).toMatch(/nested deeper than 64 levels at deep\[0\]/);
    expect(deep.body.message).not.toMatch(/call stack/);
    const wrapped = httpError(() => specFromBody(JSON.stringify({ scenario: `${weekday}\ndeep: ${"[".repeat(1_000)}${"]".repeat(1_000)}\n` }), "json", {}, 100));
    expect(wrapped.body.message).toMatch(/nested deeper than 64 levels/);
  });

  it("picks JSON only for JSON content types", () => {
    expect(bodyFormat("application/json; charset=utf-8")).toBe("json");
    expect(bodyFormat("application/vnd.api+json")).toBe("json");
    expect(bodyFormat("application/yaml")).toBe("yaml");
    expect(bodyFormat(undefined)).toBe("yaml");
  });
});

describe("report content negotiation", () => {
  it.each([
    [undefined, "json"],
    ["*/*", "json"],
    ["application/json", "json"],
    ["text/markdown", "markdown"],
    ["text/html, text/markdown;q=0.5", "markdown"],
    ["text/markdown;q=0.4, application/json;q=0.9", "json"],
    ["text/*", "markdown"],
    ["text/html", undefined],
    ["application/json;q=0", undefined],
  ])("Accept %s → %s", (accept, kind) => {
    expect(negotiate(accept)).toBe(kind);
  });
});
