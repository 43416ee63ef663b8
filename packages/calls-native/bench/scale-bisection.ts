/**
 * Which call count one scale search measures next, from the verdicts so far: the count
 * grows by half from a start until a step fails, then bisects between the last pass and
 * the first failure to within 5% (or 2 calls), with a cap on the steps so that the search
 * takes bounded time. Knows nothing of measuring, so that searches can take turns.
 */
export class ScaleBisection {
  private stepsTaken = 0
  private best = 0
  private failure: number | undefined
  private next: number | undefined

  constructor(
    start: number,
    private readonly maxSteps: number,
  ) {
    if (!Number.isInteger(start) || start < 1) throw new RangeError(`a scale search starts at a positive whole count, not ${start}`)
    this.next = maxSteps > 0 ? start : undefined
  }

  /** The count to measure next, or undefined once the search has ended. */
  get nextCalls(): number | undefined {
    return this.next
  }

  /** The largest passing count (0 if none passed). */
  get maxCalls(): number {
    return this.best
  }

  /** The smallest failing count, or undefined if the step cap was hit while passing. */
  get firstFailure(): number | undefined {
    return this.failure
  }

  record(calls: number, passed: boolean): void {
    if (calls !== this.next) throw new Error(`the search asked for ${this.next ?? 'no further'} calls, not ${calls}`)
    this.stepsTaken++
    if (passed) this.best = Math.max(this.best, calls)
    else this.failure = Math.min(this.failure ?? Infinity, calls)
    this.next = this.stepsTaken >= this.maxSteps ? undefined : this.following(calls)
  }

  private following(last: number): number | undefined {
    if (this.failure === undefined) return Math.ceil(last * 1.5)
    // Within 5% of the boundary: the row's ratio compares two counts, and to within 10%
    // each could fall up to 10% short of its boundary.
    if (this.failure - this.best <= Math.max(2, Math.ceil(this.best * 0.05))) return undefined
    const middle = Math.floor((this.best + this.failure) / 2)
    return middle > this.best ? middle : undefined
  }
}
