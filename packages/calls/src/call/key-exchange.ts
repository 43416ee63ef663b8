import { timingSafeEqual } from 'node:crypto'

import { CallSecurityError } from '../errors.js'
import { checkG } from '../crypto/dh-checks.js'
import { computeGx, computeSharedKey, generateDhSecret, sha256 } from '../crypto/dh.js'
import { calcFingerprint } from '../crypto/fingerprint.js'
import { generateVisualization } from '../crypto/visualization.js'
import type { DhParams } from '../signaling/dh-config-cache.js'

/** The outcome both sides must agree on. */
export interface AgreedKey {
  key: Uint8Array
  fingerprint: bigint
  emojis: string[]
}

export interface CallerSecret {
  g: bigint
  p: bigint
  secret: bigint
  gA: Uint8Array
  gAHash: Uint8Array
}

export interface CalleeSecret {
  g: bigint
  p: bigint
  secret: bigint
  gB: Uint8Array
}

/** Our own `g^x` must pass the same range check we apply to the peer's; redraw if not (~2^-64). */
function freshPower(dh: DhParams): { secret: bigint; power: Uint8Array } {
  for (;;) {
    const secret = generateDhSecret(dh.p, dh.random)
    const power = computeGx(BigInt(dh.g), secret, dh.p)
    try {
      checkG(power, dh.p)
      return { secret, power }
    } catch {}
  }
}

/** Caller, before `phone.requestCall`: secret `a`, `g_a` and the commitment `SHA256(g_a)`. */
export function createCallerSecret(dh: DhParams): CallerSecret {
  const { secret, power } = freshPower(dh)
  return { g: BigInt(dh.g), p: dh.p, secret, gA: power, gAHash: sha256(power) }
}

/** Callee, before `phone.acceptCall`: secret `b` and `g_b`. */
export function createCalleeSecret(dh: DhParams): CalleeSecret {
  const { secret, power } = freshPower(dh)
  return { g: BigInt(dh.g), p: dh.p, secret, gB: power }
}

/** Caller, on `phoneCallAccepted`: check `g_b`, derive the key. */
export function finishCaller(own: CallerSecret, gB: Uint8Array): AgreedKey {
  checkG(gB, own.p)
  const key = computeSharedKey(gB, own.secret, own.g, own.p)
  return { key, fingerprint: calcFingerprint(key), emojis: generateVisualization(key, own.gA).emojis }
}

/**
 * Callee, on `phoneCall`: `g_a` must match the hash the caller committed to before seeing
 * `g_b` (this is what stops a MITM from choosing `g_a` after the fact), pass the range check,
 * and yield the fingerprint the caller announced.
 */
export function finishCallee(own: CalleeSecret, gA: Uint8Array, gAHash: Uint8Array, announcedFingerprint: bigint): AgreedKey {
  const actualHash = sha256(gA)
  if (gAHash.length !== actualHash.length || !timingSafeEqual(actualHash, gAHash)) {
    throw new CallSecurityError('g_a does not match the hash the caller committed to')
  }
  checkG(gA, own.p)
  const key = computeSharedKey(gA, own.secret, own.g, own.p)
  const fingerprint = calcFingerprint(key)
  if (fingerprint !== announcedFingerprint) {
    throw new CallSecurityError('Key fingerprint mismatch')
  }
  return { key, fingerprint, emojis: generateVisualization(key, gA).emojis }
}
