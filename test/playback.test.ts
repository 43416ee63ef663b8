import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { PhoneCallState } from '@tgvoip/calls'
import { AudioDecodeError, AudioPlayer, ToneAnalyzer, ToneSource } from '@tgvoip/calls-audio'

import { ToneTimeline } from './support/tone-timeline.js'
import { useTempDir } from './support/temp-dir.js'
import { establishCall, medianFrequency, sleep, twoAccounts, type TwoAccounts } from './support/two-accounts.js'

const tmp = useTempDir('tgvoip-e2e-playback-')
let env: TwoAccounts | undefined
afterEach(async () => {
  await env?.destroy()
  env = undefined
})

/** A headerless s16le 48 kHz mono file (pytgvoip's format) holding a tone. */
async function rawTone(name: string, hz: number, ms: number): Promise<string> {
  const chunks: Int16Array[] = []
  for await (const frame of new ToneSource({ frequencies: hz, durationMs: ms })) chunks.push(frame)
  const path = join(tmp.path, name)
  await writeFile(path, Buffer.concat(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength))))
  return path
}

describe('playback like pytgvoip', () => {
  it("a .raw path plays as s16le 48 kHz mono (the seed's own format), not through ffmpeg", async () => {
    env = await twoAccounts()
    const raw = await rawTone('tone.raw', 600, 3000)
    const bobHears = new ToneAnalyzer({ windowMs: 250 })
    // No ffmpeg to be found: the file must be read as it is.
    const path = process.env.PATH
    process.env.PATH = ''
    try {
      const { aliceCall } = await establishCall(env, { source: raw }, { sink: bobHears })
      await sleep(1500)
      expect(aliceCall.state).toBe(PhoneCallState.Established)
      expect(Math.abs(medianFrequency(bobHears.results) - 600)).toBeLessThanOrEqual(2)
      await aliceCall.hangup()
    } finally {
      process.env.PATH = path
    }
  })

  it('play(source, { queue: true }) appends: the tracks are heard in order, sourceEnd once at the end; record(null) stops recording', async () => {
    env = await twoAccounts()
    const bobHears = new ToneTimeline()
    let recorded = 0
    let sinkClosed = false
    const counter = {
      write: (frame: Int16Array) => {
        recorded += frame.length
        bobHears.write(frame)
      },
      close: () => {
        sinkClosed = true
      },
    }
    const [second, third] = await Promise.all([rawTone('second.raw', 700, 600), rawTone('third.raw', 1000, 600)])
    const { aliceCall, bobCall } = await establishCall(env, {}, { sink: counter })
    let sourceEnds = 0
    aliceCall.on('sourceEnd', () => sourceEnds++)
    const since = performance.now()
    aliceCall.play(new ToneSource({ frequencies: 400, durationMs: 600 }))
    aliceCall.play(second, { queue: true })
    aliceCall.play(third, { queue: true })
    await sleep(2400)
    expect(bobHears.sequence([400, 700, 1000], since)).toEqual([400, 700, 1000])
    expect(sourceEnds).toBe(1)

    bobCall.record(null)
    expect(sinkClosed).toBe(true)
    const before = recorded
    await sleep(300)
    expect(recorded).toBe(before)
    await aliceCall.hangup()
  })

  it('an AudioPlayer takes paths; a bad one mid-queue is reported with trackError and skipped, the call goes on', async () => {
    env = await twoAccounts()
    const [first, last] = await Promise.all([rawTone('first.raw', 500, 600), rawTone('last.raw', 900, 600)])
    const player = new AudioPlayer()
    const errors: Error[] = []
    player.on('trackError', (error) => errors.push(error))
    const bobHears = new ToneTimeline()
    const { aliceCall } = await establishCall(env, { source: player }, { sink: bobHears })
    const since = performance.now()
    player.enqueue(first, join(tmp.path, 'missing.raw'), last)
    await sleep(2000)
    expect(bobHears.sequence([500, 900], since)).toEqual([500, 900])
    expect(errors).toHaveLength(1)
    expect(errors[0]).toBeInstanceOf(AudioDecodeError)
    expect(errors[0]!.message).toMatch(/missing\.raw/)
    expect(aliceCall.state).toBe(PhoneCallState.Established)
    await aliceCall.hangup()
  })

  it('hold music takes a list: played in turn and looped, while no track plays', async () => {
    env = await twoAccounts()
    const [low, high] = await Promise.all([rawTone('hold-low.raw', 350, 500), rawTone('hold-high.raw', 1100, 500)])
    const player = new AudioPlayer({ holdMusic: [low, high] })
    const bobHears = new ToneTimeline()
    const { aliceCall } = await establishCall(env, { source: player }, { sink: bobHears })
    const since = performance.now()
    await sleep(2600)
    // The list in turn, again and again (the first item heard depends on when we start listening).
    const heard = bobHears.sequence([350, 1100], since)
    expect(heard.slice(0, 4)).toEqual(heard[0] === 350 ? [350, 1100, 350, 1100] : [1100, 350, 1100, 350])
    await aliceCall.hangup()
  })
})
