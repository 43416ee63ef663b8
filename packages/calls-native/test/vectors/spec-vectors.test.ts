/**
 * Every test vector of the wire spec (§16.1-§16.8) through the addon: key identifiers,
 * KDF2 and the legacy KDF, byte-exact packets and datagrams, relay control packets and
 * datagrams captured from the real library, TCP obfuscation. (§16.9 emoji lives in
 * @tgvoip/calls.)
 */
import { describe, expect, it } from 'vitest'

import { loadProtocolInternal, PacketType } from '../../src/internal/protocol-internal.js'

const native = loadProtocolInternal()
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')
const bytes = (text: string) => new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'))

const key = Uint8Array.from({ length: 256 }, (_, i) => i)
const msgKey = Uint8Array.from({ length: 16 }, (_, i) => i)
const tag = bytes('101112131415161718191a1b1c1d1e1f')

describe('§16.1 key and derived identifiers', () => {
  it('hashes, fingerprint and call_id', () => {
    expect(hex(native.sha1(key))).toBe('4916d6bdb7f78e6803698cab32d1586ea457dfc8')
    expect(hex(native.sha256(key))).toBe('40aff2e9d2d8922e47afd4648e6967497158785fbd1da870e7110266bf944880')
    expect(hex(native.keyFingerprint(key))).toBe('32d1586ea457dfc8')
    expect(Buffer.from(native.keyFingerprint(key)).readBigInt64LE()).toBe(-3972359982579920590n)
    expect(hex(native.callId(key))).toBe('7158785fbd1da870e7110266bf944880')
  })
})

describe('§16.2 KDF2 and §16.3 legacy KDF', () => {
  it.each([
    [0, '704ed09c8b41668ae8f99d244738f71dbddc44469b6bbd4aa8573dd042bd059e', '4d266000a550edabbf4c7ce40fd0043cc92230184cd317a5cc9c2482fd3b9318'],
    [8, '217725799b245806458174a1fcfbc883906807b15033fdd0ea2b4d69cf9c364e', '669a6538917a4fa56ca32360a431c9160be4ad887140980dab91ce7bdc47ffbc'],
  ] as const)('KDF2 x=%i', (x, aesKey, aesIv) => {
    const derived = native.kdf2(key, msgKey, x)
    expect(hex(derived.key)).toBe(aesKey)
    expect(hex(derived.iv)).toBe(aesIv)
  })

  it.each([
    [0, '17d7295ca9213d1ab656acdb1ad48b2ea7f3a8f7095098d5508b900bbd5fccfc', '2d7d16a65a84108e9805656caa474501cc580aa2edc33abfd0bfad785464d1c6'],
    [8, 'bb17b07eb91110647098b069bd1a9b6fe5c4bcc3c31f8e67e831d07a61085f68', '5197fc1e25b41fe36f18b5a3a8b2b36cb2cb061f1f157b3514fe42e74fb58359'],
  ] as const)('legacy KDF x=%i', (x, aesKey, aesIv) => {
    const derived = native.kdfLegacy(key, msgKey, x)
    expect(hex(derived.key)).toBe(aesKey)
    expect(hex(derived.iv)).toBe(aesIv)
  })
})

