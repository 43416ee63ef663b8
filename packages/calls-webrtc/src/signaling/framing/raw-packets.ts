import { readU32, writeU32 } from '../bytes.js'
import { gzipMessage } from '../compression.js'
import { asSignalingError, SignalingSendError } from '../errors.js'
import type { PacketCipher } from '../packet-cipher.js'
import { MAX_PACKET_BYTES } from '../packet-cipher.js'
import { ReplayWindow, SeqCounter, seqCounter } from '../seq.js'
import type { FramingOutput } from './framing.js'

/** msg_key and seq in front of the payload. */
const RAW_PACKET_OVERHEAD = 16 + 4

/**
 * The "raw" packet of V1 and V3 (§3.1, §3.3.1): `seq(counter) ‖ payload`, encrypted, where
 * the payload is the message's JSON (V1) or its gzip (V3). Keeps the sending counter and the
 * receiving replay window of one call.
 */
export class RawPackets {
  private readonly counter = new SeqCounter()
  private readonly replay = new ReplayWindow()

  constructor(
    private readonly cipher: PacketCipher,
    private readonly compress: boolean,
  ) {}

  /** One message's JSON → an encrypted packet behind the next counter. */
  seal(json: Uint8Array): Uint8Array {
    const payload = this.compress ? gzipMessage(json) : json
    if (RAW_PACKET_OVERHEAD + payload.length > MAX_PACKET_BYTES) {
      throw new SignalingSendError(`a ${payload.length}-byte payload exceeds the ${MAX_PACKET_BYTES}-byte packet limit`)
    }
    const plaintext = new Uint8Array(4 + payload.length)
    writeU32(plaintext, 0, this.counter.next())
    plaintext.set(payload, 4)
    return this.cipher.encrypt(plaintext)
  }

  /**
   * Decrypts, authenticates and replay-checks one packet, then hands the payload after seq
   * to `output.deliver`; a packet that fails is reported and dropped.
   */
  openInto(packet: Uint8Array, output: FramingOutput): void {
    let payload: Uint8Array
    try {
      const plaintext = this.cipher.decrypt(packet)
      const counter = seqCounter(readU32(plaintext, 0))
      this.replay.assertFresh(counter)
      this.replay.accept(counter)
      payload = plaintext.subarray(4)
    } catch (err) {
      output.reportError(asSignalingError(err))
      return
    }
    output.deliver(payload)
  }
}
