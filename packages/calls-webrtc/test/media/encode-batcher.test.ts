/** EncodeBatcher: many calls' frames go to the thread pool together and come back per call in slot order. */
import { OpusDecoder, OpusEncoder } from '@tgvoip/calls-native/codec'
import { ToneSource } from '@tgvoip/calls-audio'
import { describe, expect, it } from 'vitest'
import { EncodeBatcher } from '../../src/media/encode-batcher.js'
import { dominantFrequency } from './audio.js'

async function toneFrames(hz: number, count: number): Promise<Int16Array[]> {
  const frames: Int16Array[] = []
  for await (const frame of new ToneSource({ frequencies: hz, durationMs: count * 20, amplitude: 0.3 })) frames.push(frame)
  return frames
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50))

describe('EncodeBatcher', () => {
  it('encodes 12 calls at once over two jobs, each call in slot order and byte-identical to its own encoder', async () => {
    const batcher = new EncodeBatcher(2)
    const calls = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => ({
        hz: 300 + 40 * i,
        frames: await toneFrames(300 + 40 * i, 20),
        pooled: new OpusEncoder(),
        reference: new OpusEncoder(),
        out: [] as { slot: number; packet: Buffer | undefined }[],
      })),
    )
    // Four slots of every call per turn (as after a stalled event loop), then the next four
    // while that batch may still be in flight.
    for (let slot = 0; slot < 20; slot += 4) {
      for (const call of calls) {
        for (let s = slot; s < slot + 4; s++) batcher.encode(call.pooled, call.frames[s]!, (packet) => call.out.push({ slot: s, packet }))
      }
      if (slot % 8 === 0) await settle()
    }
    await settle()
    for (const call of calls) {
      expect(call.out.map((o) => o.slot)).toEqual(call.frames.map((_, i) => i))
      const expected = call.frames.map((f) => Buffer.from(call.reference.encode(f)).toString('hex'))
      expect(call.out.map((o) => o.packet!.toString('hex'))).toEqual(expected)
      using decoder = new OpusDecoder()
      const pcm = call.out.slice(5).map((o) => decoder.decode(o.packet!))
      expect(Math.abs(dominantFrequency(pcm) - call.hz)).toBeLessThanOrEqual(2)
      call.pooled.close()
      call.reference.close()
    }
  })

  it('gives undefined for an encoder closed before its batch ran, and goes on with the others', async () => {
    const batcher = new EncodeBatcher(2)
    const [frame] = await toneFrames(440, 1)
    const open = new OpusEncoder()
    const closing = new OpusEncoder()
    const results: (Buffer | undefined)[] = []
    batcher.encode(closing, frame!, (packet) => results.push(packet))
    batcher.encode(open, frame!, (packet) => results.push(packet))
    closing.close()
    await settle()
    expect(results[0]).toBeUndefined()
    expect(results[1]!.length).toBeGreaterThan(0)
    open.close()
  })
})
