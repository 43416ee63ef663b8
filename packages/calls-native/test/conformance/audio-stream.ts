/**
 * Turns one direction of a recorded call into PCM the way a receiver would: frames in pts
 * order (60 ms each), a missing frame taken from an extra-FEC copy, else from the next
 * packet's Opus in-band FEC, else concealed. An extra-FEC copy is used only if it is a
 * valid 60 ms Opus packet: libtgvoip 2.5 puts heap bytes instead of Opus in some of its
 * FEC entries (see relay-loss-fec.test.ts), and a receiver must not play those.
 */
import type { OpusDecoderHandle, ParsedStreamData, ProtocolInternal } from '../../src/internal/protocol-internal.js'

export const FRAME_MS = 60
export const FRAME_SAMPLES = 2880

export interface StreamFrames {
  /** pts -> primary Opus packet. */
  primary: Map<number, Uint8Array>
  /** pts -> low-bitrate copy from an extra-FEC block (first copy seen wins). */
  fecCopies: Map<number, Uint8Array>
}

export function emptyStream(): StreamFrames {
  return { primary: new Map(), fecCopies: new Map() }
}

export function addRecords(stream: StreamFrames, records: ParsedStreamData[]): void {
  for (const record of records) {
    if (record.streamId !== 1) continue
    stream.primary.set(record.pts, record.data)
    for (const entry of record.fec) if (!stream.fecCopies.has(entry.pts)) stream.fecCopies.set(entry.pts, entry.data)
  }
}

export interface DecodedStream {
  pcm: Int16Array
  frames: number
  primaryFrames: number
  extraFecFrames: number
  /** Extra-FEC copies that covered a lost frame but were not a valid 60 ms Opus packet. */
  extraFecRejected: number
  inbandFecFrames: number
  concealedFrames: number
}

export function decodeStream(native: ProtocolInternal, stream: StreamFrames): DecodedStream {
  const decoder: OpusDecoderHandle = new native.OpusDecoder()
  const lastPts = Math.max(...stream.primary.keys())
  const frames = lastPts / FRAME_MS + 1
  const pcm = new Int16Array(frames * FRAME_SAMPLES)
  const result: DecodedStream = {
    pcm,
    frames,
    primaryFrames: 0,
    extraFecFrames: 0,
    extraFecRejected: 0,
    inbandFecFrames: 0,
    concealedFrames: 0,
  }
  for (let index = 0; index < frames; index++) {
    const pts = index * FRAME_MS
    const frame = decodeFrame(native, decoder, stream, pts, result)
    pcm.set(frame.subarray(0, FRAME_SAMPLES), index * FRAME_SAMPLES)
  }
  return result
}

function decodeFrame(
  native: ProtocolInternal,
  decoder: OpusDecoderHandle,
  stream: StreamFrames,
  pts: number,
  result: DecodedStream,
): Int16Array {
  const primary = stream.primary.get(pts)
  if (primary) {
    result.primaryFrames++
    return decoder.decode(primary)
  }
  const copy = stream.fecCopies.get(pts)
  if (copy) {
    const recovered = decodeCopy(native, decoder, copy)
    if (recovered) {
      result.extraFecFrames++
      return recovered
    }
    result.extraFecRejected++
  }
  const next = stream.primary.get(pts + FRAME_MS)
  if (next) {
    result.inbandFecFrames++
    return decoder.decodeFec(next, FRAME_SAMPLES)
  }
  result.concealedFrames++
  return decoder.conceal(FRAME_SAMPLES)
}

function decodeCopy(native: ProtocolInternal, decoder: OpusDecoderHandle, copy: Uint8Array): Int16Array | undefined {
  if (native.OpusDecoder.packetSamples(copy) !== FRAME_SAMPLES) return undefined
  try {
    return decoder.decode(copy)
  } catch {
    return undefined
  }
}
