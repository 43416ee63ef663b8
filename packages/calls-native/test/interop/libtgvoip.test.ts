/**
 * Calls between our engine and the REAL libtgvoip (grishka/libtgvoip 2.4.4, run by
 * scripts/interop/libtgvoip-peer), through LocalRelay, and through a password-protected
 * dante SOCKS5 proxy that is our only route to the relay.
 *
 * Opt-in: libtgvoip has to be fetched from GitHub and built, which CI cannot do. Run
 * `bash scripts/interop/run-libtgvoip.sh <libtgvoip source dir>`, or set
 * TGVOIP_LIBTGVOIP_PEER to a built peer binary (scripts/interop/README.md).
 */
import { randomBytes } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { CallState, ProxyUdpUnsupportedError, type Endpoint, type ProxyError, type ProxyOptions, type Stats } from '../../src/index.js'
import { LocalRelay } from '../../src/testing/index.js'
import { audibleShare, concat, dominantFrequency } from '../helpers/audio.js'
import { makeSide, relayEndpoint, sleep, waitForState, type RelayAddress, type Side } from '../engine/helpers/call-pair.js'
import { Dante, ensureDante, ensureSocksUser } from '../proxy/helpers/dante.js'
import { canCreateNamespaces, createProxyTopology, directConnectError, type ProxyTopology } from '../proxy/helpers/netns.js'
import { RelayProcess } from '../proxy/helpers/relay-process.js'
import { createDualStackNamespace, type DualStackNamespace } from './helpers/dual-stack-ns.js'
import { LibtgvoipPeer, type PeerEnd } from './helpers/libtgvoip-peer.js'

const PEER_BINARY = process.env.TGVOIP_LIBTGVOIP_PEER
const SKIP_REASON = 'set TGVOIP_LIBTGVOIP_PEER to a libtgvoip-peer binary to run (scripts/interop/run-libtgvoip.sh builds one; CI cannot: no GitHub)'

const RELAY_ID = 21n
const TCP_ID_MASK = 0x54435000n << 32n
const OUR_TONE = 440
const LIBTGVOIP_TONE = 700
/** How long libtgvoip keeps the call up once ESTABLISHED (we look at it 3 s in). */
const CALL_SECONDS = 5
/** One second of 20 ms frames: what the tone and loudness checks look at. */
const CHECK_FRAMES = 50
const FRAME_SAMPLES = 960

interface InteropCall {
  /** Our engine is the caller (libtgvoip answers), or the other way round. */
  oursOutgoing: boolean
  relay: RelayAddress
  /** Both sides' addresses for the relay (default: the relay's host, in `ip` or `ipv6`). */
  addresses?: Pick<Endpoint, 'ip' | 'ipv6'>
  ourProxy?: ProxyOptions
  /** Our engine uses TCP relays from the start. */
  ourTcp?: boolean
  libtgvoipProxy?: ProxyOptions
  libtgvoipTcp?: boolean
  /** Network namespace libtgvoip runs in. */
  libtgvoipNs?: string
  /** libtgvoip is told it is on ethernet (and so looks for an IPv6 address of its own). */
  libtgvoipEthernet?: boolean
  /** Both sides allow P2P. */
  allowP2p?: boolean
}

/** What each side measured; printed per scenario, for the record. */
interface InteropResult {
  ourEstablishedMs: number
  libtgvoipEstablishedMs: number
  /** What our engine heard (libtgvoip's tone) and what libtgvoip heard (ours). */
  weHeardHz: number
  libtgvoipHeardHz: number
  weHeardAudible: number
  libtgvoipHeardAudible: number
  /** Our engine's counters when the received audio was sampled. */
  ourStats: Stats
  /** The relay address our engine was using (its debug log), e.g. "[::1]:5000". */
  ourRelayAddress: string | undefined
  ourProxyErrors: ProxyError[]
  libtgvoip: PeerEnd
  libtgvoipVersion: string | undefined
}

