/**
 * Calls through a real SOCKS5 server (dante) that is the only route to the relay: the
 * relay lives in a network namespace the test process has no route to (netns.ts).
 * Needs root; installs dante-server when `danted` is missing (dante.ts).
 */
import { randomBytes } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  CallError,
  CallState,
  ProxyAuthError,
  ProxyConnectRefusedError,
  ProxyUdpUnsupportedError,
  ProxyUnreachableError,
  VoIPController,
  type ProxyError,
  type ProxyOptions,
} from '../../src/index.js'
import { audibleShare, concat, dominantFrequency } from '../helpers/audio.js'
import { connectBoth, createCallPair, sleep, waitForBoth, type CallPair, type PairOptions } from '../engine/helpers/call-pair.js'
import { expectFdsBackTo, openFds } from '../engine/helpers/fds.js'
import { Dante, ensureDante, ensureSocksUser } from './helpers/dante.js'
import { canCreateNamespaces, createProxyTopology, directConnectError, type ProxyTopology } from './helpers/netns.js'
import { RelayProcess } from './helpers/relay-process.js'

const TCP_ID_MASK = 0x54435000n << 32n
const RELAY_ID = 21n
const PROXY_PORT = 1080
// One account per test process: a parallel run (another checkout) must not change its password or delete it.
const USER = `tgvoip-socks-${process.pid}`
const CALL: PairOptions = { callerTone: 440, calleeTone: 880, initTimeout: 8, recvTimeout: 6 }

/** Both tones arrived at the other side in the last `frames` frames. */
function expectTonesBothWays(pair: CallPair, frames = 50): void {
  for (const [end, tone] of [
    [pair.callee, 440],
    [pair.caller, 880],
  ] as const) {
    const last = end.received.slice(-frames)
    expect(audibleShare(last)).toBeGreaterThan(0.9)
    expect(Math.abs(dominantFrequency(concat(last)) - tone)).toBeLessThanOrEqual(2)
  }
}

function collectProxyErrors(pair: CallPair): ProxyError[] {
  const errors: ProxyError[] = []
  for (const side of [pair.caller, pair.callee]) side.controller.on('proxyError', (error) => errors.push(error))
  return errors
}

