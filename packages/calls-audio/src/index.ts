export { FRAME_BYTES, FRAME_DURATION_MS, FRAME_SAMPLES, SAMPLE_RATE, framesForDuration } from './core/constants.js'
export type { AudioSink, AudioSource } from './core/types.js'
export { BaseSource } from './core/base-source.js'
export {
  AudioDecodeError,
  AudioEncodeError,
  AudioError,
  AudioOptionsError,
  FfmpegNotFoundError,
  SinkClosedError,
  SourceAlreadyIteratedError,
  WavFormatError,
} from './core/errors.js'
export { pipe, type PipeOptions, type PipeResult } from './core/pipe.js'

export { ByteAligner, FrameChunker } from './pcm/frame-chunker.js'
export { applyGain } from './pcm/gain.js'
export { PcmConverter, type PcmFormat } from './pcm/pcm-converter.js'
export { Resampler } from './pcm/resampler.js'
export type { SampleFormat } from './pcm/sample-format.js'

export { SilenceSource, type SilenceSourceOptions } from './sources/silence-source.js'
export { ToneSource, type ToneSourceOptions } from './sources/tone-source.js'
export { DTMF_FREQUENCIES, DtmfSource, type DtmfSourceOptions } from './sources/dtmf-source.js'
export type { ByteInput } from './sources/byte-input.js'
export { PcmStreamSource, type PcmStreamSourceOptions } from './sources/pcm-stream-source.js'
export { WavSource } from './sources/wav-source.js'
export { FileSource, type FileSourceOptions } from './sources/file-source.js'

export { NullSink } from './sinks/null-sink.js'
export { CallbackSink } from './sinks/callback-sink.js'
export { RawFileSink } from './sinks/raw-file-sink.js'
export { WavFileSink, type WavFileSinkOptions } from './sinks/wav-file-sink.js'
export { FileSink, type FileSinkOptions } from './sinks/file-sink.js'
export { PcmStreamSink, type PcmStreamSinkOptions } from './sinks/pcm-stream-sink.js'
export { ToneAnalyzer, type ToneAnalyzerEvents, type ToneAnalyzerOptions } from './sinks/tone-analyzer.js'
export { TeeSink } from './sinks/tee-sink.js'
export { LevelMeter, type Level, type LevelMeterEvents, type LevelMeterOptions } from './sinks/level-meter.js'

export { readableFromSource } from './adapters/readable-from-source.js'
export { WritableSink, writableFromSink } from './adapters/writable-sink.js'

export { analyzeTone, type AnalyzeToneOptions, type ToneAnalysis, type TonePeak } from './analysis/analyze-tone.js'
export { decodeWav, type DecodedWav } from './wav/decode-wav.js'
export { encodeWavHeader, parseWavHeader, type WavHeader, type WavSampleFormat } from './wav/wav-header.js'
export { findFfmpeg, findFfmpegSync } from './ffmpeg/find-ffmpeg.js'
export { checkSinkPath, checkSourcePath, sinkFromPath, sourceFromPath } from './paths/audio-paths.js'

export { AudioPlayer, type AudioPlayerOptions } from './player/audio-player.js'
export { AudioPlayerState, type AudioPlayerEvents } from './player/audio-player-state.js'
export { entersState } from './player/enters-state.js'
export type { HoldMusicInput, HoldMusicItem } from './player/hold-music.js'
