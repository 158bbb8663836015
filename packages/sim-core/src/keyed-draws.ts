import { hashUniform } from "./hash.js";
import type { UniformSource } from "./random-stream.js";

/**
 * Counter-based draws owned by one entity: the uniforms for purpose `key` of
 * entity `entitySeed` are hashUniform(entitySeed ^ key, 0, 1, 2, ...). Entity
 * seeds are already well mixed and purpose keys are string hashes, so a
 * plain XOR is enough to select the stream; hashUniform does the mixing.
 *
 * This is how common random numbers survive different routings: a traveller's
 * "hk-echannel-use" draw or its "sz-manual" service time is the same number
 * under every policy, even when the policies ask for draws in another order.
 * One instance is reused for every draw (call `select`), so nothing is
 * allocated per event.
 */
export class KeyedDraws implements UniformSource {
  private key = 0;
  private counter = 0;

  /** Point the source at (entity, purpose) and restart its counter. */
  select(entitySeed: number, purposeKey: number): this {
    this.key = (entitySeed ^ purposeKey) >>> 0;
    this.counter = 0;
    return this;
  }

  next(): number {
    return hashUniform(this.key, this.counter++);
  }

  /** The single uniform for (entity, purpose), without touching the counter state of another selection. */
  static uniform(entitySeed: number, purposeKey: number): number {
    return hashUniform((entitySeed ^ purposeKey) >>> 0, 0);
  }
}
