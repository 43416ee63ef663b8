import type { MediaSession, MediaStats } from '../engine/call-engine.js'
import { CallOptionsError, CallStateError } from '../errors.js'
import type { CallAudioSink, CallAudioSource, CallMediaInput } from './audio-types.js'
import { CallLifecycle } from './call-lifecycle.js'
import { CallEndReason } from './call-state.js'
import { checkMediaInput, openMedia, resolveSink, resolveSource } from './media-options.js'
import { MediaPump } from './media-pump.js'

/**
 * The audio controls of a call: what it plays and records, mute, stats and the engine's
 * debug log. A source or sink that throws hangs the call up with `CallAudioError`: a broken
 * file must not leave a silent call open, and must not touch other calls.
 */
export abstract class CallMedia extends CallLifecycle {
  private _muted = false

  /** True while our microphone side is muted (`mute()`): the engine sends silence. */
  get muted(): boolean {
    return this._muted
  }

  /**
   * Plays `source` (any `AudioSource`, an `AudioPlayer`, or a file path/URL for ffmpeg)
   * instead of what was playing, which is closed. Works before the media is up too.
   */
  play(source: CallAudioSource | string): void {
    this.assertMediaUsable()
    this.pump!.setSource(resolveSource(source))
  }

  /** Sends received audio to `sink` (a sink or a file path: `.wav`, `.raw`, or any ffmpeg format) instead. */
  record(sink: CallAudioSink | string): void {
    this.assertMediaUsable()
    this.pump!.setSink(resolveSink(sink))
  }

  mute(): void {
    this.setMuted(true)
  }

  unmute(): void {
    this.setMuted(false)
  }

  /**
   * Traffic and quality counters (bytes, packets, loss, RTT, jitter, bitrate, signal bars):
   * live while the media runs, the last values once the call ended, null if media never started.
   */
  stats(): MediaStats | null {
    return this._session?.stats() ?? this.lastStats
  }

  /** The engine's debug log (JSON), live or as of the end of the call; null if media never started. */
  debugLog(): string | null {
    return this._session?.debugLog() ?? this.lastDebugLog
  }

  /** Checks and opens the media given to `call()`/`accept()`; the pump owns it from now on. */
  protected useMedia(input: CallMediaInput): void {
    const media = openMedia(checkMediaInput(input, this.ctx.engine !== undefined))
    this.pump = new MediaPump(
      this.ctx.log,
      {
        onFailure: (error) => {
          this.ctx.log.warn('call %s: %s, hanging up: %s', this.id, error.message, error.cause)
          void this.discard(CallEndReason.HungUp, error)
        },
        onSourceEnd: () => this.safeEmit('sourceEnd'),
      },
      media.source,
      media.sink,
    )
  }

  /** Wires a freshly created session to the pump, mute state and `signalBars` event. */
  protected attachMedia(session: MediaSession): void {
    session.on('signalBars', (bars) => this.safeEmit('signalBars', bars))
    if (this._muted) session.setMuted(true)
    this.pump?.attach(session)
  }

  private setMuted(muted: boolean): void {
    this.assertMediaUsable()
    this._muted = muted
    this._session?.setMuted(muted)
  }

  private assertMediaUsable(): void {
    if (!this.ctx.engine) throw new CallOptionsError('This call has no media engine (the CallManager was created with `engine: null`)')
    if (this.isFinished || !this.pump) throw new CallStateError(`Cannot change the audio of a call in state '${this.state}'`)
  }
}
