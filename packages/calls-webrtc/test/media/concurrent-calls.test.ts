/** Several calls in one process: each callee hears its own caller's tone, nobody else's. */
import { afterAll, expect, it } from 'vitest'
import { MediaTransportState } from '../../src/media/index.js'
import { analyzeTone } from '@tgvoip/calls-audio'
import { concat, dominantFrequency, playTone, record, sleep, whenState } from './audio.js'
import { createPair, type CallPair } from './pair.js'

const TONES = [330, 520, 770, 1010]
const pairs: CallPair[] = []
afterAll(async () => {
  await Promise.all(pairs.map((p) => p.close()))
})

it(`${TONES.length} concurrent calls carry their own tones without cross-talk`, async () => {
  pairs.push(...(await Promise.all(TONES.map(() => createPair()))))
  await Promise.all(pairs.flatMap((p) => [whenState(p.caller, MediaTransportState.Connected), whenState(p.callee, MediaTransportState.Connected)]))
  const recordings = pairs.map((p) => record(p.callee))
  await Promise.all(pairs.map((p, i) => playTone(p.caller, TONES[i]!, 2000)))
  await sleep(200)
  recordings.forEach((r, i) => {
    r.stop()
    const heard = concat(r.frames.slice(20))
    expect(Math.abs(dominantFrequency(r.frames.slice(20)) - TONES[i]!)).toBeLessThanOrEqual(2)
    // The other calls' tones are not in this one (Opus artefacts stay far below 5 %).
    const own = analyzeTone(heard, { minHz: TONES[i]! - 20, maxHz: TONES[i]! + 20 }).peaks[0]!.amplitude
    for (const other of TONES.filter((t) => t !== TONES[i])) {
      const leak = analyzeTone(heard, { minHz: other - 20, maxHz: other + 20 }).peaks[0]?.amplitude ?? 0
      expect(leak).toBeLessThan(own * 0.05)
    }
  })
})
