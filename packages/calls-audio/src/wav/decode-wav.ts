import { WavFormatError } from '../core/errors.js'
import { BYTES_PER_SAMPLE, readSample } from '../pcm/sample-format.js'
import { parseWavHeader, type WavHeader } from './wav-header.js'

export interface DecodedWav {
  header: WavHeader
  /** One array per channel, samples in [-1, 1), at the file's own sample rate. */
  channels: Float32Array[]
}

/**
 * Decodes a whole in-memory WAV file without any conversion, e.g. to inspect a
 * recording. A trailing partial sample (cut file) is ignored.
 */
export function decodeWav(bytes: Uint8Array): DecodedWav {
  const header = parseWavHeader(bytes)
  if (!header) throw new WavFormatError('Truncated WAV file: no data chunk')
  const available = bytes.length - header.dataOffset
  const dataBytes = Math.min(header.dataBytes ?? available, available)
  const sampleBytes = BYTES_PER_SAMPLE[header.format]
  const blockBytes = sampleBytes * header.channels
  const blocks = Math.floor(dataBytes / blockBytes)
  const view = new DataView(bytes.buffer, bytes.byteOffset + header.dataOffset, blocks * blockBytes)
  const channels = Array.from({ length: header.channels }, () => new Float32Array(blocks))
  for (let block = 0; block < blocks; block++) {
    for (let channel = 0; channel < header.channels; channel++) {
      channels[channel]![block] = readSample(view, block * blockBytes + channel * sampleBytes, header.format)
    }
  }
  return { header, channels }
}
