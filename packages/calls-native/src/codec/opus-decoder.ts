/**
 * The libopus decoder of the libtgvoip engine, 48 kHz mono. Unlike the libtgvoip wire (60 ms
 * only), it decodes packets of any Opus duration, 2.5..120 ms, as RTP peers send them.
 */
import { loadCodec, type NativeOpusDecoder } from '../native/native-codec.js'
import { InvalidArgumentError } from '../errors.js'
import { callCodec, checkInteger, checkPacket, CorruptPacketError } from './codec-errors.js'
import { NativeHolder } from './native-holder.js'
import { OPUS_FRAME_SAMPLES } from './opus-encoder.js'

/** 120 ms: the longest Opus packet. */
export const OPUS_MAX_PACKET_SAMPLES = 5760

/** Concealment and FEC lengths must be whole 2.5 ms steps. */
function checkSamples(samples: number): void {
  checkInteger(samples, 'samples', 120, OPUS_MAX_PACKET_SAMPLES)
  if (samples % 120 !== 0) throw new InvalidArgumentError(`samples must be a multiple of 120 (got ${samples})`)
}

export class OpusDecoder extends NativeHolder<NativeOpusDecoder> {
  /** Samples (48 kHz) that `packet` decodes to; throws CorruptPacketError if it is not Opus. */
  static packetSamples(packet: Uint8Array): number {
    checkPacket(packet)
    const samples = loadCodec().OpusDecoder.packetSamples(packet)
    if (samples < 0) throw new CorruptPacketError(`packetSamples: not an Opus packet (libopus error ${samples})`, samples)
    return samples
  }

  constructor() {
    const { OpusDecoder: NativeDecoder } = loadCodec()
    super('OpusDecoder', callCodec('new OpusDecoder', () => new NativeDecoder()))
  }

  /** Decodes one packet; throws CorruptPacketError (decoder state untouched) if it is not Opus. */
  decode(packet: Uint8Array): Int16Array {
    checkPacket(packet)
    const native = this.open('decode')
    return callCodec('decode', () => native.decode(packet), true)
  }

  /**
   * Rebuilds the lost frame *before* `nextPacket` from that packet's in-band FEC (libopus
   * conceals instead when the packet carries none). `samples` is the lost frame's length.
   */
  decodeFec(nextPacket: Uint8Array, samples = OPUS_FRAME_SAMPLES): Int16Array {
    checkPacket(nextPacket, 'nextPacket')
    checkSamples(samples)
    const native = this.open('decodeFec')
    return callCodec('decodeFec', () => native.decodeFec(nextPacket, samples), true)
  }

  /** Packet loss concealment: `samples` of audio continuing what was decoded last. */
  conceal(samples = OPUS_FRAME_SAMPLES): Int16Array {
    checkSamples(samples)
    const native = this.open('conceal')
    return callCodec('conceal', () => native.conceal(samples))
  }

  /** Forgets the stream (a new sender, a jump in timestamps). */
  reset(): void {
    this.open('reset').reset()
  }
}
