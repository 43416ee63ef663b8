/**
 * Conformance against real libtgvoip 2.5 calls: every encrypted datagram of every capture
 * decrypts (right key, right x per direction, right prefix) and parses, and each
 * direction's Opus stream decodes to the tone the sender was fed.
 */
import { describe, expect, it } from 'vitest'

import { loadProtocolInternal, PacketType } from '../../src/internal/protocol-internal.js'
import { dominantFrequency, rms, slice } from '../helpers/audio.js'
import { addRecords, decodeStream, emptyStream, type StreamFrames } from './audio-stream.js'
import { CAPTURE_NAMES, datagramPrefix, encryptedRecords, isOutgoing, loadCapture, type Side } from './capture.js'

const native = loadProtocolInternal()
// Skip the codec's start-up and the edges of each tone segment.
const SEGMENT_MARGIN_S = 0.2

describe.each(CAPTURE_NAMES)('capture %s', (name) => {
  const capture = loadCapture(name)
  const datagrams = encryptedRecords(capture)
  const streams: Record<Side, StreamFrames> = { caller: emptyStream(), callee: emptyStream() }
  const counts: Record<Side, { total: number; decrypted: number; parsed: number }> = {
    caller: { total: 0, decrypted: 0, parsed: 0 },
    callee: { total: 0, decrypted: 0, parsed: 0 },
  }
  const failures: string[] = []
  const typesSeen = new Set<number>()

  for (const record of datagrams) {
    const bytes = Buffer.from(record.hex, 'hex')
    const senderIsOutgoing = isOutgoing(capture, record.from)
    const prefix = datagramPrefix(capture, record)
    counts[record.from].total++
    const opened = native.openDatagram(capture.key, senderIsOutgoing, bytes, prefix)
    if (!opened.ok) {
      failures.push(`${record.t} ${record.from} ${record.action}: ${opened.error}`)
      continue
    }
    counts[record.from].decrypted++
    const packet = native.parsePacket(opened.packet)
    if (!packet.ok || packet.bodyError) {
      failures.push(`${record.t} ${record.from}: parse ${packet.ok ? packet.bodyError : packet.error}`)
      continue
    }
    counts[record.from].parsed++
    typesSeen.add(packet.type)
    if (packet.streamData) addRecords(streams[record.from], packet.streamData)
  }

  it('decrypts and parses 100% of the encrypted datagrams in both directions', () => {
    expect(failures).toEqual([])
    for (const side of ['caller', 'callee'] as const) {
      expect(counts[side].total).toBeGreaterThan(50)
      expect(counts[side].decrypted).toBe(counts[side].total)
      expect(counts[side].parsed).toBe(counts[side].total)
    }
    expect(typesSeen).toContain(PacketType.Init)
    expect(typesSeen).toContain(PacketType.InitAck)
    expect(typesSeen).toContain(PacketType.StreamData)
    console.info(`${name}: caller ${counts.caller.decrypted}/${counts.caller.total}, callee ${counts.callee.decrypted}/${counts.callee.total} decrypted and parsed`)
  })

  it('rejects every datagram under the wrong direction or a wrong key', () => {
    const wrongKey = Uint8Array.from(capture.key)
    // Byte 20 feeds KDF2 in both directions (x = 0 reads 0..36, x = 8 reads 8..44).
    wrongKey[20]! ^= 0xff
    for (const record of datagrams.filter((_, i) => i % 5 === 0)) {
      const bytes = Buffer.from(record.hex, 'hex')
      const senderIsOutgoing = isOutgoing(capture, record.from)
      const prefix = datagramPrefix(capture, record)
      expect(native.openDatagram(capture.key, !senderIsOutgoing, bytes, prefix).ok).toBe(false)
      expect(native.openDatagram(wrongKey, senderIsOutgoing, bytes, prefix).ok).toBe(false)
    }
  })

  for (const side of ['caller', 'callee'] as const) {
    it(`${side} -> peer: the Opus stream decodes to the documented audio`, () => {
      const decoded = decodeStream(native, streams[side])
      // Every frame the sender produced is in the recording (dropped ones included).
      expect(decoded.primaryFrames).toBe(decoded.frames)
      const sends = side === 'caller' ? capture.meta.caller_sends : capture.meta.callee_sends
      for (const segment of sends.segments) {
        const stop = segment.stop_s === null ? null : segment.stop_s - SEGMENT_MARGIN_S
        const pcm = slice(decoded.pcm, segment.start_s + SEGMENT_MARGIN_S, stop)
        expect(pcm.length).toBeGreaterThan(48_000)
        if (segment.kind === 'sine') {
          const hz = dominantFrequency(pcm)
          console.info(`${name}: ${side} sends ${segment.frequency_hz} Hz, decoded ${hz.toFixed(2)} Hz (rms ${rms(pcm).toFixed(0)})`)
          expect(Math.abs(hz - segment.frequency_hz!)).toBeLessThanOrEqual(2)
          expect(rms(pcm)).toBeGreaterThan(5000)
        } else {
          console.info(`${name}: ${side} sends silence, decoded rms ${rms(pcm).toFixed(2)}`)
          expect(rms(pcm)).toBeLessThan(20)
        }
      }
    })
  }
})
