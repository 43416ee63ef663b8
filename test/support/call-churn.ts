/**
 * Many sequential calls in one process, checked for leaks: sockets, libuv handles, memory
 * outside V8's heap and JS objects. Each engine's check lives in its own test file so that it
 * runs in a fresh worker: RSS is process-wide, and memory another engine's calls freed (RSS
 * dropped, pages left to reuse) would otherwise be re-touched during the measuring window and
 * read as growth.
 */
import { readdirSync } from 'node:fs'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

import { expect } from 'vitest'

import { CallEndReason } from '@tgvoip/calls'
import { NullSink, ToneSource } from '@tgvoip/calls-audio'

import { bothEstablished, sleep, type TwoAccounts } from './two-accounts.js'

export const CHURN_CALLS = 200

const MiB = 2 ** 20

// A full collection before reading the JS heap (vitest's workers do not run with --expose-gc).
setFlagsFromString('--expose-gc')
const collectGarbage = runInNewContext('gc') as () => void

function openFds(): number {
  return readdirSync('/proc/self/fd').length
}

function activeHandles(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind !== 'Timeout' && kind !== 'Immediate').length
}

/** `native`: RSS outside V8's heap (which V8 sizes, and keeps, as it sees fit): the engines' C++ side, libopus, sockets. */
async function measure(): Promise<{ fds: number; handles: number; rss: number; native: number; heap: number }> {
  await sleep(200)
  collectGarbage()
  const memory = process.memoryUsage()
  return {
    fds: openFds(),
    handles: activeHandles(),
    rss: memory.rss,
    native: memory.rss - memory.heapTotal,
    heap: memory.heapUsed + memory.external,
  }
}

/**
 * Makes CHURN_CALLS calls with audio, hung up by each side in turn, and asserts that nothing
 * grew from call `warmUp` (when caches, pools and V8's heap have settled) to the last.
 */
export async function churnCalls(name: string, env: TwoAccounts, warmUp: number): Promise<void> {
  env.bob.calls.on('incomingCall', (call) => void call.accept({ sink: new NullSink() }).catch(() => undefined))
  let baseline = { fds: 0, handles: 0, rss: 0, native: 0, heap: 0 }
  const started = performance.now()
  for (let i = 1; i <= CHURN_CALLS; i++) {
    const aliceCall = await env.alice.calls.call('bob', new ToneSource({ frequencies: 440 }))
    const bobCall = env.bob.calls.activeCalls[0]!
    await bothEstablished(aliceCall, bobCall)
    await sleep(60) // a few frames of audio each way
    await (i % 2 ? aliceCall : bobCall).hangup()
    expect(await aliceCall.ended).toBe(CallEndReason.HungUp)
    expect(await bobCall.ended).toBe(CallEndReason.HungUp)
    if (i === warmUp) baseline = await measure()
  }
  await sleep(1000) // werift's uncancellable DTLS waits lapse within a second
  const after = await measure()
  const perCallMs = (performance.now() - started) / CHURN_CALLS
  console.log(
    `${name}: ${CHURN_CALLS} calls, ${perCallMs.toFixed(0)} ms each; after call ${warmUp} -> ${CHURN_CALLS}: ` +
      `fds ${baseline.fds} -> ${after.fds}, handles ${baseline.handles} -> ${after.handles}, ` +
      `RSS ${(baseline.rss / MiB).toFixed(1)} -> ${(after.rss / MiB).toFixed(1)} MiB, ` +
      `outside the JS heap ${(baseline.native / MiB).toFixed(1)} -> ${(after.native / MiB).toFixed(1)} MiB, ` +
      `JS heap + external ${(baseline.heap / MiB).toFixed(1)} -> ${(after.heap / MiB).toFixed(1)} MiB`,
  )
  expect(env.alice.calls.activeCalls).toHaveLength(0)
  expect(env.bob.calls.activeCalls).toHaveLength(0)
  expect(after.fds).toBeLessThanOrEqual(baseline.fds + 2)
  expect(after.handles).toBeLessThanOrEqual(baseline.handles + 2)
  // 120+ more calls: a leak of even one engine buffer (~200 KiB) per call would add > 24 MiB
  // to both RSS and RSS outside the JS heap. Either alone also moves when V8 resizes its
  // heap (grown: RSS up; shrunk while its pages stay resident: the outside share up).
  const grown = Math.min(after.rss - baseline.rss, after.native - baseline.native)
  expect(grown).toBeLessThan(24 * MiB)
  // What FakeTelegram keeps per call (its RPC log, the server's call records) is a few KiB.
  expect(after.heap - baseline.heap).toBeLessThan(8 * MiB)
}
