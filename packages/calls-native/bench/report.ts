/** Prints the benchmark table and writes the JSON next to the package. */
import { mkdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { CpuSplit } from './cpu-meter.js'
import { describePairedCheck, type PairedCheck } from './paired-check.js'
import { SCALE_MAX_REDUCED_SHARE, type ScaleResult } from './scale-search.js'

export interface BenchRow {
  calls: number
  callEnds: number
  bitrate: number
  cpuPerEndMs: number
  engineCpuPerEndMs: number
  floorPerEndMs: number
  cpuVsFloor: number
  engineVsFloor: number
  /** libopus alone paced as the engine works (see run-bench.ts), and the engine against it. */
  pacedFloorPerEndMs: number
  engineVsPacedFloor: number
  rssPerEndKiB: number
  connectMsMedian: number
  connectMsMax: number
  latencyMsMedian: number
  latencyMsP95: number
  latencySamples: number
  jitterDelayMs: number
  /** Share of the window's frames encoded at reduced complexity (the legacy engine's threads fell behind). */
  reducedComplexityShare?: number
  /** Where the machine's CPUs went in the window (this engine's bench only). */
  cpu?: CpuSplit
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

/** Connect-time and mouth-to-ear figures of one run, as the table shows them. */
export function timingFigures(connectMs: readonly number[], latencyMs: readonly number[]) {
  return {
    connectMsMedian: percentile(connectMs, 50),
    connectMsMax: Math.max(...connectMs),
    latencyMsMedian: percentile(latencyMs, 50),
    latencyMsP95: percentile(latencyMs, 95),
    latencySamples: latencyMs.length,
  }
}

/** One line: the largest passing count per thread count, and each against the first. */
function scaleLine(scale: readonly ScaleResult[]): string {
  const base = scale[0]
  const cells = scale.map((result) => {
    const failed = result.steps.find((step) => !step.passed && step.calls === result.firstFailure)
    const disturbed = failed?.disturbed ? `, beside ${failed.otherLoadCpus.toFixed(2)} CPUs of other load` : ''
    const bound = result.firstFailure === undefined ? '+ (step cap)' : ` (fails at ${result.firstFailure}${disturbed})`
    const best = result.steps.find((step) => step.passed && step.calls === result.maxCalls)
    const reduced = best ? `, ${(best.reducedComplexityShare * 100).toFixed(1)}% reduced complexity` : ''
    const ratio = base && base !== result && base.maxCalls > 0 ? `, ${(result.maxCalls / base.maxCalls).toFixed(2)}× ${base.threads} thread(s)` : ''
    return `${result.threads} thread(s): ${result.maxCalls}${bound}${reduced}${ratio}`
  })
  return `scale, most calls with every end's p95 <= 150 ms, no loss and at most ${SCALE_MAX_REDUCED_SHARE * 100}% of frames at reduced complexity: ${cells.join(' | ')}`
}

export function printAndSave(
  rows: BenchRow[],
  scale: readonly ScaleResult[],
  paired: PairedCheck | undefined,
  detail: Record<string, unknown>,
): void {
  const header = [
    'calls',
    'ends',
    'bitrate',
    'CPU/end ms/s',
    'engine/end',
    'opus floor',
    'CPU÷floor',
    'engine÷floor',
    'paced floor',
    'engine÷paced',
    'RSS/end KiB',
    'connect ms (med/max)',
    'mouth→ear ms (med/p95, n)',
    'jitter buf ms',
    'reduced cx %',
  ]
  const lines = rows.map((r) => [
    String(r.calls),
    String(r.callEnds),
    String(r.bitrate),
    r.cpuPerEndMs.toFixed(2),
    r.engineCpuPerEndMs.toFixed(2),
    r.floorPerEndMs.toFixed(2),
    r.cpuVsFloor.toFixed(2),
    r.engineVsFloor.toFixed(2),
    r.pacedFloorPerEndMs.toFixed(2),
    r.engineVsPacedFloor.toFixed(2),
    r.rssPerEndKiB.toFixed(0),
    `${r.connectMsMedian.toFixed(1)} / ${r.connectMsMax.toFixed(1)}`,
    `${r.latencyMsMedian.toFixed(0)} / ${r.latencyMsP95.toFixed(0)} (${r.latencySamples})`,
    r.jitterDelayMs.toFixed(0),
    r.reducedComplexityShare === undefined ? '-' : (r.reducedComplexityShare * 100).toFixed(1),
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)))
  const format = (cells: string[]): string => cells.map((c, i) => c.padStart(widths[i]!)).join(' | ')
  const table = [format(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...lines.map(format)].join('\n')
  console.log(table)
  if (scale.length > 0) console.log(scaleLine(scale))
  if (paired) console.log(describePairedCheck(paired))
  const dir = fileURLToPath(new URL('../bench-results/', import.meta.url))
  mkdirSync(dir, { recursive: true })
  const file = `${dir}engine-bench.json`
  writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), ...detail, rows, scale, paired }, null, 2))
  console.log(`\nwritten: ${file}`)
}
