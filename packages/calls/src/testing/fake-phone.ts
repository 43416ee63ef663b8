import { randomBytes } from 'node:crypto'

import type { Long } from '@mtcute/core'
import { tl } from '@mtcute/core'

import { TEST_LOOPBACK_PARAMETER } from '@tgvoip/calls-webrtc'

import { bigIntToLong, longToBigInt } from '../signaling/long.js'
import type { FakeRelay, FakeRtcServer, FakeTelegramOptions, LibraryVersionChoice } from './fake-options.js'

/** One connected client of a fake user. */
export interface FakeDevice {
  readonly userId: number
  readonly deviceIndex: number
  push(phoneCall: tl.TypePhoneCall): void
  /** `updatePhoneCallSignalingData` for this device, through the configured signaling faults. */
  pushSignaling(callId: bigint, data: Uint8Array): void
  /** `updatePhoneCallSignalingData` for this device as given (no faults): `FakeTelegram.injectSignalingData`. */
  injectSignaling(callId: bigint, data: Uint8Array): void
}

export type FakeCallState = 'requested' | 'accepted' | 'confirmed' | 'discarded'

/** The server's view of a call, exposed for assertions (`fake.calls`). */
export interface FakeServerCall {
  readonly id: bigint
  readonly accessHash: Long
  readonly adminId: number
  readonly participantId: number
  readonly date: number
  state: FakeCallState
  gAHash: Uint8Array
  gA: Uint8Array | null
  gB: Uint8Array | null
  keyFingerprint: bigint | null
  protocol: tl.RawPhoneCallProtocol
  receiveDate: number | null
  startDate: number | null
  connections: tl.RawPhoneConnection[]
  callerDevice: FakeDevice
  acceptedBy: FakeDevice | null
  discard: { byUserId: number; reason: string; duration: number; connectionId: bigint } | null
  rating: { rating: number; comment: string } | null
  debugLog: string | null
}

function rpcError(text: string): tl.RpcError {
  return new tl.RpcError(400, text)
}

/**
 * Telegram's answer to two `phoneCallProtocol`s: the common layer range and exactly one
 * library version, chosen from those both sides offer.
 */
function negotiate(
  caller: tl.TypePhoneCallProtocol,
  callee: tl.TypePhoneCallProtocol,
  choice: LibraryVersionChoice = 'caller',
): tl.RawPhoneCallProtocol {
  const minLayer = Math.max(caller.minLayer, callee.minLayer)
  const maxLayer = Math.min(caller.maxLayer, callee.maxLayer)
  if (minLayer > maxLayer) throw rpcError('CALL_PROTOCOL_LAYER_INVALID')
  const common = caller.libraryVersions.filter((v) => callee.libraryVersions.includes(v))
  if (common.length === 0) throw new tl.RpcError(406, 'CALL_PROTOCOL_COMPAT_LAYER_INVALID')
  const offers = { caller: caller.libraryVersions, callee: callee.libraryVersions }
  const version =
    choice === 'caller' ? common[0]! : choice === 'callee' ? callee.libraryVersions.find((v) => common.includes(v))! : choice(offers)
  if (!common.includes(version)) throw new Error(`FakeTelegram: libraryVersionChoice returned ${version}, which not both sides offer`)
  return {
    _: 'phoneCallProtocol',
    udpP2p: Boolean(caller.udpP2p && callee.udpP2p),
    udpReflector: Boolean(caller.udpReflector && callee.udpReflector),
    minLayer,
    maxLayer,
    libraryVersions: [version],
  }
}

/**
 * The `phone.*` half of the fake server: Telegram's call state machine with its errors
 * (`CALL_ALREADY_ACCEPTED/DISCARDED/DECLINED`, `CALL_PEER_INVALID`), the second-device rule
 * (one accept wins, the other devices get `phoneCallDiscarded`), `receiveDate`, and relays.
 */
export class FakePhoneService {
  readonly calls = new Map<bigint, FakeServerCall>()

  constructor(
    private readonly options: FakeTelegramOptions,
    private readonly devicesOf: (userId: number) => FakeDevice[],
    private readonly userExists: (userId: number) => boolean,
    private readonly usersOf: (call: FakeServerCall) => tl.TypeUser[],
    private readonly relays: () => FakeRelay[],
  ) {}

  handle(device: FakeDevice, request: tl.RpcMethod): unknown {
    switch (request._) {
      case 'phone.requestCall':
        return this.requestCall(device, request)
      case 'phone.receivedCall':
        return this.receivedCall(device, request)
      case 'phone.acceptCall':
        return this.acceptCall(device, request)
      case 'phone.confirmCall':
        return this.confirmCall(device, request)
      case 'phone.discardCall':
        return this.discardCall(device, request)
      case 'phone.setCallRating': {
        const call = this.find(device, request.peer)
        call.rating = { rating: request.rating, comment: request.comment }
        return { _: 'updates', updates: [], users: [], chats: [], date: now(), seq: 0 } satisfies tl.RawUpdates
      }
      case 'phone.sendSignalingData':
        return this.sendSignalingData(device, request)
      case 'phone.saveCallDebug':
        this.find(device, request.peer).debugLog = request.debug.data
        return true
      default:
        return undefined
    }
  }

