import type { AudioSource } from '../core/types.js'

export enum AudioPlayerState {
  /** No track: the player outputs hold music, or silence. */
  Idle = 'idle',
  /** A track from the queue is being played. */
  Playing = 'playing',
  /** A track is paused: hold music, or silence, until `resume()`. */
  Paused = 'paused',
}

export interface AudioPlayerEvents {
  stateChange: [oldState: AudioPlayerState, newState: AudioPlayerState]
  /** A track became the current one. */
  trackStart: [source: AudioSource]
  /** A track finished, was skipped, replaced or stopped. */
  trackEnd: [source: AudioSource]
  /**
   * A track (or the hold music) failed, e.g. a file ffmpeg cannot decode. The player
   * moves on; this is not named 'error' so an unhandled failure cannot crash the process.
   */
  trackError: [error: Error, source: AudioSource]
}
