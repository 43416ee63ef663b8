import { beforeAll, describe, expect, it } from 'vitest'
import { CallState, ControllerDestroyedError, VoIPController } from '../../src/index.js'
import { connectBoth, sleep, waitForState, type CallPair } from './helpers/call-pair.js'
import { expectFdsBackTo, openFds } from './helpers/fds.js'
import { useRelay } from './helpers/relay-fixture.js'
import type { LocalRelay } from '../../src/testing/index.js'

describe('destroy()', () => {
  const fixture = useRelay()

  // Loads the addon first. (An engine thread's own descriptors come and go with its calls.)
  beforeAll(() => {
    const warmUp = new VoIPController()
    warmUp.destroy()
  })

  async function inState(relay: LocalRelay, state: CallState): Promise<CallPair> {
    const pair = fixture.pair(relay, { callerTone: 440, calleeTone: 880, initTimeout: 1, recvTimeout: 3 })
    if (state === CallState.WAIT_INIT) return pair
    if (state === CallState.WAIT_INIT_ACK) {
      pair.caller.controller.connect()
      await waitForState(pair.caller.controller, CallState.WAIT_INIT_ACK, 1000)
      return pair
    }
    if (state === CallState.FAILED) {
      pair.caller.controller.connect()
      await waitForState(pair.caller.controller, CallState.FAILED, 3000)
      return pair
    }
    connectBoth(pair)
    await waitForState(pair.caller.controller, CallState.ESTABLISHED, 3000)
    if (state === CallState.RECONNECTING) {
      relay.setAnswering(false)
      await waitForState(pair.caller.controller, CallState.RECONNECTING, 4000)
    }
    return pair
  }

  for (const state of [
    CallState.WAIT_INIT,
    CallState.WAIT_INIT_ACK,
    CallState.ESTABLISHED,
    CallState.RECONNECTING,
    CallState.FAILED,
  ]) {
    it(`in ${CallState[state]} frees the socket and ends the streams`, async () => {
      const relay = await fixture.relay()
      await sleep(50)
      const baseline = openFds()
      const pair = await inState(relay, state)
      const { controller } = pair.caller
      expect(controller.state).toBe(state)
      const frames = controller.receivedFrames()
      const readable = controller.createAudioReadable()
      const ended = new Promise<void>((resolve) => readable.on('end', resolve).resume())
      controller.destroy()
      controller.destroy() // idempotent
      pair.callee.controller.destroy()
      expect(await frames.next()).toEqual({ value: undefined, done: true })
      await ended
      await expectFdsBackTo(baseline)
      expect(() => controller.connect()).toThrow(ControllerDestroyedError)
      expect(() => controller.setMicMute(true)).toThrow(ControllerDestroyedError)
      // Read-only accessors keep answering from the last snapshot.
      expect(typeof controller.getDebugLog()).toBe('string')
      expect(controller.getStats().packetsSent).toBeGreaterThanOrEqual(0)
    })
  }

  it('Symbol.dispose destroys (using-declarations)', async () => {
    const relay = await fixture.relay()
    const baseline = openFds()
    {
      const pair = fixture.pair(relay)
      pair.caller.controller.connect()
      await waitForState(pair.caller.controller, CallState.WAIT_INIT_ACK, 1000)
      pair.caller.controller[Symbol.dispose]()
      pair.callee.controller[Symbol.dispose]()
    }
    await expectFdsBackTo(baseline)
  })

  it('creating and destroying many controllers leaks no descriptors', async () => {
    const relay = await fixture.relay()
    await sleep(50)
    const baseline = openFds()
    for (let i = 0; i < 50; i++) {
      const pair = fixture.pair(relay)
      connectBoth(pair)
      pair.close()
    }
    await expectFdsBackTo(baseline)
    expect(VoIPController.CONNECTION_MAX_LAYER).toBe(92)
  })
})
