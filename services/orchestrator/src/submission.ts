import { type CreateExperimentOptions, DesignPointSchema, ExperimentError, type ExperimentSpec, createExperiment } from "@hetao/experiment";
import {
  type Scenario,
  ScenarioError,
  type ScenarioIssue,
  clip,
  listIssues,
  loadScenarioText,
  parseScenario,
  readScenarioData,
  suggest,
  translateZodIssues,
} from "@hetao/scenario";
import { z } from "zod";

/**
 * The most an error reply's JSON may take: a request can name thousands of problems, or one huge value
 * many times over (YAML aliases), and the reply must not grow with them.
 */
export const MAX_ERROR_BODY_BYTES = 10_000;

/** A client error with its HTTP status and JSON body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: { error: string } & Record<string, unknown>,
  ) {
    super(body.error);
  }
}

/** The wrapper form of a submission: a scenario (object or YAML/JSON text) plus experiment options. */
const SubmissionSchema = z.strictObject({
  scenario: z.union([z.string(), z.record(z.string(), z.unknown())], { error: "scenario must be an object or YAML/JSON text" }),
  replications: z.number().int().min(2).optional(),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  policies: z.array(z.string().min(1)).min(1).optional(),
  baseline: z.string().min(1).optional(),
  compare: z.array(z.tuple([z.string().min(1), z.string().min(1)])).optional(),
  points: z.array(DesignPointSchema).min(1).optional(),
});

export type BodyFormat = "json" | "yaml";

/** JSON for application/json (and +json), YAML otherwise (YAML also reads JSON). */
export function bodyFormat(contentType: string | undefined): BodyFormat {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  return type === "application/json" || type.endsWith("+json") ? "json" : "yaml";
}

export interface QueryOptions {
  replications?: number;
  seed?: number;
  policies?: string[];
}

/** The query parameters a submission reads; any other is refused rather than silently ignored. */
export const QUERY_PARAMETERS = ["replications", "seed", "policies"] as const;

/** ?replications=20&seed=7&policies=a,b for the bare-scenario form. 400 for a parameter it does not read. */
export function queryOptions(search: URLSearchParams): QueryOptions {
  for (const name of new Set(search.keys())) {
    if ((QUERY_PARAMETERS as readonly string[]).includes(name)) continue;
    const hint = suggest(name, QUERY_PARAMETERS);
    const token = name === "token" ? "; a write takes the API token only as a header (authorization: Bearer …)" : "";
    throw new HttpError(400, {
      error: `unknown query parameter "${clip(name)}"${hint !== undefined ? ` (did you mean "${hint}"?)` : ""}: a submission reads ${QUERY_PARAMETERS.join(", ")}${token}`,
    });
  }
  const out: QueryOptions = {};
  const int = (name: string, min: number): number | undefined => {
    const v = search.get(name);
    if (v === null) return undefined;
    if (!/^\d+$/.test(v) || Number(v) < min || !Number.isSafeInteger(Number(v))) {
      throw new HttpError(400, { error: `query parameter ${name} must be an integer >= ${min} (got "${clip(v)}")` });
    }
    return Number(v);
  };
  const r = int("replications", 2);
  if (r !== undefined) out.replications = r;
  const s = int("seed", 0);
  if (s !== undefined) out.seed = s;
  const p = search.get("policies");
  if (p !== null) out.policies = p.split(",").map((x) => x.trim()).filter((x) => x !== "");
  return out;
}

/**
 * 400 for an invalid scenario: the first issues (at most 50, values cut to short excerpts, see
 * listIssues), how many were left out, and the same as text; halved until the JSON is well under
 * MAX_ERROR_BODY_BYTES.
 */
function scenarioProblem(err: ScenarioError): HttpError {
  return issuesProblem("invalid scenario", err.issues, err.source);
}

/** The same for the submission wrapper's own fields (replications, seed, policies, …, an unknown key). */
function issuesProblem(error: string, issues: readonly ScenarioIssue[], source: string): HttpError {
  for (let maxChars = 4_000; ; maxChars = Math.floor(maxChars / 2)) {
    const listing = listIssues(issues, source, { maxChars });
    const body = { error, issues: listing.shown, omitted: listing.omitted, total: issues.length, message: listing.lines.join("\n") };
    if (Buffer.byteLength(JSON.stringify(body)) <= MAX_ERROR_BODY_BYTES - 500 || listing.shown.length <= 1) return new HttpError(400, body);
  }
}

