import { createHash, generatePrimeSync, randomBytes } from 'node:crypto'

import { afterEach, describe, expect, it } from 'vitest'

import type { tl } from '@mtcute/core'
import { Long } from '@mtcute/core'

import type { Call } from '../src/index.js'
import { b2i, CallEndReason, CallFailedError, CallSecurityError, PhoneCallState, i2b, TELEGRAM_DH_PRIME } from '../src/index.js'
import type { FakeTelegramOptions } from '../src/testing/index.js'
import { nonSafePrime } from './support/primes.js'
import { establish, twoParties } from './support/setup.js'
import type { TwoParties } from './support/setup.js'

let env: TwoParties | undefined
afterEach(async () => {
  await env?.cleanup()
  env = undefined
})

const p = TELEGRAM_DH_PRIME
const sha256 = (data: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(data).digest())

/** Expects the call to end with a discard of reason Disconnect sent by `userId`, and no media started there. */
function expectDisconnectDiscard(e: TwoParties, userId: number): void {
  const discards = e.fake.requestsOf('phone.discardCall')
  expect(discards).toHaveLength(1)
  expect(discards[0]!.userId).toBe(userId)
  expect(discards[0]!.request).toMatchObject({ reason: { _: 'phoneCallDiscardReasonDisconnect' } })
}

describe('bad DH configs', () => {
  it.each<[string, () => FakeTelegramOptions['dhConfig']]>([
    ['a prime that is not safe', () => ({ g: 3, p: nonSafePrime() })],
    ['a 1024-bit prime', () => ({ g: 4, p: generatePrimeSync(1024, { bigint: true }) })],
    ['a 257-byte prime', () => ({ g: 3, p: i2b(p, 257) })],
    ['g = 2 for a prime where 2 is a bad generator', () => ({ g: 2, p })],
    ['g = 9', () => ({ g: 9, p })],
  ])('caller: %s rejects with CallSecurityError before anything is requested', async (_name, dhConfig) => {
    env = await twoParties({ dhConfig: dhConfig() })
    await expect(env.alice.calls.call('bob')).rejects.toBeInstanceOf(CallSecurityError)
    expect(env.fake.requestsOf('phone.requestCall')).toHaveLength(0)
    expect(env.alice.calls.activeCalls).toHaveLength(0)
  })

  it('callee: a bad config seen on accept discards the call (Disconnect) with CallSecurityError', async () => {
    env = await twoParties()
    const incoming = env.nextIncoming()
    const outgoing = env.alice.calls.call('bob')
    const outcome = outgoing.then(
      () => null,
      (err: unknown) => err,
    )
    const callee = await incoming
    env.fake.setDhConfig({ g: 3, p: nonSafePrime() })
    await expect(callee.accept()).rejects.toBeInstanceOf(CallSecurityError)
    expect(callee.state).toBe(PhoneCallState.Failed)
    expect(callee.endReason).toBe(CallEndReason.Failed)
    expectDisconnectDiscard(env, 1001)
    expect(await outcome).toBeInstanceOf(CallFailedError)
    expect(env.fake.requestsOf('phone.acceptCall')).toHaveLength(0)
  })

  it('re-fetches the config when its version changes and keeps using it otherwise', async () => {
    env = await twoParties({}, { noEngine: true })
    for (let i = 0; i < 2; i++) {
      const { caller } = await establish(env)
      await caller.hangup()
    }
    const versions = env.fake.requestsOf('messages.getDhConfig').map((r) => [r.userId, (r.request as tl.messages.RawGetDhConfigRequest).version])
    expect(versions).toEqual([
      [1000, 0],
      [1001, 0],
      [1000, 1],
      [1001, 1],
    ])
  })
})

/** Replaces a field of one kind of update on its way to the caller (1000) or callee (1001). */
function tamper(kind: tl.TypePhoneCall['_'], to: number, patch: (pc: any) => object): FakeTelegramOptions['tamperUpdate'] {
  return (pc, recipient) => (pc._ === kind && recipient.userId === to ? ({ ...pc, ...patch(pc) } as tl.TypePhoneCall) : pc)
}

describe('bad g_b (checked by the caller)', () => {
  const margin = 1n << 1984n
  it.each([
    ['1', 1n],
    ['p - 1', p - 1n],
    ['below 2^1984', margin - 1n],
    ['above p - 2^1984', p - margin + 1n],
  ])('g_b = %s: caller discards (Disconnect) and rejects with CallSecurityError', async (_name, gB) => {
    env = await twoParties({ tamperUpdate: tamper('phoneCallAccepted', 1000, () => ({ gB: i2b(gB) })) })
    const incoming = env.nextIncoming()
    const outgoing = env.alice.calls.call('bob')
    const callee = await incoming
    const accepted = callee.accept().catch((err: unknown) => err)
    await expect(outgoing).rejects.toBeInstanceOf(CallSecurityError)
    expectDisconnectDiscard(env, 1000)
    expect(env.fake.requestsOf('phone.confirmCall')).toHaveLength(0)
    expect(env.aliceEngine.sessions).toHaveLength(0)
    expect(await accepted).toBeInstanceOf(CallFailedError)
    expect(await callee.ended).toBe(CallEndReason.Failed)
  })
})

describe('bad g_a or fingerprint (checked by the callee)', () => {
  async function expectCalleeRejects(options: FakeTelegramOptions, message: RegExp): Promise<void> {
    env = await twoParties(options)
    const incoming = env.nextIncoming()
    const outgoing = env.alice.calls.call('bob')
    const outcome = outgoing.then(
      (call: Call) => call.ended,
      (err: unknown) => err,
    )
    const callee = await incoming
    const err = await callee.accept().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(CallSecurityError)
    expect((err as Error).message).toMatch(message)
    expect(callee.error).toBe(err)
    expect(callee.emojis).toEqual([])
    expect(env.bobEngine.sessions).toHaveLength(0)
    expectDisconnectDiscard(env, 1001)
    // The caller may have been established already (its key was fine); either way it ends.
    const callerOutcome = await outcome
    if (callerOutcome instanceof Error) expect(callerOutcome).toBeInstanceOf(CallFailedError)
    else expect(callerOutcome).toBe(CallEndReason.Failed)
  }

  it('g_a that does not match the committed hash', async () => {
    const otherGa = i2b(b2i(randomBytes(256)) % (p / 2n) + (1n << 2000n))
    await expectCalleeRejects({ tamperUpdate: tamper('phoneCall', 1001, () => ({ gAOrB: otherGa })) }, /hash/)
  })

  it('g_a hash in the request that does not match g_a', async () => {
    await expectCalleeRejects({ tamperUpdate: tamper('phoneCallRequested', 1001, () => ({ gAHash: new Uint8Array(randomBytes(32)) })) }, /hash/)
  })

  it('g_a out of range even though its hash matches', async () => {
    const badGa = i2b(1n)
    await expectCalleeRejects(
      {
        tamperUpdate: (pc, to) => {
          if (to.userId !== 1001) return pc
          if (pc._ === 'phoneCallRequested') return { ...pc, gAHash: sha256(badGa) }
          if (pc._ === 'phoneCall') return { ...pc, gAOrB: badGa }
          return pc
        },
      },
      /outside/,
    )
  })

  it('a key fingerprint that does not match the key', async () => {
    await expectCalleeRejects(
      { tamperUpdate: tamper('phoneCall', 1001, (pc) => ({ keyFingerprint: (pc.keyFingerprint as Long).add(1) })) },
      /fingerprint/i,
    )
  })
})
