/**
 * What the engine derives from the call's network settings and its measurements: the Opus
 * bitrate (as the libtgvoip engine chooses it), the recent loss rate and the official apps'
 * 0..4 signal bars.
 */
import type { CallNetworkSettings, NetworkType } from '@tgvoip/calls-native/engine'

/** tgcalls caps its encoder at 32 kbit/s (§5.5); we run at that cap. */
export const DEFAULT_BITRATE = 32_000
/** libtgvoip's bitrate for GPRS, EDGE and data saving (`audio_max_bitrate_saving` / `_gprs`, `audio_init_bitrate_edge`). */
export const SLOW_NETWORK_BITRATE = 8_000
/** libopus' lowest useful setting; a smaller `maxBitrate` is raised to it. */
const MIN_BITRATE = 6_000

const MOBILE: ReadonlySet<NetworkType> = new Set(['lte', '3g', 'edge', 'gprs'])

export function encoderBitrate(network: CallNetworkSettings): number {
  const type = network.networkType
  const saving = network.dataSaving === 'always' || (network.dataSaving === 'mobile' && type !== undefined && MOBILE.has(type))
  const base = saving || type === 'gprs' || type === 'edge' ? SLOW_NETWORK_BITRATE : DEFAULT_BITRATE
  return Math.max(MIN_BITRATE, Math.min(base, network.maxBitrate ?? base))
}

/** 4 on a clean path; each threshold of recent loss or round-trip time crossed costs a bar, down to 1. */
export function signalBars(lossRate: number, rttMs: number): number {
  let bars = 4
  if (lossRate > 0.02) bars--
  if (lossRate > 0.05) bars--
  if (lossRate > 0.1) bars--
  if (rttMs > 400) bars = Math.min(bars, 3)
  if (rttMs > 800) bars = Math.min(bars, 2)
  return Math.max(1, bars)
}

/** Seconds of history behind `RecentLoss.rate`, like the libtgvoip engine's loss window. */
const LOSS_WINDOW_SECONDS = 5

/** The peer's audio lost over the last few seconds, from cumulative received/lost counters sampled once a second. */
export class RecentLoss {
  private readonly samples: { received: number; lost: number }[] = []

  sample(received: number, lost: number): void {
    this.samples.push({ received, lost })
    if (this.samples.length > LOSS_WINDOW_SECONDS + 1) this.samples.shift()
  }

  /** 0..1; 0 until two samples exist or when nothing was expected. */
  get rate(): number {
    const first = this.samples[0]
    const last = this.samples.at(-1)
    if (!first || !last) return 0
    const lost = last.lost - first.lost
    const expected = last.received - first.received + lost
    return expected > 0 ? Math.max(0, lost) / expected : 0
  }
}
