import { bench, describe } from 'vitest'
import { PcmConverter, Resampler, ToneSource, analyzeTone, decodeWav, encodeWavHeader } from '../src/index.js'

/** One second of audio in each shape, built once. */
const second = new Float32Array(44_100).map((_, i) => 0.5 * Math.sin((2 * Math.PI * 1000 * i) / 44_100))
const tone = new Int16Array(48_000).map((_, i) => Math.round(16_000 * Math.sin((2 * Math.PI * 440 * i) / 48_000)))
const stereo44 = new Uint8Array(44_100 * 4)
const wav = new Uint8Array(44 + tone.byteLength)
wav.set(encodeWavHeader('s16le', 1, 48_000, tone.byteLength))
wav.set(new Uint8Array(tone.buffer), 44)

describe('per second of audio', () => {
  bench('Resampler 44.1 → 48 kHz', () => {
    const resampler = new Resampler(44_100, 48_000)
    resampler.push(second)
    resampler.flush()
  })
  bench('PcmConverter s16 stereo 44.1 kHz → contract', () => {
    const converter = new PcmConverter({ format: 's16le', channels: 2, sampleRate: 44_100 })
    converter.push(stereo44)
    converter.flush()
  })
  bench('analyzeTone (1 s window)', () => {
    analyzeTone(tone)
  })
  bench('decodeWav s16 mono', () => {
    decodeWav(wav)
  })
  bench('ToneSource 50 frames', async () => {
    for await (const _frame of new ToneSource({ frequencies: [697, 1209], durationMs: 1000 })) {
      // consume
    }
  })
})
