import { describe, expect, it } from 'vitest'
import { ScaleBisection } from '../../bench/scale-bisection.js'

/** Runs a search against a machine that carries exactly `capacity` calls; returns the counts it measured. */
function searchAgainst(capacity: number, start: number, maxSteps: number): { measured: number[]; search: ScaleBisection } {
  const search = new ScaleBisection(start, maxSteps)
  const measured: number[] = []
  for (let calls = search.nextCalls; calls !== undefined; calls = search.nextCalls) {
    measured.push(calls)
    search.record(calls, calls <= capacity)
  }
  return { measured, search }
}

describe('ScaleBisection', () => {
  it('grows by half until a step fails, then bisects to within 5% of the boundary', () => {
    const { measured, search } = searchAgainst(74, 24, 9)
    expect(measured).toEqual([24, 36, 54, 81, 67, 74, 77])
    expect(search.maxCalls).toBe(74)
    // 77 is within 5% of 74: the search ends without measuring 75 and 76.
    expect(search.firstFailure).toBe(77)
  })

  it('stops at the step cap, reporting what passed so far', () => {
    const { measured, search } = searchAgainst(1000, 12, 4)
    expect(measured).toEqual([12, 18, 27, 41])
    expect(search.maxCalls).toBe(41)
    expect(search.firstFailure).toBeUndefined()
  })

  it('bisects downwards when even the first step fails', () => {
    const { measured, search } = searchAgainst(5, 12, 9)
    expect(measured).toEqual([12, 6, 3, 4])
    // Two calls apart is close enough at any size.
    expect(search.maxCalls).toBe(4)
    expect(search.firstFailure).toBe(6)
  })

  it('reports no passing count when nothing passes', () => {
    const { search } = searchAgainst(0, 12, 9)
    expect(search.maxCalls).toBe(0)
    expect(search.firstFailure).toBe(1)
  })

  it('takes only the count it asked for', () => {
    const search = new ScaleBisection(12, 9)
    expect(() => search.record(13, true)).toThrow(/asked for 12 calls/)
    expect(() => new ScaleBisection(0, 9)).toThrow(RangeError)
  })
})
