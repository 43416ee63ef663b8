import { execFileSync } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { CallOptionsError } from '@tgvoip/calls'
import { ToneSource } from '@tgvoip/calls-audio'

import { useTempDir } from './support/temp-dir.js'
import { establishCall, sleep, twoAccounts, type TwoAccounts } from './support/two-accounts.js'
import { measureWav } from './support/wav.js'

const tmp = useTempDir('tgvoip-e2e-files-')
let env: TwoAccounts | undefined
afterEach(async () => {
  await env?.destroy()
  env = undefined
})

describe('file paths as source and sink', () => {
  it('an MP3 path plays through ffmpeg, a .wav path records: the WAV has the tone', async () => {
    const mp3 = join(tmp.path, 'tone.mp3')
    execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=700:duration=3', '-ac', '1', mp3])
    const wav = join(tmp.path, 'bob.wav')
    env = await twoAccounts()
    const { aliceCall, bobCall } = await establishCall(env, { source: mp3 }, { sink: wav })
    await sleep(2000)
    await aliceCall.hangup()
    await bobCall.ended // the recording is finalised when `ended` resolves

    const measured = await measureWav(wav)
    expect(measured.sampleRate).toBe(48_000)
    expect(measured.seconds).toBeGreaterThan(1.5)
    expect(measured.dbfs).toBeGreaterThan(-35)
    expect(Math.abs(measured.frequency! - 700)).toBeLessThanOrEqual(2)
  })

  it('a file ffmpeg cannot decode ends only that call, with CallAudioError as its error', async () => {
    env = await twoAccounts()
    // It exists and is readable, so it passes the checks before the call; only decoding fails.
    const garbage = join(tmp.path, 'garbage.mp3')
    await writeFile(garbage, 'this is not audio\n'.repeat(50))
    const incoming = env.nextIncoming()
    const outgoing = env.alice.calls.call('bob', garbage)
    const bobCall = await incoming
    await bobCall.accept().catch(() => undefined)
    // Depending on timing the source fails before or after the media is up.
    const error = await outgoing.then(
      async (call) => {
        await call.ended
        return call.error
      },
      (err: unknown) => err,
    )
    expect((error as Error).name).toBe('CallAudioError')
    expect(String((error as Error & { cause?: unknown }).cause)).toMatch(/garbage\.mp3|decode|Invalid data/i)
    await bobCall.ended
    expect(env.telegram.requestsOf('phone.discardCall').length).toBeGreaterThanOrEqual(1)
  })

  it('rejects paths without an engine and objects of the wrong shape before calling', async () => {
    env = await twoAccounts({ localRelays: 0 }, { engine: null })
    await expect(env.alice.calls.call('bob', 'music.mp3')).rejects.toBeInstanceOf(CallOptionsError)
    await expect(env.alice.calls.call('bob', new ToneSource({ frequencies: 1 }), { sink: 42 as never })).rejects.toThrow(/sink must be a file path/)
    expect(env.telegram.requestsOf('phone.requestCall')).toHaveLength(0)
  })
})
