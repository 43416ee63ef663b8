import { readFileSync } from 'node:fs'

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import type { SignalingVersion } from '../../src/index.js'
import { decodeMessage, SignalingFramingError, SignalingReplayError } from '../../src/index.js'
import { PacketCipher } from '../../src/signaling/packet-cipher.js'
import { hex, toHex, VECTOR_KEY } from './support/fixtures.js'
import { candidate } from './support/messages.js'
import { probe } from './support/probe.js'

const vectors = JSON.parse(readFileSync(new URL('../fixtures/spec-vectors.json', import.meta.url), 'utf8')) as Record<string, { packet: string; plaintext: string }> & { json1: string }
const json1 = decodeMessage(new TextEncoder().encode(vectors.json1))!

/** A channel on the §12 key that records everything it does. */
const vectorProbe = (isOutgoing: boolean, version: SignalingVersion) => probe(VECTOR_KEY, isOutgoing, version)

/** Plaintext a peer would read from one of our blobs. */
function readAsPeer(blob: Uint8Array, weAreCaller: boolean): string {
  return toHex(new PacketCipher(VECTOR_KEY, !weAreCaller).decrypt(blob))
}

/** A V2 packet from the caller with the given plaintext records. */
function fromCaller(plaintextHex: string): Uint8Array {
  return new PacketCipher(VECTOR_KEY, true).encrypt(hex(plaintextHex))
}

const jsonHex = (text: string) => Buffer.from(text).toString('hex')
const messageRecord = (seq: string, text: string) => `${seq}7f${(text.length).toString(16).padStart(8, '0')}${jsonHex(text)}`

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('byte-exact output against the §12 vectors', () => {
  it('7.0.0: the caller sends JSON1 as TV-1, the callee as TV-2', () => {
    const caller = vectorProbe(true, '7.0.0')
    const callee = vectorProbe(false, '7.0.0')
    caller.channel.send(json1)
    callee.channel.send(json1)
    expect(caller.blobs.map(toHex)).toEqual([vectors.tv1!.packet])
    expect(callee.blobs.map(toHex)).toEqual([vectors.tv2!.packet])
  })

  it('8.0.0: the caller sends JSON1 as TV-3; the callee acks it with exactly TV-4', () => {
    const caller = vectorProbe(true, '8.0.0')
    caller.channel.send(json1)
    expect(caller.blobs.map(toHex)).toEqual([vectors.tv3!.packet])

    const callee = vectorProbe(false, '8.0.0')
    callee.channel.receiveBlob(hex(vectors.tv3!.packet))
    expect(callee.messages).toEqual([json1])
    // A new ack-requiring message is acknowledged at once, in a service packet.
    expect(callee.blobs.map(toHex)).toEqual([vectors.tv4!.packet])
  })
})

describe('V2 reliable framing (8.0.0)', () => {
  it('resends an unacknowledged message after 5 s in a service packet, and stops once acked', async () => {
    const caller = vectorProbe(true, '8.0.0')
    caller.channel.send(json1)
    await vi.advanceTimersByTimeAsync(4_900)
    expect(caller.blobs).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(200)
    expect(caller.blobs).toHaveLength(2)
    // Empty head with a fresh counter, then the original record, seq 0x40000001 unchanged.
    expect(readAsPeer(caller.blobs[1]!, true)).toBe(`00000002fe${messageRecord('40000001', vectors.json1)}`)

    // The callee's ack (TV-4 form) empties the backlog: no more resends.
    const ack = new PacketCipher(VECTOR_KEY, false).encrypt(hex('00000001fe40000001ff'))
    caller.channel.receiveBlob(ack)
    await vi.advanceTimersByTimeAsync(30_000)
    expect(caller.blobs).toHaveLength(2)
    expect(caller.errors).toEqual([])
  })

  it('a second send while the first is unacked resends both, oldest first', () => {
    const caller = vectorProbe(true, '8.0.0')
    caller.channel.send(json1)
    caller.channel.send(candidate(1))
    const second = readAsPeer(caller.blobs[1]!, true)
    expect(second.startsWith(`00000003fe${messageRecord('40000001', vectors.json1)}40000002`)).toBe(true)
  })

  it('a duplicated blob is dropped as a replay; a resent record is acked again but not redelivered', async () => {
    const callee = vectorProbe(false, '8.0.0')
    const original = fromCaller(messageRecord('40000001', vectors.json1))
    callee.channel.receiveBlob(original)
    callee.channel.receiveBlob(original)
    expect(callee.errors.map(e => e.constructor)).toEqual([SignalingReplayError])
    callee.channel.receiveBlob(fromCaller(`00000002fe${messageRecord('40000001', vectors.json1)}`))
    expect(callee.messages).toEqual([json1])
    // The repeated ack waits for the 5 s flush since nothing new arrived.
    expect(callee.blobs).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(5_000)
    expect(callee.blobs).toHaveLength(2)
    expect(readAsPeer(callee.blobs[1]!, false)).toBe('00000002fe40000001ff')
  })

  it.each([
    ['an unknown record type', `00000001fe400000027e`],
    ['an ack as the first record', `40000001ff`],
    ['an empty record after the first', `${messageRecord('40000001', '{}')}00000002fe`],
    ['a length beyond the packet', `400000017f00000100${jsonHex('{}')}`],
    ['a single-message packet with a trailing record', `${messageRecord('c0000001', '{}')}40000001ff`],
    ['a 1..4-byte tail', `${messageRecord('40000001', '{}')}4000`],
  ])('rejects the whole packet for %s', (_name, plaintext) => {
    const callee = vectorProbe(false, '8.0.0')
    callee.channel.receiveBlob(fromCaller(plaintext))
    expect(callee.errors.map(e => e.constructor)).toEqual([SignalingFramingError])
    expect(callee.messages).toEqual([])
    expect(callee.blobs).toEqual([])
  })
})
