/** The recovery policy: first restart 2 s after the path went down, then at most one per 5 s, none once it is back. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { IceRecovery } from '../../src/engine/ice-recovery.js'

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] })
})
afterEach(() => {
  vi.useRealTimers()
})

describe('IceRecovery', () => {
  it('restarts 2 s after the path went down, then every 5 s while it stays down', () => {
    const restart = vi.fn(() => true)
    const recovery = new IceRecovery(restart)
    recovery.pathDown()
    vi.advanceTimersByTime(1999)
    expect(restart).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(restart).toHaveBeenCalledTimes(1)
    // The transport reports the path down again while the new checks run: no extra restart.
    recovery.pathDown()
    vi.advanceTimersByTime(4999)
    expect(restart).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(1)
    expect(restart).toHaveBeenCalledTimes(2)
    expect(recovery.restartCount).toBe(2)
    recovery.stop()
  })

  it('keeps 5 s between restarts across a short recovery, and stops once the path is back', () => {
    const restart = vi.fn(() => true)
    const recovery = new IceRecovery(restart)
    recovery.pathDown()
    vi.advanceTimersByTime(2000)
    recovery.pathUp()
    // Down again 1 s after that restart: the next one waits for the 5 s spacing, not 2 s.
    vi.advanceTimersByTime(1000)
    recovery.pathDown()
    vi.advanceTimersByTime(3999)
    expect(restart).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(1)
    expect(restart).toHaveBeenCalledTimes(2)
    recovery.pathUp()
    vi.advanceTimersByTime(60_000)
    expect(restart).toHaveBeenCalledTimes(2)
  })

  it('counts only restarts the transport made, and keeps trying', () => {
    const restart = vi.fn().mockReturnValueOnce(false).mockReturnValue(true)
    const recovery = new IceRecovery(restart)
    recovery.pathDown()
    vi.advanceTimersByTime(2000 + 5000)
    expect(restart).toHaveBeenCalledTimes(2)
    expect(recovery.restartCount).toBe(1)
    recovery.stop()
    vi.advanceTimersByTime(60_000)
    expect(restart).toHaveBeenCalledTimes(2)
  })
})
