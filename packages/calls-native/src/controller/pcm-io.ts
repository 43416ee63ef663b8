/**
 * Moves PCM between JS and a call's two ring buffers (48 kHz mono s16, 960-sample
 * frames). Outgoing: write ahead with backpressure, or the pytgvoip-style pull callback
 * that is asked for frames whenever the ring runs low. Incoming: a push callback, a
 * Node Readable of s16le bytes, and async iterators of Int16Array frames, all fed from
 * the same drain.
 */
import { Readable, Writable } from 'node:stream'
import type { NativeCall } from '../native/native-addon.js'

export const FRAME_SAMPLES = 960
export const FRAME_BYTES = FRAME_SAMPLES * 2
/** Must match CallController::kRingSamples. */
export const RING_CAPACITY_SAMPLES = 48_000

export type SendAudioFrameCallback = (length: number) => Uint8Array | Int16Array | null | undefined
export type RecvAudioFrameCallback = (frame: Uint8Array) => void

interface FrameWaiter {
  resolve: (result: IteratorResult<Int16Array>) => void
}

class FrameQueue implements AsyncIterableIterator<Int16Array> {
  private readonly frames: Int16Array[] = []
  private readonly waiters: FrameWaiter[] = []
  private ended = false

  constructor(
    private readonly maxFrames: number,
    private readonly onClose: (queue: FrameQueue) => void,
  ) {}

  push(frame: Int16Array): void {
    const waiter = this.waiters.shift()
    if (waiter) return waiter.resolve({ value: frame, done: false })
    this.frames.push(frame)
    // A consumer that stopped reading must not make memory grow without bound.
    if (this.frames.length > this.maxFrames) this.frames.shift()
  }

  end(): void {
    this.ended = true
    for (const waiter of this.waiters.splice(0)) waiter.resolve({ value: undefined, done: true })
  }

  next(): Promise<IteratorResult<Int16Array>> {
    const frame = this.frames.shift()
    if (frame) return Promise.resolve({ value: frame, done: false })
    if (this.ended) return Promise.resolve({ value: undefined, done: true })
    return new Promise((resolve) => this.waiters.push({ resolve }))
  }

  return(): Promise<IteratorResult<Int16Array>> {
    this.end()
    this.onClose(this)
    return Promise.resolve({ value: undefined, done: true })
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<Int16Array> {
    return this
  }
}

export class PcmIo {
  private sendCallback: SendAudioFrameCallback | null = null
  private recvCallback: RecvAudioFrameCallback | null = null
  private readonly queues = new Set<FrameQueue>()
  private readonly readables = new Set<Readable>()
  private readonly overflowing = new Set<Readable>()
  private spaceWaiters: Array<() => void> = []
  private readonly scratch = new Int16Array(FRAME_SAMPLES)
  private readonly readScratch = new Int16Array(FRAME_SAMPLES)
  private closed = false

  /** `leadSamples`: how far ahead the pull callback keeps the input ring filled. */
  constructor(
    private readonly native: NativeCall,
    private readonly leadSamples: number,
  ) {}

  setSendCallback(callback: SendAudioFrameCallback | null): void {
    this.sendCallback = callback
    if (callback) this.pullFromCallback()
  }

  setRecvCallback(callback: RecvAudioFrameCallback | null): void {
    this.recvCallback = callback
  }

  /** Queues as much as fits now; returns the number of samples accepted. */
  tryWrite(pcm: Int16Array): number {
    return this.closed ? 0 : this.native.writePcm(pcm)
  }

  /** Queues all of `pcm`, waiting for room in the ring as the engine consumes it. */
  async write(pcm: Int16Array): Promise<void> {
    let offset = 0
    while (!this.closed && offset < pcm.length) {
      offset += this.native.writePcm(pcm.subarray(offset))
      if (offset < pcm.length) await this.waitForSpace(Math.min(pcm.length - offset, FRAME_SAMPLES * 3))
    }
  }