function toFrames(pcm: Int16Array): Int16Array[] {
  const frames: Int16Array[] = []
  for (let at = 0; at + FRAME_SAMPLES <= pcm.length; at += FRAME_SAMPLES) frames.push(pcm.subarray(at, at + FRAME_SAMPLES))
  return frames
}

/** The address of the endpoint `id` in our debug log, which shows the family a dual-stack relay settled on. */
function relayAddressInUse(debugLog: string, id: bigint): string | undefined {
  const { relays } = JSON.parse(debugLog) as { relays?: { id: string; addr: string }[] }
  return relays?.find((relay) => relay.id === id.toString())?.addr
}

async function runInteropCall(binary: string, call: InteropCall): Promise<InteropResult> {
  const key = new Uint8Array(randomBytes(256))
  const { callerTag, calleeTag } = LocalRelay.createTagPair()
  const [ourTag, libtgvoipTag] = call.oursOutgoing ? [callerTag, calleeTag] : [calleeTag, callerTag]
  const ourEndpoint = { ...relayEndpoint(call.relay, ourTag, RELAY_ID), ...call.addresses }
  const peer = LibtgvoipPeer.start({
    binary,
    key,
    outgoing: !call.oursOutgoing,
    relays: [{ id: RELAY_ID, ip: ourEndpoint.ip, ipv6: ourEndpoint.ipv6, port: call.relay.port, tag: libtgvoipTag, tcp: call.libtgvoipTcp }],
    proxy: call.libtgvoipProxy,
    allowP2p: call.allowP2p,
    ethernet: call.libtgvoipEthernet,
    tone: LIBTGVOIP_TONE,
    seconds: CALL_SECONDS,
    initTimeout: 8,
    recvTimeout: 8,
    ns: call.libtgvoipNs,
  })
  let ours: Side | undefined
  try {
    ours = makeSide(key, call.oursOutgoing, [ourEndpoint], { initTimeout: 8, recvTimeout: 8, proxy: call.ourProxy, tcp: call.ourTcp, allowP2p: call.allowP2p }, OUR_TONE)
    const ourProxyErrors: ProxyError[] = []
    ours.controller.on('proxyError', (error) => ourProxyErrors.push(error))
    const connectedAt = performance.now()
    ours.controller.start()
    ours.controller.connect()
    await waitForState(ours.controller, CallState.ESTABLISHED, 8000)
    const ourEstablishedMs = performance.now() - connectedAt
    await peer.waitForState('ESTABLISHED', 8000)
    // Both sides are talking: give the jitter buffers time to fill, then look at the last second.
    await sleep(3000)
    const weHeard = ours.received.slice(-CHECK_FRAMES)
    const ourStats = ours.controller.getStats()
    const ourRelayAddress = relayAddressInUse(ours.controller.getDebugLog(), ourStats.currentEndpointId)
    // libtgvoip hangs up by itself CALL_SECONDS after ESTABLISHED; we keep sending until then.
    const libtgvoip = await peer.finished()
    const libtgvoipHeard = toFrames(peer.recording()).slice(-CHECK_FRAMES)
    return {
      ourEstablishedMs,
      libtgvoipEstablishedMs: libtgvoip.establishedAtMs,
      weHeardHz: dominantFrequency(concat(weHeard)),
      libtgvoipHeardHz: dominantFrequency(concat(libtgvoipHeard)),
      weHeardAudible: audibleShare(weHeard),
      libtgvoipHeardAudible: audibleShare(libtgvoipHeard),
      ourStats,
      ourRelayAddress,
      ourProxyErrors,
      libtgvoip,
      libtgvoipVersion: peer.version,
    }
  } finally {
    ours?.controller.destroy()
    await peer.stop()
    peer.dispose()
  }
}

