import type { TelegramClient } from '@mtcute/core/client.js'

import type { Call, CallAudioSink, CallAudioSource } from '../../src/index.js'
import { callsPlugin } from '../../src/index.js'
import type { CallManagerOptions } from '../../src/manager/options.js'
import { FakeTelegram } from '../../src/testing/index.js'
import type { FakeTelegramOptions } from '../../src/testing/index.js'
import { FakeEngine } from './fake-engine.js'

export interface TwoParties {
  fake: FakeTelegram
  alice: TelegramClient
  bob: TelegramClient
  aliceEngine: FakeEngine
  bobEngine: FakeEngine
  /** Resolves with Bob's next incoming call. */
  nextIncoming(client?: TelegramClient): Promise<Call>
  cleanup(): Promise<void>
}

/** Alice and Bob on a fresh FakeTelegram, each with the calls plugin and a fake engine. */
export async function twoParties(
  fakeOptions: FakeTelegramOptions = {},
  managerOptions: Omit<CallManagerOptions, 'engine'> & { noEngine?: boolean } = {},
): Promise<TwoParties> {
  const fake = new FakeTelegram(fakeOptions)
  const alice = await fake.createClient({ firstName: 'Alice', username: 'alice' })
  const bob = await fake.createClient({ firstName: 'Bob', username: 'bob' })
  const aliceEngine = new FakeEngine()
  const bobEngine = new FakeEngine()
  const { noEngine, ...rest } = managerOptions
  alice.use(callsPlugin({ ...rest, engine: noEngine ? null : aliceEngine }))
  bob.use(callsPlugin({ ...rest, engine: noEngine ? null : bobEngine }))
  return {
    fake,
    alice,
    bob,
    aliceEngine,
    bobEngine,
    nextIncoming: (client = bob) => new Promise((resolve) => client.calls.once('incomingCall', resolve)),
    cleanup: async () => {
      await alice.calls.destroy()
      await bob.calls.destroy()
      await fake.destroy()
    },
  }
}

/** Alice calls Bob (sending `source`) and Bob answers (recording to `sink`): both calls, established. */
export async function establish(e: TwoParties, source?: CallAudioSource, sink?: CallAudioSink): Promise<{ caller: Call; callee: Call }> {
  const incoming = e.nextIncoming()
  const outgoing = e.alice.calls.call('bob', source)
  const callee = await incoming
  const [caller] = await Promise.all([outgoing, callee.accept({ sink })])
  return { caller, callee }
}
