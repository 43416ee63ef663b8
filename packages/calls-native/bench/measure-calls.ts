/**
 * One benchmark measurement: `calls` concurrent calls (two VoIPControllers each, in this
 * process) through the relay child, real-time audio both ways, warmed up and then measured
 * over a window. Used for the table rows and for every step of the scale search.
 */
import { performance } from 'node:perf_hooks'
import { EngineThreads } from '../src/index.js'
import { connectBenchCall, createBenchCall, feedRealTime, type BenchCall, type BenchEnd } from './bench-call.js'
import { cpuSplit, sampleCpu, type CpuSplit } from './cpu-meter.js'
import { feedCalls, latencies } from './latency-probe.js'
import { percentile, timingFigures, type BenchRow } from './report.js'

export type MeasuredRow = Omit<BenchRow, 'floorPerEndMs' | 'cpuVsFloor' | 'engineVsFloor' | 'pacedFloorPerEndMs' | 'engineVsPacedFloor'> & {
  reducedComplexityShare: number
}

export interface Measurement {
  row: MeasuredRow
  /** Mouth-to-ear p95 of each call end (NaN for an end that heard no onset). */
  endP95Ms: number[]
  /** Audio frames lost, summed over every end. */
  framesLost: number
  /** Ends that never reached ESTABLISHED. */
  failedEnds: number
  /** Where the machine's CPUs went during the window. */
  cpu: CpuSplit
  /** Other processes' CPUs from the warm-up's start on: load then lingers in the calls' jitter buffers. */
  foreignWhileRunning: number
  /** How long the warm-up was extended for the jitter buffers to stop shrinking. */
  settleMs: number
}

/** The relay child the calls go through: its UDP port, and its pid for its CPU time. */
export interface BenchRelay {
  port: number
  pid: number
}

