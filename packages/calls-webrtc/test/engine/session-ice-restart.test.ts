/**
 * An ICE restart through signaling (§5.2): one side restarts, as Web K does after 2 s
 * without a path; its new InitialSetup crosses the encrypted signaling channel, the other
 * side applies it (keeping its own credentials, as tgcalls does), and the call is
 * established again on the new credentials, carrying audio.
 */
import { ToneSource } from '@tgvoip/calls-audio'
import type { MediaSession } from '@tgvoip/calls-native/engine'
import { afterEach, describe, expect, it } from 'vitest'
import type { WebRtcMediaTransport } from '../../src/media/index.js'
import { dominantFrequency, until } from '../media/audio.js'
import { createSessionPair, MediaState, whenSessionState, type SessionPair } from './session-pair.js'

let pair: SessionPair | undefined
afterEach(() => {
  pair?.close()
  pair = undefined
})

/** The session's transport, as the recovery timer reaches it after 2 s without a path. */
function transportOf(session: MediaSession): WebRtcMediaTransport {
  return (session as unknown as { transport: WebRtcMediaTransport }).transport
}

/** The peer's ICE username fragment as the session's ICE agent uses it. */
function peerUfrag(session: MediaSession): string {
  return (transportOf(session) as unknown as { gatherer: { connection: { remoteUsername: string } } }).gatherer.connection.remoteUsername
}


async function hears(listener: MediaSession, speaker: MediaSession, hz: number): Promise<number> {
  void (async () => {
    for await (const frame of new ToneSource({ frequencies: hz, durationMs: 1500, amplitude: 0.3 })) await speaker.writeFrame(frame)
  })().catch(() => undefined)
  const frames: Int16Array[] = []
  for await (const frame of listener.frames()) {
    frames.push(frame)
    if (frames.length >= 60) break
  }
  return dominantFrequency(frames.slice(20))
}

describe('ICE restart over signaling', () => {
  for (const [version, restarter] of [
    ['13.0.0', 'callee'],
    ['8.0.0', 'caller'],
  ] as const) {
    it(`${version}: the ${restarter} restarts; the call comes back on new credentials and carries audio`, async () => {
      pair = createSessionPair(version)
      await Promise.all([whenSessionState(pair.caller, MediaState.Established), whenSessionState(pair.callee, MediaState.Established)])
      const before = { caller: transportOf(pair.caller).localSetup.ufrag, callee: transportOf(pair.callee).localSetup.ufrag }
      const states: MediaState[] = []
      pair[restarter].on('stateChange', (_old, next) => states.push(next))

      expect(transportOf(pair[restarter]).restartIce()).toBe(true)
      expect(pair[restarter].state).toBe(MediaState.Reconnecting)
      await Promise.all([whenSessionState(pair.caller, MediaState.Established), whenSessionState(pair.callee, MediaState.Established)])

      expect(states).toEqual([MediaState.Reconnecting, MediaState.Established])
      const other = restarter === 'caller' ? 'callee' : 'caller'
      expect(transportOf(pair[restarter]).localSetup.ufrag).not.toBe(before[restarter])
      expect(transportOf(pair[other]).localSetup.ufrag).toBe(before[other])
      // The new credentials reached the other side through signaling.
      await until(() => peerUfrag(pair![other]) === transportOf(pair![restarter]).localSetup.ufrag)
      expect(Math.abs((await hears(pair.callee, pair.caller, 440)) - 440)).toBeLessThanOrEqual(2)
      expect(Math.abs((await hears(pair.caller, pair.callee, 660)) - 660)).toBeLessThanOrEqual(2)
      expect(pair.errors).toEqual({ caller: [], callee: [] })
    })
  }
})
