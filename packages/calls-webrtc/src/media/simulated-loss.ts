/** Seeded packet loss for the demo's --loss and for tests: a deterministic drop decision per packet. */
import { InvalidMediaParameterError } from './media-errors.js'

export function seededLoss(rate: number, seed = 1): () => boolean {
  if (!(rate >= 0 && rate <= 1)) throw new InvalidMediaParameterError(`simulatedLoss.rate must be in 0..1 (got ${rate})`)
  let state = seed >>> 0 || 1
  return () => {
    // xorshift32: cheap, and the same seed gives the same pattern on every run.
    state ^= state << 13
    state >>>= 0
    state ^= state >>> 17
    state ^= state << 5
    state >>>= 0
    return state / 2 ** 32 < rate
  }
}
