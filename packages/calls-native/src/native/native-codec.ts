/**
 * The addon's `codec` export as the native layer sees it: no argument checks beyond types,
 * errors thrown as plain `Error`s ("opus: …", "codec: closed"). The wrappers in
 * `src/codec/` validate first and turn what remains into typed errors.
 */
import type { AudioJitterBufferStats } from '../codec/audio-jitter-buffer.js'
import { loadAddon } from './native-addon.js'

export interface NativeOpusEncoderSettings {
  bitrate?: number
  complexity?: number
  inbandFec?: boolean
  packetLossPercent?: number
}

export interface NativeOpusEncoder {
  encode(pcm: Int16Array): Uint8Array
  setBitrate(bitsPerSecond: number): boolean
  setPacketLossPercent(percent: number): boolean
  setInbandFec(enabled: boolean): boolean
  close(): void
}

export interface NativeOpusDecoder {
  decode(packet: Uint8Array): Int16Array
  decodeFec(nextPacket: Uint8Array, samples?: number): Int16Array
  conceal(samples?: number): Int16Array
  reset(): void
  close(): void
}

export interface NativeAudioJitterBuffer {
  push(pts: number, payload: Uint8Array, nowSeconds: number): void
  pull(nowSeconds: number): Int16Array[]
  setPeerEnabled(enabled: boolean): void
  stats(): AudioJitterBufferStats
  close(): void
}

export interface NativeCodec {
  OpusEncoder: {
    new (settings?: NativeOpusEncoderSettings): NativeOpusEncoder
    /** One frame per encoder, encoded in one job on libuv's thread pool (frames copied before this returns); null where the encoder was closed or libopus refused. */
    encodeBatch(encoders: NativeOpusEncoder[], frames: Int16Array[]): Promise<(Uint8Array | null)[]>
  }
  OpusDecoder: {
    new (options?: { frameSamples?: number }): NativeOpusDecoder
    /** Samples per channel at 48 kHz the packet decodes to, or a negative libopus error. */
    packetSamples(packet: Uint8Array): number
  }
  AudioJitterBuffer: new (options?: { initialDelayMs?: number; maxDelayMs?: number }) => NativeAudioJitterBuffer
}

export function loadCodec(): NativeCodec {
  return (loadAddon() as unknown as { codec: NativeCodec }).codec
}
