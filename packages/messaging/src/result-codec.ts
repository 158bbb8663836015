import type { ReplicationResult } from "@hetao/crossing-model";
import { Packr } from "msgpackr";
import { checkResult } from "./result-check.js";

/**
 * How a ReplicationResult travels from a replication thread to Redis and on to whoever builds the
 * report: MessagePack with records (msgpackr), so the key names of the many same-shaped objects
 * (histograms, lanes, hours) are written once per message and small integers (histogram counts) take
 * a byte. A hetao-weekday result is about 30 KB instead of 75 KB of JSON, packs and unpacks as fast
 * as JSON.stringify/parse, and round-trips exactly: doubles stay float64, so reports built from
 * decoded results are byte-identical to those built from the objects themselves. Each message
 * carries its own record definitions (no shared structures), so any process can decode any result.
 */
const packr = new Packr({ useRecords: true, mapsAsObjects: true, moreTypes: false, useFloat32: 0 });

/** Encodes a result into a fresh buffer of its own (safe to transfer to another thread). */
export function encodeResult(result: ReplicationResult): Uint8Array {
  // pack() returns a view into msgpackr's reusable buffer: copy it out.
  return new Uint8Array(packr.pack(result));
}

export class ResultDecodeError extends Error {
  override readonly name = "ResultDecodeError";
}

/**
 * Decodes a delivered result and checks it against ReplicationResultSchema and its coordinates: the
 * one boundary where results enter the report. Throws ResultDecodeError with a readable reason.
 */
export function decodeResult(bytes: Uint8Array, point: number, replication: number): ReplicationResult {
  let value: unknown;
  try {
    value = packr.unpack(bytes);
  } catch (err) {
    throw new ResultDecodeError(`the result of point ${point}, replication ${replication} is not valid MessagePack: ${err instanceof Error ? err.message : String(err)}`);
  }
  const problem = checkResult(value, point, replication);
  if (problem !== undefined) throw new ResultDecodeError(`the result of point ${point}, replication ${replication} is invalid: ${problem}`);
  return value as ReplicationResult;
}

/**
 * Decodes a result this very process produced (a replication thread of its own pool): no check,
 * since it never crossed a trust boundary. Results read from Redis or another process go through
 * decodeResult instead.
 */
export function decodeOwnResult(bytes: Uint8Array): ReplicationResult {
  return packr.unpack(bytes) as ReplicationResult;
}
