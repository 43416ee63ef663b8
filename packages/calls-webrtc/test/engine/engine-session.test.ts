/** WebRtcCallEngine sessions against each other (no Telegram): §4.7 order, audio, mute, failures. */
import { randomBytes } from 'node:crypto'
import { ToneSource } from '@tgvoip/calls-audio'
import type { MediaSession } from '@tgvoip/calls-native/engine'
import { afterEach, describe, expect, it } from 'vitest'
import {
  SignalingKeyMismatchError,
  SignalingUnusableError,
  UnsupportedServerSwitchError,
  UnsupportedVersionError,
  WebRtcCallEngine,
  WebRtcMediaSession,
} from '../../src/index.js'
import { dominantFrequency, until } from '../media/audio.js'
import { createSessionPair, MediaState, sessionOptions, whenSessionState, type SessionPair } from './session-pair.js'

let pair: SessionPair | undefined
afterEach(() => {
  pair?.close()
  pair = undefined
})

async function play(session: MediaSession, hz: number, durationMs: number): Promise<void> {
  for await (const frame of new ToneSource({ frequencies: hz, durationMs, amplitude: 0.3 })) await session.writeFrame(frame)
}

async function collect(session: MediaSession, count: number): Promise<Int16Array[]> {
  const frames: Int16Array[] = []
  for await (const frame of session.frames()) {
    frames.push(frame)
    if (frames.length >= count) break
  }
  return frames
}

describe('WebRtcCallEngine sessions', () => {
  for (const version of ['13.0.0', '12.0.0', '8.0.0']) {
    it(`${version}: establishes and carries a tone each way (±2 Hz)`, async () => {
      pair = createSessionPair(version)
      await Promise.all([whenSessionState(pair.caller, MediaState.Established), whenSessionState(pair.callee, MediaState.Established)])
      play(pair.caller, 440, 1500).catch(() => {})
      play(pair.callee, 660, 1500).catch(() => {})
      const [calleeHears, callerHears] = await Promise.all([collect(pair.callee, 60), collect(pair.caller, 60)])
      expect(Math.abs(dominantFrequency(calleeHears.slice(20)) - 440)).toBeLessThanOrEqual(2)
      expect(Math.abs(dominantFrequency(callerHears.slice(20)) - 660)).toBeLessThanOrEqual(2)
      const log = JSON.parse(pair.caller.debugLog()) as { libraryVersion: string; framing: string }
      expect(log.libraryVersion).toBe(version)
      expect(log.framing).toBe(version === '8.0.0' ? 'reliable' : 'sctp')
      expect(pair.caller.stats().signalBars).toBeGreaterThanOrEqual(1)
      expect(pair.caller.preferredRelayId()).toBe(0n)
    })
  }

  it('reports our mute to the peer through MediaState on the data channel', async () => {
    pair = createSessionPair('13.0.0')
    await Promise.all([whenSessionState(pair.caller, MediaState.Established), whenSessionState(pair.callee, MediaState.Established)])
    const callee = pair.callee as WebRtcMediaSession
    await until(() => JSON.parse(pair!.caller.debugLog()).events.some((e: string) => e.includes('media connected')))
    pair.caller.setMuted(true)
    await until(() => callee.peerMuted)
    pair.caller.setMuted(false)
    await until(() => !callee.peerMuted)
  })

  // The callee hears the caller's opening messages; it never answers them, so the caller only
  // learns of the failure from Telegram (the callee discards the call).
  it('a wrong key fails the call with SignalingKeyMismatchError', async () => {
    pair = createSessionPair('13.0.0', { calleeKey: randomBytes(256) })
    await whenSessionState(pair.callee, MediaState.Failed)
    expect(pair.errors.callee[0]).toBeInstanceOf(SignalingKeyMismatchError)
    expect(pair.caller.state).toBe(MediaState.Connecting)
  })

  it('8.0.0 blobs altered on the way fail the call with SignalingKeyMismatchError; 13.0.0 with SignalingUnusableError', async () => {
    const flip = (blob: Uint8Array): Uint8Array => {
      const copy = Uint8Array.from(blob)
      copy[copy.length - 1]! ^= 0x01
      return copy
    }
    pair = createSessionPair('8.0.0', { alter: flip })
    await whenSessionState(pair.callee, MediaState.Failed)
    expect(pair.errors.callee[0]).toBeInstanceOf(SignalingKeyMismatchError)
    pair.close()
    // V3: the flipped bit breaks the SCTP checksum, so nothing ever reaches the decryption.
    pair = createSessionPair('13.0.0', { alter: flip })
    await whenSessionState(pair.callee, MediaState.Failed, 15_000)
    expect(pair.errors.callee[0]).toBeInstanceOf(SignalingUnusableError)
  })

  it('refuses versions it did not offer and switches it cannot honour', () => {
    const engine = new WebRtcCallEngine()
    expect(() => engine.createSession(sessionOptions({ libraryVersion: '2.4.4' }))).toThrow(UnsupportedVersionError)
    expect(() => engine.createSession(sessionOptions({ libraryVersion: '7.0.0' }))).toThrow(UnsupportedVersionError)
    expect(() => engine.createSession(sessionOptions({ customParameters: { network_use_mtproto: true } }))).toThrow(UnsupportedServerSwitchError)
    expect(engine.libraryVersions).toEqual(['13.0.0', '12.0.0', '8.0.0'])
  })
})

