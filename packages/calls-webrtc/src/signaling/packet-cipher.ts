import { createCipheriv, createHash, createSecretKey, timingSafeEqual } from 'node:crypto'

import { SignalingAuthError, SignalingConfigError, SignalingPacketSizeError } from './errors.js'

/** Size of the call key (`g_ab` left-padded to 256 bytes). */
export const CALL_KEY_BYTES = 256
const MSG_KEY_BYTES = 16
/** 16 msg_key + 4 seq + at least one byte (§2.3). */
export const MIN_PACKET_BYTES = 21
/** Larger packets are not decrypted (§2.3). */
export const MAX_PACKET_BYTES = 128 * 1024

/** Offset base of signaling packets; the media transport of §10 would use 0. */
const SIGNALING_OFFSET_BASE = 128
/** Added to the base when the callee is the sender. */
const CALLEE_DIRECTION_OFFSET = 8

export interface AesKeyIv {
  key: Buffer
  iv: Buffer
}

function sha256(...parts: Uint8Array[]): Buffer {
  const hash = createHash('sha256')
  for (const part of parts) hash.update(part)
  return hash.digest()
}

/** msg_key = SHA-256(key[88+x, 32] ‖ plaintext)[8..24) (§2.2 step 1). */
export function computeMsgKey(callKey: Uint8Array, x: number, plaintext: Uint8Array): Buffer {
  return sha256(callKey.subarray(88 + x, 120 + x), plaintext).subarray(8, 24)
}

/** AES-256 key and IV for one packet (§2.2 steps 2–5). */
export function deriveAesKeyIv(callKey: Uint8Array, x: number, msgKey: Uint8Array): AesKeyIv {
  const a = sha256(msgKey, callKey.subarray(x, x + 36))
  const b = sha256(callKey.subarray(40 + x, 76 + x), msgKey)
  return {
    key: Buffer.concat([a.subarray(0, 8), b.subarray(8, 24), a.subarray(24, 32)]),
    iv: Buffer.concat([b.subarray(0, 4), a.subarray(8, 16), b.subarray(24, 28)]),
  }
}

/** AES-256-CTR with a 128-bit big-endian counter; the same operation encrypts and decrypts. */
export function aesCtr({ key, iv }: AesKeyIv, data: Uint8Array): Buffer {
  // As a KeyObject: Node checks a raw Buffer key against both key classes at a cost above the AES of a small packet.
  const cipher = createCipheriv('aes-256-ctr', createSecretKey(key), iv)
  return Buffer.concat([cipher.update(data), cipher.final()])
}

/** The `x` a side uses to encrypt (its own direction) or decrypt (the peer's). */
export function signalingOffset(senderIsCaller: boolean): number {
  return SIGNALING_OFFSET_BASE + (senderIsCaller ? 0 : CALLEE_DIRECTION_OFFSET)
}

/**
 * Encrypts and authenticates signaling packets for one side of a call (§2). Stateless apart
 * from the key: counters and replay protection belong to the framing.
 */
export class PacketCipher {
  private readonly key: Uint8Array
  private readonly encryptOffset: number
  private readonly decryptOffset: number

  constructor(key: Uint8Array, isOutgoing: boolean) {
    if (key.length !== CALL_KEY_BYTES) {
      throw new SignalingConfigError(`the call key must be ${CALL_KEY_BYTES} bytes, got ${key.length}`)
    }
    // Copied so a caller that later zeroes or reuses its buffer cannot change ours.
    this.key = Uint8Array.from(key)
    this.encryptOffset = signalingOffset(isOutgoing)
    this.decryptOffset = signalingOffset(!isOutgoing)
  }

  /** plaintext (starting with its seq word) → msg_key ‖ ciphertext. */
  encrypt(plaintext: Uint8Array): Uint8Array {
    const msgKey = computeMsgKey(this.key, this.encryptOffset, plaintext)
    const body = aesCtr(deriveAesKeyIv(this.key, this.encryptOffset, msgKey), plaintext)
    return new Uint8Array(Buffer.concat([msgKey, body]))
  }

  /** §2.6 steps 1–3: size check, decrypt, constant-time msg_key check. Returns the plaintext. */
  decrypt(packet: Uint8Array): Uint8Array {
    if (packet.length < MIN_PACKET_BYTES) {
      throw new SignalingPacketSizeError(`packet of ${packet.length} bytes is shorter than ${MIN_PACKET_BYTES}`)
    }
    if (packet.length > MAX_PACKET_BYTES) {
      throw new SignalingPacketSizeError(`packet of ${packet.length} bytes is longer than ${MAX_PACKET_BYTES}`)
    }
    const msgKey = packet.subarray(0, MSG_KEY_BYTES)
    const plaintext = aesCtr(deriveAesKeyIv(this.key, this.decryptOffset, msgKey), packet.subarray(MSG_KEY_BYTES))
    if (!timingSafeEqual(computeMsgKey(this.key, this.decryptOffset, plaintext), msgKey)) {
      throw new SignalingAuthError('msg_key mismatch: wrong call key or altered packet')
    }
    return new Uint8Array(plaintext)
  }
}
