import type { CallNetworkSettings, MediaSession, MediaStats, NetworkType } from '../engine/call-engine.js'
import { CallOptionsError, CallStateError } from '../errors.js'
import type { CallAudioSink, CallAudioSource } from './audio-types.js'
import { CallLifecycle } from './call-lifecycle.js'
import { CallEndReason } from './call-state.js'
import { openMedia, openSink, openSource, type CallOptionsInput } from './media-options.js'
import { MediaPump } from './media-pump.js'
import { checkNetworkType, resolveNetwork } from './network-options.js'

/** Options of `call.play()`. */
export interface PlayOptions {
  /** Play after the current source and those queued before (pytgvoip's `play()`), instead of replacing them. */
  queue?: boolean
}

/**
 * The audio controls of a call: what it plays and records, mute, network type, stats and
 * the engine's debug log. A source or sink that throws hangs the call up with
 * `CallAudioError`: a broken file must not leave a silent call open, and must not touch
 * other calls.
 */
export abstract class CallMedia extends CallLifecycle {
  private _muted = false
  /** Resolved by `useOptions()`; the engine gets it when the media starts. */
  protected network: CallNetworkSettings = { dataSaving: 'never', networkType: undefined, maxBitrate: undefined, proxy: undefined }

  /** True while our microphone side is muted (`mute()`): the engine sends silence. */
  get muted(): boolean {
    return this._muted
  }

  /** The network type given to `call()`/`accept()` or `setNetworkType()` (undefined: unknown). */
  get networkType(): NetworkType | undefined {
    return this.network.networkType
  }

  /**
   * Plays `source` (any `AudioSource`, an `AudioPlayer`, a file path or URL) instead of
   * what was playing and what was queued, which are closed; null plays silence. With
   * `{ queue: true }` it plays after them instead. Works before the media is up too. A path
   * that cannot be played throws (`AudioDecodeError`, `FfmpegNotFoundError`) and leaves
   * the call and its audio as they were.
   */
  play(source: CallAudioSource | string | null, options: PlayOptions = {}): void {
    this.assertMediaUsable()
    const opened = source === null ? undefined : openSource(source)
    if (opened && options.queue) this.pump!.enqueue(opened)
    else this.pump!.setSource(opened)
  }

  /**
   * Sends received audio to `sink` (a sink or a file path: `.wav`, `.raw`, or any ffmpeg
   * format) instead; null stops recording. The previous sink is closed. A path that cannot
   * be written throws `AudioEncodeError` and leaves the recording as it was.
   */
  record(sink: CallAudioSink | string | null): void {
    this.assertMediaUsable()
    this.pump!.setSink(sink === null ? undefined : openSink(sink))
  }

  mute(): void {
    this.setMuted(true)
  }

  unmute(): void {
    this.setMuted(false)
  }

  /**
   * The network changed (e.g. the bot's host moved from Wi-Fi to LTE): the engine adapts
   * its bitrate, and data saving `'mobile'` turns on or off. Before the media is up, it
   * applies when it starts.
   */
  setNetworkType(type: NetworkType): void {
    const checked = checkNetworkType(type)
    if (this.isFinished) throw new CallStateError(`Cannot change the network of a call in state '${this.state}'`)
    this.network = { ...this.network, networkType: checked }
    this._session?.setNetworkType(checked)
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

  /**
   * The engine saw trouble worth a rating (libtgvoip's `need_rate()`), live or as of the
   * end of the call. Telegram's own request to rate comes as the `needRating` event.
   */
  get needRate(): boolean {
    return this._session?.needRate() ?? this.lastMediaInfo.needRate
  }

  /** The peer's capability bits from its handshake (pytgvoip's `get_peer_capabilities()`); 0 until known. */
  get peerCapabilities(): number {
    return this._session?.peerCapabilities() ?? this.lastMediaInfo.peerCapabilities
  }

  /**
   * Opens the options given to `call()`/`accept()` (checked by `checkCallOptions`): the pump
   * owns the media from now on, and the network settings wait for the engine.
   */
  protected useOptions(options: CallOptionsInput): void {
    // A `setNetworkType()` made while the call was ringing still counts.
    this.network = resolveNetwork(this.ctx.network, { ...options, networkType: options.networkType ?? this.network.networkType })
    const media = openMedia(options)
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
