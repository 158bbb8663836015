import { Faker, en, zh_CN, base } from "@faker-js/faker";

/**
 * A traveller's seeded fake identity: for traces only, never for statistics.
 * A subpath export (`@hetao/crossing-model/identity`) because loading faker's
 * locales costs about a second, which ordinary runs and every worker thread
 * should not pay.
 */
export interface TravellerIdentity {
  name: string;
  institution: string;
}

const faker = new Faker({ locale: [en, base] });
const fakerZh = new Faker({ locale: [zh_CN, en, base] });

const INSTITUTION_KINDS = [
  "Institute of Advanced Materials",
  "Centre for Synthetic Biology",
  "Quantum Science Laboratory",
  "Biomedical Engineering Centre",
  "AI and Robotics Institute",
  "Microelectronics Research Centre",
] as const;

/**
 * Deterministic name and institution for a traveller seed. Faker is seeded
 * per call, so the identity depends on the traveller alone, not on how many
 * identities were generated before it.
 */
export function travellerIdentity(seed: number, classId: string): TravellerIdentity {
  const f = classId === "mainland-resident" ? fakerZh : faker;
  f.seed(seed);
  const name = f.person.fullName();
  faker.seed(seed ^ 0x5bd1e995);
  const institution = `${faker.location.city()} ${faker.helpers.arrayElement(INSTITUTION_KINDS)}`;
  return { name, institution };
}
