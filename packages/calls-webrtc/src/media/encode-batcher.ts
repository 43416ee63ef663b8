/**
 * Opus encoding off the JS thread, batched across calls: the frames every call's clock
 * hands over in one turn of the event loop go to libuv's thread pool as one job per core
 * (`OpusEncoder.encodeBatch`), not one job per frame. The encodes are about two thirds of
 * a call's CPU; on the JS thread they delayed every other call's packets, timers and
 * playout, and a job per frame cost the JS thread a fifth of the encode it moved away.
 *
 * Order: a batch goes out only when the previous one has finished, and all frames of one
 * encoder in a batch go to the same job, so each call's packets come back in slot order.
 */
import { availableParallelism } from 'node:os'
import { OpusEncoder } from '@tgvoip/calls-native/codec'

/** A batch is split over the cores only when each job gets at least this many frames. */
const MIN_FRAMES_PER_JOB = 8

interface Request {
  encoder: OpusEncoder
  pcm: Int16Array
  /** The packet, or undefined if the encoder was closed meanwhile (or libopus refused). */
  done: (packet: Buffer | undefined) => void
}

export class EncodeBatcher {
  private waiting: Request[] = []
  private busy = false
  private scheduled = false

  constructor(private readonly jobs = availableParallelism()) {}

  /** Queues one frame; `done` runs once this and every earlier frame of `encoder` are encoded. */
  encode(encoder: OpusEncoder, pcm: Int16Array, done: (packet: Buffer | undefined) => void): void {
    this.waiting.push({ encoder, pcm, done })
    this.schedule()
  }

  /** After this turn's timers: every clock that was due has handed its frame over by then. */
  private schedule(): void {
    if (this.busy || this.scheduled) return
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      void this.run()
    })
  }

  private async run(): Promise<void> {
    const batch = this.waiting
    this.waiting = []
    this.busy = true
    await Promise.all(this.split(batch).map((job) => this.runJob(job)))
    this.busy = false
    if (this.waiting.length > 0) this.schedule()
  }

  private async runJob(job: Request[]): Promise<void> {
    let packets: (Uint8Array | undefined)[]
    try {
      packets = await OpusEncoder.encodeBatch(job)
    } catch {
      // Only a bug could get here (arguments are checked when queued): drop these frames, keep the calls.
      packets = []
    }
    job.forEach((request, i) => {
      const packet = packets[i]
      request.done(packet && Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength))
    })
  }

  /** Up to `jobs` jobs of at least MIN_FRAMES_PER_JOB frames; an encoder's frames stay together and in order. */
  private split(batch: Request[]): Request[][] {
    const count = Math.max(1, Math.min(this.jobs, Math.floor(batch.length / MIN_FRAMES_PER_JOB)))
    if (count === 1) return [batch]
    const jobs: Request[][] = Array.from({ length: count }, () => [])
    const jobOf = new Map<OpusEncoder, number>()
    let next = 0
    for (const request of batch) {
      let index = jobOf.get(request.encoder)
      if (index === undefined) {
        index = next++ % count
        jobOf.set(request.encoder, index)
      }
      jobs[index]!.push(request)
    }
    return jobs
  }
}

/** The process's batcher: every transport's sender hands its frames to it. */
export const sharedEncodeBatcher = new EncodeBatcher()