describe.skipIf(!canCreateNamespaces())('SOCKS5 proxy (dante) as the only route to the relay', () => {
  const password = randomBytes(12).toString('base64url')
  let net: ProxyTopology | undefined
  let relay: RelayProcess | undefined
  let relay6: RelayProcess | undefined
  let removeUser: (() => void) | undefined
  let dantes: Dante[] = []
  let pairs: CallPair[] = []

  beforeAll(async () => {
    ensureDante()
    removeUser = ensureSocksUser(USER, password)
    net = createProxyTopology()
    relay = await RelayProcess.start(net.relayNs, net.relayAddress)
    relay6 = await RelayProcess.start(net.relayNs, net.relayAddress6)
    new VoIPController().destroy()  // the engine thread's own descriptors are not a leak
  }, 120_000)

  afterAll(async () => {
    await relay?.stop()
    await relay6?.stop()
    net?.destroy()
    removeUser?.()
  })

  afterEach(async () => {
    for (const pair of pairs.splice(0)) pair.close()
    for (const dante of dantes.splice(0)) await dante.stop()
  })

  const startDante = async (options: { udp?: boolean; connect?: boolean } = {}): Promise<Dante> => {
    const dante = await Dante.start({
      ns: net!.proxyNs,
      listen: net!.proxyAddress,
      port: PROXY_PORT,
      external: [net!.proxyExternal, net!.proxyExternal6],
      method: 'username',
      udp: options.udp ?? true,
      connect: options.connect,
    })
    dantes.push(dante)
    return dante
  }
  const proxy = (overrides: Partial<ProxyOptions> = {}): ProxyOptions => ({ host: net!.proxyAddress, port: PROXY_PORT, username: USER, password, ...overrides })
  const pair = (options: PairOptions): CallPair => {
    const created = createCallPair([{ relay: { host: net!.relayAddress, port: relay!.port }, id: RELAY_ID }], { ...CALL, ...options })
    pairs.push(created)
    return created
  }

  it('has no route to the relay except through the proxy', async () => {
    const error = await directConnectError(relay!.host, relay!.port)
    expect(error?.code).toMatch(/^(EHOSTUNREACH|ENETUNREACH)$/)
  })

  it('carries audio both ways over UDP ASSOCIATE with username/password, P2P off, and frees its sockets', async () => {
    await startDante()
    await sleep(50)
    const baseline = openFds()
    // Not pair(): the descriptors are counted after this call is destroyed.
    const call = createCallPair([{ relay: { host: net!.relayAddress, port: relay!.port }, id: RELAY_ID }], { ...CALL, allowP2p: true, proxy: proxy() })
    try {
      const errors = collectProxyErrors(call)
      const before = await relay!.stats()
      connectBoth(call)
      await waitForBoth(call, CallState.ESTABLISHED, 5000)
      await sleep(2500)
      expectTonesBothWays(call)
      for (const side of [call.caller, call.callee]) expect(side.controller.getStats().currentEndpointId).toBe(RELAY_ID)
      const after = await relay!.stats()
      // UDP pings went through the association (a TCP relay gets none), and P2P was never asked for.
      expect(after.pingsAnswered - before.pingsAnswered).toBeGreaterThanOrEqual(2)
      expect(after.peerInfosAnswered - before.peerInfosAnswered).toBe(0)
      expect(errors).toEqual([])
    } finally {
      call.close()
    }
    await expectFdsBackTo(baseline)
  })

  it('falls back to TCP relays through CONNECT when the proxy refuses UDP, with ProxyUdpUnsupportedError', async () => {
    await startDante({ udp: false })
    const call = pair({ proxy: proxy() })
    const errors = collectProxyErrors(call)
    connectBoth(call)
    await waitForBoth(call, CallState.ESTABLISHED, 5000)
    await sleep(2500)
    expectTonesBothWays(call)
    for (const side of [call.caller, call.callee]) {
      expect(side.controller.getStats().currentEndpointId).toBe(RELAY_ID ^ TCP_ID_MASK)
      expect(side.controller.getLastProxyError()).toBeInstanceOf(ProxyUdpUnsupportedError)
    }
    expect(errors).toHaveLength(2)
    expect(errors.every((error) => error instanceof ProxyUdpUnsupportedError)).toBe(true)
  })

  it('reaches an IPv6-only relay through the proxy (IPv6 addresses in UDP ASSOCIATE and CONNECT)', async () => {
    await startDante()
    for (const tcp of [false, true]) {
      const call = createCallPair([{ relay: { host: net!.relayAddress6, port: relay6!.port }, id: RELAY_ID }], { ...CALL, proxy: proxy(), tcp })
      pairs.push(call)
      const before = await relay6!.stats()
      connectBoth(call)
      await waitForBoth(call, CallState.ESTABLISHED, 3000)
      await sleep(2000)
      expectTonesBothWays(call, 40)
      expect(call.caller.controller.getStats().currentEndpointId).toBe(tcp ? RELAY_ID ^ TCP_ID_MASK : RELAY_ID)
      expect((await relay6!.stats()).forwarded - before.forwarded).toBeGreaterThan(50)
      call.close()
    }
  })

  it('uses TCP relays through CONNECT from the start when asked to (tcp = true)', async () => {
    await startDante()
    const call = pair({ proxy: proxy(), tcp: true })
    connectBoth(call)
    await waitForBoth(call, CallState.ESTABLISHED, 3000)
    await sleep(2500)
    expectTonesBothWays(call)
    expect(call.caller.controller.getStats().currentEndpointId).toBe(RELAY_ID ^ TCP_ID_MASK)
  })

  it('fails with CallError.PROXY and ProxyAuthError on a wrong password, and frees its sockets', async () => {
    await startDante()
    await sleep(50)
    const baseline = openFds()
    for (const tcp of [false, true]) {
      const call = createCallPair([{ relay: { host: net!.relayAddress, port: relay!.port }, id: RELAY_ID }], {
        ...CALL,
        proxy: proxy({ password: 'not-the-password' }),
        tcp,
      })
      try {
        const errors = collectProxyErrors(call)
        connectBoth(call)
        await waitForBoth(call, CallState.FAILED, 2000)
        expect(call.caller.controller.getLastError()).toBe(CallError.PROXY)
        expect(errors.length).toBeGreaterThanOrEqual(2)
        expect(errors.every((error) => error instanceof ProxyAuthError)).toBe(true)
      } finally {
        call.close()
      }
      await expectFdsBackTo(baseline)
    }
  })

  it('fails with CallError.PROXY after initTimeout when the proxy refuses both UDP and CONNECT', async () => {
    await startDante({ udp: false, connect: false })
    const call = pair({ proxy: proxy(), initTimeout: 2 })
    const errors = collectProxyErrors(call)
    connectBoth(call)
    await waitForBoth(call, CallState.FAILED, 4000)
    expect(call.caller.controller.getLastError()).toBe(CallError.PROXY)
    // UDP refused first (the call moves to TCP), then every CONNECT to the relay.
    expect(errors.some((error) => error instanceof ProxyUdpUnsupportedError)).toBe(true)
    expect(call.caller.controller.getLastProxyError()).toBeInstanceOf(ProxyConnectRefusedError)
  })

  it('fails with CallError.PROXY and ProxyUnreachableError when no proxy listens, or none can be routed to', async () => {
    // Nothing on the port; then an address the host has no route to (connect() fails at once).
    for (const [host, tcp] of [[net!.proxyAddress, false], [net!.proxyAddress, true], [net!.relayAddress, false], [net!.relayAddress, true]] as const) {
      const call = pair({ proxy: proxy({ host }), tcp })
      const errors = collectProxyErrors(call)
      connectBoth(call)
      await waitForBoth(call, CallState.FAILED, 2000)
      expect(call.callee.controller.getLastError()).toBe(CallError.PROXY)
      expect(errors[0]).toBeInstanceOf(ProxyUnreachableError)
    }
  })

  it('reconnects when the proxy dies mid-call and comes back', async () => {
    const dante = await startDante()
    const call = pair({ proxy: proxy() })
    const errors = collectProxyErrors(call)
    connectBoth(call)
    await waitForBoth(call, CallState.ESTABLISHED, 5000)
    await sleep(1000)
    await dante.stop()
    // The association's control connection is gone: like a dead relay.
    await waitForBoth(call, CallState.RECONNECTING, 4000)
    expect(errors.some((error) => error instanceof ProxyUnreachableError)).toBe(true)
    await startDante()
    await waitForBoth(call, CallState.ESTABLISHED, 5000)
    await sleep(2000)
    expectTonesBothWays(call, 40)
  })

  it('fails with CallError.PROXY when the proxy dies mid-call for good', async () => {
    const dante = await startDante()
    const call = pair({ proxy: proxy(), recvTimeout: 3 })
    connectBoth(call)
    await waitForBoth(call, CallState.ESTABLISHED, 5000)
    await dante.stop()
    await waitForBoth(call, CallState.FAILED, 6000)
    expect(call.caller.controller.getLastError()).toBe(CallError.PROXY)
    expect(call.caller.controller.getLastProxyError()).toBeInstanceOf(ProxyUnreachableError)
  })
})
