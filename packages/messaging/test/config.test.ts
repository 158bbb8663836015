import { describe, expect, it } from "vitest";
import { ConfigError, configFromEnv, keys, parseRedisUrl, parseReplicationJobId, redactRedisUrl, replicationJobId } from "../src/index.js";

const base = { REDIS_URL: "redis://127.0.0.1:6379" };

describe("configFromEnv", () => {
  it("applies defaults", () => {
    const c = configFromEnv("simulator", base);
    expect(c).toMatchObject({ queuePrefix: "{hetao}", logLevel: "info", httpHost: "127.0.0.1", httpPort: 9101, apiToken: undefined, maxBodyBytes: 1048576, maxReplications: 10000 });
    expect(c.simulatorConcurrency).toBeGreaterThanOrEqual(1);
    expect(c.simulatorPrefetch).toBe(1);
    expect(c.experimentRetentionHours).toBe(168);
    expect(configFromEnv("metrics", { ...base, EXPERIMENT_RETENTION_HOURS: "0" }).experimentRetentionHours).toBe(0);
    expect(configFromEnv("orchestrator", base).httpPort).toBe(3000);
    expect(configFromEnv("dashboard", base).httpPort).toBe(3001);
  });

  it("reads rediss:// URLs with user, password and database", () => {
    expect(parseRedisUrl("rediss://user:p%40ss@redis.example:6380/2")).toEqual({ host: "redis.example", port: 6380, db: 2, tls: true, username: "user", password: "p@ss" });
    expect(parseRedisUrl("redis://:secret@[::1]")).toEqual({ host: "::1", port: 6379, db: 0, tls: false, password: "secret" });
    expect(redactRedisUrl("redis://:secret@host:1/0")).toBe("redis://:***@host:1/0");
  });

  it("reports every wrong or missing variable on one line", () => {
    const problem = (env: Record<string, string>) => {
      try {
        configFromEnv("simulator", env);
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        expect((err as Error).message).not.toContain("\n");
        return (err as Error).message;
      }
      throw new Error("no error");
    };
    expect(problem({})).toMatch(/^REDIS_URL is required/);
    expect(problem({ REDIS_URL: "http://x" })).toMatch(/REDIS_URL must start with redis:\/\/ or rediss:\/\//);
    expect(problem({ REDIS_URL: "redis://:topsecret@x:99999" })).not.toContain("topsecret");
    expect(problem({ ...base, SIMULATOR_CONCURRENCY: "0", LOG_LEVEL: "loud" })).toBe(
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud"); SIMULATOR_CONCURRENCY must be an integer from 1 to 256 (got "0")',
    );
    expect(problem({ ...base, QUEUE_PREFIX: "{}" })).toMatch(/hash tag/);
    expect(problem({ ...base, QUEUE_PREFIX: "a b" })).toMatch(/QUEUE_PREFIX may hold only/);
    expect(problem({ ...base, API_TOKEN: "short" })).toMatch(/API_TOKEN must be at least 16 characters/);
    expect(problem({ ...base, HTTP_PORT: "70000" })).toMatch(/HTTP_PORT must be an integer from 0 to 65535/);
    expect(problem({ ...base, EXPERIMENT_RETENTION_HOURS: "1.5" })).toBe('EXPERIMENT_RETENTION_HOURS must be an integer from 0 to 87600 (got "1.5")');
  });

  it("accepts cluster hash-tag prefixes and treats empty variables as unset", () => {
    expect(configFromEnv("metrics", { ...base, QUEUE_PREFIX: "{hetao-staging}", LOG_LEVEL: "", HTTP_PORT: "" })).toMatchObject({ queuePrefix: "{hetao-staging}", logLevel: "info", httpPort: 9102 });
    expect(configFromEnv("metrics", { ...base, QUEUE_PREFIX: "hetao" }).queuePrefix).toBe("hetao");
  });
});

describe("keys and job ids", () => {
  it("keeps every key under the prefix and job ids free of ':'", () => {
    const k = keys("{hetao}");
    for (const key of [k.experiments, k.spec("exp-0123456789abcdef"), k.results("exp-0123456789abcdef"), k.events]) expect(key.startsWith("{hetao}:")).toBe(true);
    const id = replicationJobId("exp-0123456789abcdef", 2, 17);
    expect(id).toBe("exp-0123456789abcdef.2.17");
    expect(id).not.toContain(":");
    expect(parseReplicationJobId(id)).toEqual({ experimentId: "exp-0123456789abcdef", point: 2, replication: 17 });
    expect(parseReplicationJobId("nope")).toBeUndefined();
  });
});
