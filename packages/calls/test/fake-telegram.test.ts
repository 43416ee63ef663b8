import { createHash, randomBytes } from 'node:crypto'

import { afterEach, describe, expect, it } from 'vitest'

import type { tl } from '@mtcute/core'
import { Long } from '@mtcute/core'
import type { TelegramClient } from '@mtcute/core/client.js'

import { b2i, DEFAULT_PROTOCOL, i2b, TELEGRAM_DH_PRIME } from '../src/index.js'
import { FakeTelegram } from '../src/testing/index.js'

let fake: FakeTelegram | undefined
afterEach(async () => {
  await fake?.destroy()
  fake = undefined
})

const protocol: tl.RawPhoneCallProtocol = { _: 'phoneCallProtocol', udpP2p: true, udpReflector: true, ...DEFAULT_PROTOCOL, libraryVersions: ['2.4.4'] }

function collect(client: TelegramClient): tl.TypePhoneCall[] {
  const seen: tl.TypePhoneCall[] = []
  client.onRawUpdate.add((info) => {
    if (info.update._ === 'updatePhoneCall') seen.push(info.update.phoneCall)
  })
  return seen
}

async function rpcError(promise: Promise<unknown>): Promise<string> {
  const err = (await promise.then(
    () => null,
    (e: unknown) => e,
  )) as tl.RpcError | null
  return err?.text ?? 'no error'
}

/** Alice requests a raw call to Bob; returns the input call and Bob's inbox. */
async function rawCall() {
  fake = new FakeTelegram()
  const alice = await fake.createClient({ username: 'alice' })
  const bob = await fake.createClient({ username: 'bob' })
  const aliceInbox = collect(alice)
  const bobInbox = collect(bob)
  const bobUser = await alice.resolveUser('bob')
  const gA = i2b(b2i(randomBytes(255)))
  const res = await alice.call({ _: 'phone.requestCall', userId: bobUser, randomId: 1, gAHash: new Uint8Array(createHash('sha256').update(gA).digest()), protocol })
  const pc = res.phoneCall as tl.RawPhoneCallWaiting
  const peer: tl.RawInputPhoneCall = { _: 'inputPhoneCall', id: pc.id, accessHash: pc.accessHash }
  await Promise.resolve()
  return { alice, bob, aliceInbox, bobInbox, peer, gA, waiting: pc }
}

describe('FakeTelegram server rules', () => {
  it('serves messages.getDhConfig with version caching', async () => {
    fake = new FakeTelegram()
    const client = await fake.createClient()
    const first = await client.call({ _: 'messages.getDhConfig', version: 0, randomLength: 256 })
    expect(first._).toBe('messages.dhConfig')
    if (first._ !== 'messages.dhConfig') return
    expect(b2i(first.p)).toBe(TELEGRAM_DH_PRIME)
    expect(first.g).toBe(3)
    expect(first.random).toHaveLength(256)
    const again = await client.call({ _: 'messages.getDhConfig', version: first.version, randomLength: 256 })
    expect(again._).toBe('messages.dhConfigNotModified')
    fake.setDhConfig({ g: 4, p: TELEGRAM_DH_PRIME })
    const changed = await client.call({ _: 'messages.getDhConfig', version: first.version, randomLength: 256 })
    expect(changed).toMatchObject({ _: 'messages.dhConfig', g: 4, version: first.version + 1 })
  })

  it('delivers the request to the callee and receiveDate to the caller', async () => {
    const { bob, aliceInbox, bobInbox, peer, waiting } = await rawCall()
    expect(waiting.receiveDate).toBeUndefined()
    expect(bobInbox.map((pc) => pc._)).toEqual(['phoneCallRequested'])
    await bob.call({ _: 'phone.receivedCall', peer })
    await Promise.resolve()
    expect(aliceInbox).toHaveLength(1)
    expect(aliceInbox[0]).toMatchObject({ _: 'phoneCallWaiting', receiveDate: expect.any(Number) })
  })

  it('enforces who may accept, confirm and discard, and reports CALL_ALREADY_*', async () => {
    const { alice, bob, peer, gA } = await rawCall()
    const gB = i2b(b2i(randomBytes(255)))
    expect(await rpcError(alice.call({ _: 'phone.acceptCall', peer, gB, protocol }))).toBe('CALL_PEER_INVALID')
    expect(await rpcError(alice.call({ _: 'phone.confirmCall', peer, gA, keyFingerprint: Long.ZERO, protocol }))).toBe('CALL_PEER_INVALID')
    await bob.call({ _: 'phone.acceptCall', peer, gB, protocol })
    expect(await rpcError(bob.call({ _: 'phone.acceptCall', peer, gB, protocol }))).toBe('CALL_ALREADY_ACCEPTED')
    const confirmed = await alice.call({ _: 'phone.confirmCall', peer, gA, keyFingerprint: Long.fromNumber(42), protocol })
    expect(confirmed.phoneCall).toMatchObject({ _: 'phoneCall', keyFingerprint: Long.fromNumber(42) })
    const reason = { _: 'phoneCallDiscardReasonHangup' } as const
    await bob.call({ _: 'phone.discardCall', peer, duration: 3, reason, connectionId: Long.fromNumber(1) })
    expect(await rpcError(alice.call({ _: 'phone.discardCall', peer, duration: 3, reason, connectionId: Long.ZERO }))).toBe('CALL_ALREADY_DECLINED')
    expect(await rpcError(bob.call({ _: 'phone.receivedCall', peer }))).toBe('CALL_ALREADY_DISCARDED')
    expect(await rpcError(bob.call({ _: 'phone.acceptCall', peer, gB, protocol }))).toBe('CALL_ALREADY_DISCARDED')
    const wrongHash = { ...peer, accessHash: peer.accessHash.add(1) }
    expect(await rpcError(bob.call({ _: 'phone.receivedCall', peer: wrongHash }))).toBe('CALL_PEER_INVALID')
  })

  it('answers unknown methods with an RPC error instead of hanging', async () => {
    fake = new FakeTelegram()
    const client = await fake.createClient()
    expect(await rpcError(client.call({ _: 'help.getNearestDc' }))).toBe('FAKE_TELEGRAM_UNSUPPORTED_METHOD')
  })

  it('resolves users by id and username, and refuses unknown ones', async () => {
    fake = new FakeTelegram()
    const alice = await fake.createClient({ firstName: 'Alice', username: 'alice' })
    const bob = fake.addUser({ firstName: 'Bob', username: 'Bob_B' })
    expect((await alice.getMe()).firstName).toBe('Alice')
    expect((await alice.getUsers([bob.id]))[0]?.firstName).toBe('Bob')
    expect((await alice.resolveUser('bob_b'))).toMatchObject({ userId: bob.id })
    await expect(alice.resolveUser('nobody')).rejects.toThrow()
  })
})
