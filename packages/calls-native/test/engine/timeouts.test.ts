import { describe, expect, it } from 'vitest'
import { CallError, CallState } from '../../src/index.js'
import { connectBoth, waitForBoth, waitForState } from './helpers/call-pair.js'
import { useRelay } from './helpers/relay-fixture.js'

describe('timeouts', () => {
  const fixture = useRelay()

  it('fails with TIMEOUT after initTimeout when the keys differ', async () => {
    const relay = await fixture.relay()
    const pair = fixture.pair(relay, { wrongKey: true, initTimeout: 1.5, callerTone: 440 })
    const seen: CallState[] = []
    pair.caller.controller.callStateChangedHandlers.push((state) => seen.push(state))
    const started = Date.now()
    connectBoth(pair)
    await waitForBoth(pair, CallState.FAILED, 4000)
    const elapsed = (Date.now() - started) / 1000
    expect(elapsed).toBeGreaterThanOrEqual(1.4)
    expect(elapsed).toBeLessThan(2.5)
    expect(seen).toEqual([CallState.WAIT_INIT_ACK, CallState.FAILED])
    for (const side of [pair.caller, pair.callee]) {
      expect(side.controller.getLastError()).toBe(CallError.TIMEOUT)
      const stats = side.controller.getStats()
      expect(stats.packetsDropped).toBeGreaterThan(0) // the peer's packets arrived but did not authenticate
      expect(side.received.some((frame) => frame.some((s) => s !== 0))).toBe(false)
    }
  })

  it('goes RECONNECTING then FAILED within recvTimeout when the peer vanishes', async () => {
    const relay = await fixture.relay()
    const pair = fixture.pair(relay, { recvTimeout: 3.5, callerTone: 440, calleeTone: 880 })
    connectBoth(pair)
    await waitForState(pair.caller.controller, CallState.ESTABLISHED, 3000)
    const transitions: Array<[CallState, number]> = []
    pair.caller.controller.on('stateChange', (_old, next) => transitions.push([next, Date.now()]))
    const vanishedAt = Date.now()
    pair.callee.controller.destroy()
    await waitForState(pair.caller.controller, CallState.FAILED, 6000)
    expect(transitions.map(([state]) => state)).toEqual([CallState.RECONNECTING, CallState.FAILED])
    const [[, reconnectingAt], [, failedAt]] = transitions as [[CallState, number], [CallState, number]]
    expect((reconnectingAt - vanishedAt) / 1000).toBeGreaterThan(1.5)
    expect((reconnectingAt - vanishedAt) / 1000).toBeLessThan(2.8)
    expect((failedAt - vanishedAt) / 1000).toBeLessThanOrEqual(3.5 + 0.3)
    expect(pair.caller.controller.getLastError()).toBe(CallError.TIMEOUT)
  })

  it('recovers from RECONNECTING when the relay comes back', async () => {
    const relay = await fixture.relay()
    const pair = fixture.pair(relay, { recvTimeout: 10, callerTone: 440, calleeTone: 880 })
    connectBoth(pair)
    await waitForState(pair.caller.controller, CallState.ESTABLISHED, 3000)
    relay.setAnswering(false)
    await waitForState(pair.caller.controller, CallState.RECONNECTING, 4000)
    relay.setAnswering(true)
    await waitForState(pair.caller.controller, CallState.ESTABLISHED, 2000)
  })
})
