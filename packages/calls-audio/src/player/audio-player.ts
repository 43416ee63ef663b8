import { EventEmitter } from 'node:events'
import { z } from 'zod'
import { FRAME_SAMPLES } from '../core/constants.js'
import { AudioOptionsError, SourceAlreadyIteratedError } from '../core/errors.js'
import { parseOptions, volumeSchema } from '../core/options.js'
import type { AudioSource } from '../core/types.js'
import { sourceFromPath } from '../paths/audio-paths.js'
import { applyGain } from '../pcm/gain.js'
import { AudioPlayerState, type AudioPlayerEvents } from './audio-player-state.js'
import { HoldMusic, type HoldMusicInput } from './hold-music.js'

export interface AudioPlayerOptions {
  /** Linear gain for everything the player outputs (default 1). */
  volume?: number
  /** Played while no track plays (idle or paused); see `setHoldMusic`. */
  holdMusic?: HoldMusicInput
}

const schema = z.object({ volume: volumeSchema.default(1) })

interface Track {
  source: AudioSource
  iterator: AsyncIterator<Int16Array> | undefined
}

/**
 * A queue of sources played one after another, itself an endless `AudioSource` to hand
 * to a call. While no track plays it outputs hold music or silence, so the call's
 * outgoing stream never stalls. Consumes its tracks only as fast as it is pulled.
 */
export class AudioPlayer extends EventEmitter<AudioPlayerEvents> implements AudioSource {
  private currentState = AudioPlayerState.Idle
  private currentTrack: Track | undefined
  private readonly waiting: AudioSource[] = []
  private hold: HoldMusic | undefined
  private gain: number
  private iterated = false
  private closed = false

  constructor(options: AudioPlayerOptions = {}) {
    super()
    this.gain = parseOptions(schema, options, 'AudioPlayer').volume
    if (options.holdMusic) this.setHoldMusic(options.holdMusic)
  }

  get state(): AudioPlayerState {
    return this.currentState
  }

  /** The track being played or paused. */
  get current(): AudioSource | undefined {
    return this.currentTrack?.source
  }

  /** Tracks waiting after the current one, in play order. */
  get queue(): readonly AudioSource[] {
    return [...this.waiting]
  }

  get volume(): number {
    return this.gain
  }

  set volume(value: number) {
    const parsed = volumeSchema.safeParse(value)
    if (!parsed.success) throw new AudioOptionsError(`Invalid volume ${value}: expected 0–16`)
    this.gain = parsed.data
  }

  /**
   * Plays `source` now, ending the current track; the queue is kept. A path opens like
   * `sourceFromPath` (`.raw` as s16le 48 kHz mono, other files through ffmpeg).
   */
  play(source: AudioSource | string): void {
    this.endCurrent()
    this.startTrack(toSource(source), AudioPlayerState.Playing)
  }

  /**
   * Adds tracks (sources or paths) to the end of the queue; starts playing at once if
   * idle. A track that cannot be played is reported with `trackError` and skipped.
   */
  enqueue(...sources: Array<AudioSource | string>): void {
    this.waiting.push(...sources.map(toSource))
    if (!this.currentTrack) this.startNext()
  }

  /** Ends the current track and moves to the next. False if nothing was playing. */
  skip(): boolean {
    if (!this.currentTrack) return false
    this.endCurrent()
    this.startNext()
    return true
  }

  pause(): boolean {
    if (this.currentState !== AudioPlayerState.Playing) return false
    this.setState(AudioPlayerState.Paused)
    return true
  }

  resume(): boolean {
    if (this.currentState !== AudioPlayerState.Paused) return false
    this.setState(AudioPlayerState.Playing)
    return true
  }

  /** Ends the current track and discards the queue (closing every queued source). */
  stop(): void {
    this.endCurrent()
    for (const source of this.waiting.splice(0)) source.close().catch(() => {})
    this.setState(AudioPlayerState.Idle)
  }

  /**
   * Sets what plays while no track does: a path or a factory (e.g.
   * `() => new FileSource('hold.mp3')`) loops it, a list of them is played in turn and
   * looped, a source is played once (pass a looping one to loop); undefined means silence.
   */
  setHoldMusic(music: HoldMusicInput | undefined): void {
    this.hold?.close().catch(() => {})
    this.hold = music ? new HoldMusic(music, (error, source) => this.emit('trackError', error, source)) : undefined
  }

  [Symbol.asyncIterator](): AsyncIterator<Int16Array> {
    if (this.iterated) throw new SourceAlreadyIteratedError()
    this.iterated = true
    return this.frames()
  }

  /** Stops everything and ends the player's own iteration. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.stop()
    await this.hold?.close()
  }

  private async *frames(): AsyncGenerator<Int16Array, void, undefined> {
    try {
      while (!this.closed) {
        const frame = await this.nextFrame()
        if (this.closed) return
        yield this.gain === 1 ? frame : applyGain(frame.slice(), this.gain)
      }
    } finally {
      await this.close()
    }
  }

  private async nextFrame(): Promise<Int16Array> {
    while (this.currentTrack && this.currentState === AudioPlayerState.Playing) {
      const track = this.currentTrack
      let result: IteratorResult<Int16Array>
      try {
        track.iterator ??= track.source[Symbol.asyncIterator]()
        result = await track.iterator.next()
      } catch (error) {
        if (track !== this.currentTrack) continue
        this.emit('trackError', error as Error, track.source)
        this.endCurrent()
        this.startNext()
        continue
      }
      // The track was skipped or replaced while its frame was being decoded.
      if (track !== this.currentTrack) continue
      if (!result.done) return result.value
      this.endCurrent()
      this.startNext()
    }
    return (await this.hold?.next()) ?? new Int16Array(FRAME_SAMPLES)
  }

  private startNext(): void {
    const next = this.waiting.shift()
    if (!next) {
      this.setState(AudioPlayerState.Idle)
      return
    }
    // Skipping while paused keeps the player paused on the next track.
    this.startTrack(next, this.currentState === AudioPlayerState.Paused ? AudioPlayerState.Paused : AudioPlayerState.Playing)
  }

  private startTrack(source: AudioSource, state: AudioPlayerState): void {
    this.currentTrack = { source, iterator: undefined }
    this.emit('trackStart', source)
    this.setState(state)
  }

  private endCurrent(): void {
    const track = this.currentTrack
    if (!track) return
    this.currentTrack = undefined
    track.source.close().catch(() => {})
    this.emit('trackEnd', track.source)
  }

  private setState(state: AudioPlayerState): void {
    if (state === this.currentState) return
    const old = this.currentState
    this.currentState = state
    this.emit('stateChange', old, state)
  }
}

function toSource(source: AudioSource | string): AudioSource {
  return typeof source === 'string' ? sourceFromPath(source) : source
}
