/**
 * Alice and Bob on a fresh FakeTelegram with the calls plugin and its default engines
 * (tgcalls v2 first: calls run 13.0.0 unless a test chooses otherwise).
 */
import type { TelegramClient } from '@mtcute/core/client.js'
import { callsPlugin, NativeCallEngine, PhoneCallState } from '@tgvoip/calls'
import type { Call, CallManagerOptions, CallOptionsInput } from '@tgvoip/calls'
import { FakeTelegram } from '@tgvoip/calls/testing'
import type { FakeTelegramOptions } from '@tgvoip/calls/testing'
import type { ToneAnalysis } from '@tgvoip/calls-audio'

export interface TwoAccounts {
  telegram: FakeTelegram
  alice: TelegramClient
  bob: TelegramClient
  /** Resolves with Bob's next incoming call. */
  nextIncoming(client?: TelegramClient): Promise<Call>
  destroy(): Promise<void>
}

export async function twoAccounts(fake: FakeTelegramOptions = {}, calls: CallManagerOptions = {}): Promise<TwoAccounts> {
  const telegram = new FakeTelegram(fake)
  const alice = await telegram.createClient({ firstName: 'Alice', username: 'alice' })
  const bob = await telegram.createClient({ firstName: 'Bob', username: 'bob' })
  alice.use(callsPlugin(calls))
  bob.use(callsPlugin(calls))
  return {
    telegram,
    alice,
    bob,
    nextIncoming: (client = bob) => new Promise((resolve) => client.calls.once('incomingCall', resolve)),
    destroy: () => telegram.destroy(),
  }
}

/**
 * `twoAccounts` with the libtgvoip engine (2.4.4) only: for tests of what belongs to it — the
 * fake's UDP relays and their faults, `phone.getCallConfig` bitrates, capability bits, the
 * peer's data-saving flag.
 */
export function legacyAccounts(fake: FakeTelegramOptions = {}, calls: CallManagerOptions = {}): Promise<TwoAccounts> {
  return twoAccounts(fake, { engine: new NativeCallEngine(), ...calls })
}

/** Resolves once both sides of a call are established (the callee's accept resolves a bit later). */
export async function bothEstablished(a: Call, b: Call): Promise<void> {
  await Promise.all([a.entersState(PhoneCallState.Established, 5000), b.entersState(PhoneCallState.Established, 5000)])
}

/**
 * Alice calls Bob with `alice`'s media and network options, and Bob answers with `bob`'s
 * (`onRinging` sees his call before he answers); resolves once both sides are established.
 */
export async function establishCall(
  e: TwoAccounts,
  alice: CallOptionsInput = {},
  bob: CallOptionsInput = {},
  onRinging?: (bobCall: Call) => void,
): Promise<{ aliceCall: Call; bobCall: Call }> {
  const incoming = e.nextIncoming()
  const { source, ...options } = alice
  const outgoing = e.alice.calls.call('bob', source, options)
  const bobCall = await incoming
  onRinging?.(bobCall)
  await bobCall.accept(bob)
  const aliceCall = await outgoing
  await bothEstablished(aliceCall, bobCall)
  return { aliceCall, bobCall }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Analysis windows that carry audio (above -40 dBFS), skipping the first (jitter buffer filling). */
export function audible(results: readonly ToneAnalysis[]): ToneAnalysis[] {
  return results.slice(1).filter((r) => r.dbfs > -40)
}

/** The median dominant frequency of the audible windows (NaN if none). */
export function medianFrequency(results: readonly ToneAnalysis[]): number {
  const hz = audible(results)
    .flatMap((r) => (r.frequency === null ? [] : [r.frequency]))
    .sort((x, y) => x - y)
  return hz[Math.floor(hz.length / 2)] ?? Number.NaN
}
