import { z } from 'zod'

/** Raw PCM sample encodings understood by `PcmStreamSource` and the WAV reader/writer. */
export const sampleFormatSchema = z.enum(['u8', 's16le', 's16be', 's24le', 's32le', 'f32le', 'f64le'])
export type SampleFormat = z.infer<typeof sampleFormatSchema>

export const BYTES_PER_SAMPLE: Record<SampleFormat, number> = {
  u8: 1,
  s16le: 2,
  s16be: 2,
  s24le: 3,
  s32le: 4,
  f32le: 4,
  f64le: 8,
}

/** Reads the sample at `offset` as a float in [-1, 1). */
export function readSample(view: DataView, offset: number, format: SampleFormat): number {
  switch (format) {
    case 'u8':
      return (view.getUint8(offset) - 128) / 128
    case 's16le':
      return view.getInt16(offset, true) / 32768
    case 's16be':
      return view.getInt16(offset, false) / 32768
    case 's24le': {
      const unsigned = view.getUint8(offset) | (view.getUint8(offset + 1) << 8) | (view.getUint8(offset + 2) << 16)
      // Shift the 24-bit value into the top of an int32 and back to sign-extend it.
      return ((unsigned << 8) >> 8) / 8388608
    }
    case 's32le':
      return view.getInt32(offset, true) / 2147483648
    case 'f32le':
      return view.getFloat32(offset, true)
    case 'f64le':
      return view.getFloat64(offset, true)
  }
}

/** Writes an s16 sample in `format` (used by the WAV writer; lossless for 16 bits and up). */
export function writeS16Sample(view: DataView, offset: number, format: SampleFormat, sample: number): void {
  switch (format) {
    case 'u8':
      view.setUint8(offset, Math.min(255, Math.round(sample / 256) + 128))
      return
    case 's16le':
      view.setInt16(offset, sample, true)
      return
    case 's16be':
      view.setInt16(offset, sample, false)
      return
    case 's24le': {
      const value = sample * 256
      view.setUint8(offset, value & 0xff)
      view.setUint8(offset + 1, (value >> 8) & 0xff)
      view.setUint8(offset + 2, (value >> 16) & 0xff)
      return
    }
    case 's32le':
      view.setInt32(offset, sample * 65536, true)
      return
    case 'f32le':
      view.setFloat32(offset, sample / 32768, true)
      return
    case 'f64le':
      view.setFloat64(offset, sample / 32768, true)
      return
  }
}

/** Float in [-1, 1] to s16 with clipping; the exact inverse of `s16 / 32768`. */
function floatToS16(value: number): number {
  const scaled = Math.round(value * 32768)
  return scaled > 32767 ? 32767 : scaled < -32768 ? -32768 : scaled
}

/** A float block in [-1, 1] as a fresh s16 array (`floatToS16` on every sample). */
export function floatsToS16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length)
  for (let i = 0; i < samples.length; i++) out[i] = floatToS16(samples[i]!)
  return out
}