export interface MeasureOptions {
  warmUpMs: number
  windowSeconds: number
  /** Prints the queue summary (and, with BENCH_DEBUG, every end's samples). */
  verbose: boolean
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length

export async function measureCalls(calls: number, relay: BenchRelay, options: MeasureOptions): Promise<Measurement> {
  global.gc?.()
  await sleep(200)
  const rssBefore = process.memoryUsage().rss
  const benchCalls: BenchCall[] = []
  for (let i = 0; i < calls; i++) benchCalls.push(createBenchCall(relay.port))
  await Promise.all(benchCalls.map((call) => connectBenchCall(call)))
  const { ends, stop: stopFeeding } = feedCalls(benchCalls, feedRealTime)
  const warmUpCpu = sampleCpu(relay.pid)
  const warmUpStart = performance.now()
  await sleep(options.warmUpMs)
  const settleMs = await settle(ends)
  const encodedAtStart = encodedFrames(ends)
  const cpuStart = sampleCpu(relay.pid)
  const wallStart = performance.now()
  await sleep(options.windowSeconds * 1000)
  const cpuEnd = sampleCpu(relay.pid)
  const encodedAtEnd = encodedFrames(ends)
  const wall = (performance.now() - wallStart) / 1000
  const rssAfter = process.memoryUsage().rss
  stopFeeding()

  const connect = benchCalls.map((c) => Math.max(c.caller.establishedAt, c.callee.establishedAt) - c.bothUpAt)
  // Each end hears its peer (ends are caller, callee, caller, ...); onsets from the measuring window only.
  const endLatencies = ends.map((end, i) => {
    const peer = ends[i % 2 === 0 ? i + 1 : i - 1]!
    return latencies(peer.source.onsets, end.sink.onsets, wallStart)
  })
  const finalStats = ends.map((e) => e.controller.getStats())
  if (options.verbose && process.env.BENCH_DEBUG) {
    endLatencies.forEach((l, i) => {
      const st = finalStats[i]!
      console.log(i, l.map((x) => x.toFixed(0)).join(','), 'jit', st.jitterBufferDelayMs.toFixed(0), 'q', st.sendQueueMs.toFixed(0))
    })
  }
  const lat = endLatencies.flat()
  const framesInWindow = encodedAtEnd.sent - encodedAtStart.sent
  const reducedComplexityShare = framesInWindow > 0 ? (encodedAtEnd.reduced - encodedAtStart.reduced) / framesInWindow : 0
  if (options.verbose) {
    console.log(
      `  send queue ${mean(finalStats.map((s) => s.sendQueueMs)).toFixed(0)} ms, receive queue ${mean(finalStats.map((s) => s.receiveQueueMs)).toFixed(0)} ms, ` +
        `lost ${mean(finalStats.map((s) => s.audioFramesLost)).toFixed(1)} frames/end, ` +
        `underruns ${mean(finalStats.map((s) => s.sendUnderruns)).toFixed(1)}/end, stale blocks dropped ${mean(finalStats.map((s) => s.staleBlocksDropped)).toFixed(1)}/end, late ${mean(finalStats.map((s) => s.audioPacketsLate)).toFixed(1)}/end, ` +
        `encoded at reduced complexity ${(reducedComplexityShare * 100).toFixed(1)}%`,
    )
  }
  const cpu = cpuSplit(cpuStart, cpuEnd, wall)
  const foreignWhileRunning = cpuSplit(warmUpCpu, cpuEnd, (performance.now() - warmUpStart) / 1000).foreign
  if (options.verbose) console.log(`  CPUs used: ${describeCpuSplit(cpu)}; jitter buffers settled ${(settleMs / 1000).toFixed(0)} s after the warm-up`)
  const failedEnds = ends.filter((e) => !e.establishedAt).length
  for (const end of ends) end.controller.destroy()
  await engineThreadsEnded()
  if (failedEnds && options.verbose) console.warn(`${failedEnds} call ends never reached ESTABLISHED`)
  const perEnd = (seconds: number): number => (seconds / wall / ends.length) * 1000
  return {
    row: {
      calls,
      callEnds: ends.length,
      bitrate: Math.round(mean(finalStats.map((s) => s.bitrate))),
      cpuPerEndMs: perEnd(cpuEnd.processSeconds - cpuStart.processSeconds),
      engineCpuPerEndMs: perEnd(cpuEnd.engineSeconds - cpuStart.engineSeconds),
      rssPerEndKiB: (rssAfter - rssBefore) / 1024 / ends.length,
      ...timingFigures(connect, lat),
      jitterDelayMs: mean(finalStats.map((s) => s.jitterBufferDelayMs)),
      reducedComplexityShare,
    },
    endP95Ms: endLatencies.map((l) => percentile(l, 95)),
    framesLost: finalStats.reduce((sum, s) => sum + s.audioFramesLost, 0),
    failedEnds,
    cpu,
    foreignWhileRunning,
    settleMs,
  }
}

/** Frames all ends have sent so far, and how many of them were encoded at reduced complexity. */
function encodedFrames(ends: readonly BenchEnd[]): { sent: number; reduced: number } {
  const stats = ends.map((end) => end.controller.getStats())
  return {
    sent: stats.reduce((sum, s) => sum + s.audioFramesSent, 0),
    reduced: stats.reduce((sum, s) => sum + s.reducedComplexityFrames, 0),
  }
}

const THREAD_END_MAX_MS = 10_000

/**
 * The next step starts once this one's engine threads have ended (each ends after the
 * teardown of its last call ran): one still running would take CPU from it, and one
 * ending inside its window would take its whole CPU time out of the sum over live engine
 * threads, which read negative when an overloaded step's threads went on for seconds.
 */
async function engineThreadsEnded(): Promise<void> {
  const started = performance.now()
  while (EngineThreads.info().running > 0) {
    if (performance.now() - started > THREAD_END_MAX_MS) {
      console.warn(`engine threads still running ${THREAD_END_MAX_MS / 1000} s after every call was destroyed`)
      return
    }
    await sleep(20)
  }
}

const SETTLE_MAX_MS = 6000
/**
 * Mean jitter-buffer delay (ms) falling by less than this in a second counts as settled.
 * At 60 calls on 2 threads the mean was still falling 6 ms a second 4 s after the start
 * (57, 40, 28, 26 ms at 2, 4, 6, 8 s): a bound of 5 let the window open inside that
 * slope, and its first seconds set the ends' p95.
 */
const SETTLED_SHRINK_MS = 2

/**
 * All calls start in the same instant, a burst no real service sees, and the more calls
 * the longer their jitter buffers take to shrink back from it (one 20 ms step per 250 ms
 * once 2 s passed without a late packet). The window measures the calls carried, not
 * that burst: after the fixed warm-up it waits, a bounded time, until the ends' mean
 * jitter-buffer delay stops falling. Returns the time waited.
 */
async function settle(ends: readonly BenchEnd[]): Promise<number> {
  const meanDelay = (): number => mean(ends.map((end) => end.controller.getStats().jitterBufferDelayMs))
  const started = performance.now()
  let previous = meanDelay()
  while (performance.now() - started < SETTLE_MAX_MS) {
    await sleep(1000)
    const current = meanDelay()
    if (previous - current < SETTLED_SHRINK_MS) break
    previous = current
  }
  return performance.now() - started
}

export function describeCpuSplit(cpu: CpuSplit): string {
  return `engine threads ${cpu.engineThreads.toFixed(2)}, rest of this process ${cpu.restOfProcess.toFixed(2)}, relay ${cpu.relay.toFixed(2)}, other processes ${cpu.foreign.toFixed(2)}`
}
