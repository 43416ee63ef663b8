import type { SignalingError } from '../errors.js'
import { SignalingFramingError } from '../errors.js'
import { concatBytes } from '../bytes.js'
import type { DataChunk, SackChunk } from './chunks.js'
import { tsnDiff } from './chunks.js'

/** Largest user message accepted (§3.3.2). */
export const SCTP_MAX_MESSAGE_BYTES = 256 * 1024
/** Chunks further ahead than this are dropped (keeps SACK gap offsets within 16 bits). */
const MAX_TSN_AHEAD = 16_384

/**
 * The receiving half of the association: orders DATA chunks by TSN, drops duplicates,
 * reassembles B…E fragments and describes what it holds as a SACK. Messages are released
 * strictly in TSN order, which for tgcalls' single ordered stream is the sending order.
 */
export class SctpReceiveBuffer {
  /** The highest TSN up to which everything has arrived. */
  private cumulativeTsn: number
  /** Chunks that arrived beyond a gap, by TSN. */
  private readonly ahead = new Map<number, DataChunk>()
  private aheadBytes = 0
  private fragments: Uint8Array[] = []
  private fragmentBytes = 0
  /** True while skipping the rest of a message that was malformed or too large. */
  private discarding = false

  constructor(
    peerInitialTsn: number,
    private readonly windowBytes: number,
    private readonly reportError: (error: SignalingError) => void,
  ) {
    this.cumulativeTsn = (peerInitialTsn - 1) >>> 0
  }

  /** Takes one DATA chunk; returns the messages it completed, in order. */
  receive(chunk: DataChunk): Uint8Array[] {
    const offset = tsnDiff(chunk.tsn, this.cumulativeTsn)
    if (offset <= 0 || offset > MAX_TSN_AHEAD || this.ahead.has(chunk.tsn)) return []
    if (offset > 1 && this.aheadBytes + chunk.userData.length > this.windowBytes) return []
    this.ahead.set(chunk.tsn, chunk)
    this.aheadBytes += chunk.userData.length
    const messages: Uint8Array[] = []
    for (;;) {
      const next = (this.cumulativeTsn + 1) >>> 0
      const inOrder = this.ahead.get(next)
      if (inOrder === undefined) break
      this.ahead.delete(next)
      this.aheadBytes -= inOrder.userData.length
      this.cumulativeTsn = next
      const message = this.reassemble(inOrder)
      if (message !== undefined) messages.push(message)
    }
    return messages
  }

  /** A SACK for everything received so far. */
  sack(): SackChunk {
    const offsets = [...this.ahead.keys()].map(tsn => tsnDiff(tsn, this.cumulativeTsn)).sort((a, b) => a - b)
    const gapBlocks: SackChunk['gapBlocks'] = []
    for (const offset of offsets) {
      const last = gapBlocks.at(-1)
      if (last !== undefined && last.end + 1 === offset) last.end = offset
      else gapBlocks.push({ start: offset, end: offset })
    }
    return {
      cumulativeTsnAck: this.cumulativeTsn,
      receiverWindow: Math.max(0, this.windowBytes - this.aheadBytes - this.fragmentBytes),
      gapBlocks,
    }
  }

  private reassemble(chunk: DataChunk): Uint8Array | undefined {
    if (chunk.begin) {
      if (this.fragments.length > 0) this.reportError(new SignalingFramingError('SCTP message fragment left unfinished'))
      this.fragments = []
      this.fragmentBytes = 0
      this.discarding = false
    } else if (this.fragments.length === 0 && !this.discarding) {
      this.reportError(new SignalingFramingError('SCTP DATA continues a message that never began'))
      this.discarding = true
    }
    if (!this.discarding) {
      this.fragmentBytes += chunk.userData.length
      if (this.fragmentBytes > SCTP_MAX_MESSAGE_BYTES) {
        this.reportError(new SignalingFramingError(`SCTP message larger than ${SCTP_MAX_MESSAGE_BYTES} bytes`))
        this.fragments = []
        this.fragmentBytes = 0
        this.discarding = true
      } else {
        this.fragments.push(chunk.userData)
      }
    }
    if (!chunk.end) return undefined
    const wasDiscarding = this.discarding
    const message = concatBytes(this.fragments)
    this.fragments = []
    this.fragmentBytes = 0
    this.discarding = false
    return wasDiscarding ? undefined : message
  }
}
