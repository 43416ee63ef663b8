/** Two engine sessions of one call, their signaling blobs piped to each other (optionally altered), as the calls plugin would wire them. */
import { randomBytes } from 'node:crypto'
import { MediaState, type CallEngineSessionOptions, type MediaSession } from '@tgvoip/calls-native/engine'
import { TEST_LOOPBACK_PARAMETER, WebRtcCallEngine } from '../../src/index.js'

export interface SessionPair {
  caller: MediaSession
  callee: MediaSession
  errors: { caller: Error[]; callee: Error[] }
  close(): void
}

export function sessionOptions(overrides: Partial<CallEngineSessionOptions> = {}): CallEngineSessionOptions {
  return {
    callId: 1n,
    key: randomBytes(256),
    isOutgoing: true,
    endpoints: [],
    rtcServers: [],
    allowP2p: false,
    maxLayer: 92,
    libraryVersion: '13.0.0',
    connectTimeoutMs: 10_000,
    packetTimeoutMs: 10_000,
    serverConfig: {},
    customParameters: { [TEST_LOOPBACK_PARAMETER]: true },
    network: { dataSaving: 'never', networkType: undefined, maxBitrate: undefined, proxy: undefined },
    ...overrides,
  }
}

export function createSessionPair(
  version: string,
  options: { calleeKey?: Uint8Array; alter?: (blob: Uint8Array) => Uint8Array; engine?: WebRtcCallEngine } = {},
): SessionPair {
  const engine = options.engine ?? new WebRtcCallEngine()
  const key = randomBytes(256)
  const caller = engine.createSession(sessionOptions({ key, isOutgoing: true, libraryVersion: version }))
  const callee = engine.createSession(sessionOptions({ key: options.calleeKey ?? key, isOutgoing: false, libraryVersion: version }))
  const errors = { caller: [] as Error[], callee: [] as Error[] }
  caller.on('error', (e) => errors.caller.push(e))
  callee.on('error', (e) => errors.callee.push(e))
  const alter = options.alter ?? ((blob: Uint8Array) => blob)
  // Telegram delivers asynchronously: never re-enter a session from inside its own emit.
  caller.on('signalingData', (blob) => setImmediate(() => callee.receiveSignalingData(alter(blob))))
  callee.on('signalingData', (blob) => setImmediate(() => caller.receiveSignalingData(alter(blob))))
  caller.start()
  callee.start()
  return {
    caller,
    callee,
    errors,
    close: () => {
      caller.close()
      callee.close()
    },
  }
}

export function whenSessionState(session: MediaSession, state: MediaState, timeoutMs = 10_000): Promise<void> {
  if (session.state === state) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ${state} after ${timeoutMs} ms (is ${session.state})`)), timeoutMs)
    session.on('stateChange', (_old, next) => {
      if (next !== state) return
      clearTimeout(timer)
      resolve()
    })
  })
}

export { MediaState }