describe('§16.4-§16.6 full short-format packets', () => {
  it('§16.4 caller -> callee INIT via a relay (x = 0)', () => {
    const body = native.encodeInit()
    expect(hex(body)).toBe('090000000300000000000000015355504f0000')
    const packet = native.encodePacket({ type: PacketType.Init, seq: 1 }, body)
    expect(hex(packet)).toBe('0100000000010000000000000000090000000300000000000000015355504f0000')
    const padding = bytes('a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbc')
    const plaintext = bytes('2100').length + packet.length + padding.length
    expect(plaintext).toBe(64)
    const fullPlaintext = new Uint8Array([0x21, 0x00, ...packet, ...padding])
    expect(hex(native.msgKey(key, fullPlaintext, 0))).toBe('36f0b48d5c9a30736603678038a481cf')
    const derived = native.kdf2(key, bytes('36f0b48d5c9a30736603678038a481cf'), 0)
    expect(hex(derived.key)).toBe('807455727b83b185ddcbded91d3210b26b4c9806603095cc4901e91b6e8999a7')
    expect(hex(derived.iv)).toBe('2d5ae5bb63ec3ad3060b84200ab016c2cbda21154350579fd5741f20116c4a42')
    expect(hex(native.aesIgeEncrypt(derived.key, derived.iv, fullPlaintext))).toBe(
      'a9ab0eb4190072c4cd606ba676d152008aee92da0bb78d248c5f9954089db93e042de5695471a72ac65e07602ac880f36798cc291be8852a225f7acfc409bc7b',
    )
    const datagram = native.sealPacket(key, true, packet, tag, padding)
    expect(hex(datagram)).toBe(
      '101112131415161718191a1b1c1d1e1f36f0b48d5c9a30736603678038a481cfa9ab0eb4190072c4cd606ba676d152008aee92da0bb78d248c5f9954089db93e042de5695471a72ac65e07602ac880f36798cc291be8852a225f7acfc409bc7b',
    )
    const opened = native.openDatagram(key, true, datagram, tag)
    expect(opened.ok && hex(opened.packet)).toBe(hex(packet))
    // Receiver check: x = 8 on this datagram fails the msg_key check.
    expect(native.openDatagram(key, false, datagram, tag)).toEqual({ ok: false, error: expect.stringContaining('msg_key') })
    const parsed = native.parsePacket(packet)
    expect(parsed.ok && parsed.init).toEqual({ protocolVersion: 9, minProtocolVersion: 3, flags: 0, audioCodecs: [0x4f505553], videoDecoderCount: 0 })
  })

  it('§16.5 callee -> caller INIT_ACK (x = 8)', () => {
    const body = native.encodeInitAck()
    expect(hex(body)).toBe('09000000030000000101015355504f3c0001')
    const packet = native.encodePacket({ type: PacketType.InitAck, ackId: 1, seq: 1 }, body)
    expect(hex(packet)).toBe('020100000001000000000000000009000000030000000101015355504f3c0001')
    const padding = bytes('b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccd')
    const datagram = native.sealPacket(key, false, packet, tag, padding)
    expect(hex(datagram)).toBe(
      '101112131415161718191a1b1c1d1e1f76f9a8b6c2b2c58ad091d588034826abec40840548e447edcd4b4800a0fbccd71f75d4eb5588c2b566333fa0bb73537f23c95ac1da35f67eadd8313a9b40e1b4035e38a373bd7b35d22c115361680cb4',
    )
    const derived = native.kdf2(key, bytes('76f9a8b6c2b2c58ad091d588034826ab'), 8)
    expect(hex(derived.key)).toBe('b783bc1a771d144345285db6b8bb9dea983c1467a44f067458e13a0dec510f37')
    expect(hex(derived.iv)).toBe('0347e301cc33645c6260a5907cc46de1452555f9d4c8f372123a02a9314d69d4')
    const parsed = native.parsePacket(packet)
    expect(parsed.ok && parsed.initAck).toEqual({
      protocolVersion: 9,
      minProtocolVersion: 3,
      streams: [{ id: 1, type: 1, codec: 0x4f505553, frameDurationMs: 60, enabled: true }],
    })
  })

  it('§16.6 caller -> callee STREAM_DATA with a STREAM_FLAGS extra over P2P (no prefix)', () => {
    const body = native.encodeStreamData({ pts: 120, data: bytes('0be4c136') })
    expect(hex(body)).toBe('0104780000000be4c136')
    const packet = native.encodePacket(
      { type: PacketType.StreamData, ackId: 5, seq: 7, recentMask: 0xc0000000, extras: [{ type: 1, payload: bytes('0101000000') }] },
      body,
    )
    expect(hex(packet)).toBe('040500000007000000000000c00101060101010000000104780000000be4c136')
    const padding = bytes('c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdd')
    const datagram = native.sealPacket(key, true, packet, null, padding)
    expect(hex(datagram)).toBe(
      'c30fc8ed18f5af715d0f71136fe42c0fcc94a647d2396e86d57b00a4e2d726d2638af31753a45c3bf6b3ab631418e08071fb9d682620cffe8ea5354f01f9d81aa68f6b52bcb6db62be938abd11fd3480',
    )
    const derived = native.kdf2(key, bytes('c30fc8ed18f5af715d0f71136fe42c0f'), 0)
    expect(hex(derived.key)).toBe('af84a9e7f329d6777784b8602ff551515ab098ca64000d6d1ae5cefb1ce8a920')
    expect(hex(derived.iv)).toBe('acad52aaaa1775875b1d722b94b889122540dab783eceefb7ede367c64564790')
    const parsed = native.parsePacket(packet)
    expect(parsed.ok).toBe(true)
    if (!parsed.ok) return
    expect(parsed).toMatchObject({ type: 4, ackId: 5, seq: 7, recentMask: 0xc0000000 })
    expect(parsed.extras[0]!.streamFlags).toEqual({ streamId: 1, flags: 1 })
    expect(parsed.streamData!.map((record) => [record.pts, hex(record.data)])).toEqual([[120, '0be4c136']])
  })
})

