import type { Logger } from '@mtcute/core/utils.js'

import type { MediaSession } from '../engine/call-engine.js'
import type { CallAudioSink, CallAudioSource } from './audio-types.js'

/**
 * Moves audio between a call's source/sink and its media session until `stop()`. The session
 * paces the source (`writeFrame` resolves when there is room). A failing source or sink only
 * stops its own direction and is logged: audio problems must not take the call down.
 */
export class MediaPump {
  private stopped = false

  constructor(
    private readonly session: MediaSession,
    private readonly log: Logger,
    private readonly source: CallAudioSource | undefined,
    private readonly sink: CallAudioSink | undefined,
  ) {}

  start(): void {
    if (this.source) void this.pumpOut(this.source)
    if (this.sink) void this.pumpIn(this.sink)
  }

  stop(): void {
    if (this.stopped) return
    this.stopped = true
    try {
      this.source?.close?.()
    } catch (err) {
      this.log.warn('closing the audio source failed: %s', err)
    }
    Promise.resolve()
      .then(() => this.sink?.close?.())
      .catch((err: unknown) => this.log.warn('closing the audio sink failed: %s', err))
  }

  private async pumpOut(source: CallAudioSource): Promise<void> {
    try {
      for await (const frame of source) {
        if (this.stopped) break
        await this.session.writeFrame(frame)
      }
    } catch (err) {
      if (!this.stopped) this.log.warn('audio source failed, sending silence from now on: %s', err)
    }
  }

  private async pumpIn(sink: CallAudioSink): Promise<void> {
    try {
      for await (const frame of this.session.frames()) {
        if (this.stopped) break
        await sink.write(frame)
      }
    } catch (err) {
      if (!this.stopped) this.log.warn('audio sink failed, dropping received audio from now on: %s', err)
    }
  }
}
