/**
 * Interop with real libtgvoip bytes: a recorded peer's datagrams are replayed, with their
 * recorded timing, into our VoIPController through a stand-in relay socket. Our engine
 * must complete the handshake with them, play the recorded peer's tone, and everything it
 * sends back must be what that peer expects (right key and direction, v9 INIT/INIT_ACK,
 * one 60 ms Opus frame per STREAM_DATA with pts += 60).
 */
import { createSocket, type Socket } from 'node:dgram'
import { afterEach, describe, expect, it } from 'vitest'

import { CallState, VoIPController } from '../../src/index.js'
import { loadProtocolInternal, PacketType } from '../../src/internal/protocol-internal.js'
import { concat, dominantFrequency, rms } from '../helpers/audio.js'
import { addRecords, decodeStream, emptyStream } from './audio-stream.js'
import { SeededRandom } from '../../src/testing/seeded-random.js'
import { encryptedRecords, isOutgoing, loadCapture, type Side } from './capture.js'

const native = loadProtocolInternal()
const captures = { 'relay-basic': loadCapture('relay-basic'), 'relay-loss': loadCapture('relay-loss') }
type CaptureName = keyof typeof captures
const toneOf: Record<Side, number> = { caller: 440, callee: 880 }

interface Replay {
  controller: VoIPController
  relay: Socket
  received: Int16Array[]
  sentByEngine: Uint8Array[]
  states: CallState[]
  done: Promise<void>
}

let active: Replay | undefined

afterEach(() => {
  active?.controller.destroy()
  active?.relay.close()
  active = undefined
})

/**
 * Our engine plays `role`; the recording of the other side is replayed at it: every
 * datagram the peer sent, or with `asForwarded` only those the relay passed on, each
 * through `rewrite` when given.
 */
async function replay(name: CaptureName, role: Side, asForwarded = false, rewrite = (datagram: Buffer): Buffer => datagram): Promise<Replay> {
  const capture = captures[name]
  const peer: Side = role === 'caller' ? 'callee' : 'caller'
  const peerDatagrams = encryptedRecords(capture).filter(
    (record) => record.from === peer && (!asForwarded || record.action === 'forwarded'),
  )
  const relay = createSocket('udp4')
  await new Promise<void>((resolve) => relay.bind(0, '127.0.0.1', resolve))
  const controller = new VoIPController()
  const result: Replay = { controller, relay, received: [], sentByEngine: [], states: [], done: Promise.resolve() }
  controller.on('stateChange', (_old, next) => result.states.push(next))
  controller.setRecvAudioFrameCallback((frame) => result.received.push(new Int16Array(frame.slice().buffer)))
  controller.setSendAudioFrameCallback((length) => new Int16Array(length / 2))
  controller.setConfig({ initTimeout: 10, recvTimeout: 10, dataSavingMode: 0, callId: 1n })
  controller.setEncryptionKey(capture.key, isOutgoing(capture, role))
  controller.setRemoteEndpoints(
    [{ id: 1n, ip: '127.0.0.1', ipv6: '', port: relay.address().port, peerTag: capture.peerTag }],
    false,
    false,
    VoIPController.CONNECTION_MAX_LAYER,
  )

  let resolveEngineAddress: (address: { port: number; address: string }) => void = () => {}
  const engineAddress = new Promise<{ port: number; address: string }>((resolve) => (resolveEngineAddress = resolve))
  relay.on('message', (message, from) => {
    resolveEngineAddress(from)
    const control = native.parseRelayControl(message)
    if (control?.kind === 'udp_ping') {
      relay.send(native.encodeSelfInfoReply(capture.peerTag, { date: 0, queryId: control.queryId, ip: from.address, port: from.port }), from.port, from.address)
    } else if (!control) {
      result.sentByEngine.push(new Uint8Array(message))
    }
  })

  controller.start()
  controller.connect()
  result.done = engineAddress.then(async (to) => {
    const start = Date.now()
    const t0 = peerDatagrams[0]!.t
    for (const record of peerDatagrams) {
      const wait = (record.t - t0) * 1000 - (Date.now() - start)
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
      if (!active) return
      relay.send(rewrite(Buffer.from(record.hex, 'hex')), to.port, to.address)
    }
  })
  active = result
  return result
}