describe('§16.7 relay control packets', () => {
  const queryId = 0x0807060504030201n
  it('UDP ping and public endpoints request', () => {
    const ping = native.encodeUdpPing(tag, queryId)
    expect(hex(ping)).toBe('101112131415161718191a1b1c1d1e1ffffffffffffffffffffffffffeffffff0102030405060708')
    expect(native.parseRelayControl(ping)).toMatchObject({ kind: 'udp_ping', queryId })
    const request = native.encodePublicEndpointsRequest(tag)
    expect(hex(request)).toBe('101112131415161718191a1b1c1d1e1fffffffffffffffffffffffffffffffff')
    expect(native.parseRelayControl(request)?.kind).toBe('public_endpoints_request')
  })

  it('SELF_INFO and PEER_INFO replies', () => {
    const selfInfo = { date: 1700000000, queryId, ip: '203.0.113.7', port: 40000 }
    const self = native.encodeSelfInfoReply(tag, selfInfo)
    expect(hex(self)).toBe(
      '101112131415161718191a1b1c1d1e1fffffffffffffffffffffffffc77215c000f15365010203040506070800000000000000000000ffffcb007107409c0000',
    )
    expect(native.parseRelayControl(self)).toMatchObject({ kind: 'self_info', selfInfo })
    const peerInfo = { myIp: '203.0.113.7', myPort: 40000, peerIp: '198.51.100.9', peerPort: 50000 }
    const peer = native.encodePeerInfoReply(tag, peerInfo)
    expect(hex(peer)).toBe('101112131415161718191a1b1c1d1e1fffffffffffffffffffffffff1c37d927cb007107409c0000c633640950c30000')
    expect(native.parseRelayControl(peer)).toMatchObject({ kind: 'peer_info', peerInfo })
  })
})

