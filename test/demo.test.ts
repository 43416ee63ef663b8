import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

import { runScript } from './support/run-script.js'
import { measureWav } from './support/wav.js'

describe('pnpm demo', () => {
  it('makes a 13.0.0 call with a 440 Hz tone, prints states, emojis and stats, exits 0 and writes a WAV with the tone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tgvoip-demo-'))
    try {
      const out = join(dir, 'out.wav')
      const result = await runScript('examples/demo.ts', ['--seconds', '2', '--out', out])
      expect(result.stderr).not.toMatch(/error/i)
      expect(result.code, result.stdout + result.stderr).toBe(0)
      expect(result.stdout).toMatch(/negotiated library version 13\.0\.0 \(tgcalls v2\)/)
      expect(result.stdout).toMatch(/alice\s+state connecting -> established/)
      expect(result.stdout).toMatch(/bob\s+state ringing -> exchangingKeys/)
      const alice = /Alice sees: (.+)/.exec(result.stdout)![1]
      const bob = /Bob sees: +(.+)/.exec(result.stdout)![1]
      expect(alice).toBe(bob)
      expect([...new Intl.Segmenter().segment(alice!.replaceAll(' ', ''))]).toHaveLength(4)
      // Not a TTY here: the once-a-second stats come as plain lines.
      expect(result.stdout).toMatch(/bob\s+sent [\d.]+ KiB .* loss [\d.]+% .* kbit\/s/)
      expect(result.stdout).toMatch(/Bob received: 4(39|40|41)\.\d Hz/)

      const wav = await measureWav(out)
      expect(wav.seconds).toBeGreaterThan(1.5)
      expect(Math.abs(wav.frequency! - 440)).toBeLessThanOrEqual(2)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('--loss 0.2 drops a fifth of the v2 audio packets and still delivers the tone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tgvoip-demo-'))
    try {
      const result = await runScript('examples/demo.ts', ['--seconds', '2', '--loss', '0.2', '--out', join(dir, 'out.wav')])
      expect(result.code, result.stdout + result.stderr).toBe(0)
      expect(result.stdout).toMatch(/WebRTC media .* dropping 20% of packets/)
      expect(Number(/lost (\d+)/.exec(result.stdout)![1])).toBeGreaterThan(5)
      expect(result.stdout).toMatch(/Bob received: 4(39|40|41)\.\d Hz/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('--protocol 2.4.4 makes a libtgvoip call through the lossy local relay', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tgvoip-demo-'))
    try {
      const result = await runScript('examples/demo.ts', ['--protocol', '2.4.4', '--seconds', '2', '--loss', '0.2', '--out', join(dir, 'out.wav')])
      expect(result.code, result.stdout + result.stderr).toBe(0)
      expect(result.stdout).toMatch(/negotiated library version 2\.4\.4 \(libtgvoip\)/)
      expect(result.stdout).toMatch(/local relay on udp:.* dropping 20% of packets/)
      expect(Number(/relay dropped (\d+)/.exec(result.stdout)![1])).toBeGreaterThan(5)
      expect(result.stdout).toMatch(/Bob received: 4(39|40|41)\.\d Hz/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('--protocol 8.0.0 and 12.0.0 pick those versions', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tgvoip-demo-'))
    try {
      for (const version of ['8.0.0', '12.0.0']) {
        const result = await runScript('examples/demo.ts', ['--protocol', version, '--seconds', '1', '--out', join(dir, 'out.wav')])
        expect(result.code, result.stdout + result.stderr).toBe(0)
        expect(result.stdout).toContain(`negotiated library version ${version} (tgcalls v2)`)
      }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it("accepts pnpm's `--` before the options", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tgvoip-demo-'))
    try {
      const result = await runScript('examples/demo.ts', ['--', '--seconds', '1', '--loss', '0.1', '--out', join(dir, 'out.wav')])
      expect(result.code, result.stdout + result.stderr).toBe(0)
      expect(result.stdout).toMatch(/dropping 10% of packets/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('a missing or undecodable file is reported as such, with a non-zero exit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tgvoip-demo-'))
    try {
      const missing = await runScript('examples/demo.ts', [join(dir, 'nope.mp3'), '--out', join(dir, 'out.wav')])
      expect(missing.code).toBe(1)
      expect(missing.stderr).toMatch(/demo: cannot play .*nope\.mp3: .*(no such file|ENOENT)/i)
      expect(missing.stdout).not.toMatch(/calling @bob/)

      const garbage = join(dir, 'garbage.mp3')
      await writeFile(garbage, 'not audio at all\n'.repeat(100))
      const undecodable = await runScript('examples/demo.ts', [garbage, '--seconds', '1', '--out', join(dir, 'out.wav')])
      expect(undecodable.code).toBe(1)
      expect(undecodable.stderr).toMatch(/demo: cannot play .*garbage\.mp3: ffmpeg could not decode/)
      expect(undecodable.stderr).not.toMatch(/no audio arrived/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('exits non-zero with a usage message on bad arguments', async () => {
    const result = await runScript('examples/demo.ts', ['--loss', '2'])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/usage/)
    const badProtocol = await runScript('examples/demo.ts', ['--protocol', '9.0.0'])
    expect(badProtocol.code).toBe(2)
    expect(badProtocol.stderr).toMatch(/usage: .*--protocol 13\.0\.0\|12\.0\.0\|8\.0\.0\|2\.4\.4/)
  })
})
