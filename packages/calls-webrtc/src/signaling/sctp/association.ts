import { createHmac, createSecretKey, randomBytes, randomInt, timingSafeEqual } from 'node:crypto'

import { readU32, writeU32 } from '../bytes.js'
import type { SignalingError } from '../errors.js'
import { asSignalingError, SignalingAssociationError, SignalingFramingError } from '../errors.js'
import type { InitParams } from './chunks.js'
import { ABORT_TAG_REFLECTED, encodeInit, encodeInitAck, encodeSack, parseData, parseInit, parseSack } from './chunks.js'
import type { Chunk } from './packet.js'
import { bundleChunks, ChunkType, COMMON_HEADER_BYTES, encodeChunk, encodePacket, parsePacket } from './packet.js'
import { SctpReceiveBuffer } from './receive-buffer.js'
import { SctpSendQueue } from './send-queue.js'

export enum SctpState {
  Closed = 'closed',
  /** INIT sent, waiting for INIT-ACK. */
  CookieWait = 'cookieWait',
  /** COOKIE-ECHO sent, waiting for COOKIE-ACK. */
  CookieEchoed = 'cookieEchoed',
  Established = 'established',
}

/** Handshake and retransmission timing (§3.3.2, overridable through custom parameters §1.4). */
export interface SctpTimers {
  t1InitMs: number
  t1CookieMs: number
  /** Cap on every back-off, and on the data retransmission timeout. */
  maxBackoffMs: number
}

/** The newest tgcalls' values. */
export const DEFAULT_SCTP_TIMERS: SctpTimers = { t1InitMs: 400, t1CookieMs: 400, maxBackoffMs: 750 }

export interface SctpAssociationOutput {
  /** One SCTP packet = one blob. */
  sendPacket(packet: Uint8Array): void
  /** One complete user message, in order. */
  deliverMessage(message: Uint8Array): void
  reportError(error: SignalingError): void
  stateChanged(oldState: SctpState, newState: SctpState): void
}

/** tgcalls' dcSCTP packet size: larger messages are fragmented (§3.3.2). */
const MTU = 1191
const RECEIVE_WINDOW_BYTES = 1024 * 1024
const STREAM_COUNT = 65_535
/** Lower bound of the data retransmission timeout, whatever the measured RTT. */
const MIN_RTO_MS = 200
const COOKIE_DATA_BYTES = 20
const COOKIE_MAC_BYTES = 16

interface PeerParams {
  verificationTag: number
  initialTsn: number
  receiverWindow: number
}

interface Cookie extends PeerParams {
  localTag: number
  localInitialTsn: number
}

function randomUint32(nonZero: boolean): number {
  const value = randomBytes(4).readUInt32BE(0)
  return nonZero && value === 0 ? randomInt(1, 0x1_0000_0000) : value
}

/**
 * A minimal SCTP association (RFC 9260) whose lower layer is the signaling blob channel:
 * INIT / INIT-ACK / COOKIE-ECHO / COOKIE-ACK with collision handling (both sides may start),
 * DATA with B/E fragmentation, SACK with gap blocks, retransmission on short timers,
 * HEARTBEAT answers and ABORT (the association is rebuilt and unacknowledged messages are sent
 * again). One stream, ordered, PPID 53 — what tgcalls uses. Everything arrives through
 * `receivePacket`; nothing here throws at the caller.
 */
export class SctpAssociation {
  private stateValue = SctpState.Closed
  private readonly cookieSecret = createSecretKey(randomBytes(32))
  private localTag = randomUint32(true)
  private localInitialTsn = randomUint32(false)
  private peer: PeerParams | undefined
  private receiveBuffer: SctpReceiveBuffer | undefined
  private sendQueue: SctpSendQueue | undefined
  /** Messages waiting for the association to come up. */
  private waiting: Uint8Array[] = []
  private pendingCookieEcho: Uint8Array | undefined
  private t1Timer: NodeJS.Timeout | undefined
  private t1IntervalMs = 0
  private t3Timer: NodeJS.Timeout | undefined
  private rtoMs: number
  private srttMs: number | undefined
  private rttVarMs = 0
  private closed = false

  constructor(
    private readonly output: SctpAssociationOutput,
    private readonly timers: SctpTimers = DEFAULT_SCTP_TIMERS,
  ) {
    this.rtoMs = timers.t1InitMs
  }

  get state(): SctpState {
    return this.stateValue
  }

  /** Starts an association attempt (INIT) unless one is already under way or up. */
  connect(): void {
    if (this.closed || this.stateValue !== SctpState.Closed) return
    this.setState(SctpState.CookieWait)
    this.armT1(this.timers.t1InitMs)
    this.sendInit()
  }

