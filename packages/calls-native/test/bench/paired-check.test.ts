import { describe, expect, it } from 'vitest'
import { describePairedCheck, pairedChance, pairedCheck, pairedVerdict, SCALE_TARGET_RATIO } from '../../bench/paired-check.js'
import type { ScaleStep } from '../../bench/scale-search.js'

function step(calls: number, passed: boolean, disturbed = false): ScaleStep {
  return {
    calls,
    passed,
    worstEndP95Ms: passed ? 140 : 160,
    framesLost: 0,
    failedEnds: 0,
    reducedComplexityShare: 0,
    engineCpuPerEndMs: 15,
    loadAverage: '0 0 0',
    cpu: { engineThreads: 0, restOfProcess: 0, relay: 0, foreign: 0 },
    settleMs: 0,
    attempts: 1,
    otherLoadCpus: disturbed ? 0.3 : 0,
    disturbed,
  }
}

/** A machine whose verdicts come from `verdicts[threads]`, one per step in order; records the order measured. */
function scripted(verdicts: Record<number, boolean[]>) {
  const order: string[] = []
  const measure = async (threads: number, calls: number): Promise<ScaleStep> => {
    order.push(`${threads}x${calls}`)
    return step(calls, verdicts[threads]!.shift()!)
  }
  return { order, measure }
}

describe('pairedCheck', () => {
  it('measures the lone thread at its figure and the larger count at 1.8 times it, alternating which goes first', async () => {
    const { order, measure } = scripted({ 1: [true, true, true, true], 2: [true, true, true, true] })
    const check = await pairedCheck(30, 2, 4, measure)
    expect(SCALE_TARGET_RATIO).toBe(1.8)
    expect(order).toEqual(['1x30', '2x54', '2x54', '1x30', '1x30', '2x54', '2x54', '1x30'])
    expect(check.multi.calls).toBe(54)
  })

  it('rounds the larger count up, so that it never asks for less than the target', async () => {
    const { measure } = scripted({ 1: [true], 4: [true] })
    const check = await pairedCheck(33, 4, 1, measure)
    expect(check.multi.calls).toBe(60)
    expect(check.multi.calls / check.single.calls).toBeGreaterThanOrEqual(1.8)
  })

  it('says the target is carried only when the larger count passes at least as often', async () => {
    const equal = await pairedCheck(30, 2, 3, scripted({ 1: [true, false, true], 2: [false, true, true] }).measure)
    expect(pairedVerdict(equal)).toBe('carried')
    expect(describePairedCheck(equal)).toContain('1 thread(s) at 30 calls passed 2 of 3; 2 thread(s) at 54 calls passed 2 of 3')
    expect(describePairedCheck(equal)).toContain('at least as often')

    const fewer = await pairedCheck(30, 2, 3, scripted({ 1: [true, true, false], 2: [false, true, false] }).measure)
    expect(pairedVerdict(fewer)).toBe('short')
    expect(describePairedCheck(fewer)).toContain('less often')
  })

  it('names the failures that stood beside other load', async () => {
    let first = true
    const check = await pairedCheck(30, 2, 2, async (threads, calls) => {
      const disturbed = threads === 2 && first
      if (disturbed) first = false
      return step(calls, !disturbed, disturbed)
    })
    expect(describePairedCheck(check)).toContain('2 thread(s) at 54 calls passed 1 of 2 (1 failed beside other load)')
  })

  it('is inconclusive when neither passes a step, and carried when only the larger count does', async () => {
    const none = await pairedCheck(30, 2, 2, scripted({ 1: [false, false], 2: [false, false] }).measure)
    expect(pairedVerdict(none)).toBe('inconclusive')
    expect(describePairedCheck(none)).toContain('inconclusive')
    expect(pairedVerdict(await pairedCheck(30, 2, 0, scripted({}).measure))).toBe('inconclusive')
    const onlyMulti = await pairedCheck(30, 2, 2, scripted({ 1: [false, false], 2: [true, false] }).measure)
    expect(pairedVerdict(onlyMulti)).toBe('carried')
  })

  it('weighs the pairs whose steps disagree with an exact sign test, and says when a split is within chance', async () => {
    // Pairs: (1 passed, 2 failed) x3, both passed, both failed x2.
    const threeToNone = await pairedCheck(30, 2, 6, scripted({ 1: [true, true, true, true, false, false], 2: [false, false, false, true, false, false] }).measure)
    expect(pairedChance(threeToNone)).toEqual({ singleAhead: 3, multiAhead: 0, p: 0.25 })
    expect(describePairedCheck(threeToNone)).toContain('less often (pairs split 3 to 0, p = 0.25: within chance)')

    const sixToNone = await pairedCheck(30, 2, 6, scripted({ 1: Array(6).fill(true), 2: Array(6).fill(false) }).measure)
    expect(pairedChance(sixToNone).p).toBeCloseTo(2 / 64, 10)
    expect(describePairedCheck(sixToNone)).toContain('(pairs split 6 to 0, p = 0.03)')

    // 4 to 1: twice P(X <= 1) for X ~ Binomial(5, 1/2) = 2 x 6/32.
    const fourToOne = await pairedCheck(30, 2, 5, scripted({ 1: [true, true, true, true, false], 2: [false, false, false, false, true] }).measure)
    expect(pairedChance(fourToOne)).toEqual({ singleAhead: 4, multiAhead: 1, p: 0.375 })

    const agreeing = await pairedCheck(30, 2, 2, scripted({ 1: [true, false], 2: [true, false] }).measure)
    expect(pairedChance(agreeing)).toEqual({ singleAhead: 0, multiAhead: 0, p: 1 })
  })

  it('leaves out of the sign test a pair whose failing step stood beside other load', async () => {
    // The lone thread fails its first step beside other load, then both sides split 1 to 1 undisturbed.
    const measured: Record<number, ScaleStep[]> = {
      1: [step(30, false, true), step(30, true), step(30, false)],
      2: [step(54, true), step(54, false), step(54, true)],
    }
    const check = await pairedCheck(30, 2, 3, async (threads) => measured[threads]!.shift()!)
    expect(pairedChance(check)).toEqual({ singleAhead: 1, multiAhead: 1, p: 1 })
  })
})
