/** The internal binding turns bad arguments and bad bytes into JS errors or error results, never crashes. */
import { describe, expect, it } from 'vitest'

import { loadProtocolInternal } from '../../src/internal/protocol-internal.js'

const native = loadProtocolInternal()
const key = Uint8Array.from({ length: 256 }, (_, i) => i)

describe('internal binding argument checks', () => {
  it('rejects keys, tags and msg_keys of the wrong size', () => {
    expect(() => native.kdf2(new Uint8Array(255), new Uint8Array(16), 0)).toThrow(RangeError)
    expect(() => native.kdf2(key, new Uint8Array(15), 0)).toThrow(RangeError)
    expect(() => native.kdf2(key, new Uint8Array(16), 4 as 0)).toThrow(RangeError)
    expect(() => native.encodeUdpPing(new Uint8Array(15), 1n)).toThrow(RangeError)
    expect(() => native.sha1('text' as unknown as Uint8Array)).toThrow(TypeError)
    expect(() => native.aesIgeEncrypt(new Uint8Array(32), new Uint8Array(32), new Uint8Array(17))).toThrow(RangeError)
  })

  it('reports datagram and packet errors as results', () => {
    expect(native.openDatagram(key, true, new Uint8Array(20), null)).toEqual({ ok: false, error: 'datagram too short' })
    expect(native.openDatagram(key, true, new Uint8Array(64), new Uint8Array(16).fill(1))).toEqual({
      ok: false,
      error: 'prefix mismatch',
    })
    expect(native.openDatagram(key, true, new Uint8Array(64), null)).toMatchObject({ ok: false })
    expect(native.parsePacket(new Uint8Array(5))).toEqual({ ok: false, error: 'truncated' })
    expect(native.parseRelayControl(new Uint8Array(40))).toBeNull()
  })

  it('Opus: corrupt packets throw, concealment works, PCM round-trips', () => {
    const decoder = new native.OpusDecoder()
    expect(() => decoder.decode(new Uint8Array([0xff, 0xff, 0xff]))).toThrow(/opus/)
    expect(decoder.conceal().length).toBe(2880)
    const encoder = new native.OpusEncoder({ bitrate: 16000 })
    const pcm = Int16Array.from({ length: 2880 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 48000)))
    const packet = encoder.encode(pcm)
    expect(native.OpusDecoder.packetSamples(packet)).toBe(2880)
    expect(decoder.decode(packet).length).toBe(2880)
    expect(() => encoder.encode(new Int16Array(1000))).toThrow(/opus/)
  })
})
