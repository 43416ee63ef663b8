import { randomBytes } from 'node:crypto'

import { Long, tl } from '@mtcute/core'
import { TelegramClient } from '@mtcute/core/client.js'
import { LocalRelay } from '@tgvoip/calls-native/testing'

import { i2b } from '../crypto/bytes.js'
import { TELEGRAM_DH_PRIME } from '../crypto/safe-prime.js'
import { bigIntToLong } from '../signaling/long.js'
import { DEFAULT_CALL_TIMEOUTS } from '../signaling/server-config.js'
import { FakeTelegramClient } from './fake-client.js'
import type { FakeDhConfig, FakeRelay, FakeTelegramOptions } from './fake-options.js'
import type { FakeDevice, FakeServerCall } from './fake-phone.js'
import { FakePhoneService } from './fake-phone.js'
import { FakeSignalingPath, type SignalingStats } from './fake-signaling.js'

/** A fake account. */
export interface FakeUser {
  readonly id: number
  readonly firstName: string
  readonly username: string | null
}

/** One RPC as the fake server saw it, for assertions. */
export interface FakeRequest {
  userId: number
  deviceIndex: number
  method: string
  request: tl.RpcMethod
}

interface Device extends FakeDevice {
  client: FakeTelegramClient
  /** The high-level client handed out: destroyed through it, so plugins' destroy hooks run. */
  highLevel: TelegramClient
}

/**
 * An in-process Telegram for offline tests and demos: `createClient()` gives connected mtcute
 * `TelegramClient`s for fake users, and the server side of user lookup,
 * `messages.getDhConfig`, `help.getConfig`, `phone.getCallConfig` and the `phone.*` call
 * methods runs in memory. No network, no account, works with or without a test runner.
 */
export class FakeTelegram {
  /** Every RPC the clients made, in order. */
  readonly requests: FakeRequest[] = []
  private readonly users = new Map<number, { user: FakeUser; raw: tl.RawUser; devices: Device[] }>()
  private readonly phone: FakePhoneService
  private dh: { g: number; p: Uint8Array; version: number }
  private nextUserId = 1000
  private readonly timers = new Set<NodeJS.Timeout>()
  private readonly startedRelays: LocalRelay[] = []
  private relaysStarting: Promise<void> | null = null
  private readonly signaling: FakeSignalingPath

  constructor(readonly options: FakeTelegramOptions = {}) {
    this.dh = { ...encodeDh(options.dhConfig ?? { g: 3, p: TELEGRAM_DH_PRIME }), version: 1 }
    this.signaling = new FakeSignalingPath(options.signalingFaults ?? {}, (delayMs, deliver) => this.schedule(deliver, delayMs))
    this.phone = new FakePhoneService(
      options,
      (userId) => this.users.get(userId)?.devices ?? [],
      (userId) => this.users.has(userId),
      (call) => this.rawUsers([call.adminId, call.participantId]),
      () => this.endpoints(),
    )
  }

  /**
   * The UDP relays this fake server started on loopback (empty when `relays` was given, or
   * before the first client connected). Tests change their faults with `setFaults()`.
   */
  get localRelays(): readonly LocalRelay[] {
    return this.startedRelays
  }

  /** Server-side state of every call, by id. */
  get calls(): ReadonlyMap<bigint, FakeServerCall> {
    return this.phone.calls
  }

  /** What happened to the signaling blobs relayed between call sides (with `signalingFaults`). */
  get signalingStats(): Readonly<SignalingStats> {
    return this.signaling.stats
  }

  /**
   * Delivers `data` as `updatePhoneCallSignalingData` to one side of a call, as if its peer
   * had sent it (no faults): hostile-input tests. Throws for an unknown call or a side not
   * in the call yet.
   */
  injectSignalingData(callId: bigint, side: 'caller' | 'callee', data: Uint8Array): void {
    const call = this.phone.calls.get(callId)
    const device = side === 'caller' ? call?.callerDevice : call?.acceptedBy
    if (!device) throw new Error(`FakeTelegram: call ${callId} has no ${side} device`)
    device.injectSignaling(callId, data)
  }

