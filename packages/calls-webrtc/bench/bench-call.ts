/**
 * One benchmark call of the v2 engine: two `WebRtcCallEngine` sessions (signaling + media,
 * everything a call end runs) whose blobs go to each other on the next turn of the event
 * loop, media on 127.0.0.1, with the legacy bench's latency probes on both ends.
 */
import { randomBytes } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { MediaState, type MediaSession } from '@tgvoip/calls-native/engine'
import { ProbeSink, ProbeSource, type ProbedCall, type ProbedEnd } from '../../calls-native/bench/latency-probe.js'
import { WebRtcCallEngine } from '../src/index.js'
import { sessionOptions } from '../test/engine/session-pair.js'

export interface BenchEnd extends ProbedEnd {
  session: MediaSession
}

export interface BenchCall extends ProbedCall<BenchEnd> {
  startedAt: number
}

const engine = new WebRtcCallEngine()
let nextPhase = 0

function makeEnd(key: Uint8Array, isOutgoing: boolean): BenchEnd {
  const session = engine.createSession(sessionOptions({ key, isOutgoing, allowP2p: true }))
  const end: BenchEnd = { session, source: new ProbeSource(), sink: new ProbeSink(), framesWritten: 0, establishedAt: 0 }
  session.on('stateChange', (_old, state) => {
    if (state === MediaState.Established && !end.establishedAt) end.establishedAt = performance.now()
  })
  void (async () => {
    for await (const frame of session.frames()) end.sink.onFrame(frame, performance.now())
  })()
  return end
}

/** Creates and starts both ends; `startedAt` is when both were started. */
export function startBenchCall(): BenchCall {
  const key = new Uint8Array(randomBytes(256))
  const caller = makeEnd(key, true)
  const callee = makeEnd(key, false)
  caller.session.on('signalingData', (blob) => setImmediate(() => callee.session.receiveSignalingData(blob)))
  callee.session.on('signalingData', (blob) => setImmediate(() => caller.session.receiveSignalingData(blob)))
  const startedAt = performance.now()
  caller.session.start()
  callee.session.start()
  return { caller, callee, startedAt, phaseMs: (nextPhase++ % 12) * 5 }
}

/** Writes every frame that is due by now, like a microphone delivering 20 ms frames (never waiting). */
export function feedRealTime(end: BenchEnd, startedAt: number, now: number): void {
  const due = Math.floor((now - startedAt) / 20)
  while (end.framesWritten < due) {
    end.session.writeFrame(Int16Array.from(end.source.nextFrame(now))).catch(() => undefined)
    end.framesWritten++
  }
}
