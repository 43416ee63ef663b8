import { describe, expect, it } from 'vitest'
import { CallbackSink, FRAME_SAMPLES, NullSink, pipe } from '../src/index.js'
import { ConstantSource, FailingSource } from './helpers.js'

describe('pipe', () => {
  it('copies every frame, then closes the source and the sink', async () => {
    const source = new ConstantSource(1, 25)
    let sinkClosed = false
    const sink = new CallbackSink(() => {}, () => void (sinkClosed = true))
    expect(await pipe(source, sink)).toEqual({ frames: 25 })
    expect(source.closeCount).toBe(1)
    expect(sinkClosed).toBe(true)
  })

  it('waits for the sink (backpressure) before pulling more', async () => {
    const source = new ConstantSource(1, 10)
    let release: (() => void) | undefined
    const sink = new CallbackSink(() => new Promise<void>((resolve) => (release = resolve)))
    const piping = pipe(source, sink)
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(source.framesYielded).toBe(1)
    for (let i = 0; i < 10; i++) {
      release?.()
      await new Promise((resolve) => setImmediate(resolve))
    }
    await expect(piping).resolves.toEqual({ frames: 10 })
  })

  it('stops on abort, closing the source, even while the sink is blocked', async () => {
    const source = new ConstantSource(1, Number.POSITIVE_INFINITY)
    const controller = new AbortController()
    const sink = new CallbackSink(() => new Promise<void>(() => {}))
    const piping = pipe(source, sink, { signal: controller.signal })
    setTimeout(() => controller.abort(new Error('hang up')), 10)
    await expect(piping).rejects.toThrow('hang up')
    expect(source.closeCount).toBe(1)
    expect(() => sink.write(new Int16Array(FRAME_SAMPLES))).toThrow()
  })

  it('propagates source errors after closing the sink, unless told to keep it open', async () => {
    const sink = new NullSink()
    let closes = 0
    sink.close = async () => void closes++
    await expect(pipe(new FailingSource(new Error('decoder broke'), 3), sink, { closeSink: false })).rejects.toThrow('decoder broke')
    expect(sink.framesWritten).toBe(3)
    expect(closes).toBe(0)
    await expect(pipe(new FailingSource(new Error('again')), sink)).rejects.toThrow('again')
    expect(closes).toBe(1)
  })

  it('refuses an already aborted signal but still frees the source', async () => {
    const source = new ConstantSource(1, 1)
    await expect(pipe(source, new NullSink(), { signal: AbortSignal.abort() })).rejects.toThrow()
    expect(source.framesYielded).toBe(0)
    expect(source.closeCount).toBe(1)
  })
})
