/**
 * A once-a-second stats display for a call: one line rewritten in place on a terminal,
 * plain lines when stdout is a pipe or a file (CI logs stay readable).
 */
import type { Call, MediaStats } from '@tgvoip/calls'

import { elapsed } from './log.js'

export function formatStats(s: MediaStats): string {
  const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`
  const rtt = Number.isFinite(s.rttMs) ? `${s.rttMs.toFixed(s.rttMs < 10 ? 1 : 0)} ms` : '?'
  return (
    `sent ${kb(s.bytesSent)} (${s.packetsSent} pkts)  recv ${kb(s.bytesReceived)} (${s.packetsReceived} pkts)  ` +
    `loss ${(s.lossRate * 100).toFixed(1)}%  rtt ${rtt}  jitter ${s.jitterMs.toFixed(0)} ms  ` +
    `${(s.bitrate / 1000).toFixed(0)} kbit/s  ${'▮'.repeat(s.signalBars)}${'▯'.repeat(4 - s.signalBars)}`
  )
}

/** Starts printing `call.stats()` every second; returns a function that stops it. */
export function showLiveStats(who: string, call: Call, intervalMs = 1000): () => void {
  const tty = process.stdout.isTTY === true
  let drawn = false
  const timer = setInterval(() => {
    const stats = call.stats()
    if (!stats) return
    const line = `[${elapsed().padStart(8)}] ${who.padEnd(6)} ${formatStats(stats)}`
    if (tty) {
      process.stdout.write(`\r\x1b[2K${line}`)
      drawn = true
    } else {
      console.log(line)
    }
  }, intervalMs)
  return () => {
    clearInterval(timer)
    if (drawn) process.stdout.write('\n')
  }
}
