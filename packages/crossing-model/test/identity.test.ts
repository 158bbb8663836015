import { describe, expect, it } from "vitest";
import { travellerIdentity } from "../src/traveller-identity.js";

describe("travellerIdentity", () => {
  it("depends on the traveller seed alone", () => {
    const a = travellerIdentity(12345, "hk-resident");
    travellerIdentity(999, "mainland-resident");
    expect(travellerIdentity(12345, "hk-resident")).toEqual(a);
    expect(travellerIdentity(12346, "hk-resident")).not.toEqual(a);
    expect(a.name.length).toBeGreaterThan(3);
    expect(a.institution).toMatch(/Institute|Centre|Laboratory/);
  });
});
