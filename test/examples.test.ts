import { existsSync } from 'node:fs'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'

import { runScript } from './support/run-script.js'

// The README's examples in their --offline mode: a fake counterpart makes each one do
// something observable, then it exits on its own.
describe('examples --offline', () => {
  it('echo-bot: the caller hears her tone come back', async () => {
    const { code, stdout } = await runScript('examples/echo-bot.ts', ['--offline'])
    expect(stdout).toMatch(/bot\s+call from Alice/)
    expect(stdout).toMatch(/heard back 660 Hz in [2-9] of/)
    expect(code).toBe(0)
  })

  it('call-and-play: plays a file, hangs up when it ends, the callee heard it, and removes the tone it made', async () => {
    const { code, stdout } = await runScript('examples/call-and-play.ts', ['--offline'])
    expect(stdout).toMatch(/the file ended, hanging up/)
    expect(stdout).toMatch(/bob\s+heard audio in [2-9] of/)
    expect(code).toBe(0)
    const played = /calling \S+, playing (\S+)/.exec(stdout)?.[1]
    expect(played).toMatch(/call-and-play-\d+\.wav$/)
    expect(existsSync(played!)).toBe(false)
  })

  it('record-incoming: answers, records a WAV with audio in it, in the folder given', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'record-incoming-'))
    onTestFinished(() => rm(dir, { recursive: true, force: true }))
    const { code, stdout } = await runScript('examples/record-incoming.ts', ['--offline', dir])
    expect(stdout).toMatch(/call from Carol, recording to .*\.wav/)
    expect(stdout).toMatch(/saved .*\.wav: [\d.]+ s at 48000 Hz, level -\d+\.\d dBFS/)
    expect(code).toBe(0)
    expect((await readdir(dir)).filter((name) => /^call-\d+\.wav$/.test(name))).toHaveLength(1)
  })

  it('emoji-check: both sides print the same four emojis', async () => {
    const { code, stdout } = await runScript('examples/emoji-check.ts', ['--offline'])
    const mine = /me\s+key emojis: (\S+ \S+ \S+ \S+)/.exec(stdout)?.[1]
    const theirs = /dave\s+key emojis: (\S+ \S+ \S+ \S+)/.exec(stdout)?.[1]
    expect(mine).toBeDefined()
    expect(mine).toBe(theirs)
    expect(stdout).toMatch(/the emojis match/)
    expect(code).toBe(0)
  })

  it('without --offline or credentials they explain what to set and exit 2', async () => {
    const env = { ...process.env }
    delete env.API_ID
    delete env.TG_SESSION
    const { code, stderr } = await runScript('examples/emoji-check.ts', [], { env })
    expect(code).toBe(2)
    expect(stderr).toMatch(/API_ID, API_HASH and TG_SESSION/)
  })
})
