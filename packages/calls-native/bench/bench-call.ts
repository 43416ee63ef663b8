/** One benchmark call: caller and callee controllers through the relay child, with probes. */
import { randomBytes } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { CallState, VoIPController } from '../src/index.js'
import { LocalRelay } from '../src/testing/index.js'
import { ProbeSink, ProbeSource, type ProbedCall, type ProbedEnd } from './latency-probe.js'

export interface BenchEnd extends ProbedEnd {
  controller: VoIPController
}

export interface BenchCall extends ProbedCall<BenchEnd> {
  /** The later of the two connect() calls (both sides up). */
  bothUpAt: number
}

function makeEnd(key: Uint8Array, isOutgoing: boolean, relayPort: number, tag: Uint8Array): BenchEnd {
  const controller = new VoIPController({ liveInput: true })
  controller.setConfig({ initTimeout: 10, recvTimeout: 10, dataSavingMode: 0, callId: 1n })
  controller.setEncryptionKey(key, isOutgoing)
  controller.setRemoteEndpoints([{ id: 1n, ip: '127.0.0.1', ipv6: '', port: relayPort, peerTag: tag }], false, false, 92)
  const end: BenchEnd = { controller, source: new ProbeSource(), sink: new ProbeSink(), framesWritten: 0, establishedAt: 0 }
  controller.setRecvAudioFrameCallback((frame) => {
    end.sink.onFrame(new Int16Array(frame.buffer, frame.byteOffset, frame.byteLength / 2), performance.now())
  })
  controller.on('stateChange', (_old, state) => {
    if (state === CallState.ESTABLISHED && !end.establishedAt) end.establishedAt = performance.now()
  })
  return end
}

export function createBenchCall(relayPort: number): BenchCall {
  const key = new Uint8Array(randomBytes(256))
  const tags = LocalRelay.createTagPair()
  return {
    caller: makeEnd(key, true, relayPort, tags.callerTag),
    callee: makeEnd(key, false, relayPort, tags.calleeTag),
    bothUpAt: 0,
    phaseMs: (nextPhase++ % 12) * 5,
  }
}

let nextPhase = 0

/** Caller first, callee a little later: the caller's first INIT meets a relay that does not know the callee yet. */
export async function connectBenchCall(call: BenchCall): Promise<void> {
  call.caller.controller.connect()
  await new Promise((resolve) => setTimeout(resolve, 20))
  call.bothUpAt = performance.now()
  call.callee.controller.connect()
}

/** Writes every frame that is due by now, like a microphone delivering 20 ms frames. */
export function feedRealTime(end: BenchEnd, startedAt: number, now: number): void {
  const due = Math.floor((now - startedAt) / 20)
  while (end.framesWritten < due) {
    end.controller.tryWriteAudio(end.source.nextFrame(now))
    end.framesWritten++
  }
}
