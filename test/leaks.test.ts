import { readdirSync } from 'node:fs'

import { describe, expect, it } from 'vitest'

import { CallEndReason } from '@tgvoip/calls'
import { NullSink, ToneSource } from '@tgvoip/calls-audio'

import { bothEstablished, sleep, twoAccounts } from './support/two-accounts.js'

const CALLS = 200
const WARM_UP = 40

function openFds(): number {
  return readdirSync('/proc/self/fd').length
}

function activeHandles(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind !== 'Timeout' && kind !== 'Immediate').length
}

describe('many calls in one process', () => {
  it(`${CALLS} sequential calls with audio leave no sockets, handles or growing memory behind`, { timeout: 180_000 }, async () => {
    const env = await twoAccounts()
    env.bob.calls.on('incomingCall', (call) => void call.accept({ sink: new NullSink() }).catch(() => undefined))
    let baseline = { fds: 0, handles: 0, rss: 0 }
    const started = performance.now()
    for (let i = 1; i <= CALLS; i++) {
      const aliceCall = await env.alice.calls.call('bob', new ToneSource({ frequencies: 440 }))
      const bobCall = env.bob.calls.activeCalls[0]!
      await bothEstablished(aliceCall, bobCall)
      await sleep(60) // a few frames of audio each way
      await (i % 2 ? aliceCall : bobCall).hangup()
      expect(await aliceCall.ended).toBe(CallEndReason.HungUp)
      expect(await bobCall.ended).toBe(CallEndReason.HungUp)
      if (i === WARM_UP) {
        await sleep(200)
        baseline = { fds: openFds(), handles: activeHandles(), rss: process.memoryUsage().rss }
      }
    }
    await sleep(300)
    const after = { fds: openFds(), handles: activeHandles(), rss: process.memoryUsage().rss }
    const perCallMs = (performance.now() - started) / CALLS
    console.log(
      `${CALLS} calls, ${perCallMs.toFixed(0)} ms each; after call ${WARM_UP} -> ${CALLS}: ` +
        `fds ${baseline.fds} -> ${after.fds}, handles ${baseline.handles} -> ${after.handles}, ` +
        `RSS ${(baseline.rss / 2 ** 20).toFixed(1)} -> ${(after.rss / 2 ** 20).toFixed(1)} MiB`,
    )
    expect(env.alice.calls.activeCalls).toHaveLength(0)
    expect(env.bob.calls.activeCalls).toHaveLength(0)
    expect(after.fds).toBeLessThanOrEqual(baseline.fds + 2)
    expect(after.handles).toBeLessThanOrEqual(baseline.handles + 2)
    // 160 more calls: a leak of even one engine buffer (~200 KiB) per call would add > 30 MiB.
    expect(after.rss - baseline.rss).toBeLessThan(24 * 2 ** 20)
    await env.destroy()
  })
})
