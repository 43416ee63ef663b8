/** Audio plumbing for the media tests: play a tone into a transport, record what it receives, measure it. */
import { analyzeTone, ToneSource } from '@tgvoip/calls-audio'
import { MediaTransportState, type WebRtcMediaTransport } from '../../src/media/index.js'

/** Plays `hz` into `transport` for `durationMs`, paced by writeFrame(). */
export async function playTone(transport: WebRtcMediaTransport, hz: number, durationMs: number): Promise<void> {
  for await (const frame of new ToneSource({ frequencies: hz, durationMs, amplitude: 0.3 })) await transport.writeFrame(frame)
}

/** Collects the frames `transport` hands out until stop() is called. */
export function record(transport: WebRtcMediaTransport): { frames: Int16Array[]; stop(): void } {
  const frames: Int16Array[] = []
  const onFrame = (frame: Int16Array): void => void frames.push(frame)
  transport.on('frame', onFrame)
  return { frames, stop: () => transport.off('frame', onFrame) }
}

export function concat(frames: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(frames.reduce((n, f) => n + f.length, 0))
  let offset = 0
  for (const frame of frames) {
    out.set(frame, offset)
    offset += frame.length
  }
  return out
}

/** The strongest frequency, NaN for silence (so every bound on it fails). */
export function dominantFrequency(frames: readonly Int16Array[]): number {
  return analyzeTone(concat(frames), { sampleRate: 48_000, minHz: 50 }).frequency ?? Number.NaN
}

export function rms(frame: Int16Array): number {
  let sum = 0
  for (const sample of frame) sum += sample * sample
  return Math.sqrt(sum / Math.max(1, frame.length))
}

/** Share of frames with audible content, from the first audible frame to the last. */
export function audibleShare(frames: readonly Int16Array[], threshold = 300): number {
  const loud = frames.map((f) => rms(f) > threshold)
  const first = loud.indexOf(true)
  const last = loud.lastIndexOf(true)
  if (first < 0) return 0
  const span = loud.slice(first, last + 1)
  return span.filter(Boolean).length / span.length
}

export function whenState(transport: WebRtcMediaTransport, state: MediaTransportState, timeoutMs = 10_000): Promise<void> {
  if (transport.state === state) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ${state} after ${timeoutMs} ms (is ${transport.state})`)), timeoutMs)
    const onChange = (_old: MediaTransportState, next: MediaTransportState): void => {
      if (next !== state) return
      clearTimeout(timer)
      transport.off('stateChange', onChange)
      resolve()
    }
    transport.on('stateChange', onChange)
  })
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls `condition` every 10 ms; throws if it is still false after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await sleep(10)
  }
}
