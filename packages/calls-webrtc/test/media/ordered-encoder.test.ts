/** OrderedEncoder: encodes on the thread pool deliver in slot order, a backlog is bounded, close() discards. */
import { OpusEncoder, OpusDecoder } from '@tgvoip/calls-native/codec'
import { ToneSource } from '@tgvoip/calls-audio'
import { describe, expect, it } from 'vitest'
import { OrderedEncoder, type EncodedFrame } from '../../src/media/ordered-encoder.js'
import { dominantFrequency } from './audio.js'

async function toneFrames(hz: number, count: number): Promise<Int16Array[]> {
  const frames: Int16Array[] = []
  for await (const frame of new ToneSource({ frequencies: hz, durationMs: count * 20, amplitude: 0.3 })) frames.push(frame)
  return frames
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 100))

describe('OrderedEncoder', () => {
  it('delivers every frame of a burst in order, as a 440 Hz tone', async () => {
    using encoder = new OpusEncoder()
    const out: EncodedFrame<number>[] = []
    const ordered = new OrderedEncoder<number>(encoder, (encoded) => out.push(encoded))
    const frames = await toneFrames(440, 40)
    // Four at a time, as slots after a stalled event loop would come.
    for (let i = 0; i < frames.length; i += 4) {
      for (let j = i; j < i + 4; j++) ordered.push(frames[j]!, j)
      await settle()
    }
    expect(out.map((e) => e.tag)).toEqual(frames.map((_, i) => i))
    expect(ordered.framesDropped).toBe(0)
    using decoder = new OpusDecoder()
    const pcm = out.slice(5).map((e) => decoder.decode(e.payload))
    expect(Math.abs(dominantFrequency(pcm) - 440)).toBeLessThanOrEqual(2)
  })

  it('drops the oldest waiting frames when the pool falls behind, and delivers nothing after close()', async () => {
    using encoder = new OpusEncoder()
    const tags: number[] = []
    const ordered = new OrderedEncoder<number>(encoder, (encoded) => tags.push(encoded.tag))
    const frames = await toneFrames(440, 10)
    frames.forEach((frame, i) => ordered.push(frame, i))
    await settle()
    // Frame 0 went to the pool at once; of the 9 behind it only the newest 4 were kept.
    expect(tags).toEqual([0, 6, 7, 8, 9])
    expect(ordered.framesDropped).toBe(5)
    ordered.push(frames[0]!, 10)
    ordered.close()
    ordered.push(frames[1]!, 11)
    await settle()
    expect(tags).toEqual([0, 6, 7, 8, 9])
  })
})
