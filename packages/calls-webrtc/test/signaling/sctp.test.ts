import { randomBytes } from 'node:crypto'

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import type { SignalingError } from '../../src/index.js'
import { SignalingAssociationError, SignalingChannel, SignalingFramingError } from '../../src/index.js'
import { readU32 } from '../../src/signaling/bytes.js'
import { SctpAssociation, SctpState } from '../../src/signaling/sctp/association.js'
import { ABORT_TAG_REFLECTED, parseData, parseInit } from '../../src/signaling/sctp/chunks.js'
import { ChunkType, encodeChunk, encodePacket, parsePacket } from '../../src/signaling/sctp/packet.js'
import { loadCapture } from './support/fixtures.js'

/** One association with everything it does recorded; `peer` is wired later. */
function endpoint(name: string) {
  const sent: Uint8Array[] = []
  const delivered: Uint8Array[] = []
  const errors: SignalingError[] = []
  const states: SctpState[] = []
  let peer: SctpAssociation | undefined
  let linkDelayMs = 10
  const association = new SctpAssociation({
    sendPacket: packet => {
      sent.push(packet)
      const target = peer
      if (target !== undefined) setTimeout(() => target.receivePacket(packet), linkDelayMs)
    },
    deliverMessage: message => delivered.push(message),
    reportError: error => errors.push(error),
    stateChanged: (_old, state) => states.push(state),
  })
  return {
    name,
    association,
    sent,
    delivered,
    errors,
    states,
    link(to: SctpAssociation | undefined, delayMs = 10) {
      peer = to
      linkDelayMs = delayMs
    },
    /** Our own verification tag, read from the INIT we sent. */
    localTag(): number {
      const init = sent.map(parsePacket).find(p => p.chunks[0]!.type === ChunkType.Init)!
      return parseInit(init.chunks[0]!.value).initiateTag
    },
  }
}

