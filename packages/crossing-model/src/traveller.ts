import { ARRIVAL_MODES, DESTINATIONS, DIRECTIONS, GOODS, type ResolvedScenario, type TravellerAttributes } from "@hetao/scenario";

/** Direction codes used in typed arrays (index into DIRECTIONS). */
export const NORTHBOUND = 0;
export const SOUTHBOUND = 1;
/** Arrival mode codes (index into ARRIVAL_MODES). */
export const WALK_IN = 0;
export const SHUTTLE = 1;
/** Destination codes (index into DESTINATIONS). */
export const IN_ZONE = 0;
export const BEYOND_ZONE = 1;

/**
 * A traveller's routing-relevant attributes packed into one small integer,
 * so that "which route, which step applies, which lane option" is a table
 * lookup per traveller instead of string matching per event.
 * combo = ((((((class * 2 + direction) * 2 + whitelisted) * 2 + institutionWhitelisted) * 4 + goods) * 2 + arrival) * 2 + destination)
 */
export function comboIndex(
  cls: number,
  direction: number,
  whitelisted: number,
  institutionWhitelisted: number,
  goods: number,
  arrival: number,
  destination: number,
): number {
  return ((((((cls * 2 + direction) * 2 + whitelisted) * 2 + institutionWhitelisted) * 4 + goods) * 2 + arrival) * 2 + destination);
}

/** Number of distinct attribute combinations for `classCount` classes. */
export function comboCount(classCount: number): number {
  return classCount * 2 * 2 * 2 * GOODS.length * ARRIVAL_MODES.length * DESTINATIONS.length;
}

/** Decode a combination back to named attributes (used once per combination at compile time). */
export function comboAttributes(scenario: ResolvedScenario, combo: number): TravellerAttributes {
  const destination = combo % 2;
  let rest = (combo - destination) / 2;
  const arrival = rest % 2;
  rest = (rest - arrival) / 2;
  const goods = rest % 4;
  rest = (rest - goods) / 4;
  const iwl = rest % 2;
  rest = (rest - iwl) / 2;
  const wl = rest % 2;
  rest = (rest - wl) / 2;
  const dir = rest % 2;
  const cls = (rest - dir) / 2;
  return {
    class: scenario.travellers.classes[cls]!.id,
    direction: DIRECTIONS[dir]!,
    whitelisted: wl === 1,
    institutionWhitelisted: iwl === 1,
    goods: GOODS[goods]!,
    arrival: ARRIVAL_MODES[arrival]!,
    destination: DESTINATIONS[destination]!,
  };
}

/**
 * Who gains: travellers by whitelist standing (白名單) and by whether they carry declarable goods.
 * `enrolled`: the researcher is on the whitelist (enrolled, at a whitelisted institution);
 * `institution-only`: the institution is whitelisted (備案) but the researcher has not enrolled, so its
 * customs measures apply to the goods and the walk-through does not; `not-whitelisted`: neither.
 * `…-with-goods`: carrying instruments, reagents or biological samples.
 */
export const SEGMENTS = [
  "enrolled",
  "enrolled-with-goods",
  "institution-only",
  "institution-only-with-goods",
  "not-whitelisted",
  "not-whitelisted-with-goods",
] as const;
export type Segment = (typeof SEGMENTS)[number];

/** Index into SEGMENTS of a traveller's attributes (goods 0 = none). */
export function segmentIndex(whitelisted: number, institutionWhitelisted: number, goods: number): number {
  const standing = whitelisted === 1 ? 0 : institutionWhitelisted === 1 ? 1 : 2;
  return standing * 2 + (goods > 0 ? 1 : 0);
}
