import { randomBytes } from 'node:crypto'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import type { SignalingError } from '../../src/index.js'
import { SctpAssociation, SctpState } from '../../src/signaling/sctp/association.js'
import { until } from '../media/audio.js'

/*
 * Our SCTP against an independent implementation: werift's (RFC 4960, used with browsers over
 * DTLS). Its SCTP class is not in werift's public exports, so it is loaded from its file.
 */
interface WeriftTransport {
  onData?: (buf: Buffer) => void
  send: (buf: Buffer) => Promise<void>
  close: () => void
}
interface WeriftSctp {
  start(remotePort?: number): Promise<void>
  send(streamId: number, ppId: number, data: Buffer): Promise<void>
  stop(): Promise<void>
  state: string
  onReceive: { subscribe(handler: (streamId: number, ppId: number, data: Buffer) => void): unknown }
}
interface WeriftSctpModule {
  SCTP: { client(t: WeriftTransport, port?: number): WeriftSctp; server(t: WeriftTransport, port?: number): WeriftSctp }
}

const require = createRequire(import.meta.url)
const weriftSctp = require(join(dirname(require.resolve('werift')), '../../sctp/src/index.js')) as WeriftSctpModule

const LINK_DELAY_MS = 5
const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})


function connectTo(role: 'client' | 'server') {
  /** Once set, every `lossEvery`-th packet in each direction is dropped. */
  const link = { lossEvery: 0, toUs: 0, toThem: 0 }
  const dropped = (count: number) => link.lossEvery > 0 && count % link.lossEvery === 0
  const ours = { delivered: [] as Uint8Array[], errors: [] as SignalingError[] }
  const theirs = { received: [] as Array<{ streamId: number; ppId: number; data: Buffer }> }
  const transport: WeriftTransport = {
    send: async buf => {
      const copy = new Uint8Array(buf)
      if (dropped(++link.toUs)) return
      setTimeout(() => association.receivePacket(copy), LINK_DELAY_MS)
    },
    close: () => {},
  }
  const association = new SctpAssociation({
    sendPacket: packet => {
      const copy = Buffer.from(packet)
      if (dropped(++link.toThem)) return
      setTimeout(() => transport.onData?.(copy), LINK_DELAY_MS)
    },
    deliverMessage: message => ours.delivered.push(message),
    reportError: error => ours.errors.push(error),
    stateChanged: () => {},
  })
  const werift = role === 'client' ? weriftSctp.SCTP.client(transport, 5000) : weriftSctp.SCTP.server(transport, 5000)
  werift.onReceive.subscribe((streamId, ppId, data) => theirs.received.push({ streamId, ppId, data }))
  cleanups.push(async () => {
    association.close()
    await werift.stop().catch(() => {})
  })
  return { association, werift, ours, theirs, link }
}

describe('our SCTP association against werift-sctp', () => {
  it.each([
    ['client', 0],
    ['server', 0],
    ['client', 4],
  ] as const)('with werift as %s, losing every %ith packet after the handshake (0: none): both directions, fragmentation, order', async (role, lossEvery) => {
    const { association, werift, ours, theirs, link } = connectTo(role)
    // werift's client sends INIT itself; against its server, we are the one who starts.
    if (role === 'server') association.connect()
    void werift.start(5000)
    if (role === 'client') setTimeout(() => association.connect(), 1)
    await until(() => association.state === SctpState.Established && werift.state === 'connected', 10_000)
    link.lossEvery = lossEvery

    const big = new Uint8Array(randomBytes(20_000))
    const ourMessages = [Uint8Array.of(1), big, Uint8Array.of(2, 2)]
    for (const message of ourMessages) association.sendMessage(message)
    const theirMessages = [Buffer.from('a'), Buffer.from(randomBytes(9_000)), Buffer.from('ccc')]
    for (const message of theirMessages) await werift.send(0, 53, message)

    await until(() => theirs.received.length === ourMessages.length && ours.delivered.length === theirMessages.length, 15_000)
    expect(theirs.received.map(r => new Uint8Array(r.data))).toEqual(ourMessages)
    expect(theirs.received.every(r => r.streamId === 0 && r.ppId === 53)).toBe(true)
    expect(ours.delivered).toEqual(theirMessages.map(m => new Uint8Array(m)))
    expect(ours.errors).toEqual([])
  })
})