  /** Queues one user message; it is sent as soon as the association is up, in order. */
  sendMessage(message: Uint8Array): void {
    if (this.closed) return
    if (this.sendQueue === undefined) {
      this.waiting.push(message)
      return
    }
    this.sendQueue.enqueue(message)
    this.flush([])
  }

  receivePacket(bytes: Uint8Array): void {
    if (this.closed) return
    try {
      this.handlePacket(bytes)
    } catch (err) {
      this.output.reportError(asSignalingError(err))
    }
  }

  /** Stops every timer. Sends no ABORT: the peer's engine is torn down with the call (§7.3). */
  close(): void {
    if (this.closed) return
    this.closed = true
    this.stopT1()
    this.stopT3()
    this.setState(SctpState.Closed)
  }

  private handlePacket(bytes: Uint8Array): void {
    const packet = parsePacket(bytes)
    const [first] = packet.chunks
    if (first!.type === ChunkType.Init) {
      if (packet.chunks.length !== 1 || packet.verificationTag !== 0) throw new SignalingFramingError('SCTP INIT must be alone, with tag 0')
      this.handleInit(parseInit(first!.value))
      return
    }
    const reflectedAbort = first!.type === ChunkType.Abort && (first!.flags & ABORT_TAG_REFLECTED) !== 0 && packet.verificationTag === this.peer?.verificationTag
    if (packet.verificationTag !== this.localTag && !reflectedAbort) {
      throw new SignalingFramingError('SCTP packet with a foreign verification tag')
    }

    const control: Uint8Array[] = []
    const messages: Uint8Array[] = []
    let sawData = false
    try {
      for (const chunk of packet.chunks) {
        if (!this.handleChunk(chunk, control, messages)) break
        if (chunk.type === ChunkType.Data) sawData = true
      }
    } finally {
      // Even when a later chunk is malformed, what was already consumed is acknowledged and
      // delivered: the receive buffer has moved past it.
      if (sawData && this.receiveBuffer !== undefined) control.push(encodeSack(this.receiveBuffer.sack()))
      this.flush(control)
      for (const message of messages) {
        if (this.closed) break
        this.output.deliverMessage(message)
      }
    }
  }

  /** Handles one chunk of a packet whose tag checked out; false = ignore the rest of the packet. */
  private handleChunk(chunk: Chunk, control: Uint8Array[], messages: Uint8Array[]): boolean {
    switch (chunk.type) {
      case ChunkType.Data:
        if (this.receiveBuffer === undefined) return true
        if (this.stateValue === SctpState.CookieEchoed) this.establish()
        messages.push(...this.receiveBuffer.receive(parseData(chunk.flags, chunk.value)))
        return true
      case ChunkType.InitAck:
        this.handleInitAck(parseInit(chunk.value))
        return true
      case ChunkType.CookieEcho:
        this.handleCookieEcho(chunk.value, control)
        return true
      case ChunkType.CookieAck:
        if (this.stateValue === SctpState.CookieEchoed) this.establish()
        return true
      case ChunkType.Sack:
        if (this.stateValue === SctpState.CookieEchoed) this.establish()
        this.handleSack(parseSack(chunk.value))
        return true
      case ChunkType.Heartbeat:
        control.push(encodeChunk(ChunkType.HeartbeatAck, 0, chunk.value))
        return true
      case ChunkType.Abort:
        // Nothing more goes to the old association: its control chunks are dropped.
        control.length = 0
        this.handleAbort()
        return false
      default:
        // RFC 9260 §3.2: the high bit of an unknown type says skip it (1) or stop here (0).
        return (chunk.type & 0x80) !== 0
    }
  }

  private handleInit(init: InitParams): void {
    // Answered in every state, with our one tag and initial TSN: that is what makes
    // simultaneous INITs (collision, RFC 9260 §5.2.1) converge on one association.
    this.output.sendPacket(encodePacket(init.initiateTag, [encodeInitAck({
      initiateTag: this.localTag,
      receiverWindow: RECEIVE_WINDOW_BYTES,
      outboundStreams: STREAM_COUNT,
      inboundStreams: STREAM_COUNT,
      initialTsn: this.localInitialTsn,
      cookie: this.makeCookie(init),
    })]))
    this.connect()
  }

