/** Prints the v2 figures beside the legacy engine's (same run of `pnpm bench`), with ratios and targets, and saves them. */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { BenchRow } from '../../calls-native/bench/report.js'

export type V2Row = Omit<
  BenchRow,
  'engineCpuPerEndMs' | 'floorPerEndMs' | 'cpuVsFloor' | 'engineVsFloor' | 'pacedFloorPerEndMs' | 'engineVsPacedFloor'
>

/** Issue 11's targets for the v2 engine. */
const TARGETS = { cpuVsLegacy: 2, connectMs: 300, mouthToEarMs: 150, rssPerExtraEndKiB: 3 * 1024 }
/** Legacy results older than this are from another run and are not compared. */
const LEGACY_MAX_AGE_MS = 60 * 60 * 1000

function legacyRows(): BenchRow[] | undefined {
  const file = fileURLToPath(new URL('../../calls-native/bench-results/engine-bench.json', import.meta.url))
  if (!existsSync(file) || Date.now() - statSync(file).mtimeMs > LEGACY_MAX_AGE_MS) return undefined
  return (JSON.parse(readFileSync(file, 'utf8')) as { rows: BenchRow[] }).rows
}

const fixed = (value: number | undefined, digits: number): string => (value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits))
const ratio = (v2: number, legacy: number | undefined): string => (legacy ? `${(v2 / legacy).toFixed(2)}×` : '–')

export function compareAndSave(rows: V2Row[]): void {
  const legacy = legacyRows()
  if (!legacy) console.log('\n(no legacy figures from this run: `pnpm bench` at the root runs both engines)')
  const header = ['calls', 'ends', 'CPU/end ms/s v2 | legacy | ratio', 'RSS/end KiB v2 | legacy', 'connect ms med/max v2 | legacy', 'mouth→ear ms med/p95 v2 | legacy', 'bitrate v2 | legacy']
  const lines = rows.map((r) => {
    const l = legacy?.find((row) => row.calls === r.calls)
    return [
      String(r.calls),
      String(r.callEnds),
      `${fixed(r.cpuPerEndMs, 2)} | ${fixed(l?.cpuPerEndMs, 2)} | ${ratio(r.cpuPerEndMs, l?.cpuPerEndMs)}`,
      `${fixed(r.rssPerEndKiB, 0)} | ${fixed(l?.rssPerEndKiB, 0)}`,
      `${fixed(r.connectMsMedian, 0)}/${fixed(r.connectMsMax, 0)} | ${fixed(l?.connectMsMedian, 0)}/${fixed(l?.connectMsMax, 0)}`,
      `${fixed(r.latencyMsMedian, 0)}/${fixed(r.latencyMsP95, 0)} (${r.latencySamples}) | ${fixed(l?.latencyMsMedian, 0)}/${fixed(l?.latencyMsP95, 0)}`,
      `${r.bitrate} | ${l?.bitrate ?? '–'}`,
    ]
  })
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((line) => line[i]!.length)))
  const format = (cells: string[]): string => cells.map((c, i) => c.padStart(widths[i]!)).join(' | ')
  console.log(['', 'tgcalls v2 engine vs libtgvoip engine (CPU in ms of CPU per second per call end; 1000 = one core)', format(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...lines.map(format)].join('\n'))

  const verdict = (ok: boolean | undefined): string => (ok === undefined ? 'not measured' : ok ? 'met' : 'MISSED')
  const largest = rows.at(-1)!
  const largestLegacy = legacy?.find((row) => row.calls === largest.calls)
  console.log(
    [
      '',
      `targets (at ${largest.calls} calls):`,
      `  CPU per call end ≤ ${TARGETS.cpuVsLegacy}× legacy: ${ratio(largest.cpuPerEndMs, largestLegacy?.cpuPerEndMs)} — ${verdict(largestLegacy ? largest.cpuPerEndMs <= TARGETS.cpuVsLegacy * largestLegacy.cpuPerEndMs : undefined)}`,
      `  connect ≤ ${TARGETS.connectMs} ms: median ${fixed(largest.connectMsMedian, 0)} ms — ${verdict(largest.connectMsMedian <= TARGETS.connectMs)} (1 call: ${fixed(rows[0]!.connectMsMedian, 0)} ms)`,
      `  mouth-to-ear ≤ ${TARGETS.mouthToEarMs} ms: median ${fixed(largest.latencyMsMedian, 0)} ms — ${verdict(largest.latencyMsMedian <= TARGETS.mouthToEarMs)}`,
      `  RSS ≤ ${TARGETS.rssPerExtraEndKiB} KiB per extra call end: ${fixed(largest.rssPerEndKiB, 0)} KiB — ${verdict(largest.rssPerEndKiB <= TARGETS.rssPerExtraEndKiB)}`,
    ].join('\n'),
  )
  const dir = fileURLToPath(new URL('../bench-results/', import.meta.url))
  mkdirSync(dir, { recursive: true })
  const file = `${dir}webrtc-bench.json`
  writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), rows, legacy: legacy ?? null }, null, 2))
  console.log(`\nwritten: ${file}`)
}