function pair() {
  const a = endpoint('a')
  const b = endpoint('b')
  a.link(b.association)
  b.link(a.association)
  return { a, b }
}

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('SCTP handshake', () => {
  it('answers the INIT recorded from tgcalls 13.0.0 with an INIT-ACK on its tag, and starts its own', () => {
    const capture = loadCapture('13.0.0')
    const recordedInit = capture.blobs.find(b => b.from === 'caller')!.bytes
    const tgcallsTag = parseInit(parsePacket(recordedInit).chunks[0]!.value).initiateTag
    const channel = new SignalingChannel({ key: capture.key, isOutgoing: false, version: '13.0.0' })
    const blobs: Uint8Array[] = []
    channel.on('outgoingBlob', b => blobs.push(b))
    channel.receiveBlob(recordedInit)
    channel.close()

    const packets = blobs.map(parsePacket)
    const initAck = packets.find(p => p.chunks[0]!.type === ChunkType.InitAck)!
    expect(initAck.verificationTag).toBe(tgcallsTag)
    const params = parseInit(initAck.chunks[0]!.value)
    expect(params.cookie?.length).toBeGreaterThan(0)
    expect(params.outboundStreams).toBeGreaterThan(0)
    // The callee starts its own attempt on the first blob, like the newest tgcalls.
    const ownInit = packets.find(p => p.chunks[0]!.type === ChunkType.Init)!
    expect(ownInit.verificationTag).toBe(0)
    expect(parseInit(ownInit.chunks[0]!.value).initiateTag).toBe(params.initiateTag)
    // Every blob is a plain SCTP packet on ports 5000/5000 (§3.5's detection relies on it).
    for (const blob of blobs) expect(Buffer.from(blob.subarray(0, 4)).toString('hex')).toBe('13881388')
  })

  it('simultaneous INITs converge on one association', async () => {
    const { a, b } = pair()
    a.association.connect()
    b.association.connect()
    await vi.advanceTimersByTimeAsync(100)
    expect(a.association.state).toBe(SctpState.Established)
    expect(b.association.state).toBe(SctpState.Established)
    a.association.sendMessage(Uint8Array.of(1, 2, 3))
    b.association.sendMessage(Uint8Array.of(4))
    await vi.advanceTimersByTimeAsync(100)
    expect(b.delivered).toEqual([Uint8Array.of(1, 2, 3)])
    expect(a.delivered).toEqual([Uint8Array.of(4)])
    expect([...a.errors, ...b.errors]).toEqual([])
  })

  it('sends queued messages along with the COOKIE-ECHO, a round trip before COOKIE-ACK', async () => {
    const { a, b } = pair()
    a.association.sendMessage(Uint8Array.of(5))
    a.association.connect()
    // INIT at t=0 reaches b at 10; its INIT-ACK is back at 20, when COOKIE-ECHO and DATA leave together.
    await vi.advanceTimersByTimeAsync(25)
    expect(parsePacket(a.sent[1]!).chunks.map(c => c.type)).toEqual([ChunkType.CookieEcho, ChunkType.Data])
    expect(b.delivered).toEqual([])
    await vi.advanceTimersByTimeAsync(10)
    expect(b.delivered).toEqual([Uint8Array.of(5)])
  })

  it('retransmits a lost INIT after 400 ms, backing off to 750 ms, without giving up', async () => {
    const a = endpoint('a')
    a.association.connect()
    await vi.advanceTimersByTimeAsync(399)
    expect(a.sent).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(a.sent).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(750)
    expect(a.sent).toHaveLength(3)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(a.sent.length).toBeGreaterThan(80)
    a.association.close()
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('SCTP timers from custom_parameters (§1.4)', () => {
  it('network_sctp_t1_init_ms and network_sctp_max_backoff_ms override 400/750 ms; junk values are ignored', async () => {
    const initTimes = async (customParameters: Record<string, unknown>) => {
      const channel = new SignalingChannel({ key: new Uint8Array(256), isOutgoing: true, version: '13.0.0', customParameters })
      const times: number[] = []
      const start = Date.now()
      channel.on('outgoingBlob', () => times.push(Date.now() - start))
      await vi.advanceTimersByTimeAsync(1_200)
      channel.close()
      return times
    }
    expect(await initTimes({ network_sctp_t1_init_ms: 100, network_sctp_max_backoff_ms: 300 })).toEqual([0, 100, 300, 600, 900, 1200])
    expect(await initTimes({ network_sctp_t1_init_ms: '100', network_sctp_max_backoff_ms: 0 })).toEqual([0, 400, 1150])
  })
})

describe('SCTP data', () => {
  it('fragments a large message into MTU-sized packets with B/E flags and reassembles it', async () => {
    const { a, b } = pair()
    a.association.connect()
    await vi.advanceTimersByTimeAsync(100)
    const message = new Uint8Array(randomBytes(10_000))
    const sentBefore = a.sent.length
    a.association.sendMessage(message)
    await vi.advanceTimersByTimeAsync(100)
    const dataChunks = a.sent.slice(sentBefore).flatMap(p => parsePacket(p).chunks).filter(c => c.type === ChunkType.Data).map(c => parseData(c.flags, c.value))
    expect(dataChunks.length).toBe(9)
    expect(dataChunks.map(c => [c.begin, c.end])).toEqual(dataChunks.map((_, i) => [i === 0, i === dataChunks.length - 1]))
    expect(new Set(dataChunks.map(c => c.ssn)).size).toBe(1)
    for (const packet of a.sent) expect(packet.length).toBeLessThanOrEqual(1191)
    expect(b.delivered).toEqual([message])
  })

  it('answers a HEARTBEAT with a HEARTBEAT-ACK echoing its info', async () => {
    const { a, b } = pair()
    a.association.connect()
    await vi.advanceTimersByTimeAsync(100)
    const info = encodeChunk(0x0001, 0, Uint8Array.of(9, 8, 7, 6)).subarray(0, 8)
    const sentBefore = a.sent.length
    a.association.receivePacket(encodePacket(a.localTag(), [encodeChunk(ChunkType.Heartbeat, 0, info)]))
    const reply = parsePacket(a.sent[sentBefore]!)
    expect(reply.verificationTag).toBe(b.localTag())
    expect(reply.chunks[0]!.type).toBe(ChunkType.HeartbeatAck)
    expect(reply.chunks[0]!.value).toEqual(info)
  })

  it('after an ABORT, reconnects and still delivers what was not acknowledged', async () => {
    const { a, b } = pair()
    a.association.connect()
    await vi.advanceTimersByTimeAsync(100)
    // The peer's ABORT arrives while a message of ours is still in flight.
    a.association.sendMessage(Uint8Array.of(1))
    const inFlight = a.sent.at(-1)!
    expect(parsePacket(inFlight).chunks[0]!.type).toBe(ChunkType.Data)
    a.association.receivePacket(encodePacket(b.localTag(), [encodeChunk(ChunkType.Abort, ABORT_TAG_REFLECTED, new Uint8Array(0))]))
    expect(a.errors.map(e => e.constructor)).toEqual([SignalingAssociationError])
    expect(a.association.state).toBe(SctpState.CookieWait)
    await vi.advanceTimersByTimeAsync(2_000)
    a.association.sendMessage(Uint8Array.of(2))
    b.association.sendMessage(Uint8Array.of(3))
    await vi.advanceTimersByTimeAsync(2_000)
    expect(a.association.state).toBe(SctpState.Established)
    expect(b.association.state).toBe(SctpState.Established)
    // Message 1 may arrive twice (before the abort and again after); never out of order.
    expect(b.delivered.at(-1)).toEqual(Uint8Array.of(2))
    expect(b.delivered.map(m => m[0])).toContain(1)
    expect(a.delivered).toEqual([Uint8Array.of(3)])
  })

  it('when the peer restarts (new tag in a COOKIE-ECHO while established), rebuilds and resends what was unacknowledged', async () => {
    const { a, b } = pair()
    a.association.connect()
    await vi.advanceTimersByTimeAsync(100)
    a.link(undefined) // a's next message is lost with the old peer
    a.association.sendMessage(Uint8Array.of(1))
    const restarted = endpoint('b2')
    a.link(restarted.association)
    restarted.link(a.association)
    restarted.association.connect()
    await vi.advanceTimersByTimeAsync(2_000)
    expect(a.errors.map(e => e.constructor)).toEqual([SignalingAssociationError])
    expect(restarted.association.state).toBe(SctpState.Established)
    expect(restarted.delivered).toEqual([Uint8Array.of(1)])
    a.association.sendMessage(Uint8Array.of(2))
    restarted.association.sendMessage(Uint8Array.of(3))
    await vi.advanceTimersByTimeAsync(1_000)
    expect(restarted.delivered).toEqual([Uint8Array.of(1), Uint8Array.of(2)])
    expect(a.delivered).toEqual([Uint8Array.of(3)])
    expect(b.delivered).toEqual([])
  })

  it('delivers the DATA of a packet even when a later chunk in it is malformed', async () => {
    const { a, b } = pair()
    a.association.connect()
    await vi.advanceTimersByTimeAsync(100)
    a.link(undefined)
    a.association.sendMessage(Uint8Array.of(7, 7))
    const data = parsePacket(a.sent.at(-1)!)
    const truncatedSack = encodeChunk(ChunkType.Sack, 0, Uint8Array.of(1, 2))
    b.association.receivePacket(encodePacket(data.verificationTag, [encodeChunk(ChunkType.Data, data.chunks[0]!.flags, data.chunks[0]!.value), truncatedSack]))
    expect(b.delivered).toEqual([Uint8Array.of(7, 7)])
    expect(b.errors.map(e => e.constructor)).toEqual([SignalingFramingError])
  })

  it('rejects a corrupted checksum and a foreign verification tag with typed errors', async () => {
    const { a } = pair()
    a.association.connect()
    await vi.advanceTimersByTimeAsync(100)
    const good = encodePacket(a.localTag(), [encodeChunk(ChunkType.Heartbeat, 0, Uint8Array.of(0, 1, 0, 4))])
    const corrupted = Uint8Array.from(good)
    corrupted[corrupted.length - 1]! ^= 1
    a.association.receivePacket(corrupted)
    a.association.receivePacket(encodePacket((a.localTag() + 1) >>> 0, [encodeChunk(ChunkType.Heartbeat, 0, Uint8Array.of(0, 1, 0, 4))]))
    expect(a.errors.map(e => e.constructor)).toEqual([SignalingFramingError, SignalingFramingError])
    expect(readU32(good, 4)).toBe(a.localTag())
  })
})