  private handleInitAck(initAck: InitParams & { cookie: Uint8Array | undefined }): void {
    if (this.stateValue !== SctpState.CookieWait) return
    if (initAck.cookie === undefined) throw new SignalingFramingError('SCTP INIT-ACK without a state cookie')
    this.adoptPeer({ verificationTag: initAck.initiateTag, initialTsn: initAck.initialTsn, receiverWindow: initAck.receiverWindow })
    this.pendingCookieEcho = encodeChunk(ChunkType.CookieEcho, 0, Uint8Array.from(initAck.cookie))
    this.setState(SctpState.CookieEchoed)
    this.armT1(this.timers.t1CookieMs)
    // Queued messages ride along with the first COOKIE-ECHO (RFC 9260 §5.1 allows DATA bundled
    // after it), saving a round trip at call setup; T3 covers them if that packet is lost.
    this.rebuildSendQueue()
    const data = this.sendQueue!.takeUnsent(Date.now(), MTU - COMMON_HEADER_BYTES - this.pendingCookieEcho.length)
    if (data.length > 0) this.armT3()
    this.output.sendPacket(encodePacket(this.peer!.verificationTag, [this.pendingCookieEcho, ...data.map(chunk => chunk.bytes)]))
  }

  private handleCookieEcho(value: Uint8Array, control: Uint8Array[]): void {
    const cookie = this.openCookie(value)
    if (cookie === undefined) throw new SignalingFramingError('SCTP COOKIE-ECHO with a forged or stale cookie')
    if (this.stateValue === SctpState.Established && cookie.verificationTag !== this.peer?.verificationTag) {
      // The peer lost its association and made a new one with us: start over on both halves.
      this.output.reportError(new SignalingAssociationError('the peer restarted the SCTP association; resending unacknowledged messages'))
      this.waiting = this.unfinishedMessages()
      this.adoptPeer(cookie)
      this.rebuildSendQueue()
    } else {
      this.adoptPeer(cookie)
    }
    control.push(encodeChunk(ChunkType.CookieAck, 0, new Uint8Array(0)))
    if (this.stateValue !== SctpState.Established) this.establish()
  }

  private handleSack(sack: ReturnType<typeof parseSack>): void {
    if (this.sendQueue === undefined) return
    const outcome = this.sendQueue.handleSack(sack, Date.now())
    if (outcome.rttMs !== undefined) this.updateRto(outcome.rttMs)
    if (!outcome.progressed) return
    this.stopT3()
    if (this.sendQueue.hasOutstanding) this.armT3()
  }

  private handleAbort(): void {
    this.output.reportError(new SignalingAssociationError('the peer aborted the SCTP association; reconnecting'))
    const unfinished = this.unfinishedMessages()
    this.stopT1()
    this.stopT3()
    this.localTag = randomUint32(true)
    this.localInitialTsn = randomUint32(false)
    this.peer = undefined
    this.receiveBuffer = undefined
    this.sendQueue = undefined
    this.waiting = unfinished
    this.setState(SctpState.Closed)
    this.connect()
  }

  private unfinishedMessages(): Uint8Array[] {
    return [...(this.sendQueue?.unfinishedMessages() ?? []), ...this.waiting]
  }

  private adoptPeer(peer: PeerParams): void {
    if (this.peer?.verificationTag === peer.verificationTag) return
    this.peer = { verificationTag: peer.verificationTag, initialTsn: peer.initialTsn, receiverWindow: peer.receiverWindow }
    this.receiveBuffer = new SctpReceiveBuffer(peer.initialTsn, RECEIVE_WINDOW_BYTES, error => this.output.reportError(error))
  }

  private establish(): void {
    this.stopT1()
    this.pendingCookieEcho = undefined
    if (this.sendQueue === undefined) this.rebuildSendQueue()
    this.setState(SctpState.Established)
  }

  /** A fresh send queue numbered from the initial TSN we announced, holding every waiting message. */
  private rebuildSendQueue(): void {
    this.stopT3()
    this.sendQueue = new SctpSendQueue(this.localInitialTsn, this.peer!.receiverWindow, MTU)
    for (const message of this.waiting) this.sendQueue.enqueue(message)
    this.waiting = []
  }

  /** Sends control chunks and (once established) whatever new DATA the window allows, bundled per MTU. */
  private flush(control: Uint8Array[]): void {
    // Until COOKIE-ACK, nothing but the COOKIE-ECHO packet may carry DATA (RFC 9260 §5.1).
    const established = this.stateValue === SctpState.Established
    const data = (established ? this.sendQueue?.takeUnsent(Date.now()) : undefined) ?? []
    if (data.length > 0 && this.t3Timer === undefined) this.armT3()
    const chunks = [...control, ...data.map(chunk => chunk.bytes)]
    if (chunks.length === 0 || this.peer === undefined) return
    for (const packet of bundleChunks(this.peer.verificationTag, chunks, MTU)) this.output.sendPacket(packet)
  }

  private sendInit(): void {
    this.output.sendPacket(encodePacket(0, [encodeInit({
      initiateTag: this.localTag,
      receiverWindow: RECEIVE_WINDOW_BYTES,
      outboundStreams: STREAM_COUNT,
      inboundStreams: STREAM_COUNT,
      initialTsn: this.localInitialTsn,
    })]))
  }

