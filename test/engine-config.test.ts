import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { CallEndReason, CallFailedError, PhoneCallState, NativeCallEngine } from '@tgvoip/calls'
import { ToneAnalyzer, ToneSource } from '@tgvoip/calls-audio'

import { establishCall, legacyAccounts, medianFrequency, sleep, twoAccounts, type TwoAccounts } from './support/two-accounts.js'

let env: TwoAccounts | undefined
afterEach(async () => {
  await env?.destroy()
  env = undefined
})

async function establishedToneCall(e: TwoAccounts, hz = 440) {
  const bobHears = new ToneAnalyzer({ windowMs: 250 })
  const calls = await establishCall(e, { source: new ToneSource({ frequencies: hz }) }, { sink: bobHears })
  return { ...calls, bobHears }
}

// What Telegram says about a call (relays, P2P, timeouts) must reach the native engine.
describe('Telegram call parameters reach the engine', () => {
  it('several relays: the call works and discardCall reports the relay in use', async () => {
    env = await legacyAccounts({ localRelays: 3 })
    const { aliceCall, bobHears } = await establishedToneCall(env)
    await sleep(1200)
    expect(Math.abs(medianFrequency(bobHears.results) - 440)).toBeLessThanOrEqual(2)
    expect(env.telegram.localRelays.filter((r) => r.stats.received > 0).length).toBeGreaterThanOrEqual(1)
    await aliceCall.hangup()
    const relayId = env.telegram.calls.get(aliceCall.id)!.discard!.connectionId
    expect([1n, 2n, 3n]).toContain(relayId)
  })

  it('phone.getCallConfig: the bitrate limits Telegram sends are what the engine uses', async () => {
    env = await legacyAccounts({ callConfig: { audio_init_bitrate: 10000, audio_max_bitrate: 12000, audio_min_bitrate: 8000 } })
    const { aliceCall, bobHears } = await establishedToneCall(env)
    await sleep(1200)
    const { bitrate } = aliceCall.stats()!
    expect(bitrate).toBeGreaterThanOrEqual(8000)
    expect(bitrate).toBeLessThanOrEqual(12000) // the default config allows 20 kbit/s
    expect(Math.abs(medianFrequency(bobHears.results) - 440)).toBeLessThanOrEqual(2)
    await aliceCall.hangup()
  })

  it('p2pAllowed: the peers may go direct and audio still flows', async () => {
    env = await legacyAccounts({ p2pAllowed: true })
    const { aliceCall, bobHears } = await establishedToneCall(env, 523)
    await sleep(1500)
    expect(Math.abs(medianFrequency(bobHears.results) - 523)).toBeLessThanOrEqual(2)
    await aliceCall.hangup()
  })

  it('call_connect_timeout_ms: a relay that never answers fails the call with CallFailedError in time', async () => {
    env = await legacyAccounts({ config: { callConnectTimeoutMs: 1500 } })
    const incoming = env.nextIncoming()
    const outgoing = env.alice.calls.call('bob', new ToneSource({ frequencies: 440 }))
    const bobCall = await incoming
    const accepted = bobCall.accept({ sink: new ToneAnalyzer({ windowMs: 250 }) })
    env.telegram.localRelays[0]!.setAnswering(false)
    const started = Date.now()
    await expect(outgoing).rejects.toBeInstanceOf(CallFailedError)
    await expect(accepted).rejects.toBeInstanceOf(CallFailedError)
    expect(Date.now() - started).toBeLessThan(4000)
    expect(await bobCall.ended).toBe(CallEndReason.Failed)
  })

  it('call_packet_timeout_ms: when the relay goes silent mid-call both sides end as failed', async () => {
    env = await legacyAccounts({ config: { callPacketTimeoutMs: 1500 } })
    const { aliceCall, bobCall } = await establishedToneCall(env)
    env.telegram.localRelays[0]!.setAnswering(false)
    const started = Date.now()
    expect(await aliceCall.ended).toBe(CallEndReason.Failed)
    expect(await bobCall.ended).toBe(CallEndReason.Failed)
    expect(Date.now() - started).toBeLessThan(6000)
    // Whichever side times out first discards; the other learns it from Telegram. Both fail.
    for (const call of [aliceCall, bobCall]) {
      expect(call.state).toBe(PhoneCallState.Failed)
      expect(call.error).toBeInstanceOf(CallFailedError)
    }
  })

  it('NativeCallEngine({ logsDir }): each side keeps a log of its call, with no peer tag in it', async () => {
    const logsDir = await mkdtemp(join(tmpdir(), 'tgvoip-logs-'))
    try {
      env = await twoAccounts({}, { engine: new NativeCallEngine({ logsDir }) })
      const { aliceCall, bobCall } = await establishedToneCall(env)
      await aliceCall.hangup()
      await bobCall.ended
      // Both ends share the call id, so the names say which end wrote them.
      for (const end of ['outgoing', 'incoming']) {
        const log = await waitForFile(join(logsDir, `${aliceCall.id}-${end}.log`), (text) => text.includes('destroy: state'))
        expect(log).toMatch(/-> ESTABLISHED/)
        expect(log).toMatch(/endpoints: #1 127\.0\.0\.1:\d+/)
        expect(log).toMatch(/destroy: state \w+, duration \d/)
        // The relay's peer tag authenticates the call: it must not end up in a log file.
        const tag = Buffer.from(env.telegram.calls.get(aliceCall.id)!.connections[0]!.peerTag.subarray(0, 15))
        expect(log).not.toContain(tag.toString('hex'))
        expect(log).not.toContain(tag.toString('base64').slice(0, 16))
      }
    } finally {
      await rm(logsDir, { recursive: true, force: true })
    }
  })
})

async function waitForFile(path: string, done: (text: string) => boolean): Promise<string> {
  let text = ''
  for (let attempt = 0; attempt < 50; attempt++) {
    text = await readFile(path, 'utf8').catch(() => '')
    if (done(text)) return text
    await sleep(100)
  }
  throw new Error(`${path} never completed:\n${text}`)
}
