import { randomBytes } from 'node:crypto'
import { gzipSync } from 'node:zlib'

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import type { SignalingMessage, SignalingVersion } from '../../src/index.js'
import {
  FramingKind,
  SignalingAuthError,
  SignalingChannel,
  SignalingConfigError,
  SignalingError as SignalingErrorClass,
  SignalingFramingError,
  SignalingKeyMismatchError,
  SignalingListenerError,
  SignalingMessageError,
  SignalingPacketSizeError,
  SignalingSendError,
} from '../../src/index.js'
import { PacketCipher } from '../../src/signaling/packet-cipher.js'
import { crc32c } from '../../src/signaling/sctp/crc32c.js'
import { ChunkType, parsePacket } from '../../src/signaling/sctp/packet.js'
import { seededRandom } from './support/blob-pipe.js'
import { audioOffer, candidate, initialSetup } from './support/messages.js'
import type { Probe } from './support/probe.js'
import { probe } from './support/probe.js'

/** Wires two probes together with a 5 ms link. */
function link(a: Probe, b: Probe): void {
  a.channel.on('outgoingBlob', blob => setTimeout(() => b.channel.receiveBlob(blob), 5))
  b.channel.on('outgoingBlob', blob => setTimeout(() => a.channel.receiveBlob(blob), 5))
}

function withValidChecksum(packet: Uint8Array): void {
  packet.fill(0, 8, 12)
  const checksum = crc32c(packet)
  packet.set([checksum, checksum >>> 8, checksum >>> 16, checksum >>> 24], 8)
}

const errorTypes = (p: Probe) => [...new Set(p.errors.map(e => e.constructor))]

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

const VERSIONS: SignalingVersion[] = ['7.0.0', '8.0.0', '13.0.0']

describe.each(VERSIONS)('%s: bad keys and altered blobs', version => {
  it('a peer with another key gets nothing through: SignalingAuthError', async () => {
    const caller = probe(randomBytes(256), true, version)
    const callee = probe(randomBytes(256), false, version)
    link(caller, callee)
    caller.channel.send(initialSetup('actpass'))
    caller.channel.send(candidate(1))
    for (let i = 2; i < 5; i++) caller.channel.send(candidate(i))
    await vi.advanceTimersByTimeAsync(3_000)
    expect(callee.messages).toEqual([])
    // After three failures and no success, the verdict the integrator fails the call on.
    expect(errorTypes(callee)).toEqual([SignalingAuthError, SignalingKeyMismatchError])
    expect(callee.errors.filter(e => e instanceof SignalingKeyMismatchError)).toHaveLength(1)
  })

  it('two sides that both think they are the caller cannot read each other', async () => {
    const key = randomBytes(256)
    const a = probe(key, true, version)
    const b = probe(key, true, version)
    link(a, b)
    a.channel.send(candidate(1))
    b.channel.send(candidate(2))
    await vi.advanceTimersByTimeAsync(3_000)
    expect([...a.messages, ...b.messages]).toEqual([])
    expect(errorTypes(b)).toContain(SignalingAuthError)
  })
})

describe.each(VERSIONS)('%s: a genuine blob altered on the way', version => {
  it('is rejected with SignalingAuthError and never delivered', async () => {
    const key = randomBytes(256)
    const caller = probe(key, true, version)
    const callee = probe(key, false, version)
    // The relay flips one bit in the encrypted part of the first blob carrying our message
    // (for V3 inside the DATA chunk, with the SCTP checksum fixed up so only §2 can catch it).
    let tampered = false
    caller.channel.on('outgoingBlob', blob => {
      const copy = Uint8Array.from(blob)
      if (!tampered && version !== '13.0.0') {
        tampered = true
        copy[copy.length - 1]! ^= 0x10
      }
      const data = version === '13.0.0' ? parsePacket(copy).chunks.find(c => c.type === ChunkType.Data) : undefined
      if (!tampered && data !== undefined) {
        tampered = true
        data.value[data.value.length - 1]! ^= 0x10 // a view into `copy`
        withValidChecksum(copy)
      }
      setTimeout(() => callee.channel.receiveBlob(copy), 5)
    })
    callee.channel.on('outgoingBlob', blob => setTimeout(() => caller.channel.receiveBlob(blob), 5))
    caller.channel.send(candidate(1))
    await vi.advanceTimersByTimeAsync(20_000)
    expect(tampered).toBe(true)
    expect(errorTypes(callee)).toEqual([SignalingAuthError])
    // V2 resends the message until acked; V1 has no retransmission, and V3's SCTP has already
    // acknowledged the altered chunk (its headers are not authenticated), so it is lost there.
    expect(callee.messages).toEqual(version === '8.0.0' ? [candidate(1)] : [])
  })
})