function report(scenario: string, result: InteropResult): void {
  const { libtgvoip, ourProxyErrors, ourStats, ...numbers } = result
  console.info(
    `[libtgvoip interop] ${scenario}: ${JSON.stringify({
      ...numbers,
      ourEndpointId: ourStats.currentEndpointId.toString(),
      ourProxyErrors: ourProxyErrors.map((error) => error.name),
      ourReceive: {
        packets: ourStats.packetsReceived,
        lossRate: ourStats.lossRate,
        late: ourStats.audioPacketsLate,
        concealed: ourStats.framesConcealed,
        jitterBufferMs: ourStats.jitterBufferDelayMs,
        extraFec: ourStats.framesRecoveredByExtraFec,
        inbandFec: ourStats.framesRecoveredByInbandFec,
        fecRejected: ourStats.fecCopiesRejected,
      },
      libtgvoipState: libtgvoip.state,
      libtgvoipLastError: libtgvoip.lastError,
      libtgvoipBytes: { sent: libtgvoip.bytesSent, received: libtgvoip.bytesReceived },
      libtgvoipEndpoints: libtgvoip.debugString.split('\n').filter((line) => line.includes('_RELAY')),
    })}`,
  )
}

/** The call was up on both ends and each side heard the other's tone, nearly without gaps. */
function expectAudioBothWays(result: InteropResult): void {
  expect(result.libtgvoip.everEstablished).toBe(true)
  expect(result.libtgvoip.lastError).toBe(0)
  expect(result.libtgvoip.state).toBe('ESTABLISHED')
  expect(Math.abs(result.weHeardHz - LIBTGVOIP_TONE)).toBeLessThanOrEqual(2)
  expect(Math.abs(result.libtgvoipHeardHz - OUR_TONE)).toBeLessThanOrEqual(2)
  expect(result.weHeardAudible).toBeGreaterThan(0.9)
  expect(result.libtgvoipHeardAudible).toBeGreaterThan(0.9)
}

/** The relay endpoint libtgvoip had in use when the call ended, as GetDebugString() lists it. */
function libtgvoipEndpointInUse(end: PeerEnd): string | undefined {
  return end.debugString.split('\n').find((line) => line.includes('IN_USE'))
}