describe('replaying recorded libtgvoip traffic into our engine', () => {
  for (const role of ['caller', 'callee'] as const) {
    const peer: Side = role === 'caller' ? 'callee' : 'caller'
    it(`relay-basic as the ${role}: handshake with the recorded ${peer}, its ${toneOf[peer]} Hz arrives, our datagrams are what it expects`, async () => {
      const capture = captures['relay-basic']
      const session = await replay('relay-basic', role)
      await session.done
      expect(session.states).toContain(CallState.ESTABLISHED)
      expect(session.states).not.toContain(CallState.FAILED)

      // The recorded peer's audio as our engine played it, from 1 s after it became audible.
      const firstAudible = session.received.findIndex((frame) => rms(frame) > 1000)
      const pcm = concat(session.received.slice(firstAudible + 50))
      const hz = dominantFrequency(pcm)
      console.info(`replay relay-basic as ${role}: ${session.received.length} frames played, ${hz.toFixed(2)} Hz (rms ${rms(pcm).toFixed(0)}), ${session.sentByEngine.length} datagrams sent`)
      expect(rms(pcm)).toBeGreaterThan(5000)
      expect(Math.abs(hz - toneOf[peer])).toBeLessThanOrEqual(2)

      // What our engine sent, opened the way the recorded peer opens it.
      const packets = session.sentByEngine.map((datagram) => {
        const opened = native.openDatagram(capture.key, isOutgoing(capture, role), datagram, capture.peerTag)
        if (!opened.ok) throw new Error(`engine datagram does not open as the peer would: ${opened.error}`)
        const packet = native.parsePacket(opened.packet)
        if (!packet.ok || packet.bodyError) throw new Error('engine packet does not parse')
        return packet
      })
      const init = packets.find((packet) => packet.type === PacketType.Init)
      expect(hex(init!.body)).toBe(hex(native.encodeInit()))
      const initAck = packets.find((packet) => packet.type === PacketType.InitAck)
      expect(initAck?.initAck?.streams).toEqual([{ id: 1, type: 1, codec: 0x4f505553, frameDurationMs: 60, enabled: true }])
      const frames = packets.flatMap((packet) => packet.streamData ?? [])
      expect(frames.length).toBeGreaterThan(50)
      frames.forEach((frame, index) => {
        expect(frame.pts).toBe(index * 60)
        expect(native.OpusDecoder.packetSamples(frame.data)).toBe(2880)
      })
    }, 20_000)
  }

  it('relay-loss as the caller: the callee’s 880 Hz survives the 19 datagrams the relay dropped', async () => {
    const session = await replay('relay-loss', 'caller', true)
    await session.done
    expect(session.states).toContain(CallState.ESTABLISHED)
    expect(session.states).not.toContain(CallState.FAILED)
    const engine = audibleFraction(session.received)
    // The bar: an offline receiver decoding the same forwarded frames with in-band FEC and
    // concealment (the recording's extra-FEC payloads are unusable, see relay-loss-fec).
    const ideal = audibleFraction(offlineReceiver('relay-loss', 'callee'))
    const firstAudible = session.received.findIndex((frame) => rms(frame) > 1000)
    const hz = dominantFrequency(concat(session.received.slice(firstAudible + 50)))
    console.info(`replay relay-loss as caller: ${(engine.fraction * 100).toFixed(1)}% of ${engine.frames} frames audible (offline receiver ${(ideal.fraction * 100).toFixed(1)}%), ${hz.toFixed(2)} Hz`)
    expect(engine.frames).toBeGreaterThan(200)
    expect(engine.fraction).toBeGreaterThanOrEqual(ideal.fraction - 0.05)
    expect(Math.abs(hz - 880)).toBeLessThanOrEqual(2)
  }, 20_000)
})

