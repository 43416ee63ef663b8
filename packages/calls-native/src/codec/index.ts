// @tgvoip/calls-native/codec: the libtgvoip engine's audio stack for other engines.
export { OpusEncoder, OPUS_FRAME_SAMPLES, OPUS_SAMPLE_RATE } from './opus-encoder.js'
export type { OpusEncoderOptions } from './opus-encoder.js'
export { OpusDecoder, OPUS_MAX_PACKET_SAMPLES } from './opus-decoder.js'
export { AudioJitterBuffer } from './audio-jitter-buffer.js'
export type { AudioJitterBufferOptions, AudioJitterBufferStats } from './audio-jitter-buffer.js'
export { CodecClosedError, CodecError, CorruptPacketError } from './codec-errors.js'
export { InvalidArgumentError, VoIPError } from '../errors.js'
