/**
 * The libopus encoder of the libtgvoip engine, for engines that packetize audio themselves
 * (tgcalls v2 over RTP): 48 kHz mono, VOIP application, voice signal, in-band FEC on,
 * DTX off (libopus' default, never changed), one 20 ms frame per packet.
 */
import { InvalidArgumentError } from '../errors.js'
import { loadCodec, type NativeOpusEncoder } from '../native/native-codec.js'
import { callCodec, checkInteger, checkPcmFrame } from './codec-errors.js'
import { NativeHolder } from './native-holder.js'

export const OPUS_SAMPLE_RATE = 48_000
/** 20 ms at 48 kHz: the frame the encoder takes and the jitter buffer hands out. */
export const OPUS_FRAME_SAMPLES = 960

export interface OpusEncoderOptions {
  /** Target bitrate in bit/s, 6000..510000. Default 32000 (tgcalls' audio cap). */
  bitrate?: number
  /**
   * Expected packet loss in percent, 0..100. libopus spends bits on in-band FEC only when
   * this is above 0, so keep it near the loss the peer reports. Default 10.
   */
  packetLossPercent?: number
  /** 0..10, CPU against quality. Default 10, as the libtgvoip engine. */
  complexity?: number
}

export class OpusEncoder extends NativeHolder<NativeOpusEncoder> {
  constructor(options: OpusEncoderOptions = {}) {
    const { bitrate = 32_000, packetLossPercent = 10, complexity = 10 } = options
    checkInteger(bitrate, 'bitrate', 6000, 510_000)
    checkInteger(packetLossPercent, 'packetLossPercent', 0, 100)
    checkInteger(complexity, 'complexity', 0, 10)
    const { OpusEncoder: NativeEncoder } = loadCodec()
    const settings = { bitrate, packetLossPercent, complexity, inbandFec: true }
    super('OpusEncoder', callCodec('new OpusEncoder', () => new NativeEncoder(settings)))
  }

  /** Encodes one 960-sample frame into one Opus packet. */
  encode(pcm: Int16Array): Uint8Array {
    checkPcmFrame(pcm, OPUS_FRAME_SAMPLES)
    const native = this.open('encode')
    return callCodec('encode', () => native.encode(pcm))
  }

  /**
   * One frame for each encoder, encoded one after another in a single job on libuv's thread
   * pool, off the JS thread: for engines that run many calls on one event loop, which hand
   * over every frame due at once. Frames are copied at once. An encoder listed twice encodes
   * its frames in list order; one closed before or during the job gives `undefined` (as does
   * a frame libopus refuses). Jobs may finish in any order, and each encode advances its
   * encoder's state: wait for a batch before batching the same encoder again.
   */
  static async encodeBatch(items: readonly { encoder: OpusEncoder; pcm: Int16Array }[]): Promise<(Uint8Array | undefined)[]> {
    const natives: NativeOpusEncoder[] = []
    const frames: Int16Array[] = []
    const open: number[] = []
    items.forEach(({ encoder, pcm }, index) => {
      if (!(encoder instanceof OpusEncoder)) throw new InvalidArgumentError('encodeBatch() takes OpusEncoder objects')
      checkPcmFrame(pcm, OPUS_FRAME_SAMPLES)
      if (encoder.closed) return
      natives.push(encoder.open('encodeBatch'))
      frames.push(pcm)
      open.push(index)
    })
    const results: (Uint8Array | undefined)[] = items.map(() => undefined)
    if (natives.length === 0) return results
    const packets = await loadCodec().OpusEncoder.encodeBatch(natives, frames)
    open.forEach((index, i) => (results[index] = packets[i] ?? undefined))
    return results
  }

  setBitrate(bitsPerSecond: number): void {
    checkInteger(bitsPerSecond, 'bitrate', 6000, 510_000)
    const native = this.open('setBitrate')
    callCodec('setBitrate', () => native.setBitrate(bitsPerSecond))
  }

  setPacketLossPercent(percent: number): void {
    checkInteger(percent, 'packetLossPercent', 0, 100)
    const native = this.open('setPacketLossPercent')
    callCodec('setPacketLossPercent', () => native.setPacketLossPercent(percent))
  }
}
