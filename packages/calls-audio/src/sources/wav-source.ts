import { BaseSource } from '../core/base-source.js'
import { AudioDecodeError, AudioError, WavFormatError } from '../core/errors.js'
import { FrameChunker } from '../pcm/frame-chunker.js'
import { PcmConverter } from '../pcm/pcm-converter.js'
import { MAX_WAV_HEADER_BYTES, parseWavHeader, type WavHeader } from '../wav/wav-header.js'
import { openByteInput, type ByteInput, type OpenedByteInput } from './byte-input.js'

/**
 * A WAV file (path, bytes or stream) decoded without ffmpeg: PCM 8/16/24/32-bit and
 * float 32/64-bit, any sample rate and channel count, converted to the contract
 * (channels averaged, band-limited resampling). Malformed or compressed WAVs throw
 * `WavFormatError`.
 */
export class WavSource extends BaseSource {
  private parsedHeader: WavHeader | undefined
  private opened: OpenedByteInput | undefined

  constructor(private readonly input: ByteInput) {
    super()
  }

  /** The file's header, available once iteration has read it. */
  get header(): WavHeader | undefined {
    return this.parsedHeader
  }

  protected async *generate(): AsyncGenerator<Int16Array, void, undefined> {
    this.opened = openByteInput(this.input)
    const chunker = new FrameChunker()
    let converter: PcmConverter | undefined
    let headerBytes: Uint8Array = new Uint8Array(0)
    let remaining = Number.POSITIVE_INFINITY
    try {
      for await (const chunk of this.opened.chunks) {
        let data: Uint8Array = chunk
        if (!converter) {
          headerBytes = concat(headerBytes, chunk)
          const header = parseWavHeader(headerBytes)
          if (!header) {
            if (headerBytes.length > MAX_WAV_HEADER_BYTES) throw new WavFormatError('No WAV data chunk in the first 16 MB')
            continue
          }
          this.parsedHeader = header
          converter = new PcmConverter(header)
          remaining = header.dataBytes ?? Number.POSITIVE_INFINITY
          data = headerBytes.subarray(header.dataOffset)
        }
        // Chunks after the sample data (LIST, id3…) are metadata, not audio.
        const audio = data.subarray(0, Math.min(data.length, remaining))
        remaining -= audio.length
        yield* chunker.push(converter.push(audio))
        if (this.closed || remaining <= 0) break
      }
    } catch (error) {
      if (this.closed) return
      if (error instanceof AudioError) throw error
      throw new AudioDecodeError('Could not read the WAV input', (error as Error).message, { cause: error })
    }
    if (this.closed) return
    if (!converter) throw new WavFormatError('Truncated WAV file: no data chunk')
    yield* chunker.push(converter.flush())
    const last = chunker.flush()
    if (last) yield last
  }

  protected override async release(): Promise<void> {
    this.opened?.close()
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b
  const joined = new Uint8Array(a.length + b.length)
  joined.set(a, 0)
  joined.set(b, a.length)
  return joined
}
