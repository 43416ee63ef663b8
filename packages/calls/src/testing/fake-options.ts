import type { tl } from '@mtcute/core'
import type { RelayFaults } from '@tgvoip/calls-native/testing'

/** A `phoneConnection` endpoint the fake server hands out (e.g. a local relay). */
export interface FakeRelay {
  id: bigint
  ip: string
  ipv6?: string
  port: number
  tcp?: boolean
}

/** A STUN/TURN server the fake server hands out as `phoneConnectionWebrtc`. */
export interface FakeRtcServer {
  id: bigint
  ip: string
  ipv6?: string
  port: number
  username?: string
  password?: string
  turn?: boolean
  stun?: boolean
}

/**
 * Faults on the way of `phone.sendSignalingData` blobs to the other side, seeded like the
 * relay's: drop, duplicate, delay, and reorder (a reordered blob is held back by 20–80 ms
 * more, so later ones overtake it).
 */
export interface SignalingFaults {
  dropRate?: number
  duplicateRate?: number
  reorderRate?: number
  delayMs?: number
  /** Flips one random bit of this fraction of blobs (a blob altered on the way). */
  corruptRate?: number
  seed?: number
}

/**
 * How the server picks the call's one library version among those both sides offer:
 * the caller's preference (default), the callee's, or a function (which must return a
 * version both offer).
 */
export type LibraryVersionChoice =
  | 'caller'
  | 'callee'
  | ((offers: { caller: readonly string[]; callee: readonly string[] }) => string)

export interface FakeDhConfig {
  g: number
  p: Uint8Array | bigint
}

/** Who receives a fake update: the user and which of their devices (0-based, in connect order). */
export interface FakeRecipient {
  userId: number
  deviceIndex: number
}

export interface FakeTelegramOptions {
  /** `messages.getDhConfig`; Telegram's prime with g = 3 by default. Change later with `setDhConfig`. */
  dhConfig?: FakeDhConfig
  /** Call timeouts in `help.getConfig` (Telegram's values by default). */
  config?: Partial<Pick<tl.RawConfig, 'callReceiveTimeoutMs' | 'callRingTimeoutMs' | 'callConnectTimeoutMs' | 'callPacketTimeoutMs'>>
  /** `phone.getCallConfig` JSON. */
  callConfig?: Record<string, unknown>
  /**
   * Endpoints put in `phoneCall.connections`, used as given (no local relay is started).
   * Default: `localRelays` relays started on 127.0.0.1 by `FakeTelegram` itself.
   */
  relays?: FakeRelay[]
  /**
   * How many `LocalRelay`s (from `@tgvoip/calls-native/testing`) to start on loopback UDP
   * when `relays` is not given (default 1; 0 for signaling-only tests that need no socket).
   */
  localRelays?: number
  /** Faults of the local relays: loss, duplication, reordering, jitter (seeded). */
  relayFaults?: RelayFaults
  /**
   * Peer tag for one relay of one call, per side. Default: 16 random bytes per (call, relay)
   * for the caller, and the same with bit 0 of byte 15 set for the callee, which is how a
   * relay pairs the two sides and tells them apart (spec §10.2).
   */
  peerTag?: (info: { callId: bigint; relay: FakeRelay; side: 'caller' | 'callee' }) => Uint8Array
  /** STUN/TURN servers put in `phoneCall.connections` as `phoneConnectionWebrtc` (default none). */
  rtcServers?: FakeRtcServer[]
  /**
   * Which library version the server chooses when both sides offer several (Telegram's rule
   * is not documented). No common version fails `phone.acceptCall` with
   * `CALL_PROTOCOL_COMPAT_LAYER_INVALID`, as Telegram does.
   */
  libraryVersionChoice?: LibraryVersionChoice
  /** Faults applied to signaling blobs relayed between the two sides. */
  signalingFaults?: SignalingFaults
  /**
   * `phoneCall.custom_parameters` JSON for established calls (default: none besides the
   * loopback marker below).
   */
  customParameters?: Record<string, unknown>
  /**
   * Adds `"tgvoip_test_loopback": true` to `custom_parameters` (default true): the tgcalls v2
   * engine (`WebRtcCallEngine`) then runs its media on 127.0.0.1 host candidates, which it
   * never gathers otherwise, since a real peer cannot reach them. Real Telegram never sends
   * a `tgvoip_` key. The libtgvoip engine ignores it (it uses the fake's local relays).
   */
  loopbackMedia?: boolean
  /** `phoneCall.p2pAllowed` (default false: relays only). */
  p2pAllowed?: boolean
  /** Ask for a rating (`needRating`) when an established call is discarded (default true). */
  needRating?: boolean
  /** Ask for the debug log (`needDebug`) when an established call is discarded (default false). */
  needDebug?: boolean
  /**
   * Delay before each RPC answer reaches the client, in ms (default 0). The server acts at
   * once, so updates it pushes can overtake the answer, as on a real network.
   */
  rpcDelayMs?: number
  /** Delay before each update is delivered, in ms (default 0: next microtask). */
  updateDelayMs?: number
  /** Deliver every update twice (tests duplicate handling). */
  duplicateUpdates?: boolean
  /**
   * Sees every `phoneCall*` update before delivery; return a modified copy to tamper with it
   * (wrong `g_b`, fingerprint, ...) or null to drop it.
   */
  tamperUpdate?: (phoneCall: tl.TypePhoneCall, to: FakeRecipient) => tl.TypePhoneCall | null
  /** mtcute log level of the fake clients (default 0: silent). */
  logLevel?: number
}