describe.each([['8.0.0', SignalingAuthError], ['7.0.0', SignalingAuthError], ['13.0.0', SignalingFramingError]] as const)(
  '%s: hostile blobs',
  (version, randomBlobError) => {
    it('truncated, empty, oversized and random blobs are rejected with typed errors, and the channel still works', async () => {
      const key = randomBytes(256)
      const caller = probe(key, true, version)
      const callee = probe(key, false, version)
      link(caller, callee)
      for (const blob of [new Uint8Array(0), new Uint8Array(10), new Uint8Array(20)]) callee.channel.receiveBlob(blob)
      // Too short to be a packet; for V3 too short (or not) to be SCTP.
      expect(errorTypes(callee)).toEqual([version === '13.0.0' ? SignalingFramingError : SignalingPacketSizeError])
      callee.errors.length = 0
      callee.channel.receiveBlob(new Uint8Array(randomBytes(200_000)))
      expect(errorTypes(callee)).toEqual([SignalingPacketSizeError])
      callee.errors.length = 0
      callee.channel.receiveBlob(new Uint8Array(randomBytes(300)))
      expect(errorTypes(callee)).toEqual([randomBlobError])

      caller.channel.send(audioOffer(5, 6))
      await vi.advanceTimersByTimeAsync(2_000)
      expect(callee.messages).toEqual([audioOffer(5, 6)])
    })
  },
)

describe('valid packets with bad contents', () => {
  const key = randomBytes(256)
  let counter = 0
  /** A V1 packet the genuine caller could have sent. */
  const fromCaller = (payload: Uint8Array) => {
    const seq = Buffer.alloc(4)
    seq.writeUInt32BE(++counter)
    return new PacketCipher(key, true).encrypt(Buffer.concat([seq, payload]))
  }

  it('JSON that breaks §4 → SignalingMessageError; an unknown @type is ignored silently', () => {
    const callee = probe(key, false, '7.0.0')
    callee.channel.receiveBlob(fromCaller(Buffer.from('{"@type": "Candidates", "candidates": 5}')))
    expect(errorTypes(callee)).toEqual([SignalingMessageError])
    const other = probe(key, false, '7.0.0')
    other.channel.receiveBlob(fromCaller(Buffer.from('{"@type": "SomethingNew", "x": 1}')))
    expect(other.errors).toEqual([])
    expect(other.messages).toEqual([])
  })

  it('a gzip bomb (inflates beyond 2 MiB) and broken gzip → SignalingFramingError', () => {
    const callee = probe(key, false, '7.0.0')
    const bomb = gzipSync(Buffer.alloc(3 * 1024 * 1024, 0x20))
    expect(bomb.length).toBeLessThan(10_000)
    callee.channel.receiveBlob(fromCaller(bomb))
    callee.channel.receiveBlob(fromCaller(Uint8Array.of(0x1f, 0x8b, 1, 2, 3)))
    expect(callee.errors.map(e => e.constructor)).toEqual([SignalingFramingError, SignalingFramingError])
  })
})

