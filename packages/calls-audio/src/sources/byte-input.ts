import { createReadStream } from 'node:fs'
import { Readable } from 'node:stream'

/** Where raw bytes come from: a file path, bytes in memory, or a stream. */
export type ByteInput = string | Uint8Array | AsyncIterable<Uint8Array>

export interface OpenedByteInput {
  chunks: AsyncIterable<Uint8Array>
  /** Stops reading and frees the file descriptor / stream. */
  close(): void
}

/** Opens an input for non-blocking chunked reading (files are read with async I/O). */
export function openByteInput(input: ByteInput): OpenedByteInput {
  if (typeof input === 'string') {
    const stream = createReadStream(input, { highWaterMark: 64 * 1024 })
    return { chunks: stream, close: () => stream.destroy() }
  }
  if (input instanceof Uint8Array) {
    return { chunks: single(input), close: () => {} }
  }
  return {
    chunks: input,
    close: () => {
      if (input instanceof Readable) input.destroy()
    },
  }
}

async function* single(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes
}
