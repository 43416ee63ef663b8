import type { SackChunk } from './chunks.js'
import { encodeData, PPID_BINARY, tsnDiff } from './chunks.js'
import { COMMON_HEADER_BYTES } from './packet.js'

/** DATA chunk header (4) + TSN, stream, SSN, PPID (12). */
const DATA_CHUNK_OVERHEAD = 16
/** Never more than this many bytes unacknowledged, whatever window the peer advertises. */
const MAX_IN_FLIGHT_BYTES = 256 * 1024

interface QueuedMessage {
  payload: Uint8Array
  /** Chunks of it not yet acknowledged. */
  unackedChunks: number
}

export interface OutgoingChunk {
  tsn: number
  /** The encoded DATA chunk, ready to bundle. */
  bytes: Uint8Array
  message: QueuedMessage
  /** When it was last (re)sent; undefined until first sent. */
  sentAtMs: number | undefined
  retransmitted: boolean
}

export interface SackOutcome {
  /** The SACK acknowledged something new. */
  progressed: boolean
  /** Round-trip sample from a chunk sent once (Karn's rule), if any. */
  rttMs: number | undefined
}

/**
 * The sending half of the association: fragments messages into DATA chunks of at most one
 * MTU (B/E flags, one SSN per message on stream 0), numbers them with TSNs, and keeps every
 * chunk until a SACK covers it.
 */
export class SctpSendQueue {
  private nextTsn: number
  private nextSsn = 0
  /** Chunks in TSN order: the sent ones first, then those not sent yet. */
  private readonly chunks: OutgoingChunk[] = []
  private cumulativeAcked: number
  private peerWindow: number

  constructor(
    initialTsn: number,
    peerWindow: number,
    private readonly mtu: number,
  ) {
    this.nextTsn = initialTsn >>> 0
    this.cumulativeAcked = (initialTsn - 1) >>> 0
    this.peerWindow = peerWindow
  }

  enqueue(payload: Uint8Array): void {
    const message: QueuedMessage = { payload, unackedChunks: 0 }
    // Rounded down to whole 4-byte words so the chunk's padding still fits the MTU.
    const fragmentBytes = (this.mtu - COMMON_HEADER_BYTES - DATA_CHUNK_OVERHEAD) & ~3
    const ssn = this.nextSsn
    this.nextSsn = (this.nextSsn + 1) & 0xffff
    let offset = 0
    do {
      const userData = payload.subarray(offset, offset + fragmentBytes)
      const tsn = this.nextTsn
      this.nextTsn = (this.nextTsn + 1) >>> 0
      this.chunks.push({
        tsn,
        bytes: encodeData({ tsn, streamId: 0, ssn, ppid: PPID_BINARY, begin: offset === 0, end: offset + fragmentBytes >= payload.length, userData }),
        message,
        sentAtMs: undefined,
        retransmitted: false,
      })
      message.unackedChunks++
      offset += fragmentBytes
    } while (offset < payload.length)
  }

  get hasOutstanding(): boolean {
    return this.chunks.length > 0 && this.chunks[0]!.sentAtMs !== undefined
  }

  /**
   * Chunks never sent that fit the peer's window (and `byteBudget`, if given); they are
   * marked sent at `nowMs`.
   */
  takeUnsent(nowMs: number, byteBudget = Infinity): OutgoingChunk[] {
    let inFlight = 0
    let takenBytes = 0
    const taken: OutgoingChunk[] = []
    const limit = Math.min(this.peerWindow, MAX_IN_FLIGHT_BYTES)
    for (const chunk of this.chunks) {
      if (chunk.sentAtMs === undefined) {
        if (takenBytes + chunk.bytes.length > byteBudget) break
        // Always let one chunk through so a zero window cannot stall us forever.
        if (inFlight > 0 && inFlight + chunk.bytes.length > limit) break
        takenBytes += chunk.bytes.length
        chunk.sentAtMs = nowMs
        taken.push(chunk)
      }
      inFlight += chunk.bytes.length
    }
    return taken
  }

  /** Every sent, unacknowledged chunk, marked as retransmitted at `nowMs`. */
  takeOutstandingForRetransmit(nowMs: number): OutgoingChunk[] {
    const outstanding = this.chunks.filter(chunk => chunk.sentAtMs !== undefined)
    for (const chunk of outstanding) {
      chunk.sentAtMs = nowMs
      chunk.retransmitted = true
    }
    return outstanding
  }

  handleSack(sack: SackChunk, nowMs: number): SackOutcome {
    // A SACK older than one already processed (blobs can be reordered) says nothing new.
    if (tsnDiff(sack.cumulativeTsnAck, this.cumulativeAcked) < 0) return { progressed: false, rttMs: undefined }
    this.cumulativeAcked = sack.cumulativeTsnAck
    let progressed = false
    let rttMs: number | undefined
    for (let i = this.chunks.length - 1; i >= 0; i--) {
      const chunk = this.chunks[i]!
      if (chunk.sentAtMs === undefined) continue
      const offset = tsnDiff(chunk.tsn, sack.cumulativeTsnAck)
      const acked = offset <= 0 || sack.gapBlocks.some(block => offset >= block.start && offset <= block.end)
      if (!acked) continue
      this.chunks.splice(i, 1)
      chunk.message.unackedChunks--
      progressed = true
      if (!chunk.retransmitted && rttMs === undefined) rttMs = nowMs - chunk.sentAtMs
    }
    const inFlight = this.chunks.reduce((sum, chunk) => sum + (chunk.sentAtMs === undefined ? 0 : chunk.bytes.length), 0)
    this.peerWindow = Math.max(0, sack.receiverWindow - inFlight)
    return { progressed, rttMs }
  }

  /** Messages not entirely acknowledged, in order: what must be sent again on a new association. */
  unfinishedMessages(): Uint8Array[] {
    const messages: QueuedMessage[] = []
    for (const chunk of this.chunks) if (messages.at(-1) !== chunk.message) messages.push(chunk.message)
    return messages.map(message => message.payload)
  }
}
