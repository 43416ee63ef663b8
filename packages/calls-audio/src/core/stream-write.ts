import type { Writable } from 'node:stream'
import { finished } from 'node:stream/promises'

/** The bytes of a frame as a Buffer copy, so the caller may reuse the frame afterwards. */
export function frameBytes(frame: Int16Array): Buffer {
  return Buffer.from(new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength))
}

/**
 * Writes to a Node stream honouring backpressure: resolves at once when the stream has
 * room, otherwise on 'drain'; rejects if the stream errors or closes first.
 */
export async function writeWithBackpressure(stream: Writable, chunk: Uint8Array): Promise<void> {
  if (stream.destroyed || stream.writableEnded) throw stream.errored ?? new Error('stream is closed')
  if (stream.write(chunk)) return
  await new Promise<void>((resolve, reject) => {
    const settle = (error?: Error) => {
      stream.off('drain', onDrain)
      stream.off('error', onError)
      stream.off('close', onClose)
      if (error) reject(error)
      else resolve()
    }
    const onDrain = () => settle()
    const onError = (error: Error) => settle(error)
    const onClose = () => settle(stream.errored ?? new Error('stream closed before draining'))
    stream.on('drain', onDrain)
    stream.on('error', onError)
    stream.on('close', onClose)
  })
}

/** Ends a stream and waits until everything is flushed; rejects if it fails. */
export async function endStream(stream: Writable): Promise<void> {
  if (stream.destroyed || stream.writableFinished) {
    if (stream.errored) throw stream.errored
    return
  }
  stream.end()
  await finished(stream)
}
