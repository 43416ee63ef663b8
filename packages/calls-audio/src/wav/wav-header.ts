import { WavFormatError } from '../core/errors.js'
import { BYTES_PER_SAMPLE, type SampleFormat } from '../pcm/sample-format.js'

/** Sample formats a WAV file can hold. */
export type WavSampleFormat = Exclude<SampleFormat, 's16be'>

export interface WavHeader {
  format: WavSampleFormat
  channels: number
  sampleRate: number
  /** Byte offset of the first sample. */
  dataOffset: number
  /**
   * Bytes of sample data the header declares, or undefined when the writer never filled
   * it in (0 or 0xFFFFFFFF, e.g. a streamed or crashed recording): read until EOF.
   */
  dataBytes: number | undefined
}

const FORMAT_PCM = 0x0001
const FORMAT_IEEE_FLOAT = 0x0003
const FORMAT_EXTENSIBLE = 0xfffe
/** Headers with metadata chunks larger than this are rejected rather than buffered. */
export const MAX_WAV_HEADER_BYTES = 16 * 1024 * 1024

const ascii = (bytes: Uint8Array, offset: number) => String.fromCharCode(...bytes.subarray(offset, offset + 4))

/**
 * Parses the RIFF/WAVE header from the start of a file. Returns undefined when `bytes`
 * ends before the `data` chunk (read more and call again); throws `WavFormatError` for
 * anything that is not a WAV file this parser can decode.
 */
export function parseWavHeader(bytes: Uint8Array): WavHeader | undefined {
  if (bytes.length < 12) return undefined
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const riff = ascii(bytes, 0)
  if (riff === 'RF64') throw new WavFormatError('RF64 (WAV over 4 GB) is not supported; use FileSource')
  if (riff !== 'RIFF' || ascii(bytes, 8) !== 'WAVE') throw new WavFormatError('Not a WAV file (no RIFF/WAVE signature)')
  let format: Omit<WavHeader, 'dataOffset' | 'dataBytes'> | undefined
  let offset = 12
  while (offset + 8 <= bytes.length) {
    const id = ascii(bytes, offset)
    const size = view.getUint32(offset + 4, true)
    const body = offset + 8
    if (id === 'data') {
      if (!format) throw new WavFormatError('WAV data chunk comes before the fmt chunk')
      const unknownSize = size === 0 || size === 0xffffffff
      return { ...format, dataOffset: body, dataBytes: unknownSize ? undefined : size }
    }
    if (body + size > bytes.length) return undefined
    if (id === 'fmt ') format = parseFmtChunk(new DataView(bytes.buffer, bytes.byteOffset + body, size))
    // RIFF chunks are padded to an even length.
    offset = body + size + (size & 1)
  }
  return undefined
}

function parseFmtChunk(view: DataView): Omit<WavHeader, 'dataOffset' | 'dataBytes'> {
  if (view.byteLength < 16) throw new WavFormatError(`WAV fmt chunk too short (${view.byteLength} bytes)`)
  let tag = view.getUint16(0, true)
  const channels = view.getUint16(2, true)
  const sampleRate = view.getUint32(4, true)
  const blockAlign = view.getUint16(12, true)
  const bits = view.getUint16(14, true)
  if (tag === FORMAT_EXTENSIBLE) {
    if (view.byteLength < 40) throw new WavFormatError('WAVE_FORMAT_EXTENSIBLE fmt chunk too short')
    // The first two bytes of the SubFormat GUID carry the real format tag.
    tag = view.getUint16(24, true)
  }
  if (channels === 0) throw new WavFormatError('WAV declares 0 channels')
  if (sampleRate < 1000 || sampleRate > 768_000) throw new WavFormatError(`Unsupported WAV sample rate ${sampleRate} Hz`)
  const format = sampleFormatFor(tag, bits)
  if (blockAlign !== channels * BYTES_PER_SAMPLE[format]) {
    throw new WavFormatError(`WAV block align ${blockAlign} does not match ${channels} × ${bits}-bit samples`)
  }
  return { format, channels, sampleRate }
}

function sampleFormatFor(tag: number, bits: number): WavSampleFormat {
  if (tag === FORMAT_PCM) {
    if (bits === 8) return 'u8'
    if (bits === 16) return 's16le'
    if (bits === 24) return 's24le'
    if (bits === 32) return 's32le'
  } else if (tag === FORMAT_IEEE_FLOAT) {
    if (bits === 32) return 'f32le'
    if (bits === 64) return 'f64le'
  }
  const tagName = `0x${tag.toString(16).padStart(4, '0')}`
  throw new WavFormatError(
    `Unsupported WAV encoding (format tag ${tagName}, ${bits} bits); WavSource reads PCM 8/16/24/32-bit and ` +
      'float 32/64-bit — use FileSource (ffmpeg) for compressed WAV',
  )
}

/** Size of the header `encodeWavHeader` writes; sample data starts here. */
export const WAV_HEADER_BYTES = 44
/** Offsets of the two size fields (the only ones that depend on `dataBytes`). */
const RIFF_SIZE_OFFSET = 4
const DATA_SIZE_OFFSET = 40

/** A canonical 44-byte header (PCM or IEEE float) for `dataBytes` of samples. */
export function encodeWavHeader(format: WavSampleFormat, channels: number, sampleRate: number, dataBytes: number): Uint8Array {
  const header = new Uint8Array(WAV_HEADER_BYTES)
  const view = new DataView(header.buffer)
  const bytesPerSample = BYTES_PER_SAMPLE[format]
  const writeAscii = (offset: number, text: string) => {
    for (let i = 0; i < text.length; i++) header[offset + i] = text.charCodeAt(i)
  }
  writeAscii(0, 'RIFF')
  view.setUint32(RIFF_SIZE_OFFSET, WAV_HEADER_BYTES - 8 + dataBytes, true)
  writeAscii(8, 'WAVE')
  writeAscii(12, 'fmt ')
  view.setUint32(16, 16, true)
  view.setUint16(20, format === 'f32le' || format === 'f64le' ? FORMAT_IEEE_FLOAT : FORMAT_PCM, true)
  view.setUint16(22, channels, true)
  view.setUint32(24, sampleRate, true)
  view.setUint32(28, sampleRate * channels * bytesPerSample, true)
  view.setUint16(32, channels * bytesPerSample, true)
  view.setUint16(34, bytesPerSample * 8, true)
  writeAscii(36, 'data')
  view.setUint32(DATA_SIZE_OFFSET, dataBytes, true)
  return header
}
