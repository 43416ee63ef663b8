/**
 * An echo: what is written to `sink` comes out of `source` `delayMs` later. The call engine
 * pulls the source at the same 50 frames/s it fills the sink, so the delay stays put;
 * when nothing has arrived yet the source plays silence.
 */
import { FRAME_SAMPLES, type AudioSink, type AudioSource } from '@tgvoip/calls-audio'

const MAX_QUEUED_FRAMES = 500 // 10 s: a stalled consumer must not grow memory forever

export class DelayLine {
  private readonly queue: Int16Array[] = []
  private closed = false

  constructor(delayMs: number) {
    for (let i = 0; i < Math.round(delayMs / 20); i++) this.queue.push(new Int16Array(FRAME_SAMPLES))
  }

  readonly sink: AudioSink = {
    write: (frame) => {
      if (this.queue.length < MAX_QUEUED_FRAMES) this.queue.push(frame.slice())
    },
    close: async () => {
      this.closed = true
    },
  }

  readonly source: AudioSource = {
    [Symbol.asyncIterator]: () => ({
      next: async () => (this.closed ? { done: true, value: undefined } : { done: false, value: this.queue.shift() ?? new Int16Array(FRAME_SAMPLES) }),
    }),
    close: async () => {
      this.closed = true
    },
  }
}
