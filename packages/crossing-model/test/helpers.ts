import { parseScenario, resolveScenario, type ResolvedScenario } from "@hetao/scenario";

/** A one-station textbook scenario: c servers, a service law, a constant arrival rate. */
export function stationScenario(o: {
  servers: number;
  service: Record<string, unknown>;
  ratePerHour: number;
  open?: string;
  close?: string;
  end?: string;
  warmupMinutes?: number;
}): ResolvedScenario {
  return resolveScenario(
    parseScenario({
      name: "station",
      day: { open: o.open ?? "00:00", close: o.close ?? "22:00", end: o.end ?? "24:00" },
      warmupMinutes: o.warmupMinutes ?? 180,
      distributions: { service: o.service },
      demand: {
        profile: [{ from: o.open ?? "00:00", to: o.close ?? "22:00", ratePerHour: o.ratePerHour }],
        southboundShare: 1,
      },
      travellers: { classes: [{ id: "customer", share: 1, whitelistEligible: false }], whitelist: { coverage: 0 } },
      policies: [
        {
          id: "station",
          lanes: [{ id: "counter", checkpoint: "station", servers: o.servers, service: "service" }],
          routes: [{ steps: [{ checkpoint: "station", lanes: "counter" }] }],
        },
      ],
    }),
  );
}
