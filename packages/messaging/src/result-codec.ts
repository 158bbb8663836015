import type { ReplicationResult } from "@hetao/crossing-model";
import { checkResult, resultJsonSchema } from "./result-check.js";
import { type SchemaCodec, SchemaCodecError, compileSchemaCodec } from "./schema-codec.js";

/**
 * How a ReplicationResult travels from a replication thread to Redis and on to whoever builds the
 * report: the binary codec compiled from ReplicationResultSchema's JSON Schema (see schema-codec), so a
 * message holds the values alone. A hetao-weekday result is about 65 KB (MessagePack took 87 KB),
 * encodes in 0.35–0.5 ms (MessagePack 1.3–1.7 ms, docs/operations.md) and round-trips exactly: doubles stay float64, so reports built from
 * decoded results are byte-identical to those built from the objects themselves. Every message carries
 * the schema's fingerprint: a process of another version refuses it instead of misreading it.
 */
let codec: SchemaCodec | undefined;
function resultCodec(): SchemaCodec {
  codec ??= compileSchemaCodec(resultJsonSchema());
  return codec;
}

/** Encodes a result into a fresh buffer of its own (safe to transfer to another thread). */
export function encodeResult(result: ReplicationResult): Uint8Array {
  return resultCodec().encode(result);
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
    value = resultCodec().decode(bytes);
  } catch (err) {
    if (!(err instanceof SchemaCodecError)) throw err;
    throw new ResultDecodeError(`the result of point ${point}, replication ${replication} is not an encoded result: ${err.message}`);
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
  return resultCodec().decode(bytes) as ReplicationResult;
}