describe.skipIf(!PEER_BINARY)(`our engine and the real libtgvoip (${PEER_BINARY ? PEER_BINARY : SKIP_REASON})`, () => {
  const binary = PEER_BINARY!

  describe('through LocalRelay over UDP', () => {
    let relay: LocalRelay

    beforeAll(async () => {
      relay = await LocalRelay.create()
    })

    afterAll(async () => {
      await relay.close()
    })

    for (const oursOutgoing of [true, false]) {
      it(`${oursOutgoing ? 'we call libtgvoip' : 'libtgvoip calls us'}: both ESTABLISHED, each hears the other's tone`, async () => {
        const result = await runInteropCall(binary, { oursOutgoing, relay })
        report(`UDP relay, ours ${oursOutgoing ? 'outgoing' : 'incoming'}`, result)
        expectAudioBothWays(result)
        expect(result.ourStats.currentEndpointId).toBe(RELAY_ID)
        expect(libtgvoipEndpointInUse(result.libtgvoip)).toMatch(/UDP_RELAY/)
      }, 30_000)
    }

    it('with P2P allowed on both sides: libtgvoip learns our direct endpoint, audio both ways', async () => {
      const result = await runInteropCall(binary, { oursOutgoing: true, relay, allowP2p: true })
      report('UDP relay with P2P allowed, ours outgoing', result)
      expectAudioBothWays(result)
      // libtgvoip got our public endpoint from the relay's PEER_INFO and can reach us directly.
      expect(result.libtgvoip.debugString).toContain(`127.0.0.1:${result.ourStats.localPort} `)
      expect(result.libtgvoip.debugString).toMatch(/UDP_P2P_INET/)
    }, 30_000)

    // libtgvoip turns on extra FEC ("ShittyInternetMode") on a lossy link, but its copies
    // are uninitialised memory (AudioReceiver::onFecBlock): we must play none of them. It
    // also turns Opus in-band FEC off meanwhile, so what it loses towards us can only be
    // concealed (hence the lower bar on our side), while it recovers frames from our copies.
    it('on a lossy relay (15 % loss, 30 ms jitter): libtgvoip\'s garbage FEC is never played, the tones get through', async () => {
      relay.setFaults({ lossRate: 0.15, jitterMs: 30, seed: 3 })
      try {
        const result = await runInteropCall(binary, { oursOutgoing: false, relay })
        report('lossy UDP relay, ours incoming', result)
        expect(result.libtgvoip.debugString).toMatch(/ShittyInternetMode: level [1-9]/)
        expect(result.ourStats.extraEcLevel).toBeGreaterThan(0)
        expect(result.ourStats.fecCopiesRejected).toBeGreaterThan(0)
        expect(result.ourStats.framesRecoveredByExtraFec).toBe(0)
        expect(Math.abs(result.weHeardHz - LIBTGVOIP_TONE)).toBeLessThanOrEqual(2)
        expect(Math.abs(result.libtgvoipHeardHz - OUR_TONE)).toBeLessThanOrEqual(2)
        expect(result.libtgvoipHeardAudible).toBeGreaterThan(0.9)
        expect(result.weHeardAudible).toBeGreaterThan(0.7)
      } finally {
        relay.setFaults({})
      }
    }, 30_000)
  })

  describe('over IPv6', () => {
    const relays: LocalRelay[] = []

    afterEach(async () => {
      for (const relay of relays.splice(0)) await relay.close()
    })

    const relayOn = async (host: string): Promise<LocalRelay> => {
      const relay = await LocalRelay.create({ host })
      relays.push(relay)
      return relay
    }

    for (const oursOutgoing of [true, false]) {
      it(`through a relay with only an IPv6 address (::1), ${oursOutgoing ? 'we call' : 'libtgvoip calls'}: both ESTABLISHED, tones both ways`, async () => {
        const relay = await relayOn('::1')
        const result = await runInteropCall(binary, { oursOutgoing, relay })
        report(`IPv6-only relay, ours ${oursOutgoing ? 'outgoing' : 'incoming'}`, result)
        expectAudioBothWays(result)
        expect(result.ourStats.currentEndpointId).toBe(RELAY_ID)
        expect(result.ourRelayAddress).toBe(`[::1]:${relay.port}`)
        expect(libtgvoipEndpointInUse(result.libtgvoip)).toMatch(new RegExp(`^\\[::1\\]:${relay.port} .*UDP_RELAY`))
        expect(relay.stats.forwarded).toBeGreaterThan(100)
      }, 30_000)
    }

    // One relay answering on both families (a dual-stack socket on ::). Our engine pings
    // both addresses and keeps the family that answers first (IPv4 on loopback, so far).
    // libtgvoip 2.4.4 only adds an IPv6 copy of a dual-stack relay once SetNetworkType()
    // found an IPv6 address on an interface, and it skips loopback and all of f000::/4
    // (this machine's fd00:: and fe80::), so it stays on IPv4. The relay joins the two
    // families, so the call works whichever family our engine keeps.
    it('through a dual-stack relay (ip and ipv6 given): both ESTABLISHED, tones both ways, each on the family it chose', async () => {
      const relay = await relayOn('::')
      const result = await runInteropCall(binary, { oursOutgoing: true, relay, addresses: { ip: '127.0.0.1', ipv6: '::1' } })
      report('dual-stack relay, ours outgoing', result)
      expectAudioBothWays(result)
      expect(result.ourStats.currentEndpointId).toBe(RELAY_ID)
      expect([`127.0.0.1:${relay.port}`, `[::1]:${relay.port}`]).toContain(result.ourRelayAddress)
      expect(libtgvoipEndpointInUse(result.libtgvoip)).toMatch(new RegExp(`^127\\.0\\.0\\.1:${relay.port} .*UDP_RELAY`))
    }, 30_000)

    describe.skipIf(!canCreateNamespaces())('with libtgvoip in a namespace that has a global IPv6 address', () => {
      let link: DualStackNamespace | undefined

      beforeAll(() => {
        link = createDualStackNamespace()
      })

      afterAll(() => {
        link?.destroy()
      })

      // libtgvoip finds 2001:db8:N::2, adds an IPv6 copy of the relay (id ^ 'IPv6' << 32)
      // and pings both; so far it always ended up on IPv6 while our engine kept IPv4 (the
      // first to answer). Our INIT goes out on both families first, so the relay may
      // forward libtgvoip's answer to our IPv6 address: our engine used to drop that, and
      // reached ESTABLISHED after 1 s instead of ~25 ms (regression test in ipv6.test.ts).
      it('through a dual-stack relay: libtgvoip pings both families, both ESTABLISHED, tones both ways', async () => {
        const relay = await relayOn('::')
        const result = await runInteropCall(binary, {
          oursOutgoing: false,
          relay,
          addresses: { ip: link!.hostAddress, ipv6: link!.hostAddress6 },
          libtgvoipNs: link!.ns,
          libtgvoipEthernet: true,
        })
        report('dual-stack relay, libtgvoip with a global IPv6 address, ours incoming', result)
        expectAudioBothWays(result)
        expect([`${link!.hostAddress}:${relay.port}`, `[${link!.hostAddress6}]:${relay.port}`]).toContain(result.ourRelayAddress)
        // libtgvoip added an IPv6 copy of the relay and got pongs from both (the 4th field).
        const line = (address: string): string | undefined => result.libtgvoip.debugString.split('\n').find((entry) => entry.startsWith(address))
        expect(line(`${link!.hostAddress}:${relay.port} `)).toMatch(/^\S+ \d+ms [1-9]\d* 0x15 \[UDP_RELAY/)
        expect(line(`[${link!.hostAddress6}]:${relay.port} `)).toMatch(/^\S+ \d+ms [1-9]\d* 0x4950763600000015 \[UDP_RELAY/)
      }, 30_000)
    })
  })

  describe.skipIf(!canCreateNamespaces())('through a password-protected SOCKS5 proxy (dante), our only route to the relay', () => {
    const user = `tgvoip-socks-${process.pid}`
    const password = randomBytes(12).toString('base64url')
    let net: ProxyTopology | undefined
    let relay: RelayProcess | undefined
    let removeUser: (() => void) | undefined
    let dante: Dante | undefined

    beforeAll(async () => {
      ensureDante()
      removeUser = ensureSocksUser(user, password)
      net = createProxyTopology()
      relay = await RelayProcess.start(net.relayNs, net.relayAddress)
    }, 120_000)

    afterAll(async () => {
      await relay?.stop()
      net?.destroy()
      removeUser?.()
    })

    afterEach(async () => {
      await dante?.stop()
      dante = undefined
    })

    const startDante = async (udp: boolean): Promise<void> => {
      dante = await Dante.start({ ns: net!.proxyNs, listen: net!.proxyAddress, port: 1080, external: [net!.proxyExternal], method: 'username', udp })
    }
    const proxy = (): ProxyOptions => ({ host: net!.proxyAddress, port: 1080, username: user, password })
    const relayAddress = (): RelayAddress => ({ host: relay!.host, port: relay!.port })

    it('has no route to the relay except through the proxy', async () => {
      const error = await directConnectError(relay!.host, relay!.port)
      expect(error?.code).toMatch(/^(EHOSTUNREACH|ENETUNREACH)$/)
    })

    it('we call libtgvoip through UDP ASSOCIATE; libtgvoip sits next to the relay', async () => {
      await startDante(true)
      const result = await runInteropCall(binary, { oursOutgoing: true, relay: relayAddress(), ourProxy: proxy(), libtgvoipNs: net!.relayNs })
      report('SOCKS5 UDP ASSOCIATE (ours only), ours outgoing', result)
      expectAudioBothWays(result)
      expect(result.ourStats.currentEndpointId).toBe(RELAY_ID)
      expect(result.ourProxyErrors).toEqual([])
    }, 40_000)

    // libtgvoip 2.4.4 cannot use UDP ASSOCIATE itself: NetworkSocketSOCKS5Proxy::Receive()
    // builds the packet in a braced initializer whose payload copy (evaluated first, left to
    // right) still holds the 2-byte DST.PORT of the SOCKS5 UDP header, so every reply is
    // "wrong peerTag" and it falls back to TCP relays through CONNECT ("Proxy does not let
    // UDP through"). The relay then joins our UDP side to its TCP side.
    // libtgvoip switches before its handshake completes (~6 s in), so no audio reaches us
    // before the switch and our engine sees no change of path mid-call. Its TCP leg delays
    // rather than drops: when dante or libtgvoip stalls on a loaded machine, the held
    // packets arrive late. Pausing dante for 100 / 200 ms 1 s after ESTABLISHED made 1 / 2
    // packets late, our jitter buffer grew to ~100 / ~210 ms and the last second was fully
    // audible again. One run measured 0.88 audible (3 late packets) when such a stall fell
    // inside the measured second; a retry absorbs that.
    it('libtgvoip calls us, both through the proxy: we over UDP ASSOCIATE, libtgvoip (SetProxy) falls back to CONNECT', async () => {
      await startDante(true)
      const before = await relay!.stats()
      const result = await runInteropCall(binary, { oursOutgoing: false, relay: relayAddress(), ourProxy: proxy(), libtgvoipProxy: proxy() })
      report('SOCKS5 both sides: ours UDP ASSOCIATE, libtgvoip SetProxy, ours incoming', result)
      expectAudioBothWays(result)
      expect(result.ourStats.currentEndpointId).toBe(RELAY_ID)
      expect(result.ourProxyErrors).toEqual([])
      expect(libtgvoipEndpointInUse(result.libtgvoip)).toMatch(/TCP_RELAY/)
      // Both ends can only have reached the relay through dante: the relay forwarded the call.
      expect((await relay!.stats()).forwarded - before.forwarded).toBeGreaterThan(200)
    }, 40_000)

    it('over TCP relays through CONNECT when the proxy refuses UDP (both sides fall back)', async () => {
      await startDante(false)
      const result = await runInteropCall(binary, { oursOutgoing: true, relay: relayAddress(), ourProxy: proxy(), libtgvoipProxy: proxy() })
      report('SOCKS5 CONNECT after UDP refused (both), ours outgoing', result)
      expectAudioBothWays(result)
      expect(result.ourStats.currentEndpointId).toBe(RELAY_ID ^ TCP_ID_MASK)
      expect(result.ourProxyErrors.length).toBeGreaterThan(0)
      expect(result.ourProxyErrors.every((error) => error instanceof ProxyUdpUnsupportedError)).toBe(true)
      expect(libtgvoipEndpointInUse(result.libtgvoip)).toMatch(/TCP_RELAY/)
    }, 40_000)

    it('libtgvoip calls us; we use a TCP relay through CONNECT, libtgvoip a TCP relay next to it', async () => {
      await startDante(true)
      const result = await runInteropCall(binary, {
        oursOutgoing: false,
        relay: relayAddress(),
        ourProxy: proxy(),
        ourTcp: true,
        libtgvoipTcp: true,
        libtgvoipNs: net!.relayNs,
      })
      report('SOCKS5 CONNECT (ours), libtgvoip direct TCP relay, ours incoming', result)
      expectAudioBothWays(result)
      expect(result.ourStats.currentEndpointId).toBe(RELAY_ID ^ TCP_ID_MASK)
      expect(libtgvoipEndpointInUse(result.libtgvoip)).toMatch(/TCP_RELAY/)
    }, 40_000)
  })
})
