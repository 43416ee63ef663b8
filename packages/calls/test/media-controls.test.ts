import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { FileSink, FileSource, PcmStreamSource, RawFileSink, WavFileSink, sinkFromPath, sourceFromPath } from '@tgvoip/calls-audio'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { CallAudioError, CallEndReason, CallHandlerError, PhoneCallState, CallStateError } from '../src/index.js'
import type { Call, CallAudioSink, CallAudioSource } from '../src/index.js'
import { establish, twoParties } from './support/setup.js'
import type { TwoParties } from './support/setup.js'

let env: TwoParties | undefined
let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tgvoip-calls-media-'))
})
afterEach(async () => {
  await env?.cleanup()
  env = undefined
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** A finite source of frames filled with `value`, recording whether it was closed. */
function frames(value: number, count: number): CallAudioSource & { closed: boolean } {
  const source = {
    closed: false,
    async *[Symbol.asyncIterator]() {
      for (let i = 0; i < count && !source.closed; i++) yield new Int16Array(960).fill(value)
    },
    close() {
      source.closed = true
    },
  }
  return source
}

function collector(): CallAudioSink & { got: number[]; closed: boolean } {
  const sink = {
    got: [] as number[],
    closed: false,
    write(frame: Int16Array) {
      sink.got.push(frame[0]!)
    },
    close() {
      sink.closed = true
    },
  }
  return sink
}

describe('per-call audio controls (fake engine)', () => {
  it('play() swaps the source and closes the old one; sourceEnd fires once the last frame played out', async () => {
    env = await twoParties()
    const first = frames(1, 50)
    const { caller } = await establish(env, first)
    const session = env.aliceEngine.sessions[0]!
    const second = frames(2, 5)
    const ended = new Promise<number>((resolve) => caller.once('sourceEnd', () => resolve(performance.now())))
    const switchedAt = performance.now()
    caller.play(second)
    // 5 frames are 100 ms of audio: the event waits for them to play.
    expect((await ended) - switchedAt).toBeGreaterThanOrEqual(90)
    expect(first.closed).toBe(true)
    expect(session.written.filter((f) => f[0] === 2)).toHaveLength(5)
    await caller.hangup()
  })

  it('record() swaps the sink and closes the old one; the call closes the current sink when it ends', async () => {
    env = await twoParties()
    const first = collector()
    const { caller, callee } = await establish(env, undefined, first)
    const bobSession = env.bobEngine.sessions[0]!
    bobSession.receiveFrame(new Int16Array(960).fill(7))
    await new Promise((resolve) => setTimeout(resolve, 10))
    const second = collector()
    callee.record(second)
    bobSession.receiveFrame(new Int16Array(960).fill(8))
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(first.got).toEqual([7])
    expect(second.got).toEqual([8])
    expect(first.closed).toBe(true)
    await caller.hangup()
    await callee.ended
    expect(second.closed).toBe(true)
  })

  it('mute()/unmute() reach the session, also when set before the media started', async () => {
    env = await twoParties()
    const incoming = env.nextIncoming()
    const outgoing = env.alice.calls.call('bob')
    const callee = await incoming
    const accepted = callee.accept()
    callee.mute()
    await Promise.all([outgoing, accepted])
    const session = env.bobEngine.sessions[0]!
    expect(session.muted).toBe(true)
    callee.unmute()
    expect(session.muted).toBe(false)
    expect(callee.muted).toBe(false)
    await callee.hangup()
    expect(() => callee.mute()).toThrow(CallStateError)
  })

  it('a sink that throws hangs the call up with CallAudioError (cause kept), both sides end', async () => {
    env = await twoParties()
    const boom = new Error('disk full')
    const { caller, callee } = await establish(env, undefined, {
      write() {
        throw boom
      },
    })
    env.bobEngine.sessions[0]!.receiveFrame(new Int16Array(960))
    expect(await callee.ended).toBe(CallEndReason.Failed)
    expect(callee.state).toBe(PhoneCallState.Failed)
    expect(callee.error).toBeInstanceOf(CallAudioError)
    expect(callee.error!.cause).toBe(boom)
    expect(await caller.ended).toBe(CallEndReason.HungUp)
  })

  it('stats() and debugLog(): null before media, live during, frozen after', async () => {
    env = await twoParties()
    const incoming = env.nextIncoming()
    const outgoing = env.alice.calls.call('bob')
    const callee = await incoming
    expect(callee.stats()).toBeNull()
    expect(callee.debugLog()).toBeNull()
    await Promise.all([outgoing, callee.accept()])
    expect(callee.stats()!.signalBars).toBe(4)
    await callee.hangup()
    expect(callee.stats()!.signalBars).toBe(4)
    expect(JSON.parse(callee.debugLog()!)).toMatchObject({ engine: 'fake' })
  })

  it('closes the source and sink of a call that never got media (declined)', async () => {
    env = await twoParties()
    const source = frames(1, 10)
    const sink = collector()
    env.bob.calls.on('incomingCall', (call) => void call.decline())
    await expect(env.alice.calls.call('bob', source, { sink })).rejects.toThrow()
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(source.closed).toBe(true)
    expect(sink.closed).toBe(true)
  })

  it('forwards signalBars from the session', async () => {
    env = await twoParties()
    const { caller } = await establish(env)
    const bars: number[] = []
    caller.on('signalBars', (n) => bars.push(n))
    env.aliceEngine.sessions[0]!.emit('signalBars', 2)
    expect(bars).toEqual([2])
    await caller.hangup()
  })
})

describe('file paths as sources and sinks', () => {
  it('picks the sink by extension and plays any path through ffmpeg', async () => {
    expect(sinkFromPath(join(dir, 'a.wav'))).toBeInstanceOf(WavFileSink)
    expect(sinkFromPath(join(dir, 'a.WAV'))).toBeInstanceOf(WavFileSink)
    expect(sinkFromPath(join(dir, 'a.raw'))).toBeInstanceOf(RawFileSink)
    expect(sinkFromPath(join(dir, 'a.pcm'))).toBeInstanceOf(RawFileSink)
    expect(sinkFromPath(join(dir, 'a.mp3'))).toBeInstanceOf(FileSink)
    expect(sourceFromPath('music.mp3')).toBeInstanceOf(FileSource)
    expect(sourceFromPath('music.raw')).toBeInstanceOf(PcmStreamSource)
    expect(sinkFromPath(join(dir, 'a.s16'))).toBeInstanceOf(RawFileSink)
  })
})

describe('client.destroy()', () => {
  it('hangs up on the server before mtcute tears the client down', async () => {
    env = await twoParties()
    const { caller, callee } = await establish(env)
    await env.alice.destroy()
    expect(caller.state).toBe(PhoneCallState.Ended)
    expect(await callee.ended).toBe(CallEndReason.HungUp)
    expect(env.fake.calls.get(caller.id)!.discard).toMatchObject({ byUserId: callee.peerId, reason: 'phoneCallDiscardReasonHangup' })
  })
})

describe('incomingCall handlers that fail', () => {
  it('a handler that throws before anyone answers declines the call with CallHandlerError (no 90 s of ringing)', async () => {
    env = await twoParties()
    const boom = new Error('bot crashed')
    let incoming: Call | undefined
    env.bob.calls.on('incomingCall', (call) => {
      incoming = call
      throw boom
    })
    await expect(env.alice.calls.call('bob')).rejects.toThrow(/declined/)
    expect(incoming!.state).toBe(PhoneCallState.Failed)
    expect(incoming!.error).toBeInstanceOf(CallHandlerError)
    expect(incoming!.error!.cause).toBe(boom)
  })

  it('an async handler that rejects before answering declines too', async () => {
    env = await twoParties()
    let incoming: Call | undefined
    env.bob.calls.on('incomingCall', async (call) => {
      incoming = call
      await new Promise((resolve) => setTimeout(resolve, 5))
      throw new Error('database down')
    })
    await expect(env.alice.calls.call('bob')).rejects.toThrow(/declined/)
    expect(await incoming!.ended).toBe(CallEndReason.Failed)
    expect(incoming!.error).toBeInstanceOf(CallHandlerError)
  })

  it('a handler that fails after answering leaves the call alone', async () => {
    env = await twoParties()
    env.bob.calls.on('incomingCall', async (call) => {
      await call.accept()
      throw new Error('logging failed')
    })
    const call = await env.alice.calls.call('bob')
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(call.state).toBe(PhoneCallState.Established)
    await call.hangup()
  })
})
