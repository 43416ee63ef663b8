/**
 * The scale row's ratio, checked at equal machine speed. The row's counts come from two
 * searches whose deciding steps fall minutes apart, and this shared machine's speed drifts
 * by up to ±15% within a run: over runs in which both thread counts cost the same CPU per
 * call end, the row's ratio spread from 1.59× to 2.04×. The check measures the lone
 * thread at its row figure and the larger thread count at the target multiple of it in
 * adjacent steps, alternating which goes first (A B, B A, A B, ...) so that a steady drift
 * weighs on both alike, and counts how often each passes the row's bounds. The larger
 * count carries the multiple when it passes at least as often. Knows nothing of
 * measuring: the caller runs each step.
 */
import type { ScaleStep } from './scale-search.js'

/** The issue's target: N engine threads carry this many times one thread's calls. */
export const SCALE_TARGET_RATIO = 1.8

export interface PairedSide {
  threads: number
  calls: number
  steps: ScaleStep[]
}

export interface PairedCheck {
  single: PairedSide
  multi: PairedSide
}

/** Measures one step: `calls` calls on `threads` engine threads, judged by the row's bounds. */
export type MeasureScaleStep = (threads: number, calls: number) => Promise<ScaleStep>

const passCount = (side: PairedSide): number => side.steps.filter((step) => step.passed).length

export async function pairedCheck(singleCalls: number, multiThreads: number, pairs: number, measure: MeasureScaleStep): Promise<PairedCheck> {
  const single: PairedSide = { threads: 1, calls: singleCalls, steps: [] }
  const multi: PairedSide = { threads: multiThreads, calls: Math.ceil(singleCalls * SCALE_TARGET_RATIO), steps: [] }
  for (let pair = 0; pair < pairs; pair++) {
    for (const side of pair % 2 === 0 ? [single, multi] : [multi, single]) {
      side.steps.push(await measure(side.threads, side.calls))
    }
  }
  return { single, multi }
}

/**
 * `carried`: the larger thread count passed at the target multiple at least as often as
 * the lone thread at its figure; `short`: less often; `inconclusive`: neither passed a
 * step (the lone thread's figure was a pass on a fast minute of the search), which says
 * nothing about their ratio.
 */
export type PairedVerdict = 'carried' | 'short' | 'inconclusive'

export function pairedVerdict(check: PairedCheck): PairedVerdict {
  if (passCount(check.single) === 0 && passCount(check.multi) === 0) return 'inconclusive'
  return passCount(check.multi) >= passCount(check.single) ? 'carried' : 'short'
}

/**
 * How likely a split at least this uneven is by chance alone, if both sides passed equally
 * often: the exact two-sided sign test (McNemar's) over the pairs whose steps disagreed.
 * Pairs that agree (both passed or both failed) say nothing about which side is ahead, nor
 * does one whose failing step stood beside other load. At 6 pairs even a 3 to 0 split
 * gives 0.25: one check alone rarely separates the sides.
 */
export function pairedChance(check: PairedCheck): { singleAhead: number; multiAhead: number; p: number } {
  let singleAhead = 0
  let multiAhead = 0
  check.single.steps.forEach((single, pair) => {
    const multi = check.multi.steps[pair]!
    if (single.passed && !multi.passed && !multi.disturbed) singleAhead++
    if (multi.passed && !single.passed && !single.disturbed) multiAhead++
  })
  const disagreeing = singleAhead + multiAhead
  let tail = 0
  let ways = 1 // n choose k, from k = 0
  for (let k = 0; k <= Math.min(singleAhead, multiAhead); k++) {
    tail += ways
    ways = (ways * (disagreeing - k)) / (k + 1)
  }
  return { singleAhead, multiAhead, p: Math.min(1, (2 * tail) / 2 ** disagreeing) }
}

/** One line: each side's passes, what they say about the target, and whether that is beyond chance. */
export function describePairedCheck(check: PairedCheck): string {
  const side = (s: PairedSide): string => {
    const disturbed = s.steps.filter((step) => step.disturbed).length
    return `${s.threads} thread(s) at ${s.calls} calls passed ${passCount(s)} of ${s.steps.length}${disturbed ? ` (${disturbed} failed beside other load)` : ''}`
  }
  const verdict = pairedVerdict(check)
  const chance = pairedChance(check)
  const split = `pairs split ${chance.singleAhead} to ${chance.multiAhead}, p = ${chance.p.toFixed(2)}${chance.p < 0.05 ? '' : ': within chance'}`
  const outcome =
    verdict === 'inconclusive'
      ? 'inconclusive: neither passed a step'
      : `${check.multi.threads} threads carried ${SCALE_TARGET_RATIO}× the calls ${verdict === 'carried' ? 'at least as often' : 'less often'} (${split})`
  return `paired check, ${check.single.steps.length} pairs of adjacent steps: ${side(check.single)}; ${side(check.multi)} (${SCALE_TARGET_RATIO}×): ${outcome}`
}