describe('misuse by the integrator', () => {
  it('rejects a short key and an unknown version with SignalingConfigError', () => {
    expect(() => new SignalingChannel({ key: new Uint8Array(255), isOutgoing: true, version: '8.0.0' })).toThrow(SignalingConfigError)
    expect(() => new SignalingChannel({ key: new Uint8Array(256), isOutgoing: true, version: '9.0.0' as SignalingVersion })).toThrow(SignalingConfigError)
  })

  it('refuses messages a strict parser would reject, or that cannot fit, with SignalingSendError', () => {
    const channel = new SignalingChannel({ key: randomBytes(256), isOutgoing: true, version: '8.0.0' })
    expect(() => channel.send(audioOffer(1, 2 ** 32))).toThrow(SignalingSendError)
    const huge: SignalingMessage = { type: 'Candidates', candidates: [{ sdpString: 'x'.repeat(20_000) }] }
    expect(() => channel.send(huge)).toThrow(SignalingSendError)
    channel.close()
  })

  it('a throwing listener becomes a SignalingListenerError and the channel keeps working', async () => {
    const key = randomBytes(256)
    const caller = probe(key, true, '8.0.0')
    const callee = probe(key, false, '8.0.0')
    link(caller, callee)
    let throws = true
    callee.channel.on('message', () => {
      if (throws) {
        throws = false
        throw new Error('listener bug')
      }
    })
    caller.channel.send(candidate(1))
    caller.channel.send(candidate(2))
    await vi.advanceTimersByTimeAsync(1_000)
    expect(errorTypes(callee)).toEqual([SignalingListenerError])
    expect(callee.messages).toEqual([candidate(1), candidate(2)])
  })

  it('without an error listener, bad blobs are dropped quietly instead of throwing', () => {
    const channel = new SignalingChannel({ key: randomBytes(256), isOutgoing: false, version: '13.0.0' })
    expect(() => channel.receiveBlob(new Uint8Array(randomBytes(64)))).not.toThrow()
    channel.close()
  })

  it('after close(), send and receiveBlob do nothing and no timer is left', () => {
    const channel = new SignalingChannel({ key: randomBytes(256), isOutgoing: true, version: '8.0.0' })
    const blobs: Uint8Array[] = []
    channel.on('outgoingBlob', b => blobs.push(b))
    channel.send(candidate(1))
    channel.close()
    channel.send(candidate(2))
    channel.receiveBlob(new Uint8Array(100))
    expect(blobs).toHaveLength(1)
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('§3.5: a peer that speaks V3 although 8.0.0 was negotiated', () => {
  it('switches to SCTP on its first blob and repeats what it had sent', async () => {
    const key = randomBytes(256)
    const caller = probe(key, true, '8.0.0')
    const callee = probe(key, false, '13.0.0')
    link(caller, callee)
    caller.channel.send(initialSetup('actpass'))
    callee.channel.send(initialSetup('passive'))
    await vi.advanceTimersByTimeAsync(3_000)
    expect(caller.channel.framingKind).toBe(FramingKind.Sctp)
    expect(callee.messages.map(m => m.type)).toEqual(['InitialSetup'])
    expect(caller.messages.map(m => m.type)).toEqual(['InitialSetup'])
  })
})

describe.each(['8.0.0', '13.0.0', '7.0.0'] as const)('%s fuzz: mutated valid blobs', version => {
  it('2000 mutations fed to the live receiver never throw, only report SignalingErrors, never deliver a forged or repeated message', async () => {
    const key = randomBytes(256)
    const caller = probe(key, true, version)
    const callee = probe(key, false, version)
    link(caller, callee)
    caller.channel.send(initialSetup('actpass'))
    caller.channel.send(audioOffer(9, 10))
    for (let i = 0; i < 5; i++) caller.channel.send(candidate(i))
    await vi.advanceTimersByTimeAsync(2_000)
    const genuine = [...callee.messages]
    expect(genuine).toHaveLength(7)
    const corpus = [...caller.blobs]

    const random = seededRandom(99)
    const pick = (n: number) => Math.floor(random() * n)
    for (let i = 0; i < 2000; i++) {
      const blob = Uint8Array.from(corpus[pick(corpus.length)]!)
      let mutated: Uint8Array
      switch (pick(4)) {
        case 0:
          blob[pick(blob.length)]! ^= 1 << pick(8)
          mutated = blob
          break
        case 1:
          mutated = blob.subarray(0, pick(blob.length))
          break
        case 2:
          mutated = Uint8Array.from([...blob, ...randomBytes(1 + pick(64))])
          break
        default:
          mutated = Uint8Array.from(blob)
          mutated.set(randomBytes(Math.min(8, blob.length)), pick(Math.max(1, blob.length - 8)))
      }
      // Half of the mangled SCTP packets get a valid checksum so the chunk parsers are reached.
      if (version === '13.0.0' && mutated.length >= 12 && pick(2) === 0) withValidChecksum(mutated)
      expect(() => callee.channel.receiveBlob(mutated)).not.toThrow()
    }
    await vi.advanceTimersByTimeAsync(10_000)
    for (const error of callee.errors) expect(error).toBeInstanceOf(SignalingErrorClass)
    // Every message is encrypted and authenticated: mangling cannot forge or replay one.
    expect(callee.messages).toEqual(genuine)

    if (version !== '13.0.0') {
      // The framing survived. (SCTP headers are not authenticated — by design of tgcalls — so a
      // relay that forges chunks with valid checksums can derail the association; not asserted.)
      caller.channel.send(candidate(99))
      await vi.advanceTimersByTimeAsync(10_000)
      expect(callee.messages.at(-1)).toEqual(candidate(99))
    }
    caller.channel.close()
    callee.channel.close()
  })
})
