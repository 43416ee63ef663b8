import { FRAME_SAMPLES } from '../core/constants.js'

/**
 * Cuts a stream of sample chunks of any length into contract frames of exactly 960
 * samples. Each returned frame is a fresh array, so consumers may keep or modify it.
 */
export class FrameChunker {
  private pending: Int16Array
  private filled = 0

  constructor(private readonly frameSamples = FRAME_SAMPLES) {
    this.pending = new Int16Array(frameSamples)
  }

  /** Adds samples; returns every frame they completed (possibly none). */
  push(samples: Int16Array): Int16Array[] {
    const frames: Int16Array[] = []
    let offset = 0
    while (offset < samples.length) {
      const take = Math.min(this.frameSamples - this.filled, samples.length - offset)
      this.pending.set(samples.subarray(offset, offset + take), this.filled)
      this.filled += take
      offset += take
      if (this.filled === this.frameSamples) {
        frames.push(this.pending)
        this.pending = new Int16Array(this.frameSamples)
        this.filled = 0
      }
    }
    return frames
  }

  /** The last partial frame padded with silence, or undefined if nothing is pending. */
  flush(): Int16Array | undefined {
    if (this.filled === 0) return undefined
    const frame = this.pending
    this.pending = new Int16Array(this.frameSamples)
    this.filled = 0
    return frame
  }
}

/**
 * Keeps the bytes of an incomplete sample block between chunks, so a stream cut at any
 * byte boundary still decodes sample-exact.
 */
export class ByteAligner {
  private leftover: Uint8Array = new Uint8Array(0)

  constructor(private readonly blockBytes: number) {}

  /** Returns the longest whole-block prefix of leftover + chunk, as a fresh aligned copy. */
  push(chunk: Uint8Array): Uint8Array {
    const total = this.leftover.length + chunk.length
    const usable = total - (total % this.blockBytes)
    const joined = new Uint8Array(total)
    joined.set(this.leftover, 0)
    joined.set(chunk, this.leftover.length)
    this.leftover = joined.slice(usable)
    return joined.subarray(0, usable)
  }

  /** Bytes of an incomplete final block (a truncated stream); they cannot be decoded. */
  get pendingBytes(): number {
    return this.leftover.length
  }
}
