import { concatBytes, readU32, writeU32 } from '../bytes.js'
import { asSignalingError, SignalingFramingError, SignalingSendError } from '../errors.js'
import type { PacketCipher } from '../packet-cipher.js'
import { ReplayWindow, SEQ_REQUIRES_ACK, SEQ_SINGLE_MESSAGE, SeqCounter, seqCounter } from '../seq.js'
import type { Framing, FramingOutput } from './framing.js'

const RECORD_MESSAGE = 0x7f
const RECORD_EMPTY = 0xfe
const RECORD_ACK = 0xff
/** seq + type byte. */
const RECORD_HEAD_BYTES = 5
const MSG_KEY_BYTES = 16

/** §3.2.3 / §2.3 limits. */
export const V2_MAX_PACKET_BYTES = 16 * 1024
const MAX_RECORD_LENGTH = 1024 * 1024
const MAX_UNACKED_MESSAGES = 65_536

/** §7.2: tgcalls' V2 timers. */
export const V2_MIN_RESEND_MS = 3000
export const V2_RESEND_TIMER_MS = 5000
export const V2_ACK_FLUSH_MS = 5000

interface UnackedRecord {
  bytes: Uint8Array
  /** 0 = due now. */
  lastSentMs: number
}

type ParsedRecord =
  | { kind: 'ack'; seq: number }
  | { kind: 'message'; seq: number; payload: Uint8Array; first: boolean }

function headRecord(seq: number, type: number): Uint8Array {
  const record = new Uint8Array(RECORD_HEAD_BYTES)
  writeU32(record, 0, seq)
  record[4] = type
  return record
}

function messageRecord(seq: number, json: Uint8Array): Uint8Array {
  const record = new Uint8Array(RECORD_HEAD_BYTES + 4 + json.length)
  writeU32(record, 0, seq)
  record[4] = RECORD_MESSAGE
  writeU32(record, 5, json.length)
  record.set(json, 9)
  return record
}

/** Splits a V2 plaintext into records (§3.2.4); any violation rejects the whole packet. */
function parseRecords(plaintext: Uint8Array): ParsedRecord[] {
  const records: ParsedRecord[] = []
  let offset = 0
  while (offset < plaintext.length) {
    const first = offset === 0
    if (plaintext.length - offset < RECORD_HEAD_BYTES) throw new SignalingFramingError('truncated V2 record header')
    const seq = readU32(plaintext, offset)
    const type = plaintext[offset + 4]
    offset += RECORD_HEAD_BYTES
    if (type === RECORD_EMPTY) {
      if (!first) throw new SignalingFramingError('V2 empty record after the first record')
    } else if (type === RECORD_ACK) {
      if (first) throw new SignalingFramingError('V2 packet starts with an ack record')
      records.push({ kind: 'ack', seq })
    } else if (type === RECORD_MESSAGE) {
      if (plaintext.length - offset < 4) throw new SignalingFramingError('truncated V2 message length')
      const length = readU32(plaintext, offset)
      offset += 4
      if (length > MAX_RECORD_LENGTH) throw new SignalingFramingError(`V2 message record of ${length} bytes`)
      if (plaintext.length - offset < length) throw new SignalingFramingError('truncated V2 message record')
      records.push({ kind: 'message', seq, payload: plaintext.subarray(offset, offset + length), first })
      offset += length
    } else {
      throw new SignalingFramingError(`unknown V2 record type 0x${(type ?? 0).toString(16)}`)
    }
    if (first && (seq & SEQ_SINGLE_MESSAGE) !== 0 && offset !== plaintext.length) {
      throw new SignalingFramingError('V2 single-message packet has trailing records')
    }
  }
  return records
}

/**
 * V2 reliable framing of 8.0.0 (§3.2): every message record is acknowledged by its exact seq
 * and resent with all older unacknowledged ones until it is. Because each packet carries the
 * sender's whole unacknowledged backlog oldest first, messages are delivered in order even
 * when blobs are lost, duplicated or reordered.
 */
export class ReliableFraming implements Framing {
  private readonly counter = new SeqCounter()
  private readonly replay = new ReplayWindow()
  /** By full seq (flag bits included: acks echo it exactly), oldest first (Maps keep insertion order). */
  private readonly unacked = new Map<number, UnackedRecord>()
  /** Full seqs to acknowledge, without repeats. */
  private readonly acksToSend = new Set<number>()
  /** Counters of ack-requiring messages delivered at or above `deliveredBelow`. */
  private readonly delivered = new Set<number>()
  /**
   * Every ack-requiring counter below this was delivered: the peer puts its oldest
   * unacknowledged message first, so it has our acks for everything older. This also
   * recognizes late duplicates that tgcalls' pruned list would deliver twice.
   */
  private deliveredBelow = 0
  private resendTimer: NodeJS.Timeout | undefined
  private ackTimer: NodeJS.Timeout | undefined
  private closed = false

  constructor(
    private readonly cipher: PacketCipher,
    private readonly output: FramingOutput,
  ) {}