describe('§16.8 datagrams captured from the real library', () => {
  it.each([
    {
      name: 'caller INIT (seq 1), x=0',
      senderIsOutgoing: true,
      datagram: `101112131415161718191a1b1c1d1e1e8c881c42a5420a971e1703e911feeea1
        628f3900ad534056f9eb830b45aa31c0040b9586ee6455cb64f5c0d42a9b34e9
        8f301abaf9117b6e628f1f5b44df1d97ca921239c07da402ea8f5656c7964426`,
      packet: '0100000000010000000000000000090000000300000000000000015355504f0000',
      plaintext: `2100010000000001000000000000000009000000030000000000000001535550
        4f000021619c3cee27c8f6a096693837767185326c914aff88f432e6cb91f5c8`,
    },
    {
      name: 'callee INIT_ACK (seq 2, ack 1), x=8',
      senderIsOutgoing: false,
      datagram: `101112131415161718191a1b1c1d1e1fbd9d807be96c08b01208e4dfaa55082e
        3cbf7b39b498a3d2a7eacd24293fd4d488db18dba42a20ab57582425f0985e85
        e4c47ca38f4a3e2cb6232ce5bd96fe81c1c241e5fe15b171d1d0b6c4a0a83845`,
      packet: '020100000002000000000000000009000000030000000101015355504f3c0001',
      plaintext: `2000020100000002000000000000000009000000030000000101015355504f3c
        00012c7ecc1f92be7990724ec4c1fa8c5f15f8a65bdcac1a8a42a2c1f7bbfecf`,
    },
    {
      name: 'callee STREAM_DATA (seq 3, ack 2, mask 0x80000000, pts 0), x=8',
      senderIsOutgoing: false,
      datagram: `101112131415161718191a1b1c1d1e1f0c65817c9e116a45b69ff3a61c3e7476
        a768307924b18b8948375f6807d1227823a4d7c6d5c43a0563757e6305b496d5
        cdae4b5d1e6948b330b885af07a5b914fc88b0f6167f6e1a8cde3380c4e060f8
        116c0a7efb46959055f3ca3524f37f9d596275e553488fdde81439e0b5c0eac9`,
      packet: `04020000000300000000000080000133000000007b830e100be4c136ecc58d8c
        4946999dac0007c97227e144ea55f1f0c0d5de978c9007c979c8c957c0a21223
        faef67f31dc120`,
      plaintext: `470004020000000300000000000080000133000000007b830e100be4c136ecc5
        8d8c4946999dac0007c97227e144ea55f1f0c0d5de978c9007c979c8c957c0a2
        1223faef67f31dc12063596e7fc14730a28bdd9925792cc04ac7cab0cb82e27b`,
    },
  ])('$name', ({ senderIsOutgoing, datagram, packet, plaintext }) => {
    const data = bytes(datagram)
    // Each client wrote its own tag (…1e caller, …1f callee) before the relay flipped bit 0.
    const opened = native.openDatagram(key, senderIsOutgoing, data, data.subarray(0, 16))
    expect(opened.ok).toBe(true)
    if (!opened.ok) return
    expect(hex(opened.packet)).toBe(hex(bytes(packet)))
    expect(hex(opened.plaintext)).toBe(hex(bytes(plaintext)))
    expect(native.parsePacket(opened.packet).ok).toBe(true)
    expect(native.openDatagram(key, !senderIsOutgoing, data, data.subarray(0, 16)).ok).toBe(false)
  })

  it('the STREAM_DATA carries a 51-byte Opus packet that decodes to 60 ms', () => {
    const parsed = native.parsePacket(
      bytes('04020000000300000000000080000133000000007b830e100be4c136ecc58d8c4946999dac0007c97227e144ea55f1f0c0d5de978c9007c979c8c957c0a21223faef67f31dc120'),
    )
    expect(parsed.ok).toBe(true)
    if (!parsed.ok) return
    expect(parsed).toMatchObject({ type: 4, ackId: 2, seq: 3, recentMask: 0x80000000 })
    const [record] = parsed.streamData!
    expect(record).toMatchObject({ streamId: 1, pts: 0, fec: [] })
    expect(record!.data.length).toBe(51)
    expect(new native.OpusDecoder().decode(record!.data).length).toBe(2880)
  })
})

describe('§16.10 TCP obfuscation', () => {
  const nonce = bytes(
    '010e1b2835424f5c697683909daab7c4d1deebf805121f2c394653606d7a8794a1aebbc8d5e2effc091623303d4a5764717e8b98a5b2bfccd9e6f3000d1a2734',
  )
  it('header and first frame; the relay side decodes it', () => {
    const client = new native.TcpObfuscatedCodec('client', nonce)
    expect(hex(client.header)).toBe(
      '010e1b2835424f5c697683909daab7c4d1deebf805121f2c394653606d7a8794a1aebbc8d5e2effc091623303d4a5764717e8b98a5b2bfcc4180c3959da17eab',
    )
    const datagram = bytes(
      '101112131415161718191a1b1c1d1e1f36f0b48d5c9a30736603678038a481cfa9ab0eb4190072c4cd606ba676d152008aee92da0bb78d248c5f9954089db93e042de5695471a72ac65e07602ac880f36798cc291be8852a225f7acfc409bc7b',
    )
    const frame = client.encodeFrame(datagram)
    expect(hex(frame)).toBe(
      '5d2c0ecd0ef798e6590598ffc0d1539aa9ba499b0cc02463521febc447ffdc7f53e504036946a92a3a35dc7a4acbeb757535968acf1631c1db1609bbdb31e1b762b55b7d8b36a87a0325609208bfddef73cfd8b64c05bfb8ff2a9cced424fc3a6a',
    )
    const relay = new native.TcpObfuscatedCodec('relay', client.header)
    expect(relay.feed(frame.subarray(0, 50))).toEqual([])
    expect(relay.feed(frame.subarray(50)).map(hex)).toEqual([hex(datagram)])
    expect(client.feed(relay.encodeFrame(datagram)).map(hex)).toEqual([hex(datagram)])
  })
})
