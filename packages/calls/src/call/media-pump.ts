import type { Logger } from '@mtcute/core/utils.js'

import type { MediaSession } from '../engine/call-engine.js'
import { CallAudioError } from '../errors.js'
import type { CallAudioSink, CallAudioSource } from './audio-types.js'

const FRAME_MS = 20
/**
 * How far ahead of real time the pump lets a source run. The engine would accept a whole
 * second, but everything queued delays `play()`, `record()`-driven echoes and a source's end
 * by as much; 160 ms covers the engine's 60 ms packets plus event-loop hiccups.
 */
const LEAD_MS = 160
/** A recording normally finalises in milliseconds; ffmpeg flushing a long file takes longer. */
const SINK_CLOSE_TIMEOUT_MS = 15_000

export interface MediaPumpHooks {
  /** The source or sink threw: the call must end with this error. */
  onFailure(error: CallAudioError): void
  /** The last source (queued ones included) ran out of audio; silence is sent from now on. */
  onSourceEnd(): void
}

/**
 * Real time as the pump sees it: `anchor` + `frames` * 20 ms is when the last frame
 * written is due. One clock for every source the call plays, so a new or queued source
 * continues where the last one stopped instead of queueing its own lead on top.
 */
interface PaceClock {
  anchor: number
  frames: number
}

/**
 * Owns a call's source and sink from the moment they are given, and moves audio between
 * them and the media session once one is attached. The session paces the source
 * (`writeFrame` resolves when there is room). Sources and sinks can be swapped mid-call;
 * every one it took is closed exactly once, even when the call never got media.
 */
export class MediaPump {
  private source: CallAudioSource | undefined
  private readonly queued: CallAudioSource[] = []
  private sink: CallAudioSink | undefined
  private readonly clock: PaceClock = { anchor: 0, frames: 0 }
  private session: MediaSession | null = null
  private receiving = false
  private stopped = false
  private closing: Promise<void> | null = null
  private readonly pendingCloses: Promise<void>[] = []

  constructor(
    private readonly log: Logger,
    private readonly hooks: MediaPumpHooks,
    source: CallAudioSource | undefined,
    sink: CallAudioSink | undefined,
  ) {
    this.source = source
    this.sink = sink
  }

  /** Starts moving audio through `session`. */
  attach(session: MediaSession): void {
    if (this.stopped || this.session) return
    this.session = session
    if (this.source) void this.pumpOut(session, this.source)
    if (this.sink) void this.pumpIn(session)
  }

  /**
   * Replaces what is sent (undefined: silence); the previous source and every queued one
   * are closed.
   */
  setSource(source: CallAudioSource | undefined): void {
    if (this.stopped) {
      if (source) this.closeSource(source)
      return
    }
    const old = this.source
    for (const dropped of this.queued.splice(0)) this.closeSource(dropped)
    if (old && old !== source) this.closeSource(old)
    this.startSource(source)
  }

  /** Plays `source` after the current one and those queued before it (at once if nothing plays). */
  enqueue(source: CallAudioSource): void {
    if (this.stopped) this.closeSource(source)
    else if (this.source) this.queued.push(source)
    else this.startSource(source)
  }

  /** Replaces where received audio goes (undefined: nowhere); the previous sink is closed. */
  setSink(sink: CallAudioSink | undefined): void {
    if (this.stopped) {
      if (sink) this.pendingCloses.push(this.closeSink(sink))
      return
    }
    const old = this.sink
    this.sink = sink
    if (old && old !== sink) this.pendingCloses.push(this.closeSink(old))
    if (this.session && sink) void this.pumpIn(this.session)
  }

  /** Stops both directions and closes the sources and sink; resolves once the sink is closed. */
  stop(): Promise<void> {
    if (this.closing) return this.closing
    this.stopped = true
    for (const dropped of this.queued.splice(0)) this.closeSource(dropped)
    if (this.source) this.closeSource(this.source)
    const sinkClosed = this.sink ? this.closeSink(this.sink) : Promise.resolve()
    this.closing = Promise.all([sinkClosed, ...this.pendingCloses]).then(() => undefined)
    return this.closing
  }

  private closeSource(source: CallAudioSource): void {
    // Sources may close asynchronously (ffmpeg is killed and reaped): never leave that rejection unhandled.
    Promise.resolve()
      .then(() => source.close?.())
      .catch((err: unknown) => this.log.warn('closing an audio source failed: %s', err))
  }

  /** Bounded: `call.ended` waits for this, and a sink that never closes must not hang it. */
  private async closeSink(sink: CallAudioSink): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), SINK_CLOSE_TIMEOUT_MS)))
    try {
      const result = await Promise.race([Promise.resolve(sink.close?.()), timeout])
      if (result === 'timeout') this.log.warn('an audio sink did not close within %d ms', SINK_CLOSE_TIMEOUT_MS)
    } catch (err) {
      this.log.warn('closing an audio sink failed: %s', err)
    } finally {
      clearTimeout(timer)
    }
  }

  private startSource(source: CallAudioSource | undefined): void {
    this.source = source
    if (this.session && source) void this.pumpOut(this.session, source)
  }

  private async pumpOut(session: MediaSession, source: CallAudioSource): Promise<void> {
    const clock = this.clock
    // Re-anchored whenever the pump fell behind (engine backpressure, a slow source, silence).
    const aheadMs = (): number => clock.anchor + clock.frames * FRAME_MS - performance.now()
    try {
      for await (const frame of source) {
        if (this.stopped || this.source !== source) return
        if (aheadMs() < 0) {
          clock.anchor = performance.now()
          clock.frames = 0
        }
        clock.frames++
        await session.writeFrame(frame)
        const ahead = aheadMs()
        if (ahead > LEAD_MS) await sleep(ahead - LEAD_MS)
      }
    } catch (err) {
      if (!this.stopped && this.source === source) this.hooks.onFailure(new CallAudioError('The audio source failed', { cause: err }))
      return
    }
    if (this.stopped || this.source !== source) return
    this.closeSource(source)
    const next = this.queued.shift()
    // Cleared before waiting, so that a source enqueued meanwhile starts at once.
    this.startSource(next)
    if (next) return
    // Report the end when the last frame has been played, not when it was queued.
    const queued = aheadMs()
    if (queued > 0) await sleep(queued)
    if (!this.stopped && this.source === undefined) this.hooks.onSourceEnd()
  }

  /** One loop for the whole call: it writes each frame to whichever sink is current. */
  private async pumpIn(session: MediaSession): Promise<void> {
    if (this.receiving) return
    this.receiving = true
    try {
      for await (const frame of session.frames()) {
        const sink = this.sink
        if (this.stopped) return
        if (!sink) continue
        try {
          await sink.write(frame)
        } catch (err) {
          if (this.stopped || this.sink !== sink) continue
          this.hooks.onFailure(new CallAudioError('The audio sink failed', { cause: err }))
          return
        }
      }
    } catch (err) {
      if (!this.stopped) this.log.warn('the media session stopped delivering audio: %s', err)
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
