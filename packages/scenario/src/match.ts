import { z } from "zod";
import { NameSchema } from "./ids.js";

export const GOODS = ["none", "instruments", "reagents", "biological"] as const;
export const DIRECTIONS = ["northbound", "southbound"] as const;
export const ARRIVAL_MODES = ["walk-in", "shuttle"] as const;
export const DESTINATIONS = ["zone", "beyond"] as const;

/** What a traveller carries: nothing declarable, research instruments, reagents, or biological material. */
export type Goods = (typeof GOODS)[number];
/** `northbound` = Hong Kong → Shenzhen, `southbound` = Shenzhen → Hong Kong. */
export type Direction = (typeof DIRECTIONS)[number];
/** Walk-in (Poisson demand) or shuttle bus (batch arrival). */
export type ArrivalMode = (typeof ARRIVAL_MODES)[number];
/** `zone`: the trip stays inside the co-operation zone (park to park); `beyond`: it continues past the zone's second line. */
export type Destination = (typeof DESTINATIONS)[number];

export const GoodsSchema = z.enum(GOODS).describe('What the traveller carries: "none", "instruments", "reagents" or "biological".');
export const DirectionSchema = z
  .enum(DIRECTIONS)
  .describe('"northbound" (Hong Kong → Shenzhen) or "southbound" (Shenzhen → Hong Kong).');
export const ArrivalModeSchema = z.enum(ARRIVAL_MODES).describe('"walk-in" or "shuttle".');
export const DestinationSchema = z
  .enum(DESTINATIONS)
  .describe('"zone" (the trip stays inside the co-operation zone, park to park) or "beyond" (it continues past the second line into the rest of Shenzhen or Hong Kong).');

/** A condition on traveller attributes; every given field must match (an empty match matches everyone). */
export const MatchSchema = z
  .strictObject({
    class: z
      .union([NameSchema, z.array(NameSchema).min(1)])
      .optional()
      .describe("Traveller class id, or a list of ids (any of them)."),
    direction: DirectionSchema.optional(),
    whitelisted: z.boolean().optional().describe("Registered on the whitelist (白名單) in person: the institution is whitelisted and the researcher enrolled."),
    institutionWhitelisted: z
      .boolean()
      .optional()
      .describe("The traveller's institution is on the whitelist (備案 at institution level), whether or not the traveller enrolled: the customs measures for whitelisted institutions apply to its goods."),
    goods: z.union([GoodsSchema, z.array(GoodsSchema).min(1)]).optional().describe("Goods carried, or a list of kinds (any of them)."),
    arrival: ArrivalModeSchema.optional(),
    destination: DestinationSchema.optional(),
  })
  .describe("Condition on traveller attributes; all given fields must match.");

export type Match = z.output<typeof MatchSchema>;

/** A Match with list-or-single fields normalized to lists. */
export interface ResolvedMatch {
  class?: string[];
  direction?: Direction;
  whitelisted?: boolean;
  institutionWhitelisted?: boolean;
  goods?: Goods[];
  arrival?: ArrivalMode;
  destination?: Destination;
}

/** The attributes of one traveller that routes and steps can match on. */
export interface TravellerAttributes {
  class: string;
  direction: Direction;
  whitelisted: boolean;
  institutionWhitelisted: boolean;
  goods: Goods;
  arrival: ArrivalMode;
  destination: Destination;
}

export function normalizeMatch(m: Match): ResolvedMatch {
  const out: ResolvedMatch = {};
  if (m.class !== undefined) out.class = typeof m.class === "string" ? [m.class] : [...m.class];
  if (m.direction !== undefined) out.direction = m.direction;
  if (m.whitelisted !== undefined) out.whitelisted = m.whitelisted;
  if (m.goods !== undefined) out.goods = typeof m.goods === "string" ? [m.goods] : [...m.goods];
  if (m.arrival !== undefined) out.arrival = m.arrival;
  if (m.institutionWhitelisted !== undefined) out.institutionWhitelisted = m.institutionWhitelisted;
  if (m.destination !== undefined) out.destination = m.destination;
  return out;
}

function includes<T>(spec: T | readonly T[], value: T): boolean {
  return Array.isArray(spec) ? spec.includes(value) : spec === value;
}

/** True when the traveller satisfies every field of `m` (an absent match matches everyone). */
export function matches(m: Match | ResolvedMatch | undefined, t: TravellerAttributes): boolean {
  if (m === undefined) return true;
  if (m.class !== undefined && !includes<string>(m.class, t.class)) return false;
  if (m.direction !== undefined && m.direction !== t.direction) return false;
  if (m.whitelisted !== undefined && m.whitelisted !== t.whitelisted) return false;
  if (m.goods !== undefined && !includes<Goods>(m.goods, t.goods)) return false;
  if (m.arrival !== undefined && m.arrival !== t.arrival) return false;
  if (m.institutionWhitelisted !== undefined && m.institutionWhitelisted !== t.institutionWhitelisted) return false;
  if (m.destination !== undefined && m.destination !== t.destination) return false;
  return true;
}

export function describeTraveller(t: TravellerAttributes): string {
  return `{class: ${t.class}, direction: ${t.direction}, whitelisted: ${t.whitelisted}, institutionWhitelisted: ${t.institutionWhitelisted}, goods: ${t.goods}, arrival: ${t.arrival}, destination: ${t.destination}}`;
}