  private sendCookieEcho(): void {
    if (this.pendingCookieEcho === undefined || this.peer === undefined) return
    this.output.sendPacket(encodePacket(this.peer.verificationTag, [this.pendingCookieEcho]))
  }

  /** T1 resends INIT or COOKIE-ECHO, doubling up to the cap, without a retry limit (§3.3.2). */
  private armT1(intervalMs: number): void {
    this.stopT1()
    this.t1IntervalMs = intervalMs
    this.t1Timer = setTimeout(() => this.onT1(), intervalMs)
  }

  private onT1(): void {
    this.t1Timer = undefined
    if (this.closed) return
    try {
      if (this.stateValue === SctpState.CookieWait) this.sendInit()
      else if (this.stateValue === SctpState.CookieEchoed) this.sendCookieEcho()
      else return
      this.armT1(Math.min(this.t1IntervalMs * 2, this.timers.maxBackoffMs))
    } catch (err) {
      this.output.reportError(asSignalingError(err))
    }
  }

  private stopT1(): void {
    clearTimeout(this.t1Timer)
    this.t1Timer = undefined
  }

  private armT3(): void {
    this.stopT3()
    this.t3Timer = setTimeout(() => this.onT3(), this.rtoMs)
  }

  /** T3-rtx: everything unacknowledged goes out again and the timeout backs off. */
  private onT3(): void {
    this.t3Timer = undefined
    if (this.closed || this.sendQueue === undefined || this.peer === undefined) return
    // DATA that rode with a lost COOKIE-ECHO waits for the handshake (T1 resends the cookie).
    if (this.stateValue !== SctpState.Established) return this.armT3()
    try {
      this.rtoMs = Math.min(this.rtoMs * 2, this.timers.maxBackoffMs)
      const chunks = this.sendQueue.takeOutstandingForRetransmit(Date.now()).map(chunk => chunk.bytes)
      for (const packet of bundleChunks(this.peer.verificationTag, chunks, MTU)) this.output.sendPacket(packet)
      if (this.sendQueue.hasOutstanding) this.armT3()
    } catch (err) {
      this.output.reportError(asSignalingError(err))
    }
  }

  private stopT3(): void {
    clearTimeout(this.t3Timer)
    this.t3Timer = undefined
  }

  /** RFC 6298 estimator, bounded to [MIN_RTO_MS, maxBackoffMs]. */
  private updateRto(rttMs: number): void {
    if (this.srttMs === undefined) {
      this.srttMs = rttMs
      this.rttVarMs = rttMs / 2
    } else {
      this.rttVarMs = 0.75 * this.rttVarMs + 0.25 * Math.abs(this.srttMs - rttMs)
      this.srttMs = 0.875 * this.srttMs + 0.125 * rttMs
    }
    this.rtoMs = Math.min(this.timers.maxBackoffMs, Math.max(MIN_RTO_MS, this.srttMs + 4 * this.rttVarMs))
  }

  private setState(state: SctpState): void {
    if (state === this.stateValue) return
    const old = this.stateValue
    this.stateValue = state
    this.output.stateChanged(old, state)
  }

  /** What we need to accept a COOKIE-ECHO later without keeping state: the peer's INIT, MAC'd. */
  private makeCookie(init: InitParams): Uint8Array {
    const data = new Uint8Array(COOKIE_DATA_BYTES)
    writeU32(data, 0, init.initiateTag)
    writeU32(data, 4, init.initialTsn)
    writeU32(data, 8, init.receiverWindow)
    writeU32(data, 12, this.localTag)
    writeU32(data, 16, this.localInitialTsn)
    return new Uint8Array(Buffer.concat([data, this.cookieMac(data)]))
  }

  private openCookie(cookie: Uint8Array): Cookie | undefined {
    if (cookie.length !== COOKIE_DATA_BYTES + COOKIE_MAC_BYTES) return undefined
    const data = cookie.subarray(0, COOKIE_DATA_BYTES)
    if (!timingSafeEqual(this.cookieMac(data), cookie.subarray(COOKIE_DATA_BYTES))) return undefined
    const parsed: Cookie = {
      verificationTag: readU32(data, 0),
      initialTsn: readU32(data, 4),
      receiverWindow: readU32(data, 8),
      localTag: readU32(data, 12),
      localInitialTsn: readU32(data, 16),
    }
    // A cookie from before an ABORT names tags we no longer use.
    if (parsed.localTag !== this.localTag || parsed.localInitialTsn !== this.localInitialTsn) return undefined
    return parsed
  }

  private cookieMac(data: Uint8Array): Buffer {
    return createHmac('sha256', this.cookieSecret).update(data).digest().subarray(0, COOKIE_MAC_BYTES)
  }
}

