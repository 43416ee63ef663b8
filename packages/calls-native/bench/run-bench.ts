/**
 * Engine benchmark (`pnpm bench`): N concurrent calls on loopback, audio both ways,
 * through a LocalRelay running in a child process. Measures CPU per call end (whole
 * process and engine threads alone), RSS per call end, connect time after both sides are
 * up, and mouth-to-ear latency; and libopus alone on the same 60 ms frames as the floor,
 * once in a tight loop and once paced as the engine works (its threads' ticks, with the
 * row's ends per thread): the first is the issue's yardstick, the second what libopus
 * itself costs on a thread that sleeps between ticks, so engine ÷ paced floor is what the
 * engine adds to the codec.
 * A "call end" is one VoIPController: each call has two in this process. Then the scale
 * row: the most concurrent calls with every end's p95 within 150 ms, nothing lost and at
 * most 1% of frames encoded at reduced complexity, with one engine thread and with the
 * default count, in the same run.
 *
 * BENCH_CALLS="1,10,20" and BENCH_SECONDS=8 choose the sizes and the measuring window;
 * BENCH_SCALE_THREADS="1,2" the thread counts of the scale row ("" skips it),
 * BENCH_SCALE_START=12 and BENCH_SCALE_STEPS=9 its first count per engine thread and its
 * step cap per thread count; BENCH_PAIRED_PAIRS=6 the pairs of the paired check ("0" skips it);
 * BENCH_DEBUG=1 prints every call end's latency samples and queue state.
 *
 * The `bench` script starts Node with --initial-old-space-size=64: on this process's small
 * heap V8 otherwise begins a full collection about every second, and each stops the JS
 * thread that feeds every call's audio for up to 17 ms (see the README).
 */
import { fork } from 'node:child_process'
import { availableParallelism, cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { EngineThreads, VoIPController } from '../src/index.js'
import { loadAddon, type OpusFloorMeasurement } from '../src/native/native-addon.js'
import { ProbeSource } from './latency-probe.js'
import { measureCalls, type BenchRelay } from './measure-calls.js'
import { pairedCheck, type PairedCheck } from './paired-check.js'
import { printAndSave, type BenchRow } from './report.js'
import { loadAverage, measureStep, searchMaxCalls, type ScaleResult } from './scale-search.js'

const sizes = (process.env.BENCH_CALLS ?? '1,10,20').split(',').map(Number)
const windowSeconds = Number(process.env.BENCH_SECONDS ?? 8)
const WARM_UP_MS = 5000
const PACED_FLOOR_SECONDS = 5
const defaultThreads = EngineThreads.count
const scaleThreads = (process.env.BENCH_SCALE_THREADS ?? [...new Set([1, defaultThreads])].join(','))
  .split(',')
  .filter(Boolean)
  .map(Number)
const pairedPairs = Number(process.env.BENCH_PAIRED_PAIRS ?? 6)
const SCALE = {
  startCalls: Number(process.env.BENCH_SCALE_START ?? 12),
  maxSteps: Number(process.env.BENCH_SCALE_STEPS ?? 9),
  // Shorter than the table's: the search takes several steps per thread count.
  warmUpMs: 3000,
  windowSeconds: 5,
  verbose: false,
}
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
/** CPU ms per frame encoded and decoded. */
const msPerFrame = (floor: OpusFloorMeasurement): number => (floor.cpuSeconds / floor.frames) * 1000
/** A floor measurement as ms of CPU per second per call end: one encode and one decode per 60 ms. */
const perEndMs = (floor: OpusFloorMeasurement): number => msPerFrame(floor) * (1000 / 60)

/** 10 s of exactly what the calls send (the latency probe's signal), for the floor. */
function probeSignal(): Int16Array {
  const source = new ProbeSource()
  const pcm = new Int16Array(500 * 960)
  for (let i = 0; i < 500; i++) pcm.set(source.nextFrame(0), i * 960)
  return pcm
}

async function startRelay(): Promise<BenchRelay & { stop(): void }> {
  const child = fork(fileURLToPath(new URL('./relay-child.ts', import.meta.url)), [], {
    execArgv: ['--conditions=@tgvoip/source', '--import', 'tsx'],
  })
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { port: number }).port))
    child.once('error', reject)
  })
  return { port, pid: child.pid!, stop: () => child.disconnect() }
}

async function main(): Promise<void> {
  const addon = loadAddon()
  // Warm the addon up before any memory baseline.
  new VoIPController().destroy()
  const machine = `${cpus().length} CPUs (${availableParallelism()} usable), ${cpus()[0]?.model ?? 'unknown'}`
  console.log(`machine: ${machine}; load average ${loadAverage()}; engine threads for the table: ${defaultThreads}`)
  const relay = await startRelay()
  const rows: BenchRow[] = []
  const scale: ScaleResult[] = []
  let paired: PairedCheck | undefined
  const floorDetail: Record<string, unknown> = {}
  try {
    const signal = probeSignal()
    for (const calls of sizes) {
      console.log(`running ${calls} call(s) for ${windowSeconds} s ...`)
      const { row, cpu } = await measureCalls(calls, relay, { warmUpMs: WARM_UP_MS, windowSeconds, verbose: true })
      // The floor at the bitrate the calls actually ran at: one encode + one decode per 60 ms per end.
      const floor = addon.measureOpusFloor(signal, 3, row.bitrate)
      const floorPerEndMs = perEndMs(floor)
      floorDetail[`bitrate_${row.bitrate}`] = { ...floor, msPerFrame: msPerFrame(floor) }
      // The same ends per thread as the engine's threads carried in this row.
      const pacedThreads = Math.min(defaultThreads, row.callEnds)
      const paced = addon.measurePacedOpusFloor(signal, pacedThreads, Math.ceil(row.callEnds / pacedThreads), PACED_FLOOR_SECONDS, row.bitrate)
      const pacedFloorPerEndMs = perEndMs(paced)
      rows.push({
        ...row,
        cpu,
        floorPerEndMs,
        cpuVsFloor: row.cpuPerEndMs / floorPerEndMs,
        engineVsFloor: row.engineCpuPerEndMs / floorPerEndMs,
        pacedFloorPerEndMs,
        engineVsPacedFloor: row.engineCpuPerEndMs / pacedFloorPerEndMs,
      })
      await sleep(500)
    }
    if (scaleThreads.length > 0) {
      console.log(
        `scale: most calls with every end's p95 <= 150 ms, no loss and full-complexity encodes, with ${scaleThreads.join(' and ')} engine thread(s), a step of each in turn ...`,
      )
      scale.push(...(await searchMaxCalls(scaleThreads, relay, SCALE)))
      const single = scale.find((result) => result.threads === 1)
      const multi = scale.find((result) => result.threads > 1)
      if (pairedPairs > 0 && single && multi && single.maxCalls > 0) {
        console.log(`paired check: 1 thread at ${single.maxCalls} calls and ${multi.threads} threads at the target multiple, in ${pairedPairs} pairs of adjacent steps ...`)
        paired = await pairedCheck(single.maxCalls, multi.threads, pairedPairs, (threads, calls) => measureStep(threads, calls, relay, SCALE))
      }
    }
  } finally {
    EngineThreads.set(defaultThreads)
    relay.stop()
  }
  printAndSave(rows, scale, paired, { machine, loadAverageAtEnd: loadAverage(), floor: floorDetail })
}

await main()
