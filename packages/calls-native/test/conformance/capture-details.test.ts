/**
 * Byte-level conformance on the recordings: our encoders reproduce every real datagram
 * exactly (sealing with the recorded padding, header + extras, stream data, relay control),
 * and the parsed fields agree with what each recording documents (relay replies, INIT and
 * INIT_ACK bodies, extras, PING/PONG pairing, seq numbering).
 */
import { describe, expect, it } from 'vitest'

import { loadProtocolInternal, PacketType, type ParsedPacket } from '../../src/internal/protocol-internal.js'
import { CAPTURE_NAMES, datagramPrefix, encryptedRecords, isOutgoing, loadCapture, type Side } from './capture.js'

const native = loadProtocolInternal()
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')
const OPUS = 0x4f505553

type Parsed = Extract<ParsedPacket, { ok: true }>

describe.each(CAPTURE_NAMES)('capture %s, byte level', (name) => {
  const capture = loadCapture(name)
  const decrypted = encryptedRecords(capture).map((record) => {
    const datagram = Buffer.from(record.hex, 'hex')
    const senderIsOutgoing = isOutgoing(capture, record.from)
    const prefix = datagramPrefix(capture, record)
    const opened = native.openDatagram(capture.key, senderIsOutgoing, datagram, prefix)
    if (!opened.ok) throw new Error(`${name}: datagram at ${record.t} does not decrypt: ${opened.error}`)
    const packet = native.parsePacket(opened.packet)
    if (!packet.ok) throw new Error(`${name}: datagram at ${record.t} does not parse: ${packet.error}`)
    return { record, datagram, senderIsOutgoing, prefix, opened, packet }
  })

  it('re-sealing each packet with its recorded padding reproduces the datagram exactly', () => {
    for (const { datagram, senderIsOutgoing, prefix, opened } of decrypted) {
      const padding = opened.plaintext.subarray(2 + opened.packet.length)
      expect(padding.length).toBeGreaterThanOrEqual(16)
      expect(padding.length).toBeLessThanOrEqual(31)
      expect(hex(native.sealPacket(capture.key, senderIsOutgoing, opened.packet, prefix, padding))).toBe(hex(datagram))
    }
  })

  it('re-encoding headers, extras and stream data reproduces every packet exactly', () => {
    let streamRecords = 0
    for (const { opened, packet } of decrypted) {
      const header = { type: packet.type, ackId: packet.ackId, seq: packet.seq, recentMask: packet.recentMask, extras: packet.extras, recvTs: packet.recvTs }
      expect(hex(native.encodePacket(header, packet.body))).toBe(hex(opened.packet))
      if (packet.type === PacketType.StreamData) {
        const [record] = packet.streamData!
        const body = native.encodeStreamData({ pts: record!.pts, data: record!.data, fec: record!.fec.map((entry) => entry.data) })
        expect(hex(body)).toBe(hex(packet.body))
        streamRecords++
      }
    }
    expect(streamRecords).toBeGreaterThan(150)
  })

  it('INIT and INIT_ACK bodies are the v9 audio-only handshake', () => {
    const inits = decrypted.filter(({ packet }) => packet.type === PacketType.Init)
    const initAcks = decrypted.filter(({ packet }) => packet.type === PacketType.InitAck)
    expect(inits.length).toBeGreaterThan(0)
    expect(initAcks.length).toBeGreaterThan(0)
    for (const { packet } of inits) {
      expect(packet.init).toEqual({ protocolVersion: 9, minProtocolVersion: 3, flags: 0, audioCodecs: [OPUS], videoDecoderCount: 0 })
      expect(hex(packet.body)).toBe(hex(native.encodeInit()))
    }
    for (const { packet } of initAcks) {
      expect(packet.initAck!.streams).toEqual([{ id: 1, type: 1, codec: OPUS, frameDurationMs: 60, enabled: true }])
      expect(hex(packet.body)).toBe(hex(native.encodeInitAck()))
    }
  })

  it('seq starts at 1 and never goes back; PONGs answer the peer’s PINGs', () => {
    const pings: Record<Side, Set<number>> = { caller: new Set(), callee: new Set() }
    for (const side of ['caller', 'callee'] as const) {
      const seqs = decrypted.filter(({ record }) => record.from === side).map(({ packet }) => packet.seq)
      expect(Math.min(...seqs)).toBe(1)
      for (let i = 1; i < seqs.length; i++) expect(seqs[i]!).toBeGreaterThanOrEqual(seqs[i - 1]!)
    }
    for (const { record, packet } of decrypted) if (packet.type === PacketType.Ping) pings[record.from].add(packet.seq)
    for (const { record, packet } of decrypted) {
      if (packet.type !== PacketType.Pong) continue
      const peer: Side = record.from === 'caller' ? 'callee' : 'caller'
      expect(pings[peer].has(packet.pongSeq!)).toBe(true)
    }
  })

  it('relay control datagrams parse, match the requests, and re-encode exactly', () => {
    const queries = new Map<bigint, string>()
    const control = capture.records.filter((record) => ['ping', 'ping_reply', 'peer_info_req', 'peer_info_reply'].includes(record.action))
    expect(control.length).toBeGreaterThan(0)
    for (const record of control) {
      const bytes = Buffer.from(record.hex, 'hex')
      const parsed = native.parseRelayControl(bytes)
      expect(parsed).not.toBeNull()
      expect(hex(parsed!.tag)).toBe(capture.meta.peer_tag_hex)
      if (record.action === 'ping') {
        expect(parsed!.kind).toBe('udp_ping')
        queries.set(parsed!.queryId, record.from_addr)
        expect(hex(native.encodeUdpPing(capture.peerTag, parsed!.queryId))).toBe(record.hex)
      } else if (record.action === 'peer_info_req') {
        expect(parsed!.kind).toBe('public_endpoints_request')
        expect(hex(native.encodePublicEndpointsRequest(capture.peerTag))).toBe(record.hex)
      } else if (record.action === 'ping_reply') {
        expect(parsed!.kind).toBe('self_info')
        const self = parsed!.selfInfo!
        // The reply echoes the query id of a ping from the same client and reports its address.
        expect(queries.get(self.queryId)).toBe(record.to_addr)
        expect(`${self.ip}:${self.port}`).toBe(record.to_addr)
        expect(hex(native.encodeSelfInfoReply(capture.peerTag, self))).toBe(record.hex)
      } else {
        expect(parsed!.kind).toBe('peer_info')
        const peer = parsed!.peerInfo!
        const other = record.to === 'caller' ? capture.meta.callee_addr : capture.meta.caller_addr
        expect(`${peer.myIp}:${peer.myPort}`).toBe(record.to_addr)
        expect(`${peer.peerIp}:${peer.peerPort}`).toBe(other)
        expect(hex(native.encodePeerInfoReply(capture.peerTag, peer))).toBe(record.hex)
      }
    }
  })

  it('extras carry what the recording documents', () => {
    const extrasFrom = (side: Side) =>
      decrypted.filter(({ record }) => record.from === side).flatMap(({ packet }) => (packet as Parsed).extras)
    for (const side of ['caller', 'callee'] as const) {
      const extras = extrasFrom(side)
      if (name === 'relay-loss') {
        // Switching on extra redundancy: STREAM_FLAGS 01 05000000 (ENABLED | EXTRA_EC).
        expect(extras.some((extra) => extra.streamFlags?.streamId === 1 && extra.streamFlags.flags === 5)).toBe(true)
      }
      if (name === 'p2p') {
        // Both peers share a public IP, so each announces its LAN endpoint 192.0.2.2:<own port>.
        const ownPort = Number((side === 'caller' ? capture.meta.caller_addr : capture.meta.callee_addr).split(':')[1])
        expect(extras.some((extra) => extra.lanEndpoint?.ip === '192.0.2.2' && extra.lanEndpoint.port === ownPort)).toBe(true)
      }
      if (name === 'relay-basic') expect(extras).toEqual([])
    }
  })
})
