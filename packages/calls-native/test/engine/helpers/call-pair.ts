/** Two VoIPControllers (caller and callee) talking through LocalRelays on loopback. */
import { randomBytes } from 'node:crypto'
import { isIPv6 } from 'node:net'
import { CallState, DataSaving, VoIPController, type Endpoint, type ProxyOptions } from '../../../src/index.js'
import { LocalRelay } from '../../../src/testing/index.js'
import { SineGenerator } from '../../helpers/audio.js'

export interface PairOptions {
  initTimeout?: number
  recvTimeout?: number
  callerTone?: number
  calleeTone?: number
  /** Give the callee a different key (handshake must fail). */
  wrongKey?: boolean
  /** Collect received frames (default true). */
  record?: boolean
  /** VoIPControllerOptions.liveInput for both sides. */
  liveInput?: boolean
  /** setRemoteEndpoints() allowP2p for both sides. */
  allowP2p?: boolean
  /** setRemoteEndpoints() tcp (relay over TCP from the start) for both sides. */
  tcp?: boolean
  /** The caller's data-saving mode (default NEVER; the callee never saves data). */
  callerDataSaving?: DataSaving
  /** setProxy() for both sides. */
  proxy?: ProxyOptions
  /** Rewrites each side's endpoint list (e.g. to give a relay both addresses). */
  endpoints?: (endpoints: Endpoint[]) => Endpoint[]
}

/** Where a relay listens: a LocalRelay, or one running in another process. */
export interface RelayAddress {
  host: string
  port: number
}

/** A relay as Telegram lists it to both sides; each gets its own tag pair. */
export interface RelayEntry {
  relay: RelayAddress
  id: bigint
}

export interface Side {
  controller: VoIPController
  received: Int16Array[]
  /** Wall-clock ms of each received frame. */
  receivedAt: number[]
}

export interface CallPair {
  caller: Side
  callee: Side
  close(): void
}

/** The relay's address goes in `ip` or, for an IPv6 relay, in `ipv6` alone. */
export function relayEndpoint(relay: RelayAddress, tag: Uint8Array, id = 1n): Endpoint {
  const v6 = isIPv6(relay.host)
  return { id, ip: v6 ? '' : relay.host, ipv6: v6 ? relay.host : '', port: relay.port, peerTag: tag }
}

/** One side of a call: a VoIPController set up (not started) with `endpoints`, playing `tone` and recording what it hears. */
export function makeSide(
  key: Uint8Array,
  isOutgoing: boolean,
  endpoints: Endpoint[],
  options: PairOptions,
  tone: number | undefined,
): Side {
  const controller = new VoIPController({ liveInput: options.liveInput ?? false })
  controller.setConfig({
    initTimeout: options.initTimeout ?? 5,
    recvTimeout: options.recvTimeout ?? 5,
    dataSavingMode: isOutgoing ? (options.callerDataSaving ?? DataSaving.NEVER) : DataSaving.NEVER,
    callId: 1n,
  })
  controller.setEncryptionKey(key, isOutgoing)
  if (options.proxy) {
    const { host, port, username, password } = options.proxy
    controller.setProxy(host, port, username, password)
  }
  controller.setRemoteEndpoints(endpoints, options.allowP2p ?? false, options.tcp ?? false, VoIPController.CONNECTION_MAX_LAYER)
  const side: Side = { controller, received: [], receivedAt: [] }
  if (tone !== undefined) {
    const source = new SineGenerator(tone)
    controller.setSendAudioFrameCallback((length) => source.next(length / 2))
  }
  if (options.record !== false) {
    controller.setRecvAudioFrameCallback((frame) => {
      side.received.push(new Int16Array(frame.slice().buffer))
      side.receivedAt.push(Date.now())
    })
  }
  return side
}

/** A caller and a callee reaching each other through `relays` (one relay: endpoint id 1). */
export function createCallPair(relays: LocalRelay | readonly RelayEntry[], options: PairOptions = {}): CallPair {
  const entries = relays instanceof LocalRelay ? [{ relay: relays, id: 1n }] : relays
  const tagged = entries.map((entry) => ({ ...entry, tags: LocalRelay.createTagPair() }))
  const key = new Uint8Array(randomBytes(256))
  const calleeKey = options.wrongKey ? new Uint8Array(randomBytes(256)) : key
  const rewrite = options.endpoints ?? ((endpoints: Endpoint[]) => endpoints)
  const callerEndpoints = rewrite(tagged.map(({ relay, id, tags }) => relayEndpoint(relay, tags.callerTag, id)))
  const calleeEndpoints = rewrite(tagged.map(({ relay, id, tags }) => relayEndpoint(relay, tags.calleeTag, id)))
  const caller = makeSide(key, true, callerEndpoints, options, options.callerTone)
  const callee = makeSide(calleeKey, false, calleeEndpoints, options, options.calleeTone)
  return {
    caller,
    callee,
    close() {
      caller.controller.destroy()
      callee.controller.destroy()
    },
  }
}

export function connectBoth(pair: CallPair): void {
  for (const side of [pair.caller, pair.callee]) {
    side.controller.start()
    side.controller.connect()
  }
}

/** connectBoth(), then waits for the callee to be ESTABLISHED; returns the two controllers. */
export async function connectEstablished(pair: CallPair, timeoutMs = 3000): Promise<[caller: VoIPController, callee: VoIPController]> {
  connectBoth(pair)
  await waitForState(pair.callee.controller, CallState.ESTABLISHED, timeoutMs)
  return [pair.caller.controller, pair.callee.controller]
}

/** Resolves when `controller` reaches `state`; rejects after `timeoutMs`. */
export function waitForState(controller: VoIPController, state: CallState, timeoutMs: number): Promise<void> {
  if (controller.state === state) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      controller.off('stateChange', listener)
      reject(new Error(`state ${CallState[controller.state]} after ${timeoutMs} ms, wanted ${CallState[state]}`))
    }, timeoutMs)
    const listener = (_old: CallState, next: CallState): void => {
      if (next !== state) return
      clearTimeout(timer)
      controller.off('stateChange', listener)
      resolve()
    }
    controller.on('stateChange', listener)
  })
}

/** Resolves when both sides of `pair` reach `state`; rejects if either takes over `timeoutMs`. */
export async function waitForBoth(pair: CallPair, state: CallState, timeoutMs: number): Promise<void> {
  await Promise.all([waitForState(pair.caller.controller, state, timeoutMs), waitForState(pair.callee.controller, state, timeoutMs)])
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