  private requestCall(device: FakeDevice, req: tl.phone.RawRequestCallRequest): tl.phone.RawPhoneCall {
    if (req.userId._ !== 'inputUser' || !this.userExists(req.userId.userId) || req.userId.userId === device.userId) {
      throw rpcError('USER_ID_INVALID')
    }
    if (req.gAHash.length !== 32) throw rpcError('G_A_HASH_INVALID')
    const call: FakeServerCall = {
      id: randomBytes(8).readBigInt64LE() & 0x7fffffffffffffffn,
      accessHash: bigIntToLong(randomBytes(8).readBigInt64LE()),
      adminId: device.userId,
      participantId: req.userId.userId,
      date: now(),
      state: 'requested',
      gAHash: req.gAHash,
      gA: null,
      gB: null,
      keyFingerprint: null,
      protocol: { ...req.protocol, _: 'phoneCallProtocol' },
      receiveDate: null,
      startDate: null,
      connections: [],
      callerDevice: device,
      acceptedBy: null,
      discard: null,
      rating: null,
      debugLog: null,
    }
    this.calls.set(call.id, call)
    for (const callee of this.devicesOf(call.participantId)) {
      callee.push({ ...this.base(call), _: 'phoneCallRequested', gAHash: call.gAHash, protocol: call.protocol })
    }
    return { _: 'phone.phoneCall', phoneCall: this.waiting(call), users: this.usersOf(call) }
  }

  private receivedCall(device: FakeDevice, req: tl.phone.RawReceivedCallRequest): boolean {
    const call = this.find(device, req.peer)
    if (call.state === 'discarded') throw rpcError('CALL_ALREADY_DISCARDED')
    if (device.userId === call.participantId && call.receiveDate === null) {
      call.receiveDate = now()
      call.callerDevice.push(this.waiting(call))
    }
    return true
  }

  private acceptCall(device: FakeDevice, req: tl.phone.RawAcceptCallRequest): tl.phone.RawPhoneCall {
    const call = this.find(device, req.peer)
    if (device.userId !== call.participantId) throw rpcError('CALL_PEER_INVALID')
    if (call.state === 'discarded') throw rpcError('CALL_ALREADY_DISCARDED')
    if (call.state !== 'requested') throw rpcError('CALL_ALREADY_ACCEPTED')
    call.protocol = negotiate(call.protocol, req.protocol, this.options.libraryVersionChoice)
    call.state = 'accepted'
    call.gB = req.gB
    call.acceptedBy = device
    call.receiveDate ??= now()
    for (const other of this.devicesOf(call.participantId)) {
      if (other !== device) other.push({ _: 'phoneCallDiscarded', id: bigIntToLong(call.id) })
    }
    call.callerDevice.push({ ...this.base(call), _: 'phoneCallAccepted', gB: call.gB, protocol: call.protocol })
    return { _: 'phone.phoneCall', phoneCall: this.waiting(call), users: this.usersOf(call) }
  }

  private confirmCall(device: FakeDevice, req: tl.phone.RawConfirmCallRequest): tl.phone.RawPhoneCall {
    const call = this.find(device, req.peer)
    if (device.userId !== call.adminId) throw rpcError('CALL_PEER_INVALID')
    if (call.state === 'discarded') throw rpcError('CALL_ALREADY_DISCARDED')
    if (call.state !== 'accepted') throw rpcError('CALL_PEER_INVALID')
    call.state = 'confirmed'
    call.gA = req.gA
    call.keyFingerprint = longToBigInt(req.keyFingerprint)
    call.startDate = now()
    call.connections = this.relays().map((relay) => this.connection(call, relay))
    const calleeView = this.established(call, call.gA, 'callee')
    call.acceptedBy!.push(calleeView)
    return { _: 'phone.phoneCall', phoneCall: this.established(call, call.gB!, 'caller'), users: this.usersOf(call) }
  }

  /** Relays a blob to the other side's device once both sides are in the call. */
  private sendSignalingData(device: FakeDevice, req: tl.phone.RawSendSignalingDataRequest): boolean {
    const call = this.find(device, req.peer)
    if (call.state === 'discarded') throw rpcError('CALL_ALREADY_DISCARDED')
    const to = device.userId === call.adminId ? call.acceptedBy : call.callerDevice
    if (call.state === 'requested' || !to || (device !== call.callerDevice && device !== call.acceptedBy)) {
      throw rpcError('CALL_PEER_INVALID')
    }
    to.pushSignaling(call.id, req.data)
    return true
  }

