import { beforeAll, describe, expect, it } from 'vitest'
import { CallState, VoIPController } from '../../src/index.js'
import type { LocalRelay } from '../../src/testing/index.js'
import { audibleShare, concat, dominantFrequency } from '../helpers/audio.js'
import { connectBoth, createCallPair, sleep, waitForBoth } from './helpers/call-pair.js'
import { expectFdsBackTo, openFds } from './helpers/fds.js'
import { useRelay } from './helpers/relay-fixture.js'

const TCP_ID_MASK = 0x54435000n << 32n

async function checkCall(relay: LocalRelay, tcp: boolean, establishWithinMs: number): Promise<void> {
  await sleep(50)
  const baseline = openFds()
  // Not fixture.pair(): the descriptors are counted after this call is destroyed.
  const pair = createCallPair([{ relay, id: 55n }], { callerTone: 440, calleeTone: 880, initTimeout: 6, recvTimeout: 4, tcp })
  const { caller, callee } = pair
  try {
    connectBoth(pair)
    await waitForBoth(pair, CallState.ESTABLISHED, establishWithinMs)
    await sleep(2500)
    for (const [end, tone] of [
      [callee, 440],
      [caller, 880],
    ] as const) {
      expect(end.controller.getStats().currentEndpointId).toBe(55n ^ TCP_ID_MASK)
      const last = end.received.slice(-50)
      expect(audibleShare(last)).toBeGreaterThan(0.9)
      expect(Math.abs(dominantFrequency(concat(last)) - tone)).toBeLessThanOrEqual(2)
    }
    // phone.discardCall still gets the relay id Telegram handed out.
    expect(caller.controller.getPreferredRelayId()).toBe(55n)
  } finally {
    pair.close()
  }
  // UDP sockets and TCP links (and the relay's accepted connections) are all closed.
  await expectFdsBackTo(baseline)
}

describe('TCP relay transport (§10.5, §10.6)', () => {
  const fixture = useRelay()

  // The engine thread's own descriptors appear on first use: not a leak.
  beforeAll(() => new VoIPController().destroy())

  it('falls back to obfuscated TCP when the relay never answers over UDP', async () => {
    const relay = await fixture.relay()
    relay.setUdpEnabled(false)
    await checkCall(relay, false, 5000)
  })

  it('uses TCP from the start when asked to (setRemoteEndpoints tcp = true)', async () => {
    const relay = await fixture.relay()
    relay.setUdpEnabled(false)
    await checkCall(relay, true, 1500)
  })
})
