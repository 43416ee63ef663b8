/**
 * ICE restarts (§5.2): Web K restarts after 2 s without a path, on failure and on network
 * change, sending a new InitialSetup (new ufrag/pwd, same certificate) and new candidates;
 * tgcalls applies it and keeps its own credentials. The call must come back on the new
 * credentials with its DTLS association, and audio must flow again.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { InvalidMediaParameterError, MediaTransportState, type WebRtcMediaTransport } from '../../src/media/index.js'
import { dominantFrequency, playTone, record, sleep, until, whenState } from './audio.js'
import { createPair, type CallPair } from './pair.js'

let pair: CallPair | undefined
afterEach(async () => {
  await pair?.close()
  pair = undefined
})

/** Each side's new InitialSetup goes to the other, as the session sends it over signaling. */
function relaySetups({ caller, callee }: CallPair): void {
  caller.on('localSetupChanged', () => callee.setRemoteSetup(caller.localSetup))
  callee.on('localSetupChanged', () => caller.setRemoteSetup(callee.localSetup))
}

async function bothConnected({ caller, callee }: CallPair): Promise<void> {
  await Promise.all([whenState(caller, MediaTransportState.Connected), whenState(callee, MediaTransportState.Connected)])
}


async function hearsTone(listener: WebRtcMediaTransport, speaker: WebRtcMediaTransport, hz: number): Promise<void> {
  const heard = record(listener)
  await playTone(speaker, hz, 1500)
  await sleep(200)
  heard.stop()
  expect(Math.abs(dominantFrequency(heard.frames.slice(15)) - hz)).toBeLessThanOrEqual(2)
}

describe('ICE restart', () => {
  for (const restarter of ['caller', 'callee'] as const) {
    it(`the ${restarter} restarts: it takes new credentials, the other applies them, and audio flows again`, async () => {
      pair = await createPair()
      relaySetups(pair)
      await bothConnected(pair)
      const before = { caller: pair.caller.localSetup, callee: pair.callee.localSetup }
      const states: MediaTransportState[] = []
      pair.caller.on('stateChange', (_old, next) => states.push(next))

      expect(pair[restarter].restartIce()).toBe(true)
      await sleep(50)
      await bothConnected(pair)

      const other = restarter === 'caller' ? 'callee' : 'caller'
      expect(pair[restarter].localSetup.ufrag).not.toBe(before[restarter].ufrag)
      expect(pair[restarter].localSetup.pwd).not.toBe(before[restarter].pwd)
      expect(pair[other].localSetup).toEqual(before[other])
      // The same certificate: DTLS was not redone.
      expect(pair[restarter].localSetup.fingerprints).toEqual(before[restarter].fingerprints)
      if (restarter === 'caller') expect(states).toContain(MediaTransportState.Disconnected)
      // The side that applied the restart selects its pair again from the new checks.
      await until(() => pair!.caller.stats().selectedPair !== '' && pair!.callee.stats().selectedPair !== '')
      expect(pair.caller.stats().selectedPair).toMatch(/-> udp 127\.0\.0\.1:\d+ /)
      await hearsTone(pair.callee, pair.caller, 440)
      await hearsTone(pair.caller, pair.callee, 660)
    })
  }

  it('survives two restarts in a row', async () => {
    pair = await createPair()
    relaySetups(pair)
    await bothConnected(pair)
    pair.caller.restartIce()
    await sleep(50)
    await bothConnected(pair)
    pair.callee.restartIce()
    await sleep(50)
    await bothConnected(pair)
    await hearsTone(pair.callee, pair.caller, 440)
  })

  it('a restart that finds no path leaves the call to the watchdog, which fails it', async () => {
    pair = await createPair({ loopback: true, connectTimeoutMs: 5000, silenceTimeoutMs: 1000 })
    await bothConnected(pair)
    const errors: Error[] = []
    pair.caller.on('error', (error) => errors.push(error))
    await pair.callee.close()
    await whenState(pair.caller, MediaTransportState.Disconnected, 5000)
    expect(pair.caller.restartIce()).toBe(true)
    await sleep(2000)
    expect([pair.caller.state, errors.map((e) => e.message)]).toEqual([MediaTransportState.Disconnected, []])
    await whenState(pair.caller, MediaTransportState.Failed, 5000)
    expect(errors.map((e) => e.message)).toEqual(['no media connection for 5000 ms'])
  })

  it('does not restart before the first connection', async () => {
    pair = await createPair()
    expect(pair.caller.restartIce()).toBe(false)
    await bothConnected(pair)
  })

  it('refuses a restart that changes the DTLS certificate, and keeps the call', async () => {
    pair = await createPair()
    await bothConnected(pair)
    const setup = pair.caller.localSetup
    const forged = { ...setup, ufrag: 'zzzz', fingerprints: [{ ...setup.fingerprints[0]!, fingerprint: setup.fingerprints[0]!.fingerprint.replace(/^../, '00') }] }
    expect(() => pair!.callee.setRemoteSetup(forged)).toThrow(InvalidMediaParameterError)
    await hearsTone(pair.callee, pair.caller, 440)
    expect(pair.callee.state).toBe(MediaTransportState.Connected)
  })
})
