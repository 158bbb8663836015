import type { PlannedReplication } from "@hetao/experiment";
import { describe, expect, it } from "vitest";
import { TAIL_SHARE, jobLayout } from "../src/job-layout.js";
import { simulateJobId } from "../src/keys.js";

/** A plan of `points` design points with `replications` each, point by point, as planReplications lays it out. */
function plan(points: number, replications: number): PlannedReplication[] {
  const out: PlannedReplication[] = [];
  for (let point = 0; point < points; point++) for (let replication = 0; replication < replications; replication++) out.push({ point, replication });
  return out;
}

/** Makespan of two equal workers taking jobs in order, each as soon as it is free. */
function twoWorkerMakespan(counts: readonly number[]): number {
  const free = [0, 0];
  for (const c of counts) {
    const w = free[0]! <= free[1]! ? 0 : 1;
    free[w]! += c;
  }
  return Math.max(...free);
}

describe("jobLayout", () => {
  it("covers the plan once, in order, with blocks of one point each", () => {
    for (const [points, reps, perJob] of [[1, 200, 30], [3, 77, 10], [2, 5, 1], [1, 1, 30], [4, 1000, 7]] as const) {
      const p = plan(points, reps);
      const jobs = jobLayout("x", p, perJob);
      let next = 0;
      for (const job of jobs) {
        expect(job.index).toBe(next);
        expect(job.count).toBeGreaterThanOrEqual(1);
        expect(job.count).toBeLessThanOrEqual(perJob);
        for (let k = 0; k < job.count; k++) expect(p[next + k]).toEqual({ point: job.point, replication: job.replication + k });
        expect(job.jobId).toBe(simulateJobId("x", job.point, job.replication, job.count));
        next += job.count;
      }
      expect(next).toBe(p.length);
    }
  });

  it("keeps full blocks until the last TAIL_SHARE blocks' worth, then shrinks them, never below half a block but where a point or the plan ends", () => {
    const counts = jobLayout("x", plan(1, 1000), 30).map((j) => j.count);
    const full = counts.findIndex((c) => c < 30);
    expect(counts.slice(0, full).every((c) => c === 30)).toBe(true);
    expect(1000 - full * 30).toBeLessThanOrEqual(TAIL_SHARE * 30);
    expect(counts.slice(full, -1).every((c) => c >= 15)).toBe(true);
    expect(counts.slice(full)).toEqual([...counts.slice(full)].sort((a, b) => b - a)); // shrinking
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1000);
    // A point's end cuts its last block short; the next point starts a fresh block.
    expect(jobLayout("x", plan(2, 35), 30).map((j) => [j.point, j.replication, j.count])).toEqual([
      [0, 0, 15], [0, 15, 15], [0, 30, 5], [1, 0, 15], [1, 15, 15], [1, 30, 5],
    ]);
  });

  it("lets two workers finish together where equal blocks would leave one a whole block behind", () => {
    const p = plan(1, 200);
    const guided = jobLayout("x", p, 30).map((j) => j.count);
    // Blocks of 30 alone: [30 × 6, 20], split 110/90, 91 % of two workers.
    expect(200 / (2 * twoWorkerMakespan([30, 30, 30, 30, 30, 30, 20]))).toBeCloseTo(0.909, 3);
    expect(200 / (2 * twoWorkerMakespan(guided))).toBeGreaterThanOrEqual(0.97);
  });

  it("is the same layout every time (a cancel finds what a submission added)", () => {
    const p = plan(3, 123);
    expect(jobLayout("e", p, 17)).toEqual(jobLayout("e", p, 17));
    expect(jobLayout("e", p, 1).every((j) => j.count === 1)).toBe(true);
  });
});