  /** Requests of one method, e.g. `requestsOf('phone.discardCall')`. */
  requestsOf(method: string): FakeRequest[] {
    return this.requests.filter((r) => r.method === method)
  }

  /** Replaces the DH config; the version is bumped so clients re-fetch it. Values are not checked. */
  setDhConfig(config: FakeDhConfig): void {
    this.dh = { ...encodeDh(config), version: this.dh.version + 1 }
  }

  addUser(info: { firstName?: string; username?: string } = {}): FakeUser {
    const id = this.nextUserId++
    const user: FakeUser = { id, firstName: info.firstName ?? `User ${id}`, username: info.username ?? null }
    const raw: tl.RawUser = {
      _: 'user',
      id,
      accessHash: Long.fromNumber(id * 7919),
      firstName: user.firstName,
      username: user.username ?? undefined,
    }
    this.users.set(id, { user, raw, devices: [] })
    return user
  }

  /** A new logged-in device (client) of `user`. Call twice for a second device. */
  async connect(user: FakeUser): Promise<TelegramClient> {
    const entry = this.users.get(user.id)
    if (!entry) throw new Error(`FakeTelegram: unknown user ${user.id}`)
    await this.startRelays()
    const client = new FakeTelegramClient(this.options.logLevel ?? 0, this.options.rpcDelayMs ?? 0)
    const highLevel = new TelegramClient({ client })
    const device: Device = {
      userId: user.id,
      deviceIndex: entry.devices.length,
      client,
      highLevel,
      push: (phoneCall) => this.deliver(device, phoneCall),
      pushSignaling: (callId, data) => this.signaling.relay(data, (blob) => device.client.receive(signalingUpdates(callId, blob))),
      injectSignaling: (callId, data) => this.schedule(() => device.client.receive(signalingUpdates(callId, data))),
    }
    client.attach((request) => this.handle(device, request))
    entry.devices.push(device)
    await client.prepare()
    await client.notifyLoggedIn({ ...entry.raw, self: true })
    return highLevel
  }

  /** `addUser` + `connect`. */
  async createClient(info: { firstName?: string; username?: string } = {}): Promise<TelegramClient> {
    return this.connect(this.addUser(info))
  }

  /**
   * Destroys every client (through `TelegramClient.destroy()`, so the calls plugin hangs up
   * first), then stops the local relays and cancels pending deliveries.
   */
  async destroy(): Promise<void> {
    const devices = [...this.users.values()].flatMap((entry) => entry.devices.splice(0))
    await Promise.all(devices.map((device) => device.highLevel.destroy()))
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
    await this.relaysStarting?.catch(() => undefined)
    await Promise.all(this.startedRelays.splice(0).map((relay) => relay.close()))
  }

  private startRelays(): Promise<void> {
    if (this.options.relays) return Promise.resolve()
    this.relaysStarting ??= (async () => {
      const count = this.options.localRelays ?? 1
      for (let i = 0; i < count; i++) {
        this.startedRelays.push(await LocalRelay.create({ faults: this.options.relayFaults }))
      }
    })()
    return this.relaysStarting
  }

  private endpoints(): FakeRelay[] {
    if (this.options.relays) return this.options.relays
    return this.startedRelays.map((relay, i) => ({ id: BigInt(i + 1), ip: relay.host, port: relay.port }))
  }

  private handle(device: Device, request: tl.RpcMethod): unknown {
    this.requests.push({ userId: device.userId, deviceIndex: device.deviceIndex, method: request._, request })
    const answer = this.phone.handle(device, request) ?? this.handleGeneral(device, request)
    if (answer === undefined) throw new tl.RpcError(400, 'FAKE_TELEGRAM_UNSUPPORTED_METHOD')
    return answer
  }