/** An error body cut to MAX_ERROR_BODY_BYTES: its `error` text clipped and everything else dropped when too big. */
export function boundedErrorBody(body: HttpError["body"]): HttpError["body"] {
  if (Buffer.byteLength(JSON.stringify(body)) <= MAX_ERROR_BODY_BYTES) return body;
  const short: HttpError["body"] = { error: clip(body.error, 2_000) };
  if (typeof body.message === "string") short.message = clip(body.message, 4_000);
  return short;
}

/** The body as data, read by the scenario loader (its node budget and nesting limit, positioned syntax errors). */
function parseDocument(text: string, format: BodyFormat): unknown {
  try {
    return readScenarioData(text, "request body", format);
  } catch (err) {
    if (err instanceof ScenarioError) throw scenarioProblem(err);
    throw new HttpError(400, { error: `request body is not valid ${format.toUpperCase()}: ${clip(err instanceof Error ? err.message : String(err), 1_000)}` });
  }
}

/**
 * Turns a POST /experiments body into an experiment spec. Accepts a bare scenario (YAML or JSON;
 * options from the query string) or `{ scenario, replications?, seed?, policies?, baseline?,
 * compare?, points? }`. Throws HttpError: 400 for invalid input (scenario issues listed with their
 * paths and lines), 422 when the experiment plans more than `maxReplications` replication jobs.
 */
export function specFromBody(text: string, format: BodyFormat, query: QueryOptions, maxReplications: number): ExperimentSpec {
  if (text.trim() === "") throw new HttpError(400, { error: "empty request body: send a scenario (YAML or JSON) or { scenario, replications, seed, policies }" });
  const data = parseDocument(text, format);
  let scenario: Scenario;
  const options: CreateExperimentOptions = {};
  if (data !== null && typeof data === "object" && !Array.isArray(data) && Object.hasOwn(data, "scenario")) {
    const wrapper = SubmissionSchema.safeParse(data);
    if (!wrapper.success) throw issuesProblem("invalid submission", translateZodIssues(wrapper.error.issues, data, SubmissionSchema), "request body");
    const w = wrapper.data;
    try {
      scenario = typeof w.scenario === "string" ? loadScenarioText(w.scenario, "scenario", undefined, { overlays: false }).scenario : parseScenario(w.scenario, "scenario");
    } catch (err) {
      if (err instanceof ScenarioError) throw scenarioProblem(err);
      throw err;
    }
    if (w.replications !== undefined) options.replications = w.replications;
    if (w.seed !== undefined) options.seed = w.seed;
    if (w.policies !== undefined) options.policies = w.policies;
    if (w.baseline !== undefined) options.baseline = w.baseline;
    if (w.compare !== undefined) options.compare = w.compare;
    if (w.points !== undefined) options.points = w.points;
  } else {
    try {
      scenario = loadScenarioText(text, "request body", format, { overlays: false }).scenario;
    } catch (err) {
      if (err instanceof ScenarioError) throw scenarioProblem(err);
      throw err;
    }
  }
  if (options.replications === undefined && query.replications !== undefined) options.replications = query.replications;
  if (options.seed === undefined && query.seed !== undefined) options.seed = query.seed;
  if (options.policies === undefined && query.policies !== undefined) options.policies = query.policies;

  const requested = (options.replications ?? scenario.experiment.replications) * (options.points?.length ?? 1);
  if (requested > maxReplications) {
    throw new HttpError(422, {
      error: `the experiment asks for ${requested} replications; this service accepts at most ${maxReplications} per experiment (MAX_REPLICATIONS)`,
      requested,
      limit: maxReplications,
    });
  }
  try {
    return createExperiment(scenario, options);
  } catch (err) {
    if (err instanceof ExperimentError) throw new HttpError(400, { error: "invalid experiment", message: clip(err.message, 4_000) });
    if (err instanceof ScenarioError) throw scenarioProblem(err);
    throw err;
  }
}
