import type { Lane, Policy, Route } from "./policy.js";
import { type SemanticIssue, issue, issueWithValue, oneOf } from "./semantic-issue.js";

/** A lane of a flattened policy, with where it was written. */
export interface FlatLane {
  lane: Lane;
  policyIndex: number;
  laneIndex: number;
}

/** A route of a flattened policy, with where it was written. */
export interface FlatRoute {
  route: Route;
  policyIndex: number;
  routeIndex: number;
}

export interface FlatPolicy {
  policyIndex: number;
  lanes: FlatLane[];
  routes: FlatRoute[];
}

export interface FlattenResult {
  /** Indexed like the input; null where the policy could not be flattened (unknown parent, cycle). */
  policies: (FlatPolicy | null)[];
  issues: SemanticIssue[];
}

/**
 * Applies `extends`: the parent's lanes minus `removeLanes`, merged by id with the policy's own lanes
 * (an own lane replaces the inherited lane with the same id in place; new lanes are appended);
 * the policy's own routes first, then the parent's minus `removeRoutes`.
 */
export function flattenPolicies(policies: readonly Policy[]): FlattenResult {
  const issues: SemanticIssue[] = [];
  const indexById = new Map<string, number>();
  policies.forEach((p, i) => {
    if (!indexById.has(p.id)) indexById.set(p.id, i);
  });
  const ids = [...indexById.keys()];
  const memo = new Map<number, FlatPolicy | null>();

  const flatten = (i: number, stack: number[]): FlatPolicy | null => {
    const known = memo.get(i);
    if (known !== undefined) return known;
    const policy = policies[i]!;
    let parent: FlatPolicy | null = null;
    if (policy.extends !== undefined) {
      const parentIndex = indexById.get(policy.extends);
      if (parentIndex === undefined) {
        issues.push(issue(["policies", i, "extends"], `unknown parent policy "${policy.extends}"`, oneOf("policy ids", policy.extends, ids)));
        memo.set(i, null);
        return null;
      }
      const at = stack.indexOf(parentIndex);
      if (at >= 0 || parentIndex === i) {
        const cycle = [...stack.slice(at >= 0 ? at : stack.length), i, parentIndex].map((k) => policies[k]!.id);
        const first = at >= 0 ? stack[at]! : i;
        issues.push(
          issueWithValue(
            ["policies", first, "extends"],
            `extends cycle: ${cycle.join(" → ")}`,
            policies[first]!.extends,
            "a parent chain that ends in a policy without `extends`",
          ),
        );
        for (const k of [...stack.slice(at >= 0 ? at : stack.length), i]) memo.set(k, null);
        return null;
      }
      parent = flatten(parentIndex, [...stack, i]);
      if (memo.get(i) === null) return null; // part of a cycle found deeper down
      if (parent === null) {
        memo.set(i, null);
        return null;
      }
    }

    const lanes: FlatLane[] = parent ? [...parent.lanes] : [];
    (policy.removeLanes ?? []).forEach((laneId, k) => {
      if (parent === null) {
        issues.push(issueWithValue(["policies", i, "removeLanes", k], "`removeLanes` needs `extends`", laneId, "no removeLanes on a policy without a parent"));
        return;
      }
      const found = lanes.findIndex((l) => l.lane.id === laneId);
      if (found < 0) {
        issues.push(
          issue(
            ["policies", i, "removeLanes", k],
            `no inherited lane "${laneId}" to remove`,
            oneOf(`lanes inherited from "${policy.extends ?? ""}"`, laneId, lanes.map((l) => l.lane.id)),
          ),
        );
      } else {
        lanes.splice(found, 1);
      }
    });
    policy.lanes.forEach((lane, laneIndex) => {
      const own: FlatLane = { lane, policyIndex: i, laneIndex };
      const found = lanes.findIndex((l) => l.lane.id === lane.id && l.policyIndex !== i);
      if (found >= 0) lanes[found] = own;
      else lanes.push(own);
    });
    const inherited: FlatRoute[] = parent ? [...parent.routes] : [];
    (policy.removeRoutes ?? []).forEach((routeId, k) => {
      if (parent === null) {
        issues.push(issueWithValue(["policies", i, "removeRoutes", k], "`removeRoutes` needs `extends`", routeId, "no removeRoutes on a policy without a parent"));
        return;
      }
      const found = inherited.findIndex((r) => r.route.id === routeId);
      if (found < 0) {
        const named = inherited.map((r) => r.route.id).filter((id): id is string => id !== undefined);
        issues.push(issue(["policies", i, "removeRoutes", k], `no inherited route "${routeId}" to remove`, oneOf(`routes with an id inherited from "${policy.extends ?? ""}"`, routeId, named)));
      } else {
        inherited.splice(found, 1);
      }
    });
    const routes: FlatRoute[] = [...policy.routes.map((route, routeIndex) => ({ route, policyIndex: i, routeIndex })), ...inherited];
    const flat: FlatPolicy = { policyIndex: i, lanes, routes };
    memo.set(i, flat);
    return flat;
  };

  const result = policies.map((_, i) => flatten(i, []));
  return { policies: result, issues };
}

