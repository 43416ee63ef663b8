/** FrameClock: clocks started at different times tick together on one 20 ms grid, 50 slots a second. */
import { describe, expect, it } from 'vitest'
import { FrameClock } from '../../src/media/frame-clock.js'

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

describe('FrameClock', () => {
  it('clocks started 7 ms apart run their slots in the same turn of the event loop', async () => {
    const turns: number[][] = [[], []]
    let turn = 0
    const clocks = [0, 1].map(
      (k) =>
        new FrameClock({
          slot: () => turns[k]!.push(turn),
          missed: () => undefined,
          after: () => undefined,
        }),
    )
    // A counter bumped by setImmediate changes between turns of the event loop, never within one.
    const bump = (): void => {
      turn++
      if (running) setImmediate(bump)
    }
    let running = true
    setImmediate(bump)
    clocks[0]!.start()
    await sleep(7)
    clocks[1]!.start()
    await sleep(500)
    running = false
    for (const clock of clocks) clock.stop()
    // ~25 slots each in 0.5 s; after the later clock's first slot both run in the same turns.
    expect(turns[0]!.length).toBeGreaterThanOrEqual(20)
    expect(turns[0]!.length).toBeLessThanOrEqual(27)
    const common = turns[1]!.slice(1)
    expect(common.length).toBeGreaterThanOrEqual(18)
    for (const t of common) expect(turns[0]).toContain(t)
  })
})
