import { describe, expect, it } from 'vitest'
import { AudioOptionsError, CallbackSink, NullSink, SinkClosedError, TeeSink } from '../src/index.js'

describe('TeeSink', () => {
  it('writes each frame to every sink, waits for the slowest, and closes them all', async () => {
    const a = new NullSink()
    const seen: number[] = []
    let closedB = false
    const b = new CallbackSink(
      async (frame) => {
        await new Promise((resolve) => setTimeout(resolve, 5))
        seen.push(frame[0]!)
      },
      () => {
        closedB = true
      },
    )
    const tee = new TeeSink(a, b)
    await tee.write(new Int16Array(960).fill(7))
    await tee.write(new Int16Array(960).fill(8))
    expect(a.framesWritten).toBe(2)
    expect(seen).toEqual([7, 8])
    await tee.close()
    expect(closedB).toBe(true)
    await expect(tee.write(new Int16Array(960))).rejects.toBeInstanceOf(SinkClosedError)
  })

  it('fails a write when one sink fails, and needs at least one sink', async () => {
    const tee = new TeeSink(new NullSink(), new CallbackSink(() => { throw new Error('disk full') }))
    await expect(tee.write(new Int16Array(960))).rejects.toThrow('disk full')
    expect(() => new TeeSink()).toThrow(AudioOptionsError)
  })
})
