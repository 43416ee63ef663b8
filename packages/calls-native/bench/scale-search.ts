/**
 * The scale row: the most concurrent calls this machine carries with every call end's
 * mouth-to-ear p95 within the bound, no audio lost and (nearly) every frame encoded at
 * full complexity, for each engine thread count asked for.
 * Each thread count's search (ScaleBisection) grows from a start, then bisects to within 5%. The
 * searches take turns, one step each: the row compares their results, and a shared
 * machine's speed drifts over the minutes a search takes (the engine CPU per call rose
 * by 11% within an hour on the development machine), which would otherwise weigh on one
 * thread count and not the other. A failing step
 * is measured once more and counts as failed only if it fails again: on a machine shared
 * with other jobs, a burst of their load must not set the figure. Every window also
 * measures the CPU other processes took, in the window and since the warm-up began (nice
 * does not hold them back across sessions, whose scheduling groups get equal shares, and
 * load during the warm-up lingers in the jitter buffers); if both failures ran beside more than
 * QUIET_FOREIGN_CPUS of such load, the step gets one last attempt, and a failure that
 * stands beside such load is marked as disturbed. An attempt after a disturbed failure
 * first waits (a bounded time) for the other load to calm down.
 */
import { readFileSync } from 'node:fs'
import { EngineThreads } from '../src/index.js'
import { cpuSplit, sampleCpu, type CpuSplit } from './cpu-meter.js'
import { describeCpuSplit, measureCalls, type BenchRelay, type Measurement, type MeasureOptions } from './measure-calls.js'
import { ScaleBisection } from './scale-bisection.js'

export const SCALE_P95_BOUND_MS = 150
/**
 * Engine threads that fall behind encode at a cheaper Opus complexity until they have
 * caught up: that absorbs a passing burst, and it also lets an overloaded thread carry
 * far more calls at lower quality (a single thread passed the other bounds at 59 calls
 * with 57% of its frames encoded cheaper). The row counts calls at full quality: a step
 * whose threads needed it for more than one frame in a hundred fails.
 */
export const SCALE_MAX_REDUCED_SHARE = 0.01
/** Other processes' CPU (in CPUs) below which a window counts as undisturbed. */
export const QUIET_FOREIGN_CPUS = 0.15

export interface ScaleStep {
  calls: number
  passed: boolean
  worstEndP95Ms: number
  framesLost: number
  failedEnds: number
  /** Of the window's frames, the share encoded at reduced complexity. */
  reducedComplexityShare: number
  engineCpuPerEndMs: number
  loadAverage: string
  /** Where the CPUs went in the attempt that decided the step. */
  cpu: CpuSplit
  /** The warm-up's extension until the jitter buffers settled. */
  settleMs: number
  /** Windows measured for this step (1 to 3). */
  attempts: number
  /** Other processes' CPUs: the more of the window's and of the whole time since the warm-up began. */
  otherLoadCpus: number
  /** Failed while other processes took more than QUIET_FOREIGN_CPUS. */
  disturbed: boolean
}

export interface ScaleResult {
  threads: number
  /** The largest passing count (0 if even the first step failed). */
  maxCalls: number
  /** The smallest failing count, or undefined if the step cap was hit while passing. */
  firstFailure: number | undefined
  steps: ScaleStep[]
}

export interface ScaleOptions extends MeasureOptions {
  /** The first count, per engine thread. */
  startCalls: number
  /** The most steps each thread count's search takes. */
  maxSteps: number
}

/** 1-minute load average (all processes on the machine), from /proc/loadavg. */
export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
}

function passes(m: Measurement): boolean {
  return (
    m.failedEnds === 0 &&
    m.framesLost === 0 &&
    m.row.reducedComplexityShare <= SCALE_MAX_REDUCED_SHARE &&
    m.endP95Ms.every((p95) => p95 <= SCALE_P95_BOUND_MS)
  )
}

