/**
 * The relay side of one obfuscated TCP client connection (spec §10.6): reads the
 * 64-byte header, derives both AES-256-CTR streams from it, then turns the byte stream
 * into datagrams (abridged framing: len/4 in one byte, or 0x7F and three bytes) and
 * frames datagrams going back.
 */
import { createCipheriv, type Cipher } from 'node:crypto'
import type { Socket } from 'node:net'

const HEADER_SIZE = 64
const ABRIDGED_TAG = 0xefefefef
const MAX_FRAME = 1500

export class TcpObfuscatedLink {
  private fromClient: Cipher | undefined
  private toClient: Cipher | undefined
  private pending = Buffer.alloc(0)
  private headerDone = false

  constructor(
    readonly socket: Socket,
    private readonly onDatagram: (datagram: Buffer) => void,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    socket.on('error', () => socket.destroy())
  }

  send(datagram: Buffer): void {
    if (!this.toClient || this.socket.destroyed || datagram.length % 4 !== 0) return
    const words = datagram.length / 4
    const prefix = words < 0x7f ? Buffer.from([words]) : Buffer.from([0x7f, words & 0xff, (words >> 8) & 0xff, (words >> 16) & 0xff])
    this.socket.write(this.toClient.update(Buffer.concat([prefix, datagram])))
  }

  private onData(chunk: Buffer): void {
    if (!this.headerDone) {
      this.pending = Buffer.concat([this.pending, chunk])
      if (this.pending.length < HEADER_SIZE) return
      const header = this.pending.subarray(0, HEADER_SIZE)
      chunk = this.pending.subarray(HEADER_SIZE)
      this.pending = Buffer.alloc(0)
      if (!this.acceptHeader(header)) {
        this.socket.destroy()
        return
      }
      this.headerDone = true
    }
    this.pending = Buffer.concat([this.pending, this.fromClient!.update(chunk)])
    this.drainFrames()
  }

  private acceptHeader(header: Buffer): boolean {
    // Client -> relay: key n[8..40], iv n[40..56]; the header itself is the stream's start.
    this.fromClient = createCipheriv('aes-256-ctr', header.subarray(8, 40), header.subarray(40, 56))
    const decrypted = this.fromClient.update(header)
    if (decrypted.readUInt32LE(56) !== ABRIDGED_TAG) return false
    // Relay -> client: the same 48 bytes reversed.
    const reversed = Buffer.from(header.subarray(8, 56)).reverse()
    this.toClient = createCipheriv('aes-256-ctr', reversed.subarray(0, 32), reversed.subarray(32, 48))
    return true
  }

  private drainFrames(): void {
    for (;;) {
      if (this.pending.length < 1) return
      let words = this.pending[0]!
      let offset = 1
      if (words === 0x7f) {
        if (this.pending.length < 4) return
        words = this.pending.readUIntLE(1, 3)
        offset = 4
      }
      const size = words * 4
      if (size > MAX_FRAME) {
        this.socket.destroy()
        return
      }
      if (this.pending.length < offset + size) return
      const datagram = Buffer.from(this.pending.subarray(offset, offset + size))
      this.pending = this.pending.subarray(offset + size)
      this.onDatagram(datagram)
    }
  }
}
