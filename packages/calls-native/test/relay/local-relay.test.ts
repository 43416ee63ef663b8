import { createSocket, type Socket } from 'node:dgram'
import { afterEach, describe, expect, it } from 'vitest'
import { LocalRelay, type RelayFaults } from '../../src/testing/index.js'

interface Client {
  socket: Socket
  port: number
  received: Buffer[]
  send(datagram: Buffer): void
}

async function client(relay: LocalRelay): Promise<Client> {
  const socket = createSocket('udp4')
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  const received: Buffer[] = []
  socket.on('message', (message) => received.push(message))
  return {
    socket,
    port: socket.address().port,
    received,
    send: (datagram) => socket.send(datagram, relay.port, '127.0.0.1'),
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

function dataDatagram(tag: Uint8Array, index: number): Buffer {
  const out = Buffer.alloc(64, index & 0xff)
  out.set(tag, 0)
  out.writeUInt32LE(index, 16)
  return out
}

describe('LocalRelay', () => {
  const cleanup: Array<() => Promise<void> | void> = []
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn()
  })

  async function setup(faults?: RelayFaults): Promise<{ relay: LocalRelay; a: Client; b: Client; tags: ReturnType<typeof LocalRelay.createTagPair> }> {
    const relay = await LocalRelay.create({ faults })
    cleanup.push(() => relay.close())
    const a = await client(relay)
    const b = await client(relay)
    cleanup.push(
      () => void a.socket.close(),
      () => void b.socket.close(),
    )
    return { relay, a, b, tags: LocalRelay.createTagPair() }
  }

  it('hands out tag pairs that differ only in bit 0 of byte 15', () => {
    const { callerTag, calleeTag } = LocalRelay.createTagPair()
    expect(callerTag.length).toBe(16)
    expect(Buffer.from(callerTag.subarray(0, 15))).toEqual(Buffer.from(calleeTag.subarray(0, 15)))
    expect(callerTag[15]! ^ calleeTag[15]!).toBe(1)
    expect(callerTag[15]! & 1).toBe(0)
  })

  it('answers a UDP ping with SELF_INFO (spec §10.3.1 layout)', async () => {
    const { a, tags } = await setup()
    const queryId = Buffer.from('0102030405060708', 'hex')
    a.send(Buffer.concat([tags.callerTag, Buffer.alloc(12, 0xff), Buffer.from('feffffff', 'hex'), queryId]))
    await sleep(100)
    expect(a.received).toHaveLength(1)
    const reply = a.received[0]!
    expect(reply.length).toBe(64)
    expect(reply.subarray(0, 16)).toEqual(Buffer.from(tags.callerTag))
    expect(reply.subarray(16, 28)).toEqual(Buffer.alloc(12, 0xff))
    expect(reply.readUInt32LE(28)).toBe(0xc01572c7)
    expect(Math.abs(reply.readInt32LE(32) - Date.now() / 1000)).toBeLessThan(5)
    expect(reply.subarray(36, 44)).toEqual(queryId)
    expect(reply.subarray(44, 60)).toEqual(Buffer.from('00000000000000000000ffff7f000001', 'hex'))
    expect(reply.readInt32LE(60)).toBe(a.port)
  })

  it('answers a public-endpoints request with PEER_INFO once both sides are known', async () => {
    const { a, b, tags } = await setup()
    const request = (tag: Uint8Array): Buffer => Buffer.concat([tag, Buffer.alloc(16, 0xff)])
    a.send(request(tags.callerTag))
    await sleep(80)
    expect(a.received).toHaveLength(0) // the other side is unknown yet
    b.send(request(tags.calleeTag))
    await sleep(80)
    expect(b.received).toHaveLength(1)
    const reply = b.received[0]!
    expect(reply.length).toBe(48)
    expect(reply.readUInt32LE(28)).toBe(0x27d9371c)
    expect([...reply.subarray(32, 36)]).toEqual([127, 0, 0, 1])
    expect(reply.readInt32LE(36)).toBe(b.port)
    expect([...reply.subarray(40, 44)]).toEqual([127, 0, 0, 1])
    expect(reply.readInt32LE(44)).toBe(a.port)
  })

  it('forwards data to the other side with the side bit flipped, and ignores runts', async () => {
    const { relay, a, b, tags } = await setup()
    a.send(dataDatagram(tags.callerTag, 1)) // b unknown yet: dropped
    b.send(dataDatagram(tags.calleeTag, 2))
    a.send(dataDatagram(tags.callerTag, 3))
    a.send(Buffer.alloc(31, 1))
    await sleep(100)
    expect(b.received).toHaveLength(1)
    expect(b.received[0]!.subarray(0, 16)).toEqual(Buffer.from(tags.calleeTag))
    expect(b.received[0]!.readUInt32LE(16)).toBe(3)
    expect(a.received).toHaveLength(1)
    expect(a.received[0]!.subarray(0, 16)).toEqual(Buffer.from(tags.callerTag))
    expect(relay.stats.dropped).toBe(1)
  })

  it('follows a side that moves to a new port, and keeps calls apart by the high bits of byte 15', async () => {
    const { relay, a, b, tags } = await setup()
    const moved = await client(relay)
    cleanup.push(() => void moved.socket.close())
    b.send(dataDatagram(tags.calleeTag, 1))
    await sleep(20)
    a.send(dataDatagram(tags.callerTag, 2))
    await sleep(50)
    moved.send(dataDatagram(tags.callerTag, 3)) // the caller, now from another port
    // Another call whose tags differ from this one's only in byte 15's high bits.
    const other = Uint8Array.from(tags.callerTag)
    other[15] = other[15]! ^ 0x80
    a.send(dataDatagram(other, 4))
    b.send(dataDatagram(tags.calleeTag, 5))
    await sleep(100)
    expect(b.received.map((d) => d.readUInt32LE(16))).toEqual([2, 3])
    expect(a.received).toHaveLength(0)
    expect(moved.received.map((d) => d.readUInt32LE(16))).toEqual([5])
    // The callee's first datagram and the other call's: neither had a known peer.
    expect(relay.stats.dropped).toBe(2)
  })

  it('drops a seeded, reproducible share of datagrams', async () => {
    const patterns: number[][] = []
    for (let run = 0; run < 2; run++) {
      const { a, b, tags } = await setup({ lossRate: 0.3, seed: 42 })
      b.send(dataDatagram(tags.calleeTag, 0))
      await sleep(20)
      for (let i = 1; i <= 200; i++) a.send(dataDatagram(tags.callerTag, i))
      await sleep(200)
      patterns.push(b.received.map((d) => d.readUInt32LE(16)).sort((x, y) => x - y))
    }
    expect(patterns[0]).toEqual(patterns[1])
    expect(patterns[0]!.length).toBeGreaterThan(110)
    expect(patterns[0]!.length).toBeLessThan(170)
  })

  it('duplicates, reorders and delays on request', async () => {
    const { relay, a, b, tags } = await setup({ duplicateRate: 0.5, reorderRate: 0.3, jitterMs: 30, seed: 3 })
    b.send(dataDatagram(tags.calleeTag, 0))
    await sleep(20)
    for (let i = 1; i <= 50; i++) {
      a.send(dataDatagram(tags.callerTag, i))
      await sleep(2)
    }
    await sleep(300)
    const order = b.received.map((d) => d.readUInt32LE(16))
    expect(order.length).toBeGreaterThan(55)
    expect(new Set(order).size).toBe(50)
    expect(order).not.toEqual([...order].sort((x, y) => x - y))
    expect(relay.stats.duplicated).toBeGreaterThan(0)
    expect(relay.stats.reordered).toBeGreaterThan(0)
  })

  it('stops answering and forwarding when switched off', async () => {
    const { relay, a, b, tags } = await setup()
    b.send(dataDatagram(tags.calleeTag, 0))
    await sleep(20)
    relay.setAnswering(false)
    a.send(dataDatagram(tags.callerTag, 1))
    a.send(Buffer.concat([tags.callerTag, Buffer.alloc(12, 0xff), Buffer.from('feffffff', 'hex'), Buffer.alloc(8)]))
    await sleep(100)
    expect(b.received).toHaveLength(0)
    expect(a.received).toHaveLength(0)
    relay.setAnswering(true)
    a.send(dataDatagram(tags.callerTag, 2))
    await sleep(100)
    expect(b.received).toHaveLength(1)
  })

  it('rejects fault rates outside 0..1', async () => {
    await expect(LocalRelay.create({ faults: { lossRate: 2 } })).rejects.toThrow(RangeError)
  })
})
