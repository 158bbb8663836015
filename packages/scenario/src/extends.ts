import type { Lane, Policy, Route } from "./policy.js";
import { type SemanticIssue, issue, issueWithValue, oneOf } from "./semantic-issue.js";
import { UnknownValueRead, whenKnown } from "./unknown-values.js";

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
  /**
   * Indices of the policies whose flattening read a placeholder (validate.ts on a repaired copy of a bad
   * file, see unknown-values.ts): their entry is null and says nothing. Empty for a parsed scenario.
   */
  unknown: number[];
}

/**
 * `removeLanes` / `removeRoutes`: drops each named inherited item from `items` in place; an id with no
 * inherited item, or a removal on a policy without a parent, is an issue naming the field.
 */
function removeInherited<T>(
  issues: SemanticIssue[],
  policyIndex: number,
  parentId: string | undefined,
  hasParent: boolean,
  field: "removeLanes" | "removeRoutes",
  noun: "lane" | "route",
  ids: readonly string[] | undefined,
  items: T[],
  idOf: (item: T) => string | undefined,
): void {
  (ids ?? []).forEach((id, k) => {
    const path = ["policies", policyIndex, field, k];
    if (!hasParent) {
      issues.push(issueWithValue(path, `\`${field}\` needs \`extends\``, id, `no ${field} on a policy without a parent`));
      return;
    }
    const found = items.findIndex((x) => idOf(x) === id);
    if (found >= 0) {
      items.splice(found, 1);
      return;
    }
    const named = items.map(idOf).filter((x): x is string => x !== undefined);
    const what = noun === "lane" ? `lanes inherited from "${parentId ?? ""}"` : `routes with an id inherited from "${parentId ?? ""}"`;
    issues.push(issue(path, `no inherited ${noun} "${id}" to remove`, oneOf(what, id, named)));
  });
}

/**
 * Applies `extends`: the parent's lanes minus `removeLanes`, merged by id with the policy's own lanes
 * (an own lane replaces the inherited lane with the same id in place; new lanes are appended);
 * the policy's own routes first, then the parent's minus `removeRoutes`.
 */
export function flattenPolicies(policies: readonly Policy[]): FlattenResult {
  const issues: SemanticIssue[] = [];
  const indexById = new Map<string, number>();
  // On a repaired copy an id may be a placeholder: a lookup it could have answered is then unknown.
  let firstUnknownId = Infinity;
  for (let i = 0; i < policies.length; i++) {
    const read = whenKnown(issues, () => {
      const id = policies[i]!.id;
      if (!indexById.has(id)) indexById.set(id, i);
    });
    if (!read) firstUnknownId = Math.min(firstUnknownId, i);
  }
  const parentIndexOf = (id: string): number | undefined => {
    const index = indexById.get(id);
    if ((index ?? Infinity) > firstUnknownId) throw new UnknownValueRead();
    return index;
  };
  const ids = [...indexById.keys()];
  const memo = new Map<number, FlatPolicy | null>();

  const flatten = (i: number, stack: number[]): FlatPolicy | null => {
    const known = memo.get(i);
    if (known !== undefined) return known;
    const policy = policies[i]!;
    let parent: FlatPolicy | null = null;
    if (policy.extends !== undefined) {
      const parentIndex = parentIndexOf(policy.extends);
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
    removeInherited(issues, i, policy.extends, parent !== null, "removeLanes", "lane", policy.removeLanes, lanes, (l) => l.lane.id);
    policy.lanes.forEach((lane, laneIndex) => {
      const own: FlatLane = { lane, policyIndex: i, laneIndex };
      const found = lanes.findIndex((l) => l.lane.id === lane.id && l.policyIndex !== i);
      if (found >= 0) lanes[found] = own;
      else lanes.push(own);
    });
    const inherited: FlatRoute[] = parent ? [...parent.routes] : [];
    removeInherited(issues, i, policy.extends, parent !== null, "removeRoutes", "route", policy.removeRoutes, inherited, (r) => r.route.id);
    const routes: FlatRoute[] = [...policy.routes.map((route, routeIndex) => ({ route, policyIndex: i, routeIndex })), ...inherited];
    const flat: FlatPolicy = { policyIndex: i, lanes, routes };
    memo.set(i, flat);
    return flat;
  };

  const result: (FlatPolicy | null)[] = [];
  const unknown: number[] = [];
  for (let i = 0; i < policies.length; i++) {
    const memoized = memo.size;
    let flat: FlatPolicy | null = null;
    if (!whenKnown(issues, () => (flat = flatten(i, [])))) {
      // What this attempt worked out (its issues are taken back) is worked out again in its own turn.
      [...memo.keys()].slice(memoized).forEach((k) => memo.delete(k));
      unknown.push(i);
    }
    result.push(flat);
  }
  return { policies: result, issues, unknown };
}

