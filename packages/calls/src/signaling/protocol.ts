import type { tl } from '@mtcute/core'

import type { CallEngine } from '../engine/call-engine.js'

/**
 * What we advertise when no engine is plugged in: libtgvoip's protocol range. The server
 * only hands out `phoneConnection` relays when a libtgvoip version is listed, and a
 * signaling-only call should look like one a real engine would make.
 */
export const DEFAULT_PROTOCOL = {
  minLayer: 65,
  maxLayer: 92,
  libraryVersions: ['2.4.4'],
} as const

/** The `phoneCallProtocol` sent with request/accept/confirm. */
export function buildProtocol(engine: CallEngine | undefined): tl.RawPhoneCallProtocol {
  const source = engine ?? DEFAULT_PROTOCOL
  return {
    _: 'phoneCallProtocol',
    udpP2p: true,
    udpReflector: true,
    minLayer: source.minLayer,
    maxLayer: source.maxLayer,
    libraryVersions: [...source.libraryVersions],
  }
}