  /** A Writable for s16le bytes (e.g. piped from ffmpeg), paced by the engine. */
  createWritable(): Writable {
    let carry: Buffer | null = null
    return new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        let bytes = carry ? Buffer.concat([carry, chunk]) : chunk
        carry = null
        if (bytes.length % 2 === 1) {
          carry = bytes.subarray(bytes.length - 1)
          bytes = bytes.subarray(0, bytes.length - 1)
        }
        const copy = new Int16Array(bytes.length / 2)
        Buffer.from(copy.buffer).set(bytes)
        this.write(copy).then(() => done(), done)
      },
    })
  }

  /**
   * A Readable of received s16le PCM; ends when the controller is destroyed. Live audio
   * does not wait: while the consumer is more than `highWaterMark` bytes behind (1 s by
   * default), new audio is dropped instead of piling up in memory.
   */
  createReadable(highWaterMark = FRAME_BYTES * 50): Readable {
    const readable = new Readable({
      highWaterMark,
      read: () => this.overflowing.delete(readable),
    })
    this.readables.add(readable)
    readable.once('close', () => {
      this.readables.delete(readable)
      this.overflowing.delete(readable)
    })
    if (this.closed) readable.push(null)
    return readable
  }

  /** Received frames of 960 samples; at most `maxBufferedFrames` are kept for a slow reader. */
  frames(maxBufferedFrames = 250): AsyncIterableIterator<Int16Array> {
    const queue = new FrameQueue(maxBufferedFrames, (q) => this.queues.delete(q))
    if (this.closed) queue.end()
    else this.queues.add(queue)
    return queue
  }

  /** Engine event: decoded PCM is waiting. */
  onAudioReady(): void {
    // The drain ends with a short read (that is what re-arms the event), so reading into
    // one scratch frame and copying out only what arrived saves an allocation per event.
    for (;;) {
      const got = this.native.readPcm(this.readScratch)
      if (got === 0) break
      this.deliver(this.readScratch.slice(0, got))
      if (got < FRAME_SAMPLES) break
    }
  }

  /** Engine event: the input ring has room again. */
  onInputSpace(): void {
    const waiters = this.spaceWaiters
    this.spaceWaiters = []
    for (const wake of waiters) wake()
    if (this.sendCallback) this.pullFromCallback()
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.onInputSpace()
    for (const queue of this.queues) queue.end()
    this.queues.clear()
    for (const readable of this.readables) readable.push(null)
    this.readables.clear()
  }

  private deliver(frame: Int16Array): void {
    const bytes = new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength)
    if (this.recvCallback) this.recvCallback(bytes)
    for (const readable of this.readables) {
      if (this.overflowing.has(readable)) continue
      if (!readable.push(Buffer.from(bytes))) this.overflowing.add(readable)
    }
    for (const queue of this.queues) queue.push(frame)
  }

  private waitForSpace(samples: number): Promise<void> {
    return new Promise((resolve) => {
      this.spaceWaiters.push(resolve)
      this.native.armInputSpace(samples)
    })
  }

  private pullFromCallback(): void {
    const callback = this.sendCallback
    if (!callback || this.closed) return
    // Fill until `leadSamples` are queued; the ring's free space tells how many are.
    while (this.sendCallback === callback && !this.closed) {
      const free = this.native.inputFree()
      const queued = RING_CAPACITY_SAMPLES - free
      if (queued >= this.leadSamples || free < FRAME_SAMPLES) break
      const result = callback(FRAME_BYTES)
      this.scratch.fill(0)
      if (result) {
        const samples =
          result instanceof Int16Array
            ? result
            : new Int16Array(result.buffer, result.byteOffset, Math.floor(result.byteLength / 2))
        this.scratch.set(samples.subarray(0, FRAME_SAMPLES))
      }
      this.native.writePcm(this.scratch)
    }
    // Ask again as soon as a frame's worth has been consumed below the lead.
    this.native.armInputSpace(RING_CAPACITY_SAMPLES - this.leadSamples + FRAME_SAMPLES)
  }
}
