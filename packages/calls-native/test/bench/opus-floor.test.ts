import { performance } from 'node:perf_hooks'
import { describe, expect, it } from 'vitest'
import { loadAddon } from '../../src/native/native-addon.js'

const FRAME = 2880

/** A second of a 440 Hz tone, in whole 60 ms frames. */
function tone(): Int16Array {
  const pcm = new Int16Array(FRAME * 17)
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 48_000))
  return pcm
}

describe('the benchmark floors', () => {
  it('the paced floor works in real time: every end encodes and decodes once per 60 ms', () => {
    const addon = loadAddon()
    const started = performance.now()
    const paced = addon.measurePacedOpusFloor(tone(), 2, 4, 0.6, 20_000)
    const wallSeconds = (performance.now() - started) / 1000
    // 120 ticks of 5 ms: a tight loop would be done in a few ms.
    expect(wallSeconds).toBeGreaterThanOrEqual(0.59)
    // 8 ends, 10 frames each in 0.6 s; half of them decode first half a frame after their first encode.
    expect(paced.frames).toBeGreaterThanOrEqual(76)
    expect(paced.frames).toBeLessThanOrEqual(80)
    // 20 kbit/s is 150 bytes per 60 ms frame; the encoder lands near it.
    expect(paced.bytes / paced.frames).toBeGreaterThan(75)
    expect(paced.bytes / paced.frames).toBeLessThan(300)
    // Busy for a small part of the time: two threads, each far from a whole CPU.
    expect(paced.cpuSeconds).toBeGreaterThan(0)
    expect(paced.cpuSeconds).toBeLessThan(wallSeconds * 2)
  })

  it('the tight-loop floor counts every frame of every round', () => {
    const floor = loadAddon().measureOpusFloor(tone(), 2, 20_000)
    expect(floor.frames).toBe(34)
    expect(floor.cpuSeconds).toBeGreaterThan(0)
  })

  it('rejects arguments it cannot pace with typed errors', () => {
    const addon = loadAddon()
    expect(() => addon.measurePacedOpusFloor(new Float32Array(FRAME) as unknown as Int16Array, 1, 1, 0.1, 20_000)).toThrow(TypeError)
    expect(() => addon.measurePacedOpusFloor(tone(), 0, 1, 0.1, 20_000)).toThrow(RangeError)
    expect(() => addon.measurePacedOpusFloor(tone(), 1, 0, 0.1, 20_000)).toThrow(RangeError)
    expect(() => addon.measurePacedOpusFloor(tone(), 1, 1, 0, 20_000)).toThrow(RangeError)
    expect(() => addon.measurePacedOpusFloor(tone(), 1, 1, 0.1, 1)).toThrow(RangeError)
    expect(() => addon.measurePacedOpusFloor(new Int16Array(100), 1, 1, 0.1, 20_000)).toThrow(RangeError)
    expect(() => addon.measurePacedOpusFloor(tone(), 1, 1, Number.NaN, 20_000)).toThrow(RangeError)
  })
})
