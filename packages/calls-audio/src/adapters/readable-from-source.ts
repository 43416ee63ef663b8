import { Readable } from 'node:stream'
import { frameBytes } from '../core/stream-write.js'
import type { AudioSource } from '../core/types.js'

/**
 * A source as a Node `Readable` of raw s16le mono 48 kHz PCM. Destroying the stream
 * closes the source.
 */
export function readableFromSource(source: AudioSource): Readable {
  async function* bytes(): AsyncGenerator<Buffer> {
    try {
      for await (const frame of source) yield frameBytes(frame)
    } finally {
      await source.close()
    }
  }
  return Readable.from(bytes(), { objectMode: false })
}