  send(json: Uint8Array): void {
    if (this.closed) return
    if (MSG_KEY_BYTES + RECORD_HEAD_BYTES + 4 + json.length > V2_MAX_PACKET_BYTES) {
      throw new SignalingSendError(`a ${json.length}-byte message does not fit a ${V2_MAX_PACKET_BYTES}-byte V2 packet`)
    }
    if (this.unacked.size >= MAX_UNACKED_MESSAGES) {
      throw new SignalingSendError(`${MAX_UNACKED_MESSAGES} messages are already waiting for the peer's acknowledgement`)
    }
    const seq = (this.counter.next() | SEQ_REQUIRES_ACK) >>> 0
    const record: UnackedRecord = { bytes: messageRecord(seq, json), lastSentMs: Date.now() }
    if (this.unacked.size === 0) {
      const parts = [record.bytes]
      this.appendAcks(parts)
      this.unacked.set(seq, record)
      // tgcalls arms the resend timer only on a later packet; arming it now means a lost
      // first message is resent even if nothing else is ever sent.
      this.armResendTimer()
      this.output.sendBlob(this.cipher.encrypt(concatBytes(parts)))
      return
    }
    this.unacked.set(seq, record)
    for (const pending of this.unacked.values()) pending.lastSentMs = 0
    this.sendServicePacket()
  }

  receive(blob: Uint8Array): void {
    if (this.closed) return
    let records: ParsedRecord[]
    try {
      const plaintext = this.cipher.decrypt(blob)
      const counter = seqCounter(readU32(plaintext, 0))
      this.replay.assertFresh(counter)
      records = parseRecords(plaintext)
      this.replay.accept(counter)
    } catch (err) {
      this.output.reportError(asSignalingError(err))
      return
    }

    const payloads: Uint8Array[] = []
    let receivedNewMessage = false
    let firstAckRequiring = true
    for (const record of records) {
      if (record.kind === 'ack') {
        this.unacked.delete(record.seq)
        continue
      }
      const counter = seqCounter(record.seq)
      if ((record.seq & SEQ_REQUIRES_ACK) === 0) {
        // Not ack-requiring: protected by the replay window like a packet (the first record
        // already was, with the packet).
        if (!record.first) {
          if (!this.replay.isFresh(counter)) continue
          this.replay.accept(counter)
        }
        payloads.push(record.payload)
        continue
      }
      if (firstAckRequiring) {
        firstAckRequiring = false
        this.forgetDeliveredBelow(counter)
      }
      if (counter >= this.deliveredBelow && !this.delivered.has(counter)) {
        this.delivered.add(counter)
        payloads.push(record.payload)
        receivedNewMessage = true
      }
      this.acksToSend.add(record.seq)
    }
    if (this.unacked.size === 0) this.stopResendTimer()

    for (const payload of payloads) {
      if (this.closed) return
      this.output.deliver(payload)
    }
    if (this.closed || this.acksToSend.size === 0) return
    if (receivedNewMessage) this.sendServicePacket()
    else if (this.ackTimer === undefined) {
      this.ackTimer = setTimeout(() => {
        this.ackTimer = undefined
        this.sendServicePacketSafely()
      }, V2_ACK_FLUSH_MS)
    }
  }

  close(): void {
    this.closed = true
    this.stopResendTimer()
    clearTimeout(this.ackTimer)
    this.ackTimer = undefined
  }

  private forgetDeliveredBelow(counter: number): void {
    if (counter <= this.deliveredBelow) return
    this.deliveredBelow = counter
    for (const seen of this.delivered) if (seen < counter) this.delivered.delete(seen)
  }

  /** A packet with an empty head record carrying acks and due resends (§3.2.2). */
  private sendServicePacket(): void {
    if (this.unacked.size === 0 && this.acksToSend.size === 0) return
    const parts = [headRecord(this.counter.next(), RECORD_EMPTY)]
    this.appendAcks(parts)
    this.appendResends(parts)
    this.output.sendBlob(this.cipher.encrypt(concatBytes(parts)))
  }

  private sendServicePacketSafely(): void {
    if (this.closed) return
    try {
      this.sendServicePacket()
    } catch (err) {
      this.output.reportError(asSignalingError(err))
    }
  }

  private appendAcks(parts: Uint8Array[]): void {
    let size = MSG_KEY_BYTES + parts.reduce((sum, part) => sum + part.length, 0)
    for (const seq of this.acksToSend) {
      if (size + RECORD_HEAD_BYTES > V2_MAX_PACKET_BYTES) break
      parts.push(headRecord(seq, RECORD_ACK))
      this.acksToSend.delete(seq)
      size += RECORD_HEAD_BYTES
    }
  }

  private appendResends(parts: Uint8Array[]): void {
    if (this.unacked.size === 0) return
    const now = Date.now()
    let size = MSG_KEY_BYTES + parts.reduce((sum, part) => sum + part.length, 0)
    for (const pending of this.unacked.values()) {
      if (pending.lastSentMs !== 0 && pending.lastSentMs + V2_MIN_RESEND_MS > now) break
      if (size + pending.bytes.length > V2_MAX_PACKET_BYTES) break
      parts.push(pending.bytes)
      size += pending.bytes.length
      pending.lastSentMs = now
    }
    this.armResendTimer()
  }

  private armResendTimer(): void {
    if (this.resendTimer !== undefined) return
    this.resendTimer = setTimeout(() => {
      this.resendTimer = undefined
      this.sendServicePacketSafely()
    }, V2_RESEND_TIMER_MS)
  }

  private stopResendTimer(): void {
    clearTimeout(this.resendTimer)
    this.resendTimer = undefined
  }
}
