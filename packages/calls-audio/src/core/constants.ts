/**
 * The audio contract between this package and a call engine: signed 16-bit mono PCM at
 * 48 kHz, in 20 ms frames. The numbers match `ENGINE_SAMPLE_RATE`/`ENGINE_FRAME_SAMPLES`
 * of `@tgvoip/calls`; they are repeated here so this package has no dependency on it.
 */
export const SAMPLE_RATE = 48_000
export const FRAME_DURATION_MS = 20
/** Samples in one frame: 48 000 Hz × 20 ms. */
export const FRAME_SAMPLES = (SAMPLE_RATE * FRAME_DURATION_MS) / 1000
/** Bytes in one frame of s16le. */
export const FRAME_BYTES = FRAME_SAMPLES * 2

/** Number of whole frames needed to cover `durationMs` (a partial last frame counts). */
export function framesForDuration(durationMs: number): number {
  return Math.ceil((durationMs * SAMPLE_RATE) / 1000 / FRAME_SAMPLES)
}