  private handleGeneral(device: Device, request: tl.RpcMethod): unknown {
    switch (request._) {
      case 'users.getUsers':
        return this.rawUsers(
          request.id.map((input) => (input._ === 'inputUserSelf' ? device.userId : input._ === 'inputUser' ? input.userId : -1)),
          device.userId,
        )
      case 'contacts.resolveUsername': {
        const entry = [...this.users.values()].find((u) => u.user.username?.toLowerCase() === request.username.toLowerCase())
        if (!entry) throw new tl.RpcError(400, 'USERNAME_NOT_OCCUPIED')
        return { _: 'contacts.resolvedPeer', peer: { _: 'peerUser', userId: entry.user.id }, users: [entry.raw], chats: [] }
      }
      case 'messages.getDhConfig':
        if (request.version === this.dh.version) {
          return { _: 'messages.dhConfigNotModified', random: randomBytes(request.randomLength) }
        }
        return { _: 'messages.dhConfig', g: this.dh.g, p: this.dh.p, version: this.dh.version, random: randomBytes(request.randomLength) }
      case 'help.getConfig':
        return {
          _: 'config',
          callReceiveTimeoutMs: DEFAULT_CALL_TIMEOUTS.receiveTimeoutMs,
          callRingTimeoutMs: DEFAULT_CALL_TIMEOUTS.ringTimeoutMs,
          callConnectTimeoutMs: DEFAULT_CALL_TIMEOUTS.connectTimeoutMs,
          callPacketTimeoutMs: DEFAULT_CALL_TIMEOUTS.packetTimeoutMs,
          ...this.options.config,
        }
      case 'phone.getCallConfig':
        return { _: 'dataJSON', data: JSON.stringify(this.options.callConfig ?? defaultCallConfig) }
      default:
        return undefined
    }
  }

  private deliver(device: Device, original: tl.TypePhoneCall): void {
    const phoneCall = this.options.tamperUpdate
      ? this.options.tamperUpdate(original, { userId: device.userId, deviceIndex: device.deviceIndex })
      : original
    if (!phoneCall) return
    const peerIds = 'adminId' in phoneCall ? [phoneCall.adminId, phoneCall.participantId] : []
    const updates: tl.RawUpdates = {
      _: 'updates',
      updates: [{ _: 'updatePhoneCall', phoneCall }],
      users: this.rawUsers(peerIds, device.userId),
      chats: [],
      date: Math.floor(Date.now() / 1000),
      seq: 0,
    }
    const times = this.options.duplicateUpdates ? 2 : 1
    for (let i = 0; i < times; i++) this.schedule(() => device.client.receive(updates))
  }

  private rawUsers(ids: number[], selfId?: number): tl.RawUser[] {
    return ids.flatMap((id) => {
      const entry = this.users.get(id)
      return entry ? [{ ...entry.raw, self: id === selfId }] : []
    })
  }

  private schedule(fn: () => void, delay = this.options.updateDelayMs ?? 0): void {
    if (delay <= 0) {
      queueMicrotask(fn)
      return
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      fn()
    }, delay)
    this.timers.add(timer)
  }
}

function signalingUpdates(callId: bigint, data: Uint8Array): tl.RawUpdates {
  return {
    _: 'updates',
    updates: [{ _: 'updatePhoneCallSignalingData', phoneCallId: bigIntToLong(callId), data }],
    users: [],
    chats: [],
    date: Math.floor(Date.now() / 1000),
    seq: 0,
  }
}

const defaultCallConfig = {
  audio_frame_size: 60,
  jitter_min_delay_60: 2,
  jitter_max_delay_60: 10,
  audio_max_bitrate: 20000,
  use_tcp: false,
  force_tcp: false,
}

function encodeDh(config: FakeDhConfig): { g: number; p: Uint8Array } {
  if (typeof config.p !== 'bigint') return { g: config.g, p: config.p }
  const bytes = Math.max(1, Math.ceil(config.p.toString(16).length / 2))
  return { g: config.g, p: i2b(config.p, bytes) }
}
