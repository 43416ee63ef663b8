import { randomBytes } from 'node:crypto'

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import type { CustomParameters, SignalingVersion } from '../../src/index.js'
import { FramingKind, SignalingChannelState, SignalingReplayError } from '../../src/index.js'
import type { PipeOptions } from './support/blob-pipe.js'
import { BlobPipe } from './support/blob-pipe.js'
import { callScript } from './support/messages.js'
import type { Probe } from './support/probe.js'
import { probe } from './support/probe.js'

/** Errors other than replays, which a duplicating transport causes by design. */
const unexpectedErrors = (p: Probe) => p.errors.filter(e => !(e instanceof SignalingReplayError))

/**
 * Both sides send a call's worth of messages at staggered times through `pipe`, then fake
 * time runs until both have everything. Returns how long (simulated) that took.
 */
async function exchange(version: SignalingVersion, pipeOptions: PipeOptions, customParameters: CustomParameters = {}) {
  const key = randomBytes(256)
  const caller = probe(key, true, version, customParameters)
  const callee = probe(key, false, version, customParameters)
  const pipe = new BlobPipe(pipeOptions)
  pipe.connect(caller.channel, callee.channel)
  const callerScript = callScript('actpass', 1111)
  const calleeScript = callScript('passive', 2222)
  callerScript.forEach((message, i) => setTimeout(() => caller.channel.send(message), i * 37))
  calleeScript.forEach((message, i) => setTimeout(() => callee.channel.send(message), 15 + i * 41))

  const start = Date.now()
  const deadline = start + 600_000
  while ((caller.messages.length < calleeScript.length || callee.messages.length < callerScript.length) && Date.now() < deadline) {
    await vi.advanceTimersByTimeAsync(50)
  }
  return { caller, callee, pipe, callerScript, calleeScript, elapsedMs: Date.now() - start }
}

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

const HOSTILE: PipeOptions = { lossRate: 0.2, duplicateRate: 0.2, minDelayMs: 5, maxDelayMs: 400, seed: 7 }

describe.each([
  ['8.0.0', FramingKind.Reliable],
  ['13.0.0', FramingKind.Sctp],
  ['12.0.0', FramingKind.Sctp],
] as const)('%s over a lossy, duplicating, reordering relay', (version, framing) => {
  it.each([1, 2, 3])('delivers every message exactly once and in order (seed %i)', async seed => {
    const run = await exchange(version, { ...HOSTILE, seed })
    expect(run.caller.channel.framingKind).toBe(framing)
    // The relay really was hostile in this run.
    expect(run.pipe.stats.dropped).toBeGreaterThan(3)
    expect(run.pipe.stats.duplicated).toBeGreaterThan(3)
    expect(run.pipe.stats.reordered).toBeGreaterThan(3)

    expect(run.callee.messages).toEqual(run.callerScript)
    expect(run.caller.messages).toEqual(run.calleeScript)
    expect(unexpectedErrors(run.caller)).toEqual([])
    expect(unexpectedErrors(run.callee)).toEqual([])
    expect(run.caller.channel.state).toBe(SignalingChannelState.Open)

    // Once everything is acknowledged the channels fall silent (no endless resends)...
    await vi.advanceTimersByTimeAsync(30_000)
    const quiet = run.caller.blobs.length + run.callee.blobs.length
    await vi.advanceTimersByTimeAsync(60_000)
    expect(run.caller.blobs.length + run.callee.blobs.length).toBe(quiet)
    // ...and close() leaves no timer behind.
    run.caller.channel.close()
    run.callee.channel.close()
    expect(vi.getTimerCount()).toBe(0)
    expect(run.caller.channel.state).toBe(SignalingChannelState.Closed)
  })

  it('on a clean relay with 50 ms latency, everything arrives within a second of the last send', async () => {
    const run = await exchange(version, { lossRate: 0, duplicateRate: 0, minDelayMs: 50, maxDelayMs: 50, seed: 1 })
    expect(run.callee.messages).toEqual(run.callerScript)
    expect(run.caller.messages).toEqual(run.calleeScript)
    const lastSendMs = 15 + (run.calleeScript.length - 1) * 41
    expect(run.elapsedMs).toBeLessThan(lastSendMs + 1000)
  })
})

describe('unreliable framings on a clean relay', () => {
  it.each([
    ['7.0.0', {}, FramingKind.Raw],
    ['13.0.0', { network_signaling_nosctp: true }, FramingKind.GzipRaw],
    ['8.0.0', { network_kcp_experiment: true }, FramingKind.Sctp],
  ] as const)('%s with %j (%s) delivers in order', async (version, parameters, framing) => {
    const run = await exchange(version, { lossRate: 0, duplicateRate: 0, minDelayMs: 20, maxDelayMs: 20, seed: 1 }, parameters)
    expect(run.caller.channel.framingKind).toBe(framing)
    expect(run.callee.messages).toEqual(run.callerScript)
    expect(run.caller.messages).toEqual(run.calleeScript)
    expect(unexpectedErrors(run.caller)).toEqual([])
  })
})

describe('state', () => {
  it('a 13.0.0 channel goes connecting → open when SCTP is up, then closed; 8.0.0 is open at once', async () => {
    const key = randomBytes(256)
    const caller = probe(key, true, '13.0.0')
    const callee = probe(key, false, '13.0.0')
    new BlobPipe({ lossRate: 0, duplicateRate: 0, minDelayMs: 10, maxDelayMs: 10, seed: 1 }).connect(caller.channel, callee.channel)
    const transitions: string[] = []
    caller.channel.on('stateChange', (from, to) => transitions.push(`${from}→${to}`))
    expect(caller.channel.state).toBe(SignalingChannelState.Connecting)
    await vi.advanceTimersByTimeAsync(100)
    caller.channel.close()
    callee.channel.close()
    expect(transitions).toEqual(['connecting→open', 'open→closed'])
    expect(probe(key, true, '8.0.0').channel.state).toBe(SignalingChannelState.Open)
  })
})
