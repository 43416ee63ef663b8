import { describe, expect, it } from 'vitest'

import type { ITelegramClient } from '@mtcute/core'

import { CallSecurityError, i2b, TELEGRAM_DH_PRIME } from '../src/index.js'
import { DhConfigCache } from '../src/signaling/dh-config-cache.js'

function scriptedClient(answers: unknown[]): { client: ITelegramClient; versions: number[] } {
  const versions: number[] = []
  const client = {
    call: async (req: { version: number }) => {
      versions.push(req.version)
      return answers.shift()
    },
  } as unknown as ITelegramClient
  return { client, versions }
}

const random = (byte: number): Uint8Array => new Uint8Array(256).fill(byte)
const good = (version: number) => ({ _: 'messages.dhConfig', g: 3, p: i2b(TELEGRAM_DH_PRIME), version, random: random(1) })

describe('DhConfigCache', () => {
  it('sends the held version and reuses the config on dhConfigNotModified, with fresh randomness', async () => {
    const { client, versions } = scriptedClient([good(5), { _: 'messages.dhConfigNotModified', random: random(2) }])
    const cache = new DhConfigCache(client)
    expect(await cache.get()).toEqual({ g: 3, p: TELEGRAM_DH_PRIME, random: random(1) })
    expect(await cache.get()).toEqual({ g: 3, p: TELEGRAM_DH_PRIME, random: random(2) })
    expect(versions).toEqual([0, 5])
  })

  it('asks again from scratch if the server claims a version we never stored', async () => {
    const { client, versions } = scriptedClient([{ _: 'messages.dhConfigNotModified', random: random(2) }, good(7)])
    expect((await new DhConfigCache(client).get()).g).toBe(3)
    expect(versions).toEqual([0, 0])
  })

  it('never stores a config that fails the checks', async () => {
    const { client, versions } = scriptedClient([{ ...good(3), g: 2 }, good(4)])
    const cache = new DhConfigCache(client)
    await expect(cache.get()).rejects.toBeInstanceOf(CallSecurityError)
    await cache.get()
    expect(versions).toEqual([0, 0])
  })
})