describe('extra-FEC copies from libtgvoip 2.4.4 (uninitialised memory, see relay-loss-fec)', () => {
  it('plays none of them, not even those that parse as 60 ms Opus: one garbage copy discredits the peer', async () => {
    const capture = captures['relay-loss']
    const session = await replay('relay-loss', 'caller', true, (datagram) => withOpusLookingFec(capture, 'callee', datagram))
    await session.done
    const stats = session.controller.getStats()
    const engine = audibleFraction(session.received)
    const ideal = audibleFraction(offlineReceiver('relay-loss', 'callee'))
    const firstAudible = session.received.findIndex((frame) => rms(frame) > 1000)
    const hz = dominantFrequency(concat(session.received.slice(firstAudible + 50)))
    console.info(`replay relay-loss with Opus-looking FEC garbage: ${stats.framesRecoveredByExtraFec} played, ${stats.fecCopiesRejected} rejected, ${(engine.fraction * 100).toFixed(1)}% audible, ${hz.toFixed(2)} Hz`)
    expect(stats.framesRecoveredByExtraFec).toBe(0)
    expect(stats.fecCopiesRejected).toBeGreaterThan(0)
    expect(engine.fraction).toBeGreaterThanOrEqual(ideal.fraction - 0.05)
    expect(Math.abs(hz - 880)).toBeLessThanOrEqual(2)
  }, 20_000)
})

/**
 * libtgvoip 2.4.4's FEC entries are whatever the heap held (its copy of the secondary
 * encoder's output copies nothing). Most of that is not Opus, but a first byte that reads
 * as a 60 ms TOC makes a "valid" packet of noise. This keeps each block's own-frame entry
 * as recorded (real garbage) and turns the entries for earlier frames, the ones a lost
 * frame would be rebuilt from, into such packets: TOC 0x18 (SILK narrowband, one 60 ms
 * frame) and seeded random bytes.
 */
function withOpusLookingFec(capture: (typeof captures)['relay-loss'], sender: Side, datagram: Buffer): Buffer {
  const outgoing = isOutgoing(capture, sender)
  const opened = native.openDatagram(capture.key, outgoing, datagram, capture.peerTag)
  const packet = opened.ok ? native.parsePacket(opened.packet) : undefined
  const record = packet?.ok && packet.type === PacketType.StreamData ? packet.streamData?.[0] : undefined
  if (!packet?.ok || !record || record.fec.length < 2) return datagram
  const random = new SeededRandom(record.pts)
  const fec = record.fec.map((entry) => {
    if (entry.pts === record.pts) return entry.data
    const noise = Uint8Array.from({ length: Math.max(2, entry.data.length) }, () => Math.floor(random.next() * 256))
    noise[0] = 0x18
    return noise
  })
  const body = native.encodeStreamData({ pts: record.pts, data: record.data, fec })
  const header = { type: packet.type, seq: packet.seq, ackId: packet.ackId, recentMask: packet.recentMask, extras: packet.extras.map(({ type, payload }) => ({ type, payload })) }
  return Buffer.from(native.sealPacket(capture.key, outgoing, native.encodePacket(header, body), capture.peerTag))
}

/** Share of 20 ms frames above rms 1000, from 1 s after the first audible one to the end. */
function audibleFraction(frames: Int16Array[]): { fraction: number; frames: number } {
  const first = frames.findIndex((frame) => rms(frame) > 1000)
  const played = frames.slice(first + 50)
  return { fraction: played.filter((frame) => rms(frame) > 1000).length / played.length, frames: played.length }
}

/** The forwarded frames of `sender` decoded offline, cut into 20 ms frames. */
function offlineReceiver(name: CaptureName, sender: Side): Int16Array[] {
  const capture = captures[name]
  const stream = emptyStream()
  for (const record of encryptedRecords(capture)) {
    if (record.from !== sender || record.action !== 'forwarded') continue
    const opened = native.openDatagram(capture.key, isOutgoing(capture, sender), Buffer.from(record.hex, 'hex'), capture.peerTag)
    const packet = opened.ok ? native.parsePacket(opened.packet) : undefined
    if (packet?.ok && packet.streamData) addRecords(stream, packet.streamData)
  }
  const { pcm } = decodeStream(native, stream)
  return Array.from({ length: pcm.length / 960 }, (_, i) => pcm.subarray(i * 960, (i + 1) * 960))
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex')
}