  private discardCall(device: FakeDevice, req: tl.phone.RawDiscardCallRequest): tl.RawUpdates {
    const call = this.find(device, req.peer)
    if (call.state === 'discarded') throw rpcError('CALL_ALREADY_DECLINED')
    const wasEstablished = call.state === 'confirmed'
    call.state = 'discarded'
    call.discard = { byUserId: device.userId, reason: req.reason._, duration: req.duration, connectionId: longToBigInt(req.connectionId) }
    const discarded: tl.RawPhoneCallDiscarded = {
      _: 'phoneCallDiscarded',
      id: bigIntToLong(call.id),
      reason: req.reason,
      duration: req.duration,
      needRating: wasEstablished && (this.options.needRating ?? true),
      needDebug: wasEstablished && (this.options.needDebug ?? false),
    }
    const involved = [call.callerDevice, ...(call.acceptedBy ? [call.acceptedBy] : this.devicesOf(call.participantId))]
    for (const other of involved) if (other !== device) other.push(discarded)
    return { _: 'updates', updates: [{ _: 'updatePhoneCall', phoneCall: discarded }], users: [], chats: [], date: now(), seq: 0 }
  }

  private find(device: FakeDevice, peer: tl.TypeInputPhoneCall): FakeServerCall {
    const call = this.calls.get(longToBigInt(peer.id))
    if (!call || !call.accessHash.eq(peer.accessHash)) throw rpcError('CALL_PEER_INVALID')
    if (device.userId !== call.adminId && device.userId !== call.participantId) throw rpcError('CALL_PEER_INVALID')
    return call
  }

  private base(call: FakeServerCall) {
    return { id: bigIntToLong(call.id), accessHash: call.accessHash, date: call.date, adminId: call.adminId, participantId: call.participantId }
  }

  private waiting(call: FakeServerCall): tl.RawPhoneCallWaiting {
    return { ...this.base(call), _: 'phoneCallWaiting', protocol: call.protocol, receiveDate: call.receiveDate ?? undefined }
  }

  private established(call: FakeServerCall, gAOrB: Uint8Array, side: 'caller' | 'callee'): tl.RawPhoneCall {
    return {
      ...this.base(call),
      _: 'phoneCall',
      p2pAllowed: this.options.p2pAllowed ?? false,
      gAOrB,
      keyFingerprint: bigIntToLong(call.keyFingerprint!),
      protocol: call.protocol,
      connections: [
        ...call.connections.map((c, i) => ({ ...c, peerTag: this.peerTag(call, i, side) })),
        ...(this.options.rtcServers ?? []).map(toWebrtcConnection),
      ],
      startDate: call.startDate!,
      customParameters: this.customParameters(),
    }
  }

  /** The configured switches, plus the loopback-media marker for the v2 engine unless turned off. */
  private customParameters(): tl.RawDataJSON | undefined {
    const loopback = (this.options.loopbackMedia ?? true) ? { [TEST_LOOPBACK_PARAMETER]: true } : {}
    const parameters = { ...loopback, ...this.options.customParameters }
    return Object.keys(parameters).length > 0 ? { _: 'dataJSON', data: JSON.stringify(parameters) } : undefined
  }

  private connection(call: FakeServerCall, relay: FakeRelay): tl.RawPhoneConnection {
    // One random tag per (call, relay); this is the caller's (side bit 0 clear, spec §10.2).
    const callerTag = new Uint8Array(randomBytes(16))
    callerTag[15] = callerTag[15]! & 0xfe
    return { _: 'phoneConnection', id: bigIntToLong(relay.id), ip: relay.ip, ipv6: relay.ipv6 ?? '', port: relay.port, tcp: relay.tcp, peerTag: callerTag }
  }

  private peerTag(call: FakeServerCall, index: number, side: 'caller' | 'callee'): Uint8Array {
    const hook = this.options.peerTag
    const relay = this.relays()[index]
    if (hook && relay) return hook({ callId: call.id, relay, side })
    const callerTag = call.connections[index]!.peerTag
    if (side === 'caller') return callerTag
    // The callee's tag differs only in the side bit, so a relay can pair the two (spec §10.7).
    const calleeTag = callerTag.slice()
    calleeTag[15] = calleeTag[15]! | 1
    return calleeTag
  }
}

function toWebrtcConnection(server: FakeRtcServer): tl.RawPhoneConnectionWebrtc {
  return {
    _: 'phoneConnectionWebrtc',
    id: bigIntToLong(server.id),
    ip: server.ip,
    ipv6: server.ipv6 ?? '',
    port: server.port,
    username: server.username ?? '',
    password: server.password ?? '',
    turn: server.turn ?? false,
    stun: server.stun ?? false,
  }
}

function now(): number {
  return Math.floor(Date.now() / 1000)
}