/**
 * One search per thread count, taking turns a step each. Each starts at `startCalls` per
 * engine thread: more threads carry at least about as many calls per thread.
 */
export async function searchMaxCalls(threadCounts: readonly number[], relay: BenchRelay, options: ScaleOptions): Promise<ScaleResult[]> {
  const searches = threadCounts.map((threads) => ({
    threads,
    bisection: new ScaleBisection(options.startCalls * threads, options.maxSteps),
    steps: [] as ScaleStep[],
  }))
  for (;;) {
    const turn = searches.filter((search) => search.bisection.nextCalls !== undefined)
    if (turn.length === 0) break
    for (const search of turn) {
      const calls = search.bisection.nextCalls!
      const step = await decideStep(search.threads, calls, relay, options)
      search.steps.push(step)
      search.bisection.record(calls, step.passed)
    }
  }
  return searches.map(({ threads, bisection, steps }) => ({
    threads,
    maxCalls: bisection.maxCalls,
    firstFailure: bisection.firstFailure,
    steps,
  }))
}

/** One count: measured until it passes, or fails twice (three times if disturbed both times). */
async function decideStep(threads: number, calls: number, relay: BenchRelay, options: MeasureOptions): Promise<ScaleStep> {
  const first = await measureStep(threads, calls, relay, options)
  if (first.passed) return first
  if (first.disturbed) await waitForQuiet(relay)
  const second = { ...(await measureStep(threads, calls, relay, options)), attempts: 2 }
  if (second.passed || !(first.disturbed && second.disturbed)) return second
  await waitForQuiet(relay)
  return { ...(await measureStep(threads, calls, relay, options)), attempts: 3 }
}

/** Between steps no call runs: waits (up to 30 s) for a second in which other processes kept under the quiet bound. */
async function waitForQuiet(relay: BenchRelay): Promise<void> {
  for (let second = 0; second < 30; second++) {
    const start = sampleCpu(relay.pid)
    await new Promise((resolve) => setTimeout(resolve, 1000))
    if (cpuSplit(start, sampleCpu(relay.pid), 1).foreign <= QUIET_FOREIGN_CPUS) return
  }
}

/** One window of `calls` calls spread over `threads` engine threads, judged by the row's bounds. */
export async function measureStep(threads: number, calls: number, relay: BenchRelay, options: MeasureOptions): Promise<ScaleStep> {
  EngineThreads.set(threads)
  const measured = await measureCalls(calls, relay, { ...options, verbose: false })
  const passed = passes(measured)
  const otherLoadCpus = Math.max(measured.cpu.foreign, measured.foreignWhileRunning)
  const step: ScaleStep = {
    calls,
    passed,
    // An end that heard nothing counts as unbounded.
    worstEndP95Ms: Math.max(...measured.endP95Ms.map((p95) => (Number.isNaN(p95) ? Infinity : p95))),
    framesLost: measured.framesLost,
    failedEnds: measured.failedEnds,
    reducedComplexityShare: measured.row.reducedComplexityShare,
    engineCpuPerEndMs: measured.row.engineCpuPerEndMs,
    loadAverage: loadAverage(),
    cpu: measured.cpu,
    settleMs: measured.settleMs,
    attempts: 1,
    otherLoadCpus,
    disturbed: !passed && otherLoadCpus > QUIET_FOREIGN_CPUS,
  }
  console.log(
    `  ${threads} thread(s), ${calls} calls: ${step.passed ? 'pass' : 'FAIL'} (worst end p95 ${step.worstEndP95Ms.toFixed(0)} ms, ` +
      `lost ${step.framesLost} frames, ${(step.reducedComplexityShare * 100).toFixed(1)}% encoded at reduced complexity, ${step.failedEnds} ends not established, settled after ${(step.settleMs / 1000).toFixed(0)} s more, load ${step.loadAverage}; ` +
      `CPUs: ${describeCpuSplit(step.cpu)}; other processes since the warm-up began ${measured.foreignWhileRunning.toFixed(2)})`,
  )
  return step
}
