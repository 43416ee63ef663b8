/**
 * v2 engine benchmark (`pnpm bench`, after the legacy engine's in the same run): N
 * concurrent 13.0.0 calls on loopback, audio both ways with the legacy bench's latency
 * probe, every call end a full `WebRtcCallEngine` session (signaling channel, werift ICE,
 * DTLS-SRTP, SCTP, Opus through the native codec). Measures CPU and RSS per call end,
 * connect time (both sessions started → both established, signaling included) and
 * mouth-to-ear latency, and prints them beside the legacy engine's figures from
 * `packages/calls-native/bench-results/engine-bench.json` with the ratios and the targets.
 *
 * BENCH_CALLS="1,10,20" and BENCH_SECONDS=8 as for the legacy bench.
 */
import { performance } from 'node:perf_hooks'
import { loadNativeAddon } from '@tgvoip/calls-native'
import { feedCalls, latencies } from '../../calls-native/bench/latency-probe.js'
import { timingFigures } from '../../calls-native/bench/report.js'
import { feedRealTime, startBenchCall, type BenchCall } from './bench-call.js'
import { compareAndSave, type V2Row } from './compare.js'

const sizes = (process.env.BENCH_CALLS ?? '1,10,20').split(',').map(Number)
const windowSeconds = Number(process.env.BENCH_SECONDS ?? 8)
const WARM_UP_MS = 5000
const CONNECT_TIMEOUT_MS = 15_000
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

async function established(call: BenchCall): Promise<void> {
  const deadline = performance.now() + CONNECT_TIMEOUT_MS
  while (!(call.caller.establishedAt && call.callee.establishedAt) && performance.now() < deadline) await sleep(5)
}

async function runSize(calls: number): Promise<V2Row> {
  global.gc?.()
  await sleep(300)
  const rssBefore = process.memoryUsage().rss
  const benchCalls: BenchCall[] = []
  for (let i = 0; i < calls; i++) benchCalls.push(startBenchCall())
  await Promise.all(benchCalls.map(established))
  const { ends, stop: stopFeeding } = feedCalls(benchCalls, feedRealTime)
  await sleep(WARM_UP_MS)
  const cpuStart = process.cpuUsage()
  const wallStart = performance.now()
  await sleep(windowSeconds * 1000)
  const cpu = process.cpuUsage(cpuStart)
  const wall = (performance.now() - wallStart) / 1000
  const rssAfter = process.memoryUsage().rss
  stopFeeding()

  const connect = benchCalls.map((c) => Math.max(c.caller.establishedAt, c.callee.establishedAt) - c.startedAt)
  const lat = ends
    .map((end, i) => {
      const peer = ends[i % 2 === 0 ? i + 1 : i - 1]!
      return latencies(peer.source.onsets, end.sink.onsets, wallStart)
    })
    .flat()
  const stats = ends.map((end) => end.session.stats())
  const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length
  const failed = ends.filter((end) => !end.establishedAt).length
  if (failed) console.warn(`  ${failed} call ends never became established`)
  for (const end of ends) end.session.close()
  return {
    calls,
    callEnds: ends.length,
    bitrate: Math.round(mean(stats.map((s) => s.bitrate))),
    cpuPerEndMs: ((cpu.user + cpu.system) / 1000 / wall) / ends.length,
    rssPerEndKiB: (rssAfter - rssBefore) / 1024 / ends.length,
    ...timingFigures(connect, lat),
    jitterDelayMs: mean(stats.map((s) => s.jitterMs)),
  }
}

async function main(): Promise<void> {
  loadNativeAddon()
  // Warm werift, the codec and the certificate code up before any memory baseline.
  const warm = startBenchCall()
  await established(warm)
  warm.caller.session.close()
  warm.callee.session.close()
  await sleep(1500)
  const rows: V2Row[] = []
  for (const calls of sizes) {
    console.log(`v2 engine (13.0.0): running ${calls} call(s) for ${windowSeconds} s ...`)
    rows.push(await runSize(calls))
    await sleep(1500)
  }
  compareAndSave(rows)
  // werift leaves timers it cannot cancel (DTLS retransmission waits); the figures are out.
  process.exit(0)
}

await main()
