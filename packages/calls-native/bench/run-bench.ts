/**
 * Engine benchmark (`pnpm bench`): N concurrent calls on loopback, audio both ways,
 * through a LocalRelay running in a child process. Measures CPU per call end (whole
 * process and engine thread alone), RSS per call end, connect time after both sides are
 * up, and mouth-to-ear latency; and libopus alone on the same 60 ms frames as the floor.
 * A "call end" is one VoIPController: each call has two in this process.
 *
 * BENCH_CALLS="1,10,20" and BENCH_SECONDS=8 choose the sizes and the measuring window;
 * BENCH_DEBUG=1 prints every call end's latency samples and queue state.
 */
import { fork } from 'node:child_process'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { VoIPController } from '../src/index.js'
import { loadAddon } from '../src/native/native-addon.js'
import { connectBenchCall, createBenchCall, feedRealTime, type BenchCall } from './bench-call.js'
import { sampleCpu } from './cpu-meter.js'
import { feedCalls, latencies, ProbeSource } from './latency-probe.js'
import { printAndSave, timingFigures, type BenchRow } from './report.js'

const sizes = (process.env.BENCH_CALLS ?? '1,10,20').split(',').map(Number)
const windowSeconds = Number(process.env.BENCH_SECONDS ?? 8)
const WARM_UP_MS = 5000
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** 10 s of exactly what the calls send (the latency probe's signal), for the floor. */
function probeSignal(): Int16Array {
  const source = new ProbeSource()
  const pcm = new Int16Array(500 * 960)
  for (let i = 0; i < 500; i++) pcm.set(source.nextFrame(0), i * 960)
  return pcm
}

async function startRelay(): Promise<{ port: number; stop(): void }> {
  const child = fork(fileURLToPath(new URL('./relay-child.ts', import.meta.url)), [], {
    execArgv: ['--conditions=@tgvoip/source', '--import', 'tsx'],
  })
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { port: number }).port))
    child.once('error', reject)
  })
  return { port, stop: () => child.disconnect() }
}

async function runSize(calls: number, relayPort: number): Promise<Omit<BenchRow, 'floorPerEndMs' | 'cpuVsFloor' | 'engineVsFloor'>> {
  global.gc?.()
  await sleep(200)
  const rssBefore = process.memoryUsage().rss
  const benchCalls: BenchCall[] = []
  for (let i = 0; i < calls; i++) benchCalls.push(createBenchCall(relayPort))
  await Promise.all(benchCalls.map((call) => connectBenchCall(call)))
  const { ends, stop: stopFeeding } = feedCalls(benchCalls, feedRealTime)
  await sleep(WARM_UP_MS)
  const cpuStart = sampleCpu()
  const wallStart = performance.now()
  await sleep(windowSeconds * 1000)
  const cpuEnd = sampleCpu()
  const wall = (performance.now() - wallStart) / 1000
  const rssAfter = process.memoryUsage().rss
  stopFeeding()

  const connect = benchCalls.map((c) => Math.max(c.caller.establishedAt, c.callee.establishedAt) - c.bothUpAt)
  // Each end hears its peer (ends are caller, callee, caller, ...); onsets from the measuring window only.
  const endLatencies = ends.map((end, i) => {
    const peer = ends[i % 2 === 0 ? i + 1 : i - 1]!
    return latencies(peer.source.onsets.filter((t) => t >= wallStart), end.sink.onsets.filter((t) => t >= wallStart))
  })
  if (process.env.BENCH_DEBUG) {
    endLatencies.forEach((l, i) => {
      const st = ends[i]!.controller.getStats()
      console.log(i, l.map((x) => x.toFixed(0)).join(','), 'jit', st.jitterBufferDelayMs.toFixed(0), 'q', st.sendQueueMs.toFixed(0))
    })
  }
  const lat = endLatencies.flat()
  const finalStats = ends.map((e) => e.controller.getStats())
  const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length
  console.log(
    `  send queue ${mean(finalStats.map((s) => s.sendQueueMs)).toFixed(0)} ms, receive queue ${mean(finalStats.map((s) => s.receiveQueueMs)).toFixed(0)} ms, ` +
      `lost ${mean(finalStats.map((s) => s.audioFramesLost)).toFixed(1)} frames/end, ` +
      `underruns ${mean(finalStats.map((s) => s.sendUnderruns)).toFixed(1)}/end, stale blocks dropped ${mean(finalStats.map((s) => s.staleBlocksDropped)).toFixed(1)}/end, late ${mean(finalStats.map((s) => s.audioPacketsLate)).toFixed(1)}/end`,
  )
  const failed = ends.filter((e) => !e.establishedAt).length
  for (const end of ends) end.controller.destroy()
  if (failed) console.warn(`${failed} call ends never reached ESTABLISHED`)
  const perEnd = (seconds: number): number => (seconds / wall / ends.length) * 1000
  return {
    calls,
    callEnds: ends.length,
    bitrate: Math.round(mean(finalStats.map((s) => s.bitrate))),
    cpuPerEndMs: perEnd(cpuEnd.processSeconds - cpuStart.processSeconds),
    engineCpuPerEndMs: perEnd(cpuEnd.engineSeconds - cpuStart.engineSeconds),
    rssPerEndKiB: (rssAfter - rssBefore) / 1024 / ends.length,
    ...timingFigures(connect, lat),
    jitterDelayMs: mean(finalStats.map((s) => s.jitterBufferDelayMs)),
  }
}

async function main(): Promise<void> {
  const addon = loadAddon()
  // Warm the engine thread and the addon up before any memory baseline.
  new VoIPController().destroy()
  const relay = await startRelay()
  const rows: BenchRow[] = []
  const floorDetail: Record<string, unknown> = {}
  try {
    for (const calls of sizes) {
      console.log(`running ${calls} call(s) for ${windowSeconds} s ...`)
      const row = await runSize(calls, relay.port)
      // The floor at the bitrate the calls actually ran at: one encode + one decode per 60 ms per end.
      const floor = addon.measureOpusFloor(probeSignal(), 3, row.bitrate)
      const floorPerEndMs = (floor.cpuSeconds / floor.frames) * (1000 / 60) * 1000
      floorDetail[`bitrate_${row.bitrate}`] = { ...floor, msPerFrame: (floor.cpuSeconds / floor.frames) * 1000 }
      rows.push({
        ...row,
        floorPerEndMs,
        cpuVsFloor: row.cpuPerEndMs / floorPerEndMs,
        engineVsFloor: row.engineCpuPerEndMs / floorPerEndMs,
      })
      await sleep(500)
    }
  } finally {
    relay.stop()
  }
  printAndSave(rows, floorDetail)
}

await main()
