import { describe, expect, it } from 'vitest'

import type { SignalingError, SignalingMessage } from '../../src/index.js'
import { decodeMessage, encodeMessage, SignalingChannel } from '../../src/index.js'
import { inflateIfCompressed } from '../../src/signaling/compression.js'
import { PacketCipher } from '../../src/signaling/packet-cipher.js'
import { parseData, parseInit } from '../../src/signaling/sctp/chunks.js'
import { ChunkType, parsePacket } from '../../src/signaling/sctp/packet.js'
import { SctpReceiveBuffer } from '../../src/signaling/sctp/receive-buffer.js'
import type { Capture, CaptureVersion, Role } from './support/fixtures.js'
import { loadCapture } from './support/fixtures.js'

const VERSIONS: CaptureVersion[] = ['7.0.0', '8.0.0', '13.0.0']
const ROLES: Role[] = ['caller', 'callee']
const other = (role: Role): Role => (role === 'caller' ? 'callee' : 'caller')
const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8')

/**
 * What `sender` put on signaling, in order. MediaState is logged on the receiving side but
 * travels over the data channel in these captures, so it has no blob.
 */
function sentOverSignaling(capture: Capture, sender: Role): string[] {
  return capture.messages.filter(m => m.role === sender && m.dir === 'out').map(m => m.text)
}

/** 13.0.0: reassembles every SCTP user message one direction carried, with no SCTP endpoint of ours. */
function sctpUserMessages(capture: Capture, from: Role): Uint8Array[] {
  let buffer: SctpReceiveBuffer | undefined
  const messages: Uint8Array[] = []
  for (const blob of capture.blobs.filter(b => b.from === from)) {
    for (const chunk of parsePacket(blob.bytes).chunks) {
      if (chunk.type === ChunkType.Init) {
        buffer = new SctpReceiveBuffer(parseInit(chunk.value).initialTsn, 1 << 20, err => expect.fail(err.message))
      } else if (chunk.type === ChunkType.Data) {
        const data = parseData(chunk.flags, chunk.value)
        expect(data).toMatchObject({ streamId: 0, ppid: 53 })
        messages.push(...buffer!.receive(data))
      }
    }
  }
  return messages
}

describe.each(VERSIONS)('capture %s', version => {
  const capture = loadCapture(version)

  it.each(ROLES)('every recorded message sent by the %s re-encodes byte for byte', role => {
    const recorded = capture.messages.filter(m => m.role === role)
    expect(recorded.length).toBeGreaterThan(5)
    for (const { text: json, json: parsed } of recorded) {
      const message = decodeMessage(new TextEncoder().encode(json))
      expect(message, json).not.toBeNull()
      expect(message!.type).toBe(parsed['@type'])
      expect(text(encodeMessage(message!))).toBe(json)
    }
  })

  it.each(ROLES)('every blob from the %s authenticates, and decodes to what it sent', sender => {
    const receiver = new PacketCipher(capture.key, other(sender) === 'caller')
    const senderItself = new PacketCipher(capture.key, sender === 'caller')
    const decoded: string[] = []
    if (version === '13.0.0') {
      for (const packet of sctpUserMessages(capture, sender)) {
        const plaintext = receiver.decrypt(packet)
        // V3: seq word, then gzip (§3.3.1).
        expect(plaintext.subarray(4, 6)).toEqual(Uint8Array.of(0x1f, 0x8b))
        decoded.push(text(inflateIfCompressed(plaintext.subarray(4))))
        expect(() => senderItself.decrypt(packet)).toThrow()
      }
    } else {
      const blobs = capture.blobs.filter(b => b.from === sender)
      expect(blobs.length).toBeGreaterThan(3)
      for (const blob of blobs) {
        receiver.decrypt(blob.bytes)
        // The wrong direction's offset must not authenticate it.
        expect(() => senderItself.decrypt(blob.bytes)).toThrow()
      }
    }
    if (version === '13.0.0') expect(decoded).toEqual(sentOverSignaling(capture, sender))
  })
})

// 13.0.0 blobs are addressed to the reference's own SCTP association, so a channel of ours cannot
// join that conversation; sctp.test.ts answers the recorded INIT instead.
describe.each(['7.0.0', '8.0.0'] as const)('capture %s through SignalingChannel', version => {
  const capture = loadCapture(version)

  it.each(ROLES)('a %s channel fed the recorded blobs emits the messages the peer sent, in order', receiverRole => {
    const channel = new SignalingChannel({ key: capture.key, isOutgoing: receiverRole === 'caller', version })
    const received: SignalingMessage[] = []
    const errors: SignalingError[] = []
    channel.on('message', m => received.push(m))
    channel.on('error', e => errors.push(e))
    for (const blob of capture.blobs.filter(b => b.to === receiverRole)) channel.receiveBlob(blob.bytes)
    channel.close()
    expect(errors).toEqual([])
    expect(received.map(m => text(encodeMessage(m)))).toEqual(sentOverSignaling(capture, other(receiverRole)))
  })
})
