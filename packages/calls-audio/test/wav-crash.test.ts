import { spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { ToneSource, WavSource, decodeWav } from '../src/index.js'
import { collect, tempDir } from './helpers.js'

const dir = await tempDir()
const fixture = fileURLToPath(new URL('./fixtures/record-until-killed.ts', import.meta.url))
const packageDir = fileURLToPath(new URL('..', import.meta.url))

describe('WavFileSink when the recording process is killed', () => {
  it('leaves a readable WAV holding everything flushed before the kill', async () => {
    const path = join(dir, 'killed.wav')
    const child = spawn(process.execPath, ['--conditions=@tgvoip/source', '--import', 'tsx', fixture, path], {
      cwd: packageDir,
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let lastReported = 0
    let flushes = 0
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)))
    for await (const line of child.stdout.setEncoding('utf8')) {
      for (const match of (line as string).matchAll(/flushed (\d+)/g)) {
        lastReported = Number(match[1])
        flushes++
      }
      if (flushes >= 4) {
        child.kill('SIGKILL')
        break
      }
    }
    expect(await exited).toBe('SIGKILL')
    const bytes = await readFile(path)
    const decoded = decodeWav(bytes)
    // The header may lag the data by at most one flush, and never claims more than exists.
    expect(decoded.header.dataBytes).toBeDefined()
    expect(decoded.header.dataBytes!).toBeGreaterThanOrEqual(lastReported)
    expect(44 + decoded.header.dataBytes!).toBeLessThanOrEqual(bytes.length)
    const samples = await collect(new WavSource(path))
    const frames = samples.length / 960
    expect(frames).toBe(decoded.header.dataBytes! / 1920)
    expect(samples).toEqual(await collect(new ToneSource({ frequencies: 523.25 }), frames))
  })
})
